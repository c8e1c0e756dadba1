// The wire protocol between `mixrun train` and its worker processes: the command line a worker
// runs, and the events it writes on stdout, one JSON object per line, as they happen — runs
// started, their progress, finished, its log lines — ending with its summary.
#pragma once

#include <spdlog/common.h>
#include <spdlog/sinks/sink.h>

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "train/progress_display.h"
#include "train/sweep.h"
#include "train/train_sweep.h"

namespace mixrun {

// argv of one worker: `SELF train CONFIG --store ABSOLUTE --max-runs 1 --in-process
// --worker-events`, the request's --shard and --include (absolute), and -v or -q to log at `level`
// (the parent's: the worker's log lines reach the user through it). It trains at most one run in
// its own process.
// (--retry-failed is the pool's: it resets the failed runs once, before the workers start, so
// that no worker retries a run another just failed.)
std::vector<std::string> WorkerArgv(const std::string& self, const TrainSweepRequest& request,
                                    const std::string& store_path, spdlog::level::level_enum level);

// The summary as `mixrun train --json` prints it: experiment, store and SweepSummary's counts.
nlohmann::json SweepSummaryJson(const std::string& experiment, const std::string& store_path,
                                const SweepSummary& summary);

// One line a worker wrote, read back by the parent.
struct WorkerEvent {
  enum class Kind { kLog, kStarted, kProgress, kFinished, kBusy, kSummary };
  Kind kind = Kind::kLog;
  // kStarted, kProgress, kFinished, kBusy: the run (id, label, n_tokens; nothing else is sent).
  RunRow run;
  int index = 0, count = 0;  // kStarted: the run's place in the worker's sweep ("[index/count")
  TrainProgress progress;    // kProgress
  // kFinished: the outcome (finished false: interrupted), or the failure's message in `text`.
  std::optional<RunOutcome> outcome;
  // kLog: the message (at `level`); kBusy: why the run was not started; kFinished: the failure.
  std::string text;
  spdlog::level::level_enum level = spdlog::level::info;
  SweepSummary summary;  // kSummary
};

// A line read back; nullopt when it is no event (the worker crashed mid-line, or something
// else wrote on its stdout).
std::optional<WorkerEvent> ParseWorkerEvent(const std::string& line);

// The worker's side: a SweepObserver that writes each call as an event line on `fd` (stdout),
// progress at most every 200 ms per run, and a log sink that does the same with log lines. Once
// a write fails (the parent is gone: killed, its pipe closed) the rest goes to stderr as an
// in-process sweep would print it, so an orphaned worker's last words are not lost.
class WorkerEventWriter : public SweepObserver {
 public:
  explicit WorkerEventWriter(int fd);
  void RunStarted(const RunRow& run, int index, int count) override;
  bool Progress(const RunRow& run, const TrainProgress& progress) override;
  void RunFinished(const RunRow& run, const Result<RunOutcome>& outcome) override;
  void RunBusy(const RunRow& run, const std::string& why) override;
  void Summary(const std::string& experiment, const std::string& store_path,
               const SweepSummary& summary);
  // A sink for spdlog whose lines become log events (or stderr lines, once the parent is gone).
  std::shared_ptr<spdlog::sinks::sink> LogSink();

  // Writes one event line; false once the parent cannot read it.
  bool Write(const nlohmann::json& event);

 private:
  void WriteOrphaned(const std::vector<LogLine>& lines);

  int fd_;
  std::mutex mutex_;
  bool orphaned_ = false;
  std::string prefix_;  // "[index/count label]" of the run in flight
  std::chrono::steady_clock::time_point last_progress_;
};

}  // namespace mixrun
