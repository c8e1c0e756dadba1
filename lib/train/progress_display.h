// Progress of a sweep on stderr: one line redrawn in place on a terminal, the same line as a log
// entry every 10 s otherwise; per run for the in-process sweep, per sweep for worker processes.
#pragma once

#include <atomic>
#include <chrono>
#include <set>
#include <string>

#include "store/store.h"
#include "train/sweep.h"

namespace mixrun {

// "M:SS", or "H:MM:SS" from an hour; "?" when not finite or negative.
std::string FormatDuration(double seconds);

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
};

// Progress of a sweep run by worker processes, read from the store: the counts of the sweep's
// runs (`keys`) by status, and the throughput of the runs finished since the sweep began.
class WorkerSweepProgress {
 public:
  WorkerSweepProgress(Store& store, std::string experiment, std::set<std::string> keys);
  void Tick();  // reads the store and redraws the line
  void Clear() { line_.Clear(); }

 private:
  Store& store_;
  std::string experiment_;
  std::set<std::string> keys_;
  std::set<int64_t> done_before_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  StatusLine line_;
};

}  // namespace mixrun
