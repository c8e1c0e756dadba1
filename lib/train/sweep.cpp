#include "train/sweep.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <map>

#include "data/corpus.h"
#include "design/run_plan.h"
#include "train/store_sink.h"

namespace mixrun {
namespace {

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

bool ProcessIsAlive(int64_t pid) {
  if (pid <= 0) return false;
  return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

// Whether this sweep may take the run, and why not.
enum class Claimability { kClaim, kDone, kBusy, kFailed };

Claimability Assess(const RunRow& run, const std::string& host, bool retry_failed) {
  const std::string& status = run.spec.status;
  if (status == "pending") return Claimability::kClaim;
  if (status == "done") return Claimability::kDone;
  if (status == "failed") return retry_failed ? Claimability::kClaim : Claimability::kFailed;
  // running: its owner may have been killed; only an owner on this host can be checked.
  if (run.host == host && !ProcessIsAlive(run.pid)) return Claimability::kClaim;
  return Claimability::kBusy;
}

}  // namespace

Result<std::vector<Corpus>> LoadExperimentCorpora(const Experiment& experiment) {
  std::vector<Corpus> corpora;
  for (const DomainSpec& domain : experiment.domains) {
    MIXRUN_ASSIGN_OR_RETURN(Corpus corpus, Corpus::Load(domain, experiment.train.val_fraction));
    corpora.push_back(std::move(corpus));
  }
  return corpora;
}

DomainTokens TokenCounts(const std::vector<Corpus>& corpora) {
  DomainTokens tokens;
  for (const Corpus& corpus : corpora) tokens[corpus.name()] = corpus.size();
  return tokens;
}

std::string RunDirectory(const std::string& store_path, const std::string& experiment,
                         const std::string& run_key) {
  namespace fs = std::filesystem;
  fs::path base = fs::absolute(store_path).parent_path();
  return (base / "runs" / experiment / run_key.substr(0, 16)).string();
}

Result<SweepSummary> RunSweep(const Experiment& experiment, Store& store,
                              const SweepOptions& options, SweepObserver& observer) {
  if (experiment.backend.kind != "builtin") {
    return Status::InvalidInput(experiment.config_path +
                                ": /backend/kind: 'command' is not yet available in this mixrun");
  }
  MIXRUN_ASSIGN_OR_RETURN(std::vector<Corpus> corpora, LoadExperimentCorpora(experiment));
  const DomainTokens tokens = TokenCounts(corpora);
  MIXRUN_ASSIGN_OR_RETURN(std::vector<PlannedRun> planned, ExpandRuns(experiment, tokens));
  MIXRUN_ASSIGN_OR_RETURN(int64_t experiment_id,
                          store.PutExperiment(experiment.name, experiment.config_json));
  MIXRUN_RETURN_IF_ERROR(store.SetDomainTokens(experiment_id, tokens));
  std::vector<RunSpec> specs;
  for (const PlannedRun& run : planned) specs.push_back(run.spec);
  MIXRUN_RETURN_IF_ERROR(store.AddRuns(experiment_id, specs).status());
  std::vector<const Corpus*> corpus_views;
  for (const Corpus& corpus : corpora) corpus_views.push_back(&corpus);

  std::map<std::string, const PlannedRun*> by_key;
  for (const PlannedRun& run : planned) by_key[run.spec.run_key] = &run;
  MIXRUN_ASSIGN_OR_RETURN(std::vector<RunRow> rows, store.ListRuns({experiment.name, {}}));
  const std::string host = HostName();
  const int64_t pid = getpid();

  SweepSummary summary;
  summary.planned = static_cast<int>(planned.size());
  int index = 0;
  for (const RunRow& row : rows) {
    auto plan = by_key.find(row.spec.run_key);
    if (plan == by_key.end()) continue;  // a run of an earlier version of the config
    ++index;
    switch (Assess(row, host, options.retry_failed)) {
      case Claimability::kDone:
        ++summary.already_done;
        continue;
      case Claimability::kBusy:
        ++summary.busy;
        continue;
      case Claimability::kFailed:
        continue;
      case Claimability::kClaim:
        break;
    }
    if (options.max_runs > 0 && summary.trained + summary.failed >= options.max_runs) break;
    MIXRUN_ASSIGN_OR_RETURN(bool claimed, store.ClaimRun(row, host, pid));
    if (!claimed) {
      ++summary.busy;
      continue;
    }
    MIXRUN_ASSIGN_OR_RETURN(RunRow run, store.GetRun(row.id));
    observer.RunStarted(run, index, summary.planned);

    TrainRunRequest request;
    request.model = plan->second->model;
    request.train = experiment.train;
    request.tokens = plan->second->tokens;
    request.seed = plan->second->seed;
    request.mixture = run.spec.weights;
    request.target_weights = experiment.target.weights;
    request.corpora = corpus_views;
    request.run_dir = RunDirectory(store.path(), experiment.name, run.spec.run_key);
    request.threads = experiment.backend.threads;
    StoreMetricSink sink(store, run.id);
    Result<RunOutcome> outcome = TrainRun(request, sink, [&](const TrainProgress& progress) {
      return observer.Progress(run, progress);
    });
    observer.RunFinished(run, outcome);
    if (outcome.ok() && !outcome->finished) {
      ++summary.interrupted;
      MIXRUN_RETURN_IF_ERROR(store.ReleaseRun(run.id));
      break;
    }
    double wall = outcome.ok() ? outcome->wall_seconds : 0;
    std::string error = outcome.ok() ? "" : outcome.status().message();
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
