// CommandTrainer: one run carried out by the user's own trainer, started from an argv template
// (no shell) and read back from the metrics.jsonl it writes into the run directory.
#pragma once

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "train/metric_sink.h"
#include "train/train_run.h"

namespace mixrun {

struct CommandRunRequest {
  std::vector<std::string> argv_template;  // backend.command
  // Placeholder values: {mixture_json}, {mixture_file}, {run_dir}, {tokens}, {seed},
  // {model_json}, {run_key}, {experiment}, {context}, {batch}, {lr}, {config_dir}.
  std::map<std::string, std::string> placeholders;
  std::string run_dir;      // created when missing; the trainer's cwd is `working_dir`
  std::string working_dir;  // the config's folder, so relative script paths work
  Mixture target_weights;   // eval/target/loss from per-domain losses when the trainer omits it
  const std::atomic<bool>* stop = nullptr;  // set: the trainer gets SIGTERM
  double timeout_s = 0;   // backend.timeout: then SIGTERM, and the run fails; 0: no limit
  int stop_grace_s = 30;  // backend.stop_grace: SIGKILL this long after SIGTERM
  int inherited_fd = -1;  // the run's lock (train/run_lock.h), held as long as the trainer lives
};

// Replaces every {name} of the template; an unknown placeholder is an InvalidInput naming it.
Result<std::vector<std::string>> ExpandArgv(const std::vector<std::string>& argv_template,
                                            const std::map<std::string, std::string>& values);

// Runs the trainer to its end. A non-zero exit, a signal, a timeout or unreadable metrics are
// Failed with the exit code and the tail of its stderr; so are metrics with no row or no final
// eval loss (eval/target/loss, or eval/<domain>/loss of every target domain). A stop request, or
// a trainer ended by SIGTERM, SIGINT or SIGHUP from outside (Slurm's time limit, scancel), returns
// finished = false: the run is interrupted, not failed.
Result<RunOutcome> RunCommandTrainer(const CommandRunRequest& request, MetricSink& sink);

}  // namespace mixrun
