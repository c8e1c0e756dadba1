#include "train/command_trainer.h"

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "common/metric_names.h"
#include "common/metrics_jsonl.h"
#include "common/subprocess.h"
#include "train/divergence.h"

namespace mixrun {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// How the trainer's process ended, and whether mixrun ended it.
struct Ending {
  ExitStatus status;
  bool stopped = false;    // a stop request: SIGTERM sent
  bool timed_out = false;  // backend.timeout passed: SIGTERM sent
};

// Waits for the trainer. A stop request or the timeout sends SIGTERM to its process group, and
// SIGKILL once stop_grace_s more seconds have passed.
Ending WaitForTrainer(Subprocess& trainer, const CommandRunRequest& request,
                      Clock::time_point start) {
  Ending ending;
  std::optional<Clock::time_point> terminated_at;
  bool killed = false;
  while (true) {
    if (auto exited = trainer.Poll(/*wait_ms=*/20)) {
      ending.status = *exited;
      return ending;
    }
    const auto now = Clock::now();
    if (!terminated_at) {
      ending.stopped = request.stop && request.stop->load();
      ending.timed_out = !ending.stopped && request.timeout_s > 0 &&
                         std::chrono::duration<double>(now - start).count() > request.timeout_s;
      if (ending.stopped || ending.timed_out) {
        trainer.Signal(SIGTERM);
        terminated_at = now;
      }
    } else if (!killed && now - *terminated_at > std::chrono::seconds(request.stop_grace_s)) {
      trainer.Signal(SIGKILL);
      killed = true;
    }
  }
}

// SIGTERM, SIGINT or SIGHUP, or a shell's exit code for them: what Slurm's time limit, scancel,
// `timeout` and a closed terminal send to every process, the trainer included.
bool StoppedFromOutside(const ExitStatus& status) {
  const int signal = status.signal ? status.signal : status.code - 128;
  return signal == SIGTERM || signal == SIGINT || signal == SIGHUP;
}

std::string FormatSeconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", seconds);
  return text;
}

}  // namespace

Result<std::vector<std::string>> ExpandArgv(const std::vector<std::string>& argv_template,
                                            const std::map<std::string, std::string>& values) {
  std::vector<std::string> argv;
  for (const std::string& part : argv_template) {
    std::string expanded;
    size_t position = 0;
    while (position < part.size()) {
      size_t open = part.find('{', position);
      if (open == std::string::npos) {
        expanded += part.substr(position);
        break;
      }
      size_t close = part.find('}', open);
      if (close == std::string::npos) {
        expanded += part.substr(position);
        break;
      }
      std::string name = part.substr(open + 1, close - open - 1);
      auto value = values.find(name);
      if (value == values.end()) {
        std::string known;
        for (const auto& [key, unused] : values) known += (known.empty() ? "" : ", ") + key;
        return Status::InvalidInput("backend.command: unknown placeholder {" + name +
                                    "} (known: " + known + ")");
      }
      expanded += part.substr(position, open - position) + value->second;
      position = close + 1;
    }
    argv.push_back(expanded);
  }
  if (argv.empty() || argv[0].empty()) {
    return Status::InvalidInput("backend.command: the argv template is empty");
  }
  return argv;
}

