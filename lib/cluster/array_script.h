// The Slurm job array script of a study: task k of K runs `mixrun train CONFIG --shard k/K
// --store shards/k.db` in the study folder; requeue-safe, and signalled before its time limit.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace mixrun {

struct ArrayScriptOptions {
  std::string experiment;  // the job is named mixrun-<experiment>
  std::string mixrun;      // absolute path of the mixrun binary
  std::string config;      // absolute path of the experiment config
  std::string study_dir;   // absolute: the tasks' working directory (shards/, logs/ inside)
  int array_size = 1;      // K tasks, indices 0..K-1
  int parallel = 0;        // at most P tasks at once; 0: no throttle
  int runs = 0;            // runs in the study (for the header comment)
  std::string partition;
  std::string time;  // Slurm time limit as given (HH:MM:SS, MM:SS, D-HH:MM:SS, ...)
  int cpus_per_task = 1;
  std::string mem;
  std::vector<std::string> sbatch_args;  // extra #SBATCH lines, e.g. "--account=abc"
  int signal_seconds = 120;              // SIGTERM this long before the time limit
  int max_self_requeues = 20;  // after a time-limit stop, the task requeues itself this often
};

// Checks the options a user gives (sizes, time format, that no argument breaks the script);
// messages name the flag.
Status ValidateArrayScriptOptions(const ArrayScriptOptions& options);

// The script's text (bash, #SBATCH header). Assumes valid options.
std::string RenderArrayScript(const ArrayScriptOptions& options);

// Quotes a word for bash: unchanged when it is plain, else in single quotes.
std::string ShellQuote(const std::string& word);

}  // namespace mixrun
