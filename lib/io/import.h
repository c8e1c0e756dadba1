// Importing other trainers' results from CSV files into the store as finished runs.
// Several files are joined on one column; re-importing the same rows adds nothing.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace mixrun {

struct ImportOptions {
  std::string experiment;
  std::vector<std::string> files;
  std::string on;              // join column; required with several files
  std::string weights_prefix;  // columns PREFIX<domain> hold the mixture
  std::string metrics_prefix;  // columns PREFIX<name> hold final metrics
  std::vector<std::pair<std::string, std::string>> metrics;  // metric name -> column
  std::string n_column;                                      // parameters N
  std::string d_column;                                      // tokens D
  std::string c_column;  // FLOPs C; D = C / (6N) when D is not given
};

struct ImportSummary {
  int rows = 0;
  int added = 0;
  int existing = 0;
  std::vector<std::string> domains;
  std::vector<std::string> metrics;
  int weight_sums_off = 0;  // rows whose weights sum further than 1% from 1
};

Result<ImportSummary> ImportCsv(Store& store, const ImportOptions& options);

}  // namespace mixrun
