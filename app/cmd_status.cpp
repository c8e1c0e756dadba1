// mixrun status: a submitted study's Slurm tasks (squeue, else sacct) next to its runs' states in
// the main store and the shard stores.
#include <spdlog/spdlog.h>

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cluster/slurm_client.h"
#include "cluster/study.h"
#include "cluster/study_progress.h"
#include "commands.h"
#include "common/text_table.h"
#include "config/config.h"

namespace mixrun {
namespace {

// Counts are keyed by RunStatusName (ReadStudyProgress).
int Count(const std::map<std::string, int>& counts, RunStatus status) {
  auto found = counts.find(std::string(RunStatusName(status)));
  return found == counts.end() ? 0 : found->second;
}

std::string DescribeCounts(const std::map<std::string, int>& counts) {
  std::string text;
  for (RunStatus status :
       {RunStatus::kDone, RunStatus::kRunning, RunStatus::kFailed, RunStatus::kPending}) {
    if (Count(counts, status) == 0) continue;
    text += (text.empty() ? "" : ", ") + std::to_string(Count(counts, status)) + " " +
            std::string(RunStatusName(status));
  }
  return text.empty() ? "none" : text;
}

}  // namespace

Status RunStudyStatus(const GlobalOptions& global, const StatusOptions& options) {
  auto experiment = LoadExperiment(options.config);
  if (!experiment.ok()) return experiment.status();
  const StudyPaths paths = StudyPathsFor(*experiment);
  auto state = ReadStudyState(paths.state);
  if (!state.ok()) return state.status();
  if (!*state) {
    return Status::NotFound(experiment->name + ": never submitted (no " + paths.state +
                            "); submit with 'mixrun submit " + options.config + " --slurm'");
  }
  const StudyState& study = **state;
  auto store = Store::Open(ChooseStorePath(global, study.store), Store::Mode::kReadOnly);
  if (!store.ok()) return store.status();
  auto progress = ReadStudyProgress(study, paths, **store);
  if (!progress.ok()) return progress.status();

  const std::string job = study.jobs.empty() ? "" : study.jobs.back().job_id;
  JobTasks tasks = job.empty() ? JobTasks{} : QueryJobTasks(job);
  std::map<int, const TaskState*> task_state;
  for (const auto& task : tasks.tasks) task_state[task.task] = &task;

  if (global.json) {
    nlohmann::json jobs = nlohmann::json::array();
    for (const auto& j : study.jobs) {
      jobs.push_back({{"job_id", j.job_id}, {"submitted_at", j.submitted_at}});
    }
    nlohmann::json shard_rows = nlohmann::json::array();
    for (const auto& shard : progress->shards) {
      auto found = task_state.find(shard.task);
      nlohmann::json row = {{"task", shard.task},
                            {"store", shard.path},
                            {"store_exists", shard.exists},
                            {"planned", shard.planned},
                            {"runs", shard.by_status}};
      row["slurm_state"] =
          found == task_state.end() ? nlohmann::json() : nlohmann::json(found->second->state);
      if (found != task_state.end()) {
        row["elapsed"] = found->second->elapsed;
        row["node"] = found->second->node;
      }
      if (!shard.error.empty()) row["error"] = shard.error;
      shard_rows.push_back(row);
    }
    std::cout << nlohmann::json{{"experiment", study.experiment},
                                {"store", study.store},
                                {"array_size", study.array_size},
                                {"jobs", jobs},
                                {"slurm_source", tasks.source},
                                {"slurm_note", tasks.note},
                                {"tasks", shard_rows},
                                {"planned", progress->planned},
                                {"main_store", progress->main_by_status},
                                {"newest", progress->newest_by_status}}
                     .dump(2)
              << '\n';
    return Status::Ok();
  }

  std::cout << "study       " << study.experiment << ": " << progress->planned << " runs in "
            << study.array_size << " tasks\n";
  if (!job.empty()) {
    std::cout << "job         " << job << " (submitted " << study.jobs.back().submitted_at;
    if (study.jobs.size() > 1) std::cout << "; " << study.jobs.size() - 1 << " earlier";
    std::cout << ")\n";
  }
  if (tasks.source.empty()) {
    std::cout << "slurm       states unknown: " << tasks.note << '\n';
  }
  TextTable table(
      {"task", "slurm", "elapsed", "node", "planned", "done", "running", "failed", "pending"});
  for (const auto& shard : progress->shards) {
    auto found = task_state.find(shard.task);
    const TaskState* slurm = found == task_state.end() ? nullptr : found->second;
    table.AddRow({std::to_string(shard.task), slurm ? slurm->state : "-",
                  slurm ? slurm->elapsed : "", slurm ? slurm->node : "",
                  std::to_string(shard.planned),
                  std::to_string(Count(shard.by_status, RunStatus::kDone)),
                  std::to_string(Count(shard.by_status, RunStatus::kRunning)),
                  std::to_string(Count(shard.by_status, RunStatus::kFailed)),
                  shard.error.empty() ? std::to_string(Count(shard.by_status, RunStatus::kPending))
                                      : "? " + shard.error});
  }
  table.Print(std::cout);
  std::cout << "main store  " << DescribeCounts(progress->main_by_status) << " (" << study.store
            << ")\n"
            << "shards      " << DescribeCounts(progress->newest_by_status)
            << " counting the newest state of each run anywhere\n";
  if (Count(progress->newest_by_status, RunStatus::kDone) >
      Count(progress->main_by_status, RunStatus::kDone)) {
    std::cout << "merge the finished runs with: mixrun collect " << options.config << '\n';
  }
  return Status::Ok();
}

}  // namespace mixrun
