#include "fit/estimator.h"

#include <cstring>

namespace mixrun {

std::vector<std::string> FitRows::Groups() const {
  std::vector<std::string> groups(size());
  const size_t bytes = static_cast<size_t>(num_features) * sizeof(double);
  for (size_t i = 0; i < size(); ++i) {
    groups[i].resize(bytes);
    if (bytes > 0) std::memcpy(groups[i].data(), row(i), bytes);
  }
  return groups;
}

std::vector<std::string> FitRows::ConstantFeatures() const {
  std::vector<std::string> constant;
  if (size() < 2) return constant;
  for (int k = 0; k < num_features; ++k) {
    bool varies = false;
    for (size_t i = 1; i < size() && !varies; ++i) varies = row(i)[k] != row(0)[k];
    if (varies) continue;
    constant.push_back(static_cast<size_t>(k) < feature_names.size()
                           ? feature_names[static_cast<size_t>(k)]
                           : "feature " + std::to_string(k + 1));
  }
  return constant;
}

}  // namespace mixrun