Result<RunOutcome> RunCommandTrainer(const CommandRunRequest& request, MetricSink& sink) {
  std::error_code error;
  fs::create_directories(request.run_dir, error);
  if (error) return Status::Failed(request.run_dir + ": cannot create: " + error.message());
  MIXRUN_ASSIGN_OR_RETURN(std::vector<std::string> argv,
                          ExpandArgv(request.argv_template, request.placeholders));
  const std::string metrics_path = (fs::path(request.run_dir) / "metrics.jsonl").string();
  const std::string stderr_path = (fs::path(request.run_dir) / "stderr.log").string();
  fs::remove(metrics_path, error);  // a rerun starts from what the trainer writes now

  SubprocessOptions spawn;
  spawn.working_dir = request.working_dir;
  spawn.stdout_to = spawn.stderr_to = OutputTo::kFile;
  spawn.stdout_file = (fs::path(request.run_dir) / "stdout.log").string();
  spawn.stderr_file = stderr_path;
  spawn.stderr_tail_bytes = 400;  // enough to say why it failed, short enough for `mixrun runs`
  spawn.name = "the trainer '" + argv[0] + "'";
  spawn.death_grace_s = request.stop_grace_s;
  spawn.inherited_fd = request.inherited_fd;
  auto start = Clock::now();
  MIXRUN_ASSIGN_OR_RETURN(Subprocess trainer, Subprocess::Start(argv, spawn));
  const Ending ending = WaitForTrainer(trainer, request, start);
  const ExitStatus& status = ending.status;
  RunOutcome outcome;
  outcome.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  // Stopped by mixrun (Ctrl-C, SIGTERM to mixrun) or from outside (Slurm's time limit and
  // scancel, `timeout`, signal every process of the job): the run goes back to pending and
  // resumes from the trainer's checkpoint, if it keeps one.
  if (!ending.timed_out && (ending.stopped || StoppedFromOutside(status))) {
    return outcome;  // finished = false
  }

  auto rows = ReadMetricsJsonl(metrics_path);
  if (rows.ok() && !rows->empty()) MIXRUN_RETURN_IF_ERROR(sink.Write(*rows));
  if (ending.timed_out || !status.success()) {
    std::string tail = (trainer.err_truncated() ? "…" : "") + trainer.err();
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
    const std::string what = ending.timed_out
                                 ? "timed out after " + FormatSeconds(request.timeout_s) +
                                       " (backend.timeout): stopped, it " + status.Describe()
                                 : status.Describe();
    return Status::Failed("trainer " + what + (tail.empty() ? "" : "; stderr: " + tail));
  }
  if (!rows.ok()) return rows.status();
  // A trainer that exits 0 without writing a row has not trained anything we can fit.
  if (rows->empty()) return Status::Failed(metrics_path + ": the trainer wrote no metrics");

  std::map<std::string, std::pair<int64_t, double>> last;  // name -> (step, value)
  for (const MetricRow& row : *rows) {
    auto found = last.find(row.name);
    if (found == last.end() || row.step >= found->second.first)
      last[row.name] = {row.step, row.value};
    outcome.steps = std::max(outcome.steps, row.step);
    outcome.tokens = std::max(outcome.tokens, row.tokens);
  }
  for (const auto& [name, value] : last) {
    if (auto domain = DomainOfLossMetric(name)) outcome.eval_losses[*domain] = value.second;
  }
  if (last.count(kTrainLossMetric)) outcome.final_train_loss = last[kTrainLossMetric].second;
  if (last.count(kTargetLossMetric)) {
    outcome.target_loss = last[kTargetLossMetric].second;
  } else {
    double target = 0;
    std::string missing;  // target domains with weight but no eval loss
    for (const auto& [domain, weight] : request.target_weights) {
      auto loss = outcome.eval_losses.find(domain);
      if (loss == outcome.eval_losses.end()) {
        if (weight != 0) missing += (missing.empty() ? "" : ", ") + DomainLossMetric(domain);
        continue;
      }
      target += weight * loss->second;
    }
    // Without a final eval loss the run would be done with a target loss of 0, which laws would
    // fit as an observation; it is a failed run instead.
    if (request.target_weights.empty() || !missing.empty()) {
      return Status::Failed(metrics_path + ": the trainer wrote no " + kTargetLossMetric +
                            (missing.empty() ? "" : " and no " + missing) +
                            " (the run has no final eval metric)");
    }
    outcome.target_loss = target;
    MIXRUN_RETURN_IF_ERROR(
        sink.Write({{kTargetLossMetric, outcome.steps, outcome.tokens, target}}));
  }
  // A loss that exploded but stayed finite is a failed run, not a data point for the laws.
  const DivergenceVerdict verdict = CheckDivergence(*rows, kTargetLossMetric);
  if (verdict.failed()) return Status::Failed(verdict.reason);
  outcome.warning = verdict.reason;
  outcome.finished = true;
  if (outcome.wall_seconds > 0) outcome.tokens_per_second = outcome.tokens / outcome.wall_seconds;
  return outcome;
}

}  // namespace mixrun
