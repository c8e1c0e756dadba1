// The subcommands of the mixrun binary: their options (filled by cli.cpp, the one translation
// unit that includes CLI11) and their entry points (one cmd_<name>.cpp each), returning exit codes.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fit/fit_request.h"
#include "io/export.h"
#include "io/import.h"

namespace mixrun {

struct GlobalOptions {
  std::string store;  // --store; empty: the config's store, else mixrun.db
  bool json = false;  // --json: the result as JSON on stdout
};

struct PlanOptions {
  std::string config;
  bool dry_run = false;
};

struct RunsOptions {
  std::optional<std::string> experiment;
  std::optional<RunStatus> status;
};

struct ImportCommandOptions {
  ImportOptions import;
  std::vector<std::string> metric_pairs;  // NAME=COLUMN, as typed
};

// fit-law binds its flags straight into the library's FitRequest.
struct FitLawOptions {
  FitRequest request;
  std::vector<std::string> target_pairs;  // mixing: METRIC=WEIGHT, as typed
  std::string predict;                    // points (JSON file or text) to evaluate the fit at
  std::optional<int64_t> fit_id;          // predict with this stored fit instead of fitting
};

struct TrainOptions {
  std::string config;
  int max_runs = 0;
  bool retry_failed = false;
  int jobs = 1;       // worker processes
  std::string shard;  // "I/N"
  bool sole_writer = false;
};

struct RecommendOptions {
  std::vector<std::string> fits;  // ID[:WEIGHT], repeatable: the weighted sum of predictions
  std::string experiment;         // or: the experiment's latest fit (of --law when given)
  std::string law;
  std::string method = "auto";  // auto | optimize | simulate (auto: simulate for gbdt)
  int samples = 100000;
  int top_k = 128;
  std::string prior = "tokens";         // tokens | uniform | FILE.json
  std::vector<std::string> min_bounds;  // DOMAIN=W, as typed
  std::vector<std::string> max_bounds;
  std::vector<std::string> fixed;
  double kl_reg = 0;
  std::optional<double> max_epochs;
  std::optional<double> target_tokens;
  uint64_t seed = 42;
  std::string out;  // mixture JSON to write
  bool allow_extrapolation = false;
};

struct SubmitOptions {
  std::string config;
  bool slurm = false;
  int array_size = 0;  // K tasks; 0: one per run, at most 100
  int parallel = 0;    // at most P tasks at once (%P); 0: no throttle
  std::string partition;
  std::string time;  // HH:MM:SS
  int cpus_per_task = 1;
  std::string mem;
  std::vector<std::string> sbatch_args;
  bool dry_run = false;
};

struct CollectOptions {
  std::string config;                     // the study (its store and shard folder), or
  std::vector<std::string> shard_stores;  // explicit shard stores, merged into --store
};

struct StatusOptions {
  std::string config;
};

struct ReportOptions {
  int64_t fit_id = 0;
  std::string experiment;  // runs to compare with the fit's predictions
};

int RunPlan(const GlobalOptions& global, const PlanOptions& options);
int RunRuns(const GlobalOptions& global, const RunsOptions& options);
int RunImport(const GlobalOptions& global, ImportCommandOptions options);
int RunExport(const GlobalOptions& global, const ExportOptions& options);
int RunTrain(const GlobalOptions& global, const TrainOptions& options);
int RunFitLaw(const GlobalOptions& global, const FitLawOptions& options);
int RunRecommend(const GlobalOptions& global, const RecommendOptions& options);
int RunSubmit(const GlobalOptions& global, const SubmitOptions& options);
int RunCollect(const GlobalOptions& global, const CollectOptions& options);
int RunStudyStatus(const GlobalOptions& global, const StatusOptions& options);
int RunReport(const GlobalOptions& global, const ReportOptions& options);

// The store path a command uses: --store, else the config's, else mixrun.db.
std::string ChooseStorePath(const GlobalOptions& global, const std::string& config_store);

// Prints a non-ok status as an error on stderr and returns its exit code.
int ReportFailure(const Status& status);

}  // namespace mixrun
