// mixrun train: carry out an experiment's runs — in this process, or with --jobs N in worker
// processes — with live progress on a terminal and log lines otherwise.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "commands.h"
#include "common/text_table.h"
#include "config/config.h"
#include "train/sweep.h"
#include "train/worker_pool.h"

namespace mixrun {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

std::atomic<bool> stop_requested{false};

extern "C" void RequestStop(int) { stop_requested = true; }

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  int total = static_cast<int>(seconds + 0.5);
  if (total >= 3600)
    return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
  return fmt::format("{}:{:02}", total / 60, total % 60);
}

// One line redrawn in place on a terminal; the same line as a log entry every 10 s otherwise.
class StatusLine {
 public:
  StatusLine() : terminal_(isatty(STDERR_FILENO)) {}
  void Show(const std::string& line) {
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
  void Clear() {
    if (drawn_) std::fprintf(stderr, "\r\033[K");
    drawn_ = false;
  }

 private:
  bool terminal_;
  bool drawn_ = false;
  Clock::time_point last_log_ = Clock::now();
};

// Progress of one run at a time, for the in-process sweep.
class RunProgressDisplay : public SweepObserver {
 public:
  void RunStarted(const RunRow& run, int index, int count) override {
    prefix_ = fmt::format("[{}/{} {}]", index, count, run.spec.label);
    spdlog::info("{} training run {} ({} params, {} tokens)", prefix_, run.id,
                 HumanCount(run.spec.n_params), HumanCount(run.spec.n_tokens));
  }

  bool Progress(const RunRow& run, const TrainProgress& progress) override {
    double tokens_per_step = run.spec.n_tokens / std::max<int64_t>(progress.total_steps, 1);
    double remaining =
        progress.tokens_per_second > 0
            ? (progress.total_steps - progress.step) * tokens_per_step / progress.tokens_per_second
            : NAN;
    line_.Show(fmt::format("{} step {}/{}  {} tok/s  loss {:.4f}  ETA {}", prefix_, progress.step,
                           progress.total_steps, HumanCount(progress.tokens_per_second),
                           progress.loss, FormatDuration(remaining)));
    return !stop_requested;
  }

  void RunFinished(const RunRow& run, const Result<RunOutcome>& outcome) override {
    line_.Clear();
    if (!outcome.ok()) {
      spdlog::error("{} run {} failed: {}", prefix_, run.id, outcome.status().message());
    } else if (!outcome->finished) {
      spdlog::warn("{} run {} interrupted; it resumes from its checkpoint next time", prefix_,
                   run.id);
    } else {
      // Byte-level domains: nats per byte, and bits per byte beside them as docs/ARCHITECTURE.md §7 asks.
      spdlog::info("{} done: target loss {:.4f} nats ({:.4f} bits) per token in {} ({} tok/s)",
                   prefix_, outcome->target_loss, outcome->target_loss / std::log(2.0),
                   FormatDuration(outcome->wall_seconds), HumanCount(outcome->tokens_per_second));
    }
  }

 private:
  StatusLine line_;
  std::string prefix_;
};

// Progress of a whole sweep run by worker processes, read from the store: run counts, and the
// throughput of the runs finished since the sweep began.
class SweepProgressDisplay {
 public:
  SweepProgressDisplay(Store& store, std::string experiment, std::set<std::string> keys)
      : store_(store), experiment_(std::move(experiment)), keys_(std::move(keys)) {
    auto runs = store_.ListRuns({experiment_, RunStatus::kDone});
    if (runs.ok()) {
      for (const RunRow& run : *runs) done_before_.insert(run.id);
    }
  }

