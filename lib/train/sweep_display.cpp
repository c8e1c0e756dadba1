#include "train/sweep_display.h"

#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "common/text_table.h"

namespace mixrun {
namespace {

using Clock = std::chrono::steady_clock;

// The terminal's width, so that no live line wraps (a wrapped line would break the redraw).
size_t TerminalWidth() {
  winsize size = {};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 100;
}

// Tokens of the run trained so far in this call of its trainer: its steps since it resumed.
double TrainedTokens(const RunRow& run, const TrainProgress& progress) {
  if (progress.total_steps <= 0) return 0;
  return run.spec.n_tokens * static_cast<double>(progress.step - progress.resumed_from_step) /
         static_cast<double>(progress.total_steps);
}

}  // namespace

SweepDisplay::SweepDisplay(Store& store, std::string experiment, std::set<std::string> keys,
                           int workers, bool terminal)
    : store_(store),
      experiment_(std::move(experiment)),
      keys_(std::move(keys)),
      terminal_(terminal),
      slots_(static_cast<size_t>(std::max(workers, 1))) {
  ReadCounts();
}

void SweepDisplay::Handle(int worker, const WorkerEvent& event) {
  Slot& slot = slots_.at(static_cast<size_t>(worker));
  switch (event.kind) {
    case WorkerEvent::Kind::kLog:
      Log({event.level, event.text});
      return;
    case WorkerEvent::Kind::kStarted:
      slot.busy = true;
      slot.run = event.run;
      slot.prefix = RunPrefix(event.run, event.index, event.count);
      slot.progress = TrainProgress();
      counts_read_ = Clock::time_point();  // it is running now
      ReadCounts();
      Log({spdlog::level::debug, slot.prefix + " " + DescribeRunStart(event.run)});
      return;
    case WorkerEvent::Kind::kProgress: {
      const bool first = slot.progress.step == 0;
      slot.progress = event.progress;
      trained_tokens_[event.run.id] = TrainedTokens(slot.run, slot.progress);
      const std::string resume = first ? DescribeResume(event.progress) : "";
      if (!resume.empty()) Log({spdlog::level::info, slot.prefix + " " + resume});
      return;
    }
    case WorkerEvent::Kind::kFinished: {
      slot.busy = false;
      Result<RunOutcome> outcome = Status::Failed(event.text);
      if (event.outcome) outcome = *event.outcome;
      const bool done = outcome.ok() && outcome->finished;
      if (done && slot.progress.total_steps > 0) {
        TrainProgress last = slot.progress;
        last.step = last.total_steps;
        trained_tokens_[event.run.id] = TrainedTokens(slot.run, last);
      }
      counts_read_ = Clock::time_point();  // the counts changed: read them again
      ReadCounts();
      std::vector<LogLine> lines = DescribeRunEnd(event.run, outcome);
      // Off a terminal the sweep's line is not drawn: each finished run carries it.
      if (done && !terminal_) lines.front().text += "  · " + SweepLine();
      for (LogLine& line : lines) Log({line.level, slot.prefix + " " + line.text});
      return;
    }
    case WorkerEvent::Kind::kBusy:
      Log({spdlog::level::warn,
           event.run.spec.label + " (run " + std::to_string(event.run.id) + "): " + event.text});
      return;
    case WorkerEvent::Kind::kSummary:
      return;  // the pool's to add up
  }
}

void SweepDisplay::WorkerExited(int worker) { slots_.at(static_cast<size_t>(worker)).busy = false; }

void SweepDisplay::Tick() {
  ReadCounts();
  Draw();
}

void SweepDisplay::Log(const LogLine& line) {
  if (!spdlog::should_log(line.level)) return;
  Clear();
  spdlog::log(line.level, "{}", line.text);
  Draw();
}

void SweepDisplay::ReadCounts() {
  const auto now = Clock::now();
  if (now - counts_read_ < std::chrono::seconds(1)) return;
  auto runs = store_.ListRuns({experiment_, {}});
  if (!runs.ok()) return;  // the next tick tries again
  counts_read_ = now;
  counts_.clear();
  pending_tokens_ = 0;
  for (const RunRow& run : *runs) {
    if (!keys_.count(run.spec.run_key)) continue;
    ++counts_[run.spec.status];
    if (run.spec.status == RunStatus::kPending) pending_tokens_ += run.spec.n_tokens;
  }
}

double SweepDisplay::TokensPerSecond() const {
  double trained = 0;
  for (const auto& [run, tokens] : trained_tokens_) trained += tokens;
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  return elapsed > 0 ? trained / elapsed : 0;
}

double SweepDisplay::RemainingTokens() const {
  double remaining = pending_tokens_;
  for (const Slot& slot : slots_) {
    if (!slot.busy) continue;
    const TrainProgress& p = slot.progress;
    const double left = p.total_steps > 0 ? 1.0 - static_cast<double>(p.step) / p.total_steps : 1;
    remaining += slot.run.spec.n_tokens * left;
  }
  return remaining;
}

std::string SweepDisplay::SweepLine() const {
  auto count = [&](RunStatus status) {
    auto found = counts_.find(status);
    return found == counts_.end() ? 0 : found->second;
  };
  const double rate = TokensPerSecond();
  return fmt::format("{}: {}/{} done, {} failed, {} running, {} pending · {} tok/s · ETA {}",
                     experiment_, count(RunStatus::kDone), keys_.size(), count(RunStatus::kFailed),
                     count(RunStatus::kRunning), count(RunStatus::kPending),
                     rate > 0 ? HumanCount(rate) : "?",
                     FormatDuration(rate > 0 ? RemainingTokens() / rate : NAN));
}

std::string SweepDisplay::WorkerLine(int worker) const {
  const Slot& slot = slots_.at(static_cast<size_t>(worker));
  if (!slot.busy) return fmt::format("worker {}: idle", worker + 1);
  const TrainProgress& p = slot.progress;
  if (p.total_steps == 0) return fmt::format("{} starting", slot.prefix);
  const double left_tokens =
      slot.run.spec.n_tokens * (1.0 - static_cast<double>(p.step) / p.total_steps);
  return fmt::format(
      "{} step {}/{}  loss {:.4f}  {} tok/s  ETA {}", slot.prefix, p.step, p.total_steps, p.loss,
      HumanCount(p.tokens_per_second),
      FormatDuration(p.tokens_per_second > 0 ? left_tokens / p.tokens_per_second : NAN));
}

void SweepDisplay::Draw() {
  if (!terminal_) return;
  Clear();
  std::vector<std::string> lines;
  for (size_t worker = 0; worker < slots_.size(); ++worker) {
    lines.push_back("  " + WorkerLine(static_cast<int>(worker)));
  }
  lines.push_back(SweepLine());
  const size_t width = TerminalWidth();
  std::string block;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].size() >= width) {
      size_t cut = width - 1;  // bytes, not columns: a cut short of the edge is harmless
      while (cut > 0 && (static_cast<unsigned char>(lines[i][cut]) & 0xC0) == 0x80) --cut;
      lines[i].resize(cut);  // at a character's first byte, not inside a UTF-8 sequence
    }
    block += lines[i];
    if (i + 1 < lines.size()) block += '\n';
  }
  std::fputs(block.c_str(), stderr);
  std::fflush(stderr);
  drawn_lines_ = static_cast<int>(lines.size());
}

void SweepDisplay::Clear() {
  if (!terminal_ || drawn_lines_ == 0) return;
  // The cursor is at the end of the last line: erase it and each line above, up to the first.
  std::string erase = "\r\033[K";
  for (int i = 1; i < drawn_lines_; ++i) erase += "\033[1A\033[K";
  std::fputs(erase.c_str(), stderr);
  std::fflush(stderr);
  drawn_lines_ = 0;
}

}  // namespace mixrun
