// Progress of an in-process sweep on stderr: one line redrawn in place on a terminal, the same
// line as a log entry every 10 s otherwise; and the messages about a run every display shares.
#pragma once

#include <spdlog/common.h>

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "store/store.h"
#include "train/sweep.h"

namespace mixrun {

// "M:SS", or "H:MM:SS" from an hour; "?" when not finite or negative.
std::string FormatDuration(double seconds);

// A message and the level it is logged at.
struct LogLine {
  spdlog::level::level_enum level = spdlog::level::info;
  std::string text;
};

// "[index/count label]": how every message about a run of a sweep starts.
std::string RunPrefix(const RunRow& run, int index, int count);

// "training run 3 (1.2M params, 600k tokens)".
std::string DescribeRunStart(const RunRow& run);

// "resuming from step 250 of 600 (its checkpoint)" when `progress` is the first of a run that
// resumed; empty otherwise.
std::string DescribeResume(const TrainProgress& progress);

// A run's end, after its prefix: "done: target loss 2.3456 nats (3.3840 bits) per token in 0:42
// (8.1k tok/s)" and its warning, "run 3 interrupted; it resumes from its checkpoint next time",
// or "run 3 failed: why".
std::vector<LogLine> DescribeRunEnd(const RunRow& run, const Result<RunOutcome>& outcome);

// The sweep's summary: "demo: 17 runs planned; 5 trained now, 2 were done, 1 failed (3 failed
// earlier), 2 interrupted (they resume from their checkpoints next time), 7 not started".
std::string DescribeSweepSummary(const std::string& experiment, const SweepSummary& summary);

// One line of progress on stderr: redrawn in place on a terminal, logged every 10 s otherwise.
class StatusLine {
 public:
  StatusLine();
  void Show(const std::string& line);
  void Clear();  // erases a drawn line, so that log lines that follow start clean

 private:
  bool terminal_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_log_ = std::chrono::steady_clock::now();
};

// The in-process sweep's observer: a log line as each run starts and ends (its target loss, wall
// time and throughput, or why it failed), and its step, throughput, loss and ETA as it trains.
// Progress returns false once `stop` is set.
class RunProgressLog : public SweepObserver {
 public:
  explicit RunProgressLog(const std::atomic<bool>* stop) : stop_(stop) {}
  void RunStarted(const RunRow& run, int index, int count) override;
  bool Progress(const RunRow& run, const TrainProgress& progress) override;
  void RunFinished(const RunRow& run, const Result<RunOutcome>& outcome) override;
  void RunBusy(const RunRow& run, const std::string& why) override;

 private:
  const std::atomic<bool>* stop_;
  StatusLine line_;
  std::string prefix_;
  bool first_progress_ = true;
};

}  // namespace mixrun
