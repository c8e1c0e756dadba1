// mixrun submit: register the experiment's runs, then submit them to Slurm as a job array whose
// task k trains shard k into its own store (lib/cluster does the work).
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cluster/submit.h"
#include "commands.h"
#include "config/config.h"
#include "data/corpus.h"
#include "design/run_plan.h"
#include "store/store.h"

namespace mixrun {

Status RunSubmit(const GlobalOptions& global, const SubmitOptions& options) {
  if (!options.slurm) {
    return Status::InvalidInput("submit: say where to: --slurm (the only scheduler mixrun knows)");
  }
  auto experiment = LoadExperiment(options.config);
  if (!experiment.ok()) return experiment.status();
  const std::string store_path =
      std::filesystem::absolute(ChooseStorePath(global, experiment->store)).string();
  auto corpora = LoadExperimentCorpora(*experiment);
  if (!corpora.ok()) return corpora.status();
  const DomainTokens tokens = TokenCounts(*corpora);
  auto runs = ExpandRuns(*experiment, tokens);
  if (!runs.ok()) return runs.status();

  SubmitRequest request = options.request;
  request.script.mixrun = SelfExecutablePath();
  request.store = store_path;
  for (const auto& run : *runs) request.run_keys.push_back(run.spec.run_key);

  // The main store knows the study's runs before any task starts (status and collect read it).
  auto register_runs = [&]() -> Status {
    MIXRUN_ASSIGN_OR_RETURN(auto store, Store::Open(store_path));
    return store->RegisterRuns(experiment->name, experiment->config_json, tokens, RunSpecs(*runs))
        .status();
  };
  auto result = SubmitStudy(*experiment, request, register_runs);
  if (!result.ok()) return result.status();
  for (const auto& warning : result->warnings) spdlog::warn("{}", warning);
  const int run_count = static_cast<int>(runs->size());
  if (global.json) {
    nlohmann::json out = {{"experiment", experiment->name},      {"runs", run_count},
                          {"array_size", result->array_size},    {"dry_run", request.dry_run},
                          {"script_path", result->paths.script}, {"store", store_path},
                          {"shards", result->paths.shards},      {"logs", result->paths.logs}};
    if (request.dry_run) {
      out["script"] = result->script;
    } else {
      out["job_id"] = result->job_id;
    }
    std::cout << out.dump(2) << '\n';
    return Status::Ok();
  }
  if (request.dry_run) {
    std::cout << result->script;
    spdlog::info("dry run: {} runs in {} tasks; nothing written or submitted", run_count,
                 result->array_size);
    return Status::Ok();
  }
  std::cout << "submitted job " << result->job_id << ": " << run_count << " runs of "
            << experiment->name << " in " << result->array_size << " tasks\n"
            << "script      " << result->paths.script << '\n'
            << "logs        " << result->paths.logs << '\n'
            << "shards      " << result->paths.shards << '\n'
            << "follow with mixrun status " << options.config << "; merge with mixrun collect "
            << options.config << '\n';
  return Status::Ok();
}

}  // namespace mixrun
