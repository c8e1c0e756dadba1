// mixrun train: carry out an experiment's runs with the built-in trainer, with live progress.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/text_table.h"
#include "config/config.h"
#include "train/sweep.h"

namespace mixrun {
namespace {

std::atomic<bool> stop_requested{false};

extern "C" void RequestStop(int) { stop_requested = true; }

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  int total = static_cast<int>(seconds + 0.5);
  char buffer[32];
  if (total >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%d:%02d", total / 60, total % 60);
  }
  return buffer;
}

// A progress line redrawn in place on a terminal; periodic log lines otherwise.
class ProgressDisplay : public SweepObserver {
 public:
  ProgressDisplay() : terminal_(isatty(STDERR_FILENO)) {}

  void RunStarted(const RunRow& run, int index, int count) override {
    prefix_ = fmt::format("[{}/{} {}]", index, count, run.spec.label);
    last_log_ = std::chrono::steady_clock::now();
    spdlog::info("{} training run {} ({} params, {} tokens)", prefix_, run.id,
                 HumanCount(run.spec.n_params), HumanCount(run.spec.n_tokens));
  }

  bool Progress(const RunRow& run, const TrainProgress& progress) override {
    auto now = std::chrono::steady_clock::now();
    double tokens_per_step = run.spec.n_tokens / std::max<int64_t>(progress.total_steps, 1);
    double remaining =
        progress.tokens_per_second > 0
            ? (progress.total_steps - progress.step) * tokens_per_step / progress.tokens_per_second
            : NAN;
    char line[256];
    std::snprintf(line, sizeof line, "%s step %lld/%lld  %s tok/s  loss %.4f  ETA %s",
                  prefix_.c_str(), static_cast<long long>(progress.step),
                  static_cast<long long>(progress.total_steps),
                  HumanCount(progress.tokens_per_second).c_str(), progress.loss,
                  FormatDuration(remaining).c_str());
    if (terminal_) {
      std::fprintf(stderr, "\r\033[K%s", line);
      std::fflush(stderr);
      drawn_ = true;
    } else if (now - last_log_ > std::chrono::seconds(10)) {
      spdlog::info("{}", line);
      last_log_ = now;
    }
    return !stop_requested;
  }

  void RunFinished(const RunRow& run, const Result<RunOutcome>& outcome) override {
    if (drawn_) std::fprintf(stderr, "\r\033[K");
    drawn_ = false;
    if (!outcome.ok()) {
      spdlog::error("{} run {} failed: {}", prefix_, run.id, outcome.status().message());
    } else if (!outcome->finished) {
      spdlog::warn("{} run {} interrupted; it resumes from its checkpoint next time", prefix_,
                   run.id);
    } else {
      // Byte-level domains: nats per byte, and bits per byte beside them as DESIGN.md §7 asks.
      spdlog::info("{} done: target loss {:.4f} nats ({:.4f} bits) per token in {} ({} tok/s)",
                   prefix_, outcome->target_loss, outcome->target_loss / std::log(2.0),
                   FormatDuration(outcome->wall_seconds), HumanCount(outcome->tokens_per_second));
    }
  }

 private:
  bool terminal_;
  bool drawn_ = false;
  std::string prefix_;
  std::chrono::steady_clock::time_point last_log_;
};

}  // namespace

int RunTrain(const GlobalOptions& global, const TrainOptions& options) {
  auto experiment = LoadExperiment(options.config);
  if (!experiment.ok()) return ReportFailure(experiment.status());
  std::string store_path = ChooseStorePath(global, experiment->store);
  auto store = Store::Open(store_path);
  if (!store.ok()) return ReportFailure(store.status());

  struct sigaction action = {};
  action.sa_handler = RequestStop;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  ProgressDisplay display;
  SweepOptions sweep_options{options.max_runs, options.retry_failed};
  auto summary = RunSweep(*experiment, **store, sweep_options, display);
  if (!summary.ok()) return ReportFailure(summary.status());
  if (global.json) {
    std::cout
        << nlohmann::json{{"experiment", experiment->name}, {"store", store_path},
                          {"planned", summary->planned},    {"trained", summary->trained},
                          {"failed", summary->failed},      {"already_done", summary->already_done},
                          {"busy", summary->busy},          {"interrupted", summary->interrupted},
                          {"failures", summary->failures}}
               .dump(2)
        << '\n';
  } else {
    spdlog::info("{}: {} runs planned; {} trained now, {} were done, {} failed, {} busy elsewhere",
                 experiment->name, summary->planned, summary->trained, summary->already_done,
                 summary->failed, summary->busy);
  }
  if (summary->interrupted > 0) return 1;
  return summary->failed > 0 ? 1 : 0;
}

}  // namespace mixrun
