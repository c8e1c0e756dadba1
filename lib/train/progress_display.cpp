#include "train/progress_display.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <map>

#include "common/text_table.h"

namespace mixrun {

using Clock = std::chrono::steady_clock;

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  int total = static_cast<int>(seconds + 0.5);
  if (total >= 3600)
    return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
  return fmt::format("{}:{:02}", total / 60, total % 60);
}

StatusLine::StatusLine() : terminal_(isatty(STDERR_FILENO)) {}

void StatusLine::Show(const std::string& line) {
  auto now = Clock::now();
  if (terminal_) {
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
    drawn_ = true;
  } else if (now - last_log_ > std::chrono::seconds(10)) {
    spdlog::info("{}", line);
    last_log_ = now;
  }
}

void StatusLine::Clear() {
  if (drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
}

void RunProgressLog::RunStarted(const RunRow& run, int index, int count) {
  prefix_ = fmt::format("[{}/{} {}]", index, count, run.spec.label);
  spdlog::info("{} training run {} ({} params, {} tokens)", prefix_, run.id,
               HumanCount(run.spec.n_params), HumanCount(run.spec.n_tokens));
}

bool RunProgressLog::Progress(const RunRow& run, const TrainProgress& progress) {
  double tokens_per_step = run.spec.n_tokens / std::max<int64_t>(progress.total_steps, 1);
  double remaining =
      progress.tokens_per_second > 0
          ? (progress.total_steps - progress.step) * tokens_per_step / progress.tokens_per_second
          : NAN;
  line_.Show(fmt::format("{} step {}/{}  {} tok/s  loss {:.4f}  ETA {}", prefix_, progress.step,
                         progress.total_steps, HumanCount(progress.tokens_per_second),
                         progress.loss, FormatDuration(remaining)));
  return !(stop_ && stop_->load());
}

void RunProgressLog::RunFinished(const RunRow& run, const Result<RunOutcome>& outcome) {
  line_.Clear();
  if (!outcome.ok()) {
    spdlog::error("{} run {} failed: {}", prefix_, run.id, outcome.status().message());
  } else if (!outcome->finished) {
    spdlog::warn("{} run {} interrupted; it resumes from its checkpoint next time", prefix_,
                 run.id);
  } else {
    // Byte-level domains: nats per byte, and bits per byte beside them (docs/ARCHITECTURE.md §7).
    spdlog::info("{} done: target loss {:.4f} nats ({:.4f} bits) per token in {} ({} tok/s)",
                 prefix_, outcome->target_loss, outcome->target_loss / std::log(2.0),
                 FormatDuration(outcome->wall_seconds), HumanCount(outcome->tokens_per_second));
    if (!outcome->warning.empty()) spdlog::warn("{} run {}: {}", prefix_, run.id, outcome->warning);
  }
}

void RunProgressLog::RunBusy(const RunRow& run, const std::string& why) {
  line_.Clear();
  spdlog::warn("{} (run {}): {}", run.spec.label, run.id, why);
}

WorkerSweepProgress::WorkerSweepProgress(Store& store, std::string experiment,
                                         std::set<std::string> keys)
    : store_(store), experiment_(std::move(experiment)), keys_(std::move(keys)) {
  auto runs = store_.ListRuns({experiment_, RunStatus::kDone});
  if (runs.ok()) {
    for (const RunRow& run : *runs) done_before_.insert(run.id);
  }
}

void WorkerSweepProgress::Tick() {
  auto runs = store_.ListRuns({experiment_, {}});
  if (!runs.ok()) return;
  std::map<RunStatus, int> counts;
  double remaining_tokens = 0, finished_tokens = 0;
  for (const RunRow& run : *runs) {
    if (!keys_.count(run.spec.run_key)) continue;
    const RunStatus status = run.spec.status;
    ++counts[status];
    if (status == RunStatus::kPending || status == RunStatus::kRunning) {
      remaining_tokens += run.spec.n_tokens;
    }
    if (status == RunStatus::kDone && !done_before_.count(run.id)) {
      finished_tokens += run.spec.n_tokens;
    }
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  double rate = elapsed > 0 ? finished_tokens / elapsed : 0;
  line_.Show(fmt::format("runs: {} done, {} failed, {} running, {} pending  {} tok/s  ETA {}",
                         counts[RunStatus::kDone], counts[RunStatus::kFailed],
                         counts[RunStatus::kRunning], counts[RunStatus::kPending],
                         rate > 0 ? HumanCount(rate) : "?",
                         FormatDuration(rate > 0 ? remaining_tokens / rate : NAN)));
}

}  // namespace mixrun
