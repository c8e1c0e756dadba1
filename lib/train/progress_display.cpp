#include "train/progress_display.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>

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

std::string RunPrefix(const RunRow& run, int index, int count) {
  return fmt::format("[{}/{} {}]", index, count, run.spec.label);
}

std::string DescribeRunStart(const RunRow& run) {
  return fmt::format("training run {} ({} params, {} tokens)", run.id,
                     HumanCount(run.spec.n_params), HumanCount(run.spec.n_tokens));
}

std::string DescribeResume(const TrainProgress& progress) {
  if (progress.resumed_from_step <= 0) return "";
  return fmt::format("resuming from step {} of {} (its checkpoint)", progress.resumed_from_step,
                     progress.total_steps);
}

std::vector<LogLine> DescribeRunEnd(const RunRow& run, const Result<RunOutcome>& outcome) {
  using spdlog::level::level_enum;
  if (!outcome.ok()) {
    return {
        {level_enum::err, fmt::format("run {} failed: {}", run.id, outcome.status().message())}};
  }
  if (!outcome->finished) {
    return {{level_enum::warn,
             fmt::format("run {} interrupted; it resumes from its checkpoint next time", run.id)}};
  }
  // Byte-level domains: nats per byte, and bits per byte beside them (docs/ARCHITECTURE.md §7).
  std::vector<LogLine> lines = {
      {level_enum::info,
       fmt::format("done: target loss {:.4f} nats ({:.4f} bits) per token in {} ({} tok/s)",
                   outcome->target_loss, outcome->target_loss / std::log(2.0),
                   FormatDuration(outcome->wall_seconds), HumanCount(outcome->tokens_per_second))}};
  if (!outcome->warning.empty()) {
    lines.push_back({level_enum::warn, fmt::format("run {}: {}", run.id, outcome->warning)});
  }
  return lines;
}

std::string DescribeSweepSummary(const std::string& experiment, const SweepSummary& summary) {
  std::string text =
      fmt::format("{}: {} runs planned; {} trained now, {} were done, {} failed", experiment,
                  summary.planned, summary.trained, summary.already_done, summary.failed);
  if (summary.failed_before > 0) text += fmt::format(" ({} failed earlier)", summary.failed_before);
  if (summary.interrupted > 0) {
    text += fmt::format(", {} interrupted (they resume from their checkpoints next time)",
                        summary.interrupted);
  }
  if (summary.busy > 0) text += fmt::format(", {} busy elsewhere", summary.busy);
  const int not_started = summary.planned - summary.trained - summary.already_done -
                          summary.failed - summary.failed_before - summary.interrupted -
                          summary.busy;
  if (not_started > 0) text += fmt::format(", {} not started", not_started);
  return text;
}

void RunProgressLog::RunStarted(const RunRow& run, int index, int count) {
  prefix_ = RunPrefix(run, index, count);
  first_progress_ = true;
  spdlog::info("{} {}", prefix_, DescribeRunStart(run));
}

bool RunProgressLog::Progress(const RunRow& run, const TrainProgress& progress) {
  if (first_progress_) {
    const std::string resume = DescribeResume(progress);
    if (!resume.empty()) spdlog::info("{} {}", prefix_, resume);
    first_progress_ = false;
  }
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
  for (const LogLine& line : DescribeRunEnd(run, outcome)) {
    spdlog::log(line.level, "{} {}", prefix_, line.text);
  }
}

void RunProgressLog::RunBusy(const RunRow& run, const std::string& why) {
  line_.Clear();
  spdlog::warn("{} (run {}): {}", run.spec.label, run.id, why);
}

}  // namespace mixrun
