// The subcommands of the mixrun binary: their options (filled by cli.cpp, the one translation
// unit that includes CLI11) and their entry points (one cmd_<name>.cpp each), returning a Status
// that ExitCode turns into the process's exit code, printing its message once.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cluster/submit.h"
#include "fit/fit_request.h"
#include "fit/rank_transfer.h"
#include "io/export.h"
#include "io/import.h"
#include "optimize/recommend.h"
#include "optimize/store_inputs.h"
#include "optimize/suggest.h"
#include "study/study_loop.h"
#include "train/train_sweep.h"

namespace mixrun {

struct GlobalOptions {
  std::string store;  // --store; empty: see ChooseStorePath
  bool json = false;  // --json: the result as JSON on stdout
};

struct PlanOptions {
  std::string config;
  bool dry_run = false;
  bool list_runs = false;  // -v: each planned run's mixture
};

// fits lists the stored fits (filtered), or with `show ID` prints one as fit-law printed it.
struct FitsOptions {
  std::optional<std::string> experiment;
  std::optional<std::string> law;
  bool last = false;               // only the newest fit listed
  bool id_only = false;            // only the ids, one a line (for scripts)
  std::optional<int64_t> show_id;  // fits show ID
};

// experiments lists the store's experiments with their runs by status and fits.
struct ExperimentsOptions {
  bool names_only = false;  // only the names, one a line (shell completion)
};

// runs binds --experiment and --status straight into the store's RunFilter.
struct RunsOptions {
  RunFilter filter;
  std::string sort = "id";  // id | loss | wall | status | label; a leading '-' for descending
  std::optional<size_t> limit;
};

// show RUN: a run id, an unambiguous run key prefix (6 hex digits or more), or a label.
struct ShowOptions {
  std::string run;
};

struct ImportCommandOptions {
  ImportOptions import;
  std::vector<std::string> metric_pairs;  // NAME=COLUMN, as typed
};

// fit-law binds its flags straight into the library's FitRequest.
struct FitLawOptions {
  FitRequest request;
  std::vector<std::string> target_pairs;  // mixing: METRIC=WEIGHT, as typed
  std::string step_window;                // pipeline: MIN:MAX, as typed
  std::string predict;                    // points (JSON file or text) to evaluate the fit at
  std::optional<int64_t> fit_id;          // predict with this stored fit instead of fitting
};

// recommend binds its flags straight into the library's FitChoice and RecommendRequest; the
// bounds and the prior stay as typed (parsed against the store) and are recorded so.
struct RecommendOptions {
  FitChoice fits;                // --fit ID[:WEIGHT]..., or --experiment [--law]
  RecommendRequest request;      // --method, --samples, --top-k, --seed, --kl-reg, availability
  std::string prior = "tokens";  // tokens | uniform | FILE.json
  std::vector<std::string> min_bounds;  // DOMAIN=W, as typed
  std::vector<std::string> max_bounds;
  std::vector<std::string> fixed;
  std::string out;            // mixture JSON to write
  std::string at, proxy_at;   // N,D as typed (mixscale fits)
  std::string domain_tokens;  // FILE.json of available tokens per domain
};

// study: the config and --jobs (train), the loop's options, and recommend's bounds (constraints).
struct StudyCommandOptions {
  TrainSweepRequest train;
  StudyOptions study = Defaults();
  RecommendOptions constraints;

  static StudyOptions Defaults() {
    StudyOptions options;
    options.fit.law = "mixing";
    options.fit.bootstrap = 100;
    return options;
  }
};

// suggest shares recommend's fit and constraint flags (base); its own go into the request.
struct SuggestOptions {
  RecommendOptions base;
  SuggestRequest request;
  std::vector<std::string> train_at;  // --train-at N,D (repeatable) → request.scales
};

// submit binds its flags straight into the library's SubmitRequest.
struct SubmitOptions {
  std::string config;
  bool slurm = false;
  SubmitRequest request = DefaultSubmitRequest();

