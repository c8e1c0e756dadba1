// The subcommands of the mixrun binary: their options (filled by cli.cpp, the one translation
// unit that includes CLI11) and their entry points (one cmd_<name>.cpp each), returning exit codes.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

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
  std::optional<std::string> status;
};

struct ImportCommandOptions {
  ImportOptions import;
  std::vector<std::string> metric_pairs;  // NAME=COLUMN, as typed
};

struct FitLawOptions {
  std::string law;
  std::string experiment;
  std::string metric;
  std::vector<std::string> domain_metrics;  // mixing: per-domain loss metrics
  std::vector<std::string> target_pairs;    // mixing: METRIC=WEIGHT, as typed
  std::string x = "n";                      // power
  std::string model = "linear";             // regmix
  double ridge = 0;
  int bootstrap = 0;
  int kfold = 0;
  std::string test_experiment;
  uint64_t seed = 42;
  int threads = 2;
  std::optional<double> huber_delta;
  double compute = 0;
  int drop_highest = 0;           // leave out the K runs with the highest target metric
  std::string predict;            // points (JSON file or text) to evaluate the fit at
  std::optional<int64_t> fit_id;  // predict with this stored fit instead of fitting
};

struct TrainOptions {
  std::string config;
  int max_runs = 0;
  bool retry_failed = false;
};

int RunPlan(const GlobalOptions& global, const PlanOptions& options);
int RunRuns(const GlobalOptions& global, const RunsOptions& options);
int RunImport(const GlobalOptions& global, ImportCommandOptions options);
int RunExport(const GlobalOptions& global, const ExportOptions& options);
int RunTrain(const GlobalOptions& global, const TrainOptions& options);
int RunFitLaw(const GlobalOptions& global, const FitLawOptions& options);
// For subcommands that a later version fills: says so and returns 2.
int RunNotYetAvailable(const std::string& command);

// The store path a command uses: --store, else the config's, else mixrun.db.
std::string ChooseStorePath(const GlobalOptions& global, const std::string& config_store);

// Prints a non-ok status as an error on stderr and returns its exit code.
int ReportFailure(const Status& status);

}  // namespace mixrun
