// mixrun experiments: what a store holds — each experiment with its runs by status and its fits —
// or, with --names-only, the names alone (what shell completion offers after --experiment).
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/text_table.h"

namespace mixrun {

Status RunExperiments(const GlobalOptions& global, const ExperimentsOptions& options) {
  MIXRUN_ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                          Store::Open(ChooseStorePath(global, ""), Store::Mode::kReadOnly));
  MIXRUN_ASSIGN_OR_RETURN(std::vector<ExperimentRow> experiments, store->ListExperiments());
  if (options.names_only) {
    for (const ExperimentRow& experiment : experiments) std::cout << experiment.name << '\n';
    return Status::Ok();
  }
  nlohmann::json rows = nlohmann::json::array();
  TextTable table(
      {"experiment", "runs", "done", "running", "pending", "failed", "fits", "created"});
  for (const ExperimentRow& experiment : experiments) {
    MIXRUN_ASSIGN_OR_RETURN(std::vector<RunRow> runs, store->ListRuns({experiment.name, {}}));
    MIXRUN_ASSIGN_OR_RETURN(std::vector<FitRow> fits, store->ListFits(experiment.id));
    std::map<RunStatus, int> counts;
    for (const RunRow& run : runs) ++counts[run.spec.status];
    const int done = counts[RunStatus::kDone], running = counts[RunStatus::kRunning];
    const int pending = counts[RunStatus::kPending], failed = counts[RunStatus::kFailed];
    rows.push_back({{"experiment", experiment.name},
                    {"runs", runs.size()},
                    {"done", done},
                    {"running", running},
                    {"pending", pending},
                    {"failed", failed},
                    {"fits", fits.size()},
                    {"created_at", experiment.created_at}});
    table.AddRow({experiment.name, std::to_string(runs.size()), std::to_string(done),
                  std::to_string(running), std::to_string(pending), std::to_string(failed),
                  std::to_string(fits.size()), experiment.created_at});
  }
  if (global.json) {
    std::cout << rows.dump(2) << '\n';
  } else {
    table.Print(std::cout);
  }
  return Status::Ok();
}

}  // namespace mixrun
