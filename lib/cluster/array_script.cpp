#include "cluster/array_script.h"

#include <regex>

namespace mixrun {
namespace {

bool HasLineBreak(const std::string& text) {
  return text.find_first_of("\n\r") != std::string::npos;
}

}  // namespace

std::string ShellQuote(const std::string& word) {
  static const std::regex plain("[A-Za-z0-9_./:=@%+,-]+");
  if (std::regex_match(word, plain)) return word;
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

Status ValidateArrayScriptOptions(const ArrayScriptOptions& options) {
  if (options.array_size < 1) {
    return Status::InvalidInput("--array-size: must be at least 1 (got " +
                                std::to_string(options.array_size) + ")");
  }
  if (options.parallel < 0) {
    return Status::InvalidInput("--parallel: must be 0 (no limit) or positive (got " +
                                std::to_string(options.parallel) + ")");
  }
  if (options.cpus_per_task < 1) {
    return Status::InvalidInput("--cpus-per-task: must be at least 1");
  }
  // Slurm's forms: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S (and "infinite"/"unlimited").
  static const std::regex time_form(R"((\d+-)?\d+(:\d+){0,2}|infinite|unlimited|UNLIMITED)");
  if (!options.time.empty() && !std::regex_match(options.time, time_form)) {
    return Status::InvalidInput("--time: '" + options.time +
                                "' is not a Slurm time limit (HH:MM:SS, MM:SS, D-HH:MM:SS)");
  }
  static const std::regex mem_form(R"(\d+[KMGTkmgt]?)");
  if (!options.mem.empty() && !std::regex_match(options.mem, mem_form)) {
    return Status::InvalidInput("--mem: '" + options.mem +
                                "' is not a Slurm memory size (e.g. 4G, 500M, 2048)");
  }
  static const std::regex partition_form(R"([A-Za-z0-9_.,-]+)");
  if (!options.partition.empty() && !std::regex_match(options.partition, partition_form)) {
    return Status::InvalidInput("--partition: '" + options.partition +
                                "' is not a partition name (or a comma-separated list)");
  }
  for (const auto& arg : options.sbatch_args) {
    if (arg.empty() || arg[0] != '-' || HasLineBreak(arg)) {
      return Status::InvalidInput("--sbatch-arg: '" + arg +
                                  "' must be one sbatch option on one line, e.g. --account=abc");
    }
  }
  for (const std::string* path : {&options.config, &options.study_dir, &options.mixrun}) {
    if (HasLineBreak(*path)) return Status::InvalidInput(*path + ": a path with a line break");
  }
  return Status::Ok();
}

std::string RenderArrayScript(const ArrayScriptOptions& o) {
  const std::string k = std::to_string(o.array_size);
  std::string array = "0-" + std::to_string(o.array_size - 1);
  if (o.parallel > 0) array += "%" + std::to_string(o.parallel);

  std::string s;
  s += "#!/bin/bash\n";
  s += "# mixrun job array of experiment " + o.experiment + ": " + std::to_string(o.runs) +
       " runs in " + k + " shards.\n";
  s +=
      "# Written by `mixrun submit` (submitting again rewrites it). Task k trains the runs whose\n";
  s += "# index in the plan is k mod " + k +
       " into its own store shards/k.db; `mixrun collect` merges them.\n";
  // Slurm reads #SBATCH lines only up to the first command, and takes the last value of a flag,
  // so the user's --sbatch-arg lines come last and win.
  s += "#SBATCH --job-name=" + ShellQuote("mixrun-" + o.experiment) + "\n";
  s += "#SBATCH --array=" + array + "\n";
  s += "#SBATCH --ntasks=1\n";
  s += "#SBATCH --cpus-per-task=" + std::to_string(o.cpus_per_task) + "\n";
  if (!o.partition.empty()) s += "#SBATCH --partition=" + o.partition + "\n";
  if (!o.time.empty()) s += "#SBATCH --time=" + o.time + "\n";
  if (!o.mem.empty()) s += "#SBATCH --mem=" + o.mem + "\n";
  s += "#SBATCH --chdir=" + o.study_dir + "\n";
  // %A_%a: one log per task; appended to, so that a requeued task keeps its history.
  s += "#SBATCH --output=" + o.study_dir + "/logs/%A_%a.out\n";
  s += "#SBATCH --open-mode=append\n";
  s += "#SBATCH --requeue\n";
  s += "#SBATCH --signal=B:USR1@" + std::to_string(o.signal_seconds) + "\n";
  for (const auto& arg : o.sbatch_args) s += "#SBATCH " + arg + "\n";
  s += R"sh(
set -u
shard="${SLURM_ARRAY_TASK_ID:?not started as a Slurm array task}"
restarts="${SLURM_RESTART_COUNT:-0}"
echo "mixrun: task ${shard}/)sh" +
       k +
       R"sh( of job ${SLURM_ARRAY_JOB_ID:-?} on $(hostname) (restart ${restarts}) at $(date -Is)"
mkdir -p shards

# The shard store and the runs' checkpoints (shards/runs/...) outlive the task, so a preempted or
# requeued task picks up where it stopped. SIGTERM (scancel, preemption, requeue) and the USR1
# Slurm sends this shell before the time limit both make mixrun stop after its current step,
# leaving the run pending with its checkpoint; after USR1 the task requeues itself to go on.
time_limit=0
trap 'kill -TERM "$child" 2>/dev/null' TERM INT
trap 'time_limit=1; kill -TERM "$child" 2>/dev/null' USR1
)sh";
  s += ShellQuote(o.mixrun) + " train " + ShellQuote(o.config) + " --shard \"${shard}/" + k +
       "\" --store \"shards/${shard}.db\" --sole-writer &\n";
  s += R"sh(child=$!
# A trapped signal ends `wait` early: wait again until mixrun has really exited.
code=0
wait "$child" || code=$?
while kill -0 "$child" 2>/dev/null; do
  code=0
  wait "$child" || code=$?
done
echo "mixrun: task ${shard} exited with ${code} at $(date -Is)"
if [ "$time_limit" = 1 ] && [ "$restarts" -lt )sh" +
       std::to_string(o.max_self_requeues) + R"sh( ]; then
  echo "mixrun: stopped before the time limit; requeueing the task to resume from checkpoints"
  scontrol requeue "${SLURM_ARRAY_JOB_ID}_${shard}" || echo "mixrun: scontrol requeue failed"
fi
exit "$code"
)sh";
  return s;
}

}  // namespace mixrun
