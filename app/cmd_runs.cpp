// mixrun runs: list the runs of a store.
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/text_table.h"

namespace mixrun {

namespace {

// A failure's reason fits a table row: its first line, shortened (--json has it whole).
std::string FirstLine(const std::string& text, size_t limit) {
  std::string line = text.substr(0, text.find('\n'));
  return line.size() <= limit ? line : line.substr(0, limit) + "…";
}

}  // namespace

Status RunRuns(const GlobalOptions& global, const RunFilter& filter) {
  auto store = Store::Open(ChooseStorePath(global, ""), Store::Mode::kReadOnly);
  if (!store.ok()) return store.status();
  if (filter.experiment) {
    auto id = (*store)->ExperimentId(*filter.experiment);
    if (!id.ok()) return id.status();
  }
  if (global.json) {
    ExportOptions json_export;
    json_export.filter = filter;
    json_export.format = "json";
    return ExportRuns(**store, json_export, std::cout);
  }
  auto runs = (*store)->ListRuns(filter);
  if (!runs.ok()) return runs.status();
  TextTable table(
      {"id", "experiment", "label", "status", "source", "N", "D", "seed", "mixture", "error"});
  for (const RunRow& run : *runs) {
    // The heaviest domains first, as that is what a reader scans for.
    std::vector<std::pair<double, std::string>> weights;
    for (const auto& [domain, weight] : run.spec.weights) weights.emplace_back(weight, domain);
    std::sort(weights.rbegin(), weights.rend());
    std::string mixture;
    for (size_t i = 0; i < weights.size() && i < 3; ++i) {
      mixture += (i ? " " : "") + weights[i].second + ":" + FormatSignificant(weights[i].first, 2);
    }
    if (weights.size() > 3) mixture += " …";
    table.AddRow({std::to_string(run.id), run.experiment, run.spec.label,
                  std::string(RunStatusName(run.spec.status)), run.spec.source,
                  HumanCount(run.spec.n_params), HumanCount(run.spec.n_tokens),
                  run.spec.seed ? std::to_string(*run.spec.seed) : "-", mixture,
                  FirstLine(run.error, 160)});
  }
  table.Print(std::cout);
  std::cout << table.size() << " runs\n";
  return Status::Ok();
}

}  // namespace mixrun
