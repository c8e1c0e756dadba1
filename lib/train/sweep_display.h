// SweepDisplay: what `mixrun train` shows on stderr while worker processes train an experiment's
// runs, built from the workers' events (train/worker_protocol.h) and the store's run counts.
// On a terminal: one live line per worker and the sweep's line (runs by status, throughput, ETA)
// under the log lines; off a terminal: one line per finished run with its target loss and the
// sweep's count and ETA. Log lines of the workers pass through at the workers' levels.
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "store/store.h"
#include "train/worker_protocol.h"

namespace mixrun {

class SweepDisplay {
 public:
  // `keys`: the sweep's runs (its shard); `workers`: the most that run at once.
  SweepDisplay(Store& store, std::string experiment, std::set<std::string> keys, int workers,
               bool terminal);
  ~SweepDisplay() { Clear(); }
  SweepDisplay(const SweepDisplay&) = delete;
  SweepDisplay& operator=(const SweepDisplay&) = delete;

  // An event of worker `worker` (0 ≤ worker < workers).
  void Handle(int worker, const WorkerEvent& event);
  // The worker's process has ended: its line is idle until another takes its place.
  void WorkerExited(int worker);
  // Re-reads the store's counts (at most every second) and redraws the live lines.
  void Tick();
  // Erases the live lines, so that what follows starts on a clean line.
  void Clear();

  // The sweep's line: "demo: 5/17 done, 0 failed, 2 running, 10 pending · 16k tok/s · ETA 3:10".
  std::string SweepLine() const;
  // Worker `worker`'s line: "[3/17 mix03] step 120/600  loss 2.4123  8.1k tok/s  ETA 0:42".
  std::string WorkerLine(int worker) const;

 private:
  struct Slot {
    bool busy = false;  // a run started and not finished
    RunRow run;
    std::string prefix;
    TrainProgress progress;  // the latest; step 0 before the first
  };

  void Log(const LogLine& line);  // a log line above the live lines
  void ReadCounts();
  void Draw();
  double RemainingTokens() const;
  double TokensPerSecond() const;

  Store& store_;
  std::string experiment_;
  std::set<std::string> keys_;
  bool terminal_;
  std::vector<Slot> slots_;
  // Tokens each run has trained in this sweep (a resumed run's earlier steps are not counted).
  std::map<int64_t, double> trained_tokens_;
  std::map<RunStatus, int> counts_;
  double pending_tokens_ = 0;
  int drawn_lines_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point counts_read_;
};

}  // namespace mixrun
