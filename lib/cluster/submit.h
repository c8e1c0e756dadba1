// Submitting a study as a Slurm job array: choose the array size, write the script and the state
// file into the study folder, sbatch it and record the job. Refuses what would make two tasks
// share a shard store (the previous job still active, or a new array size over old shards).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cluster/array_script.h"
#include "cluster/study.h"
#include "common/status.h"
#include "config/experiment.h"

namespace mixrun {

constexpr int kMaxDefaultArraySize = 100;

struct SubmitRequest {
  // Everything but experiment, config, study_dir, runs, which SubmitStudy fills. array_size 0:
  // one task per run, at most kMaxDefaultArraySize (or the size of the previous submission).
  ArrayScriptOptions script;
  std::vector<std::string> run_keys;  // the experiment's runs in plan order
  std::string store;                  // the main store (recorded for collect and status)
  bool dry_run = false;               // render only: nothing written, nothing submitted
};

struct SubmitResult {
  StudyPaths paths;
  std::string script;  // the script's text
  int array_size = 0;
  std::string job_id;  // empty on a dry run
  std::vector<std::string> warnings;
};

// Checks everything (options, sbatch present, no task of the previous job still active), then
// calls `before_submit` (the caller registers the runs in the main store there; its error stops
// the submission), writes the script and submits it. A dry run only renders.
Result<SubmitResult> SubmitStudy(const Experiment& experiment, const SubmitRequest& request,
                                 const std::function<Status()>& before_submit = {});

// The running binary's absolute path (/proc/self/exe), for the tasks to run the same mixrun.
std::string SelfExecutablePath();

}  // namespace mixrun
