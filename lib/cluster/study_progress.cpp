#include "cluster/study_progress.h"

#include <filesystem>

#include "store/run_state.h"

namespace mixrun {
namespace {

using RunStates = std::map<std::string, RunState>;  // by run key

// Counts a planned run under its status in `states` (pending when the store lacks it).
void CountRun(const RunStates& states, const std::string& key, std::map<std::string, int>& counts) {
  auto found = states.find(key);
  ++counts[std::string(
      RunStatusName(found == states.end() ? RunStatus::kPending : found->second.status))];
}

Result<RunStates> ReadRunStates(Store& store, const std::string& experiment) {
  RunStates states;
  MIXRUN_ASSIGN_OR_RETURN(auto found, store.FindExperiment(experiment));
  if (!found) return states;
  MIXRUN_ASSIGN_OR_RETURN(auto runs, store.ListRuns(RunFilter{experiment, std::nullopt}));
  for (const auto& run : runs) {
    states[run.spec.run_key] = {run.spec.status, run.finished_at, run.started_at, run.attempts};
  }
  return states;
}

}  // namespace

Result<StudyProgress> ReadStudyProgress(const StudyState& state, const StudyPaths& paths,
                                        Store& main) {
  StudyProgress progress;
  MIXRUN_ASSIGN_OR_RETURN(RunStates newest, ReadRunStates(main, state.experiment));
  for (const auto& keys : state.shard_run_keys) {
    for (const auto& key : keys) CountRun(newest, key, progress.main_by_status);
  }
  for (size_t task = 0; task < state.shard_run_keys.size(); ++task) {
    const auto& keys = state.shard_run_keys[task];
    ShardProgress shard;
    shard.task = static_cast<int>(task);
    shard.path = paths.shards + "/" + std::to_string(task) + ".db";
    shard.planned = static_cast<int>(keys.size());
    progress.planned += shard.planned;
    std::error_code error;
    shard.exists = std::filesystem::exists(shard.path, error) &&
                   std::filesystem::file_size(shard.path, error) > 0;
    RunStates states;
    if (shard.exists) {
      // Read-only: a running task may be writing its shard, and status never writes.
      auto store = Store::Open(shard.path, Store::Mode::kReadOnly);
      auto read =
          store.ok() ? ReadRunStates(**store, state.experiment) : Result<RunStates>(store.status());
      if (read.ok()) {
        states = std::move(*read);
      } else {
        shard.error = read.status().message();
      }
    }
    for (const auto& key : keys) CountRun(states, key, shard.by_status);
    // A shard store may hold copies of other tasks' runs too; its newer states count as well.
    for (const auto& [key, run_state] : states) {
      auto current = newest.find(key);
      if (current == newest.end() || IsNewerRunState(run_state, current->second)) {
        newest[key] = run_state;
      }
    }
    progress.shards.push_back(std::move(shard));
  }
  for (const auto& keys : state.shard_run_keys) {
    for (const auto& key : keys) CountRun(newest, key, progress.newest_by_status);
  }
  return progress;
}

}  // namespace mixrun