  void Tick() {
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
  void Clear() { line_.Clear(); }

 private:
  Store& store_;
  std::string experiment_;
  std::set<std::string> keys_;
  std::set<int64_t> done_before_;
  Clock::time_point start_ = Clock::now();
  StatusLine line_;
};

Status ParseShard(const std::string& text, int& index, int& count) {
  if (text.empty()) return Status::Ok();
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%d/%d%n", &index, &count, &consumed) != 2 ||
      consumed != static_cast<int>(text.size()) || count < 1 || index < 0 || index >= count) {
    return Status::InvalidInput("--shard '" + text + "': expected I/N with 0 <= I < N");
  }
  return Status::Ok();
}

json SummaryJson(const Experiment& experiment, const std::string& store_path,
                 const SweepSummary& summary) {
  return {{"experiment", experiment.name}, {"store", store_path},
          {"planned", summary.planned},    {"trained", summary.trained},
          {"failed", summary.failed},      {"already_done", summary.already_done},
          {"busy", summary.busy},          {"interrupted", summary.interrupted},
          {"failures", summary.failures}};
}

// --jobs N: worker processes, each `mixrun train CONFIG --max-runs 1 --json`, claiming runs in the
// store; this process draws the sweep's progress.
Result<SweepSummary> RunWithWorkers(const Experiment& experiment, Store& store,
                                    const std::string& store_path, const TrainOptions& options,
                                    int shard_index, int shard_count) {
  MIXRUN_ASSIGN_OR_RETURN(std::vector<PlannedRun> planned, RegisterSweep(experiment, store));
  // The workers are several writers; the pool as a whole is the sole one, so release here.
  if (options.sole_writer) MIXRUN_RETURN_IF_ERROR(ReleaseStaleRuns(experiment, store));
  std::set<std::string> keys;
  for (size_t i = 0; i < planned.size(); ++i) {
    if (InShard(i, shard_index, shard_count)) keys.insert(planned[i].spec.run_key);
  }
  WorkerPoolOptions pool;
  pool.worker_argv = {std::filesystem::read_symlink("/proc/self/exe").string(),
                      "train",
                      options.config,
                      "--store",
                      std::filesystem::absolute(store_path).string(),
                      "--max-runs",
                      "1",
                      "--json",
                      "-q"};
  if (!options.shard.empty())
    pool.worker_argv.insert(pool.worker_argv.end(), {"--shard", options.shard});
  if (options.retry_failed) pool.worker_argv.push_back("--retry-failed");
  pool.jobs = options.jobs;
  pool.max_runs = options.max_runs;
  pool.stop = &stop_requested;
  SweepProgressDisplay display(store, experiment.name, keys);
  pool.tick = [&] { display.Tick(); };
  MIXRUN_ASSIGN_OR_RETURN(WorkerPoolResult result, RunWorkerPool(pool));
  display.Clear();
  SweepSummary summary;
  summary.planned = static_cast<int>(keys.size());
  summary.trained = result.trained;
  summary.failed = result.failed;
  summary.interrupted = result.interrupted;
  summary.failures = result.failures;
  MIXRUN_ASSIGN_OR_RETURN(std::vector<RunRow> runs, store.ListRuns({experiment.name, {}}));
  for (const RunRow& run : runs) {
    if (keys.count(run.spec.run_key) && run.spec.status == RunStatus::kDone) ++summary.already_done;
  }
  summary.already_done -= summary.trained;
  return summary;
}

}  // namespace

int RunTrain(const GlobalOptions& global, const TrainOptions& options) {
  int shard_index = 0, shard_count = 1;
  Status shard = ParseShard(options.shard, shard_index, shard_count);
  if (!shard.ok()) return ReportFailure(shard);
  auto experiment = LoadExperiment(options.config);
  if (!experiment.ok()) return ReportFailure(experiment.status());
  std::string store_path = ChooseStorePath(global, experiment->store);
  auto store = Store::Open(store_path);
  if (!store.ok()) return ReportFailure(store.status());

  struct sigaction action = {};
  action.sa_handler = RequestStop;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  Result<SweepSummary> summary = Status::Failed("not run");
  if (options.jobs > 1) {
    summary = RunWithWorkers(*experiment, **store, store_path, options, shard_index, shard_count);
  } else {
    RunProgressDisplay display;
    SweepOptions sweep;
    sweep.max_runs = options.max_runs;
    sweep.retry_failed = options.retry_failed;
    sweep.shard_index = shard_index;
    sweep.shard_count = shard_count;
    sweep.stop = &stop_requested;
    sweep.sole_writer = options.sole_writer;
    summary = RunSweep(*experiment, **store, sweep, display);
  }
  if (!summary.ok()) return ReportFailure(summary.status());
  if (global.json) {
    std::cout << SummaryJson(*experiment, store_path, *summary).dump(2) << '\n';
  } else {
    spdlog::info("{}: {} runs planned; {} trained now, {} were done, {} failed, {} busy elsewhere",
                 experiment->name, summary->planned, summary->trained, summary->already_done,
                 summary->failed, summary->busy);
  }
  if (summary->interrupted > 0) return 1;
  return summary->failed > 0 ? 1 : 0;
}

}  // namespace mixrun
