#include "optimize/loaded_fit.h"

namespace mixrun {

std::string LoadedFit::Describe() const {
  std::string text = law;
  if (options.is_object() && options.contains("model")) {
    // append, not operator+: GCC 12 warns (-Wrestrict) on a temporary's concatenation.
    text.append(" ").append(options.value("model", ""));
  }
  return text;
}

bool LoadedFit::Smooth() const {
  return !(options.is_object() && options.value("model", "") == "gbdt");
}

std::optional<double> LoadedFit::ObservedTarget(const RunPoint& run) const {
  const std::string metric = options.is_object() ? options.value("metric", "") : "";
  if (!metric.empty()) {
    auto found = run.metrics.find(metric);
    if (found == run.metrics.end()) return std::nullopt;
    return found->second;
  }
  if (!options.is_object() || !options.contains("target_weights")) return std::nullopt;
  double total = 0;
  for (const auto& [name, weight] : options["target_weights"].items()) {
    auto found = run.metrics.find(name);
    if (found == run.metrics.end()) return std::nullopt;
    total += weight.get<double>() * found->second;
  }
  return total;
}

}  // namespace mixrun
