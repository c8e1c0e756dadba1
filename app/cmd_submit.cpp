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

int RunSubmit(const GlobalOptions& global, const SubmitOptions& options) {
  if (!options.slurm) {
    spdlog::error("submit: say where to: --slurm (the only scheduler mixrun knows)");
    return 2;
  }
  auto experiment = LoadExperiment(options.config);
  if (!experiment.ok()) return ReportFailure(experiment.status());
  const std::string store_path =
      std::filesystem::absolute(ChooseStorePath(global, experiment->store)).string();
  auto corpora = LoadExperimentCorpora(*experiment);
  if (!corpora.ok()) return ReportFailure(corpora.status());
  const DomainTokens tokens = TokenCounts(*corpora);
  auto runs = ExpandRuns(*experiment, tokens);
  if (!runs.ok()) return ReportFailure(runs.status());

  SubmitRequest request;
  request.script.mixrun = SelfExecutablePath();
  request.script.array_size = options.array_size;
  request.script.parallel = options.parallel;
  request.script.partition = options.partition;
  request.script.time = options.time;
  request.script.cpus_per_task = options.cpus_per_task;
  request.script.mem = options.mem;
  request.script.sbatch_args = options.sbatch_args;
  request.store = store_path;
  request.dry_run = options.dry_run;
  for (const auto& run : *runs) request.run_keys.push_back(run.spec.run_key);

  // The main store knows the study's runs before any task starts (status and collect read it).
  auto register_runs = [&]() -> Status {
    MIXRUN_ASSIGN_OR_RETURN(auto store, Store::Open(store_path));
    return store->RegisterRuns(experiment->name, experiment->config_json, tokens, RunSpecs(*runs))
        .status();
  };
  auto result = SubmitStudy(*experiment, request, register_runs);
  if (!result.ok()) return ReportFailure(result.status());
  for (const auto& warning : result->warnings) spdlog::warn("{}", warning);
  const int run_count = static_cast<int>(runs->size());
  if (global.json) {
    nlohmann::json out = {{"experiment", experiment->name},      {"runs", run_count},
                          {"array_size", result->array_size},    {"dry_run", options.dry_run},
                          {"script_path", result->paths.script}, {"store", store_path},
                          {"shards", result->paths.shards},      {"logs", result->paths.logs}};
    if (options.dry_run) {
      out["script"] = result->script;
    } else {
      out["job_id"] = result->job_id;
    }
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  if (options.dry_run) {
    std::cout << result->script;
    spdlog::info("dry run: {} runs in {} tasks; nothing written or submitted", run_count,
                 result->array_size);
    return 0;
  }
  std::cout << "submitted job " << result->job_id << ": " << run_count << " runs of "
            << experiment->name << " in " << result->array_size << " tasks\n"
            << "script      " << result->paths.script << '\n'
            << "logs        " << result->paths.logs << '\n'
            << "shards      " << result->paths.shards << '\n'
            << "follow with mixrun status " << options.config << "; merge with mixrun collect "
            << options.config << '\n';
  return 0;
}

}  // namespace mixrun
