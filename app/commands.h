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

int RunPlan(const GlobalOptions& global, const PlanOptions& options);
int RunRuns(const GlobalOptions& global, const RunsOptions& options);
int RunImport(const GlobalOptions& global, ImportCommandOptions options);
int RunExport(const GlobalOptions& global, const ExportOptions& options);
// For subcommands that a later version fills: says so and returns 2.
int RunNotYetAvailable(const std::string& command);

// The store path a command uses: --store, else the config's, else mixrun.db.
std::string ChooseStorePath(const GlobalOptions& global, const std::string& config_store);

// Prints a non-ok status as an error on stderr and returns its exit code.
int ReportFailure(const Status& status);

}  // namespace mixrun
