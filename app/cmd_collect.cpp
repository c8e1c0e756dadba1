// mixrun collect: merge a study's shard stores (or the ones named) into the main store, all or
// nothing, and say which runs no shard has finished.
#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cluster/collect.h"
#include "cluster/study.h"
#include "commands.h"
#include "common/text_table.h"
#include "config/config.h"

namespace mixrun {

Status RunCollect(const GlobalOptions& global, const CollectOptions& options) {
  const auto began = std::chrono::steady_clock::now();
  std::string experiment_name;
  std::string store_path = ChooseStorePath(global, "");
  std::vector<std::string> shards = options.shard_stores;
  std::map<std::string, int> task_of;  // run key -> task, when the study's state is known
  if (!options.config.empty()) {
    auto experiment = LoadExperiment(options.config);
    if (!experiment.ok()) return experiment.status();
    experiment_name = experiment->name;
    const StudyPaths paths = StudyPathsFor(*experiment);
    auto state = ReadStudyState(paths.state);
    if (!state.ok()) return state.status();
    // The store the runs were submitted from, unless --store says otherwise.
    store_path = ChooseStorePath(global, *state ? (*state)->store : experiment->store);
    if (*state) {
      for (size_t task = 0; task < (*state)->shard_run_keys.size(); ++task) {
        for (const auto& key : (*state)->shard_run_keys[task]) task_of[key] = int(task);
      }
    }
    if (shards.empty()) shards = ListShardStores(paths.shards);
    if (shards.empty()) {
      return Status::NotFound(paths.shards +
                              ": no shard stores (submit the study with 'mixrun "
                              "submit --slurm' and let its tasks start)");
    }
  } else if (shards.empty()) {
    return Status::InvalidInput(
        "collect: name the study's config, or shard stores with --shard-store");
  }

  auto store = Store::Open(store_path);
  if (!store.ok()) return store.status();
  auto report = CollectShards(**store, shards, experiment_name);
  if (!report.ok()) return report.status();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();

  if (global.json) {
    nlohmann::json merged = nlohmann::json::array();
    for (const auto& shard : report->merged) {
      merged.push_back({{"path", shard.path},
                        {"runs", shard.runs},
                        {"done", shard.done},
                        {"failed", shard.failed},
                        {"running", shard.running},
                        {"pending", shard.pending},
                        {"added", shard.added},
                        {"updated", shard.updated},
                        {"unchanged", shard.unchanged},
                        {"metric_rows", shard.metric_rows}});
    }
    // A bad shard fails the whole collect before anything is printed; the key stays for scripts.
    nlohmann::json errors = nlohmann::json::array();
    nlohmann::json unfinished = nlohmann::json::array();
    for (const auto& run : report->unfinished) {
      auto task = task_of.find(run.spec.run_key);
      unfinished.push_back(
          {{"run_id", run.id},
           {"run_key", run.spec.run_key},
           {"label", run.spec.label},
           {"status", RunStatusName(run.spec.status)},
           {"task", task == task_of.end() ? nlohmann::json() : nlohmann::json(task->second)}});
    }
    std::cout << nlohmann::json{{"store", store_path},
                                {"shards", merged},
                                {"errors", errors},
                                {"unfinished", unfinished},
                                {"seconds", seconds}}
                     .dump(2)
              << '\n';
  } else {
    TextTable table(
        {"shard", "runs", "done", "failed", "running", "pending", "added", "updated", "unchanged"});
    for (const auto& s : report->merged) {
      table.AddRow({s.path, std::to_string(s.runs), std::to_string(s.done),
                    std::to_string(s.failed), std::to_string(s.running), std::to_string(s.pending),
                    std::to_string(s.added), std::to_string(s.updated),
                    std::to_string(s.unchanged)});
    }
    table.Print(std::cout);
    if (report->unfinished.empty()) {
      std::cout << "every run is done in " << store_path << '\n';
    } else {
      std::cout << report->unfinished.size() << " runs no shard has finished:\n";
      TextTable runs({"run", "label", "status", "task", "run_key"});
      for (const auto& run : report->unfinished) {
        auto task = task_of.find(run.spec.run_key);
        runs.AddRow({std::to_string(run.id), run.spec.label,
                     std::string(RunStatusName(run.spec.status)),
                     task == task_of.end() ? "-" : std::to_string(task->second),
                     run.spec.run_key.substr(0, 16)});
      }
      runs.Print(std::cout);
    }
    spdlog::info("collected {} of {} shard stores into {} in {:.2f} s", report->merged.size(),
                 shards.size(), store_path, seconds);
  }
  return Status::Ok();
}

}  // namespace mixrun
