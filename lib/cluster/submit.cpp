#include "cluster/submit.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "cluster/slurm_client.h"
#include "common/subprocess.h"

namespace mixrun {

namespace fs = std::filesystem;

std::string SelfExecutablePath() {
  std::error_code error;
  fs::path self = fs::read_symlink("/proc/self/exe", error);
  return error ? std::string() : self.string();
}

Result<SubmitResult> SubmitStudy(const Experiment& experiment, const SubmitRequest& request,
                                 const std::function<Status()>& before_submit) {
  SubmitResult result;
  result.paths = StudyPathsFor(experiment);
  const int runs = static_cast<int>(request.run_keys.size());
  if (runs == 0) {
    return Status::InvalidInput(experiment.config_path + ": the experiment has no runs to submit");
  }
  MIXRUN_ASSIGN_OR_RETURN(auto previous, ReadStudyState(result.paths.state));
  const bool have_shards = !ListShardStores(result.paths.shards).empty();

  int size = request.script.array_size;
  if (size == 0) {
    // A resubmission keeps the shards it had, so that every run stays in the store it started in.
    size = previous && have_shards ? previous->array_size : std::min(runs, kMaxDefaultArraySize);
  }
  if (size > runs) {
    result.warnings.push_back("--array-size " + std::to_string(size) + " is more than the " +
                              std::to_string(runs) + " runs; using " + std::to_string(runs));
    size = runs;
  }
  if (previous && have_shards && previous->array_size != size) {
    return Status::InvalidInput("--array-size " + std::to_string(size) + ": the study in " +
                                result.paths.dir + " has " + std::to_string(previous->array_size) +
                                " shard stores from an earlier submission; " +
                                "submit with --array-size " + std::to_string(previous->array_size) +
                                ", or collect and move " + result.paths.shards + " away first");
  }
  result.array_size = size;

  ArrayScriptOptions script = request.script;
  script.experiment = experiment.name;
  script.config = experiment.config_path;
  script.study_dir = result.paths.dir;
  script.array_size = size;
  script.runs = runs;
  MIXRUN_RETURN_IF_ERROR(ValidateArrayScriptOptions(script));
  result.script = RenderArrayScript(script);
  if (request.dry_run) return result;

  if (FindInPath("sbatch").empty()) {
    return Status::InvalidInput(
        "sbatch not found in PATH: Slurm's client commands are needed to submit (for a local "
        "Slurm: scripts/slurm-local.sh start; eval \"$(scripts/slurm-local.sh env)\")");
  }
  // Two live tasks on one shard store could both train a run; the claim in the store prevents it
  // only on one host.
  if (previous && !previous->jobs.empty()) {
    const std::string& job = previous->jobs.back().job_id;
    JobTasks tasks = QueryJobTasks(job);
    int active = static_cast<int>(
        std::count_if(tasks.tasks.begin(), tasks.tasks.end(),
                      [](const TaskState& task) { return TaskIsActive(task.state); }));
    if (active > 0) {
      return Status::InvalidInput("job " + job + " of this study still has " +
                                  std::to_string(active) +
                                  " tasks queued or running; wait for them or 'scancel " + job +
                                  "' before submitting again");
    }
  }

  if (before_submit) MIXRUN_RETURN_IF_ERROR(before_submit());
  std::error_code error;
  fs::create_directories(result.paths.shards, error);
  fs::create_directories(result.paths.logs, error);
  if (error) return Status::Failed(result.paths.dir + ": cannot create: " + error.message());
  MIXRUN_RETURN_IF_ERROR(WriteFileAtomically(result.paths.script, result.script));
  chmod(result.paths.script.c_str(), 0755);

  MIXRUN_ASSIGN_OR_RETURN(result.job_id, SubmitBatchScript(result.paths.script));

  StudyState state = previous ? *previous : StudyState();
  state.experiment = experiment.name;
  state.config = experiment.config_path;
  state.store = request.store;
  state.mixrun = script.mixrun;
  state.array_size = size;
  state.shard_run_keys = AssignShards(request.run_keys, size);
  state.jobs.push_back({result.job_id, UtcNow()});
  Status written = WriteStudyState(result.paths.state, state);
  if (!written.ok()) {
    return Status::Failed("job " + result.job_id +
                          " was submitted, but recording it failed: " + written.message());
  }
  return result;
}

}  // namespace mixrun
