// A study submitted to Slurm: its folder next to the config (slurm/<experiment>/: script, state,
// shard stores, task logs) and its state file, which records the shards and every submission.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/experiment.h"

namespace mixrun {

struct StudyPaths {
  std::string dir;     // <config dir>/slurm/<experiment>
  std::string script;  // dir/submit.sbatch
  std::string state;   // dir/study.json
  std::string shards;  // dir/shards: <k>.db per task, checkpoints in shards/runs/
  std::string logs;    // dir/logs: <job>_<task>.out
};

StudyPaths StudyPathsFor(const Experiment& experiment);

struct Submission {
  std::string job_id;
  std::string submitted_at;  // UTC, ISO 8601
};

struct StudyState {
  std::string experiment;
  std::string config;  // absolute
  std::string store;   // the main store the runs were registered in
  std::string mixrun;  // the binary the tasks run
  int array_size = 0;
  // The planned run keys of each task, in plan order (task k: the runs with index ≡ k mod K).
  std::vector<std::vector<std::string>> shard_run_keys;
  std::vector<Submission> jobs;  // oldest first
};

// Task k of K gets the runs whose index in `run_keys` is k mod K (as `mixrun train --shard k/K`).
std::vector<std::vector<std::string>> AssignShards(const std::vector<std::string>& run_keys,
                                                   int array_size);

// The state, or nullopt when the study was never submitted. Errors name the file.
Result<std::optional<StudyState>> ReadStudyState(const std::string& path);
// Writes atomically (a temporary file renamed over the old one).
Status WriteStudyState(const std::string& path, const StudyState& state);

// The shard stores in the folder (<k>.db), ordered by k; other files are ignored.
std::vector<std::string> ListShardStores(const std::string& shards_dir);

// Writes a whole file atomically (temporary + rename), creating its folder.
Status WriteFileAtomically(const std::string& path, const std::string& contents);

// The current time as UTC ISO 8601 with seconds ("2024-05-01T12:00:00Z").
std::string UtcNow();

}  // namespace mixrun
