#include "train/sweep.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <new>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "common/subprocess.h"
#include "data/corpus.h"
#include "design/run_plan.h"
#include "train/command_trainer.h"
#include "train/run_lock.h"
#include "train/store_sink.h"

namespace mixrun {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Whether this sweep may take the run, and why not.
enum class Claimability { kClaim, kDone, kBusy, kFailed, kGiveUp };

Claimability Assess(const RunRow& run, const std::string& host, bool retry_failed) {
  switch (run.spec.status) {
    case RunStatus::kPending:
      return Claimability::kClaim;
    case RunStatus::kDone:
      return Claimability::kDone;
    case RunStatus::kFailed:
      return retry_failed ? Claimability::kClaim : Claimability::kFailed;
    case RunStatus::kRunning:
      break;
  }
  if (IsInterruptedRun(run, host)) {
    return run.attempts >= kMaxRunAttempts ? Claimability::kGiveUp : Claimability::kClaim;
  }
  return Claimability::kBusy;
}

TrainRunRequest BuiltinRequest(const Experiment& experiment, const PlannedRun& plan,
                               const std::string& run_dir,
                               const std::vector<const Corpus*>& corpora) {
  TrainRunRequest request;
  request.model = plan.model;
  request.train = experiment.train;
  request.tokens = plan.tokens;
  request.seed = plan.seed;
  request.mixture = plan.spec.weights;
  request.target_weights = experiment.target.weights;
  request.corpora = corpora;
  request.run_dir = run_dir;
  request.threads = experiment.backend.threads;
  return request;
}

CommandRunRequest CommandRequest(const Experiment& experiment, const PlannedRun& plan,
                                 const std::string& run_dir, const std::atomic<bool>* stop,
                                 const RunLock& lock) {
  CommandRunRequest request;
  request.argv_template = experiment.backend.command;
  request.run_dir = run_dir;
  request.working_dir = experiment.config_dir;
  request.target_weights = experiment.target.weights;
  request.stop = stop;
  request.timeout_s = experiment.backend.timeout_s;
  request.stop_grace_s = experiment.backend.stop_grace_s;
  request.inherited_fd = lock.fd();
  const std::string mixture_json = nlohmann::json(plan.spec.weights).dump();
  const std::string mixture_file = (std::filesystem::path(run_dir) / "mixture.json").string();
  std::filesystem::create_directories(run_dir);
  std::ofstream(mixture_file) << mixture_json << '\n';
  char tokens[32];
  std::snprintf(tokens, sizeof tokens, "%.0f", plan.tokens);
  request.placeholders = {{"mixture_json", mixture_json},
                          {"mixture_file", mixture_file},
                          {"run_dir", run_dir},
                          {"tokens", tokens},
                          {"seed", std::to_string(plan.seed)},
                          {"model_json", plan.spec.model_json},
                          {"run_key", plan.spec.run_key},
                          {"experiment", experiment.name},
                          {"context", std::to_string(experiment.train.context)},
                          {"batch", std::to_string(experiment.train.batch)},
                          {"lr", nlohmann::json(experiment.train.lr).dump()},
                          {"config_dir", experiment.config_dir}};
  return request;
}

}  // namespace

bool IsInterruptedRun(const RunRow& run, const std::string& host) {
  // Only an owner on this host can be checked: its process may have been killed.
  return run.spec.status == RunStatus::kRunning && run.host == host && !ProcessIsAlive(run.pid);
}

std::string RunDirectory(const std::string& store_path, const std::string& experiment,
                         const std::string& run_key) {
  namespace fs = std::filesystem;
  fs::path base = fs::absolute(store_path).parent_path();
  return (base / "runs" / experiment / run_key.substr(0, 16)).string();
}

Result<std::vector<PlannedRun>> RegisterSweep(const Experiment& experiment, Store& store,
                                              std::vector<Corpus>* corpora_out) {
  MIXRUN_ASSIGN_OR_RETURN(std::vector<Corpus> corpora, LoadExperimentCorpora(experiment));
  const DomainTokens tokens = TokenCounts(corpora);
  MIXRUN_ASSIGN_OR_RETURN(std::vector<PlannedRun> planned, ExpandRuns(experiment, tokens));
  MIXRUN_RETURN_IF_ERROR(
      store.RegisterRuns(experiment.name, experiment.config_json, tokens, RunSpecs(planned))
          .status());
  if (corpora_out) *corpora_out = std::move(corpora);
  return planned;
}

Status ReleaseStaleRuns(const Experiment& experiment, Store& store) {
  MIXRUN_ASSIGN_OR_RETURN(std::vector<RunRow> running,
                          store.ListRuns({experiment.name, RunStatus::kRunning}));
  for (const RunRow& run : running) {
    MIXRUN_RETURN_IF_ERROR(store.ReleaseRun(run.id, RunRelease::kAbandoned));
  }
  return Status::Ok();
}