  // array_size 0: SubmitStudy chooses (one task per run, at most 100).
  static SubmitRequest DefaultSubmitRequest() {
    SubmitRequest request;
    request.script.array_size = 0;
    return request;
  }
};

struct CollectOptions {
  std::string config;                     // the study (its store and shard folder), or
  std::vector<std::string> shard_stores;  // explicit shard stores, merged into --store
};

struct StatusOptions {
  std::string config;
};

// report binds --metric, --top-k and --higher-is-better straight into the library's
// RankTransferRequest; --transfer's two experiments (as typed) become its small and large.
struct ReportOptions {
  std::optional<int64_t> fit_id;                  // --fit: compare this fit's predictions with
  std::string experiment;                         // the experiment's runs, or
  std::vector<std::string> transfer_experiments;  // --transfer SMALL LARGE: compare the rankings
  RankTransferRequest transfer;                   // of a metric in two experiments
  std::string out;  // --out DIR: write the HTML report (figures, their CSV and gnuplot scripts)
};

// train and export take the library's own request: their flags are bound straight into it.
Status RunPlan(const GlobalOptions& global, const PlanOptions& options);
Status RunRuns(const GlobalOptions& global, const RunsOptions& options);
Status RunFits(const GlobalOptions& global, const FitsOptions& options);
Status RunSuggest(const GlobalOptions& global, const SuggestOptions& options);
Status RunStudyCommand(const GlobalOptions& global, const StudyCommandOptions& options);
// recommend's request from its options (bounds parsed, the store's prior and training runs);
// suggest builds its own the same way.
Result<RecommendRequest> BuildRecommendRequest(Store& store, const RecommendOptions& options,
                                               const std::vector<LoadedFit>& fits);
// "N,D" → a model scale (empty text: none); `flag` names it in errors.
Result<std::optional<ModelScale>> ParseScale(const std::string& text, const std::string& flag);
// Writes JSON to `path` through a temporary file and a rename (a reader never sees half a file);
// errors name `flag`.
Status WriteJsonFile(const std::string& path, const nlohmann::json& json, const std::string& flag);
Status RunExperiments(const GlobalOptions& global, const ExperimentsOptions& options);
Status RunShow(const GlobalOptions& global, const ShowOptions& options);
Status RunImport(const GlobalOptions& global, ImportCommandOptions options);
Status RunExport(const GlobalOptions& global, const ExportOptions& options);
Status RunTrain(const GlobalOptions& global, const TrainSweepRequest& request);
Status RunFitLaw(const GlobalOptions& global, const FitLawOptions& options);
Status RunRecommend(const GlobalOptions& global, const RecommendOptions& options);
Status RunSubmit(const GlobalOptions& global, const SubmitOptions& options);
Status RunCollect(const GlobalOptions& global, const CollectOptions& options);
Status RunStudyStatus(const GlobalOptions& global, const StatusOptions& options);
Status RunReport(const GlobalOptions& global, const ReportOptions& options);

// The store path a command uses: --store, else the config's (`config_store`: a command given a
// config), else $MIXRUN_STORE, else the store named by the one experiment config in the current
// folder, else mixrun.db. A store not given by --store is announced on stderr (unless --json).
std::string ChooseStorePath(const GlobalOptions& global, const std::string& config_store);

// From now on SIGINT and SIGTERM set the returned flag instead of killing mixrun: a sweep then
// checkpoints its runs and stops (train, study).
const std::atomic<bool>* StopOnSignals();

// The exit code of a command's status (Status::exit_code()); a non-ok status's message is printed
// on stderr first, one error line per line of it, and with --json also as {"error", "exit_code"}
// on stdout. An empty message prints nothing: a command whose failures were reported as they
// happened (train's failed runs) returns Status::Failed("").
int ExitCode(const Status& status, const GlobalOptions& global);

}  // namespace mixrun