Result<SweepSummary> RunSweep(const Experiment& experiment, Store& store,
                              const SweepOptions& options, SweepObserver& observer) {
  std::vector<Corpus> corpora;
  MIXRUN_ASSIGN_OR_RETURN(std::vector<PlannedRun> planned,
                          RegisterSweep(experiment, store, &corpora));
  std::vector<const Corpus*> corpus_views;
  for (const Corpus& corpus : corpora) corpus_views.push_back(&corpus);

  if (options.sole_writer) MIXRUN_RETURN_IF_ERROR(ReleaseStaleRuns(experiment, store));
  MIXRUN_ASSIGN_OR_RETURN(std::vector<RunRow> rows, store.ListRuns({experiment.name, {}}));
  std::map<std::string, const RunRow*> row_by_key;
  for (const RunRow& row : rows) row_by_key[row.spec.run_key] = &row;
  const std::string host = HostName();
  const int64_t pid = getpid();

  SweepSummary summary;
  std::vector<size_t> mine;  // indices of this shard's runs in the planned order
  for (size_t i = 0; i < planned.size(); ++i) {
    if (InShard(i, options.shard_index, options.shard_count)) mine.push_back(i);
  }
  summary.planned = static_cast<int>(mine.size());
  int position = 0;
  for (size_t i : mine) {
    ++position;
    const PlannedRun& plan = planned[i];
    const RunRow& row = *row_by_key.at(plan.spec.run_key);
    switch (Assess(row, host, options.retry_failed)) {
      case Claimability::kDone:
        ++summary.already_done;
        continue;
      case Claimability::kBusy:
        ++summary.busy;
        continue;
      case Claimability::kFailed:
        ++summary.failed_before;
        continue;
      case Claimability::kGiveUp: {
        std::string reason = "process died " + std::to_string(row.attempts) +
                             " times without finishing (last on " + row.host +
                             "): out of memory? (killed, or crashed)";
        MIXRUN_RETURN_IF_ERROR(store.FinishRun(row.id, false, reason, 0));
        ++summary.failed;
        summary.failures.push_back(row.spec.label + " (run " + std::to_string(row.id) +
                                   "): " + reason);
        continue;
      }
      case Claimability::kClaim:
        break;
    }
    if (options.max_runs > 0 && summary.trained + summary.failed >= options.max_runs) break;
    if (options.stop && options.stop->load()) break;
    const std::string run_dir = RunDirectory(store.path(), experiment.name, row.spec.run_key);
    // Before the claim: a trainer orphaned by a killed mixrun may still hold the run.
    std::string holder;
    MIXRUN_ASSIGN_OR_RETURN(std::optional<RunLock> lock, RunLock::TryAcquire(run_dir, &holder));
    if (!lock) {
      // Most often another sweep (a worker beside this one) has just taken the lock and is
      // about to claim the run: our list of runs is older than its claim. Only a lock still
      // held on a run nobody claims is news: a trainer orphaned by a killed mixrun.
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      MIXRUN_ASSIGN_OR_RETURN(RunRow now, store.GetRun(row.id));
      if (Assess(now, host, options.retry_failed) != Claimability::kClaim) continue;
      ++summary.busy;
      observer.RunBusy(row, "its lock is held by a trainer still running (started by " + holder +
                                "); not started again");
      continue;
    }
    MIXRUN_ASSIGN_OR_RETURN(bool claimed, store.ClaimRun(row, host, pid));
    if (!claimed) {
      ++summary.busy;
      continue;
    }
    MIXRUN_ASSIGN_OR_RETURN(RunRow run, store.GetRun(row.id));
    observer.RunStarted(run, position, summary.planned);
    StoreMetricSink sink(store, run.id);
    const auto started = std::chrono::steady_clock::now();
    bool timed_out = false;
    const auto keep_going = [&](const TrainProgress& progress) {
      const double timeout = experiment.backend.timeout_s;
      timed_out = timeout > 0 && SecondsSince(started) > timeout;
      return observer.Progress(run, progress) && !(options.stop && options.stop->load()) &&
             !timed_out;
    };
    Result<RunOutcome> outcome = Status::Failed("not trained");
    try {
      outcome =
          experiment.backend.kind == "command"
              ? RunCommandTrainer(CommandRequest(experiment, plan, run_dir, options.stop, *lock),
                                  sink)
              : TrainRun(BuiltinRequest(experiment, plan, run_dir, corpus_views), sink, keep_going);
    } catch (const std::bad_alloc&) {
      // The run cannot be trained here; the others may well be.
      outcome = Status::Failed("out of memory (std::bad_alloc) while training model '" +
                               plan.model.name + "'");
    }
    if (timed_out && outcome.ok() && !outcome->finished) {
      char text[64];
      std::snprintf(text, sizeof text, "%g s", experiment.backend.timeout_s);
      outcome = Status::Failed(std::string("timed out after ") + text +
                               " (backend.timeout); its checkpoint is kept");
    }
    observer.RunFinished(run, outcome);
    if (outcome.ok() && !outcome->finished) {
      ++summary.interrupted;
      MIXRUN_RETURN_IF_ERROR(store.ReleaseRun(run.id, RunRelease::kInterrupted));
      break;
    }
    double wall = outcome.ok() ? outcome->wall_seconds : 0;
    std::string error = outcome.ok() ? outcome->warning : outcome.status().message();
    MIXRUN_RETURN_IF_ERROR(store.FinishRun(run.id, outcome.ok(), error, wall));
    if (outcome.ok()) {
      ++summary.trained;
    } else {
      ++summary.failed;
      summary.failures.push_back(run.spec.label + " (run " + std::to_string(run.id) +
                                 "): " + error);
    }
  }
  return summary;
}

}  // namespace mixrun
