// Exporting runs from the store as CSV or JSON, ready for pandas without massaging.
// One row per run (scale, `weight/<domain>` and `metric/<name>` columns), or every metric row.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>

#include "common/status.h"
#include "store/store.h"

namespace mixrun {

struct ExportOptions {
  RunFilter filter;
  std::string format = "csv";  // csv | json
  bool history = false;        // every metric row instead of one row per run
};

Status ExportRuns(Store& store, const ExportOptions& options, std::ostream& out);

// One run as a JSON export row: its spec, bookkeeping, settings, weights and final metrics.
nlohmann::json RunJson(const RunRow& run, const std::map<std::string, double>& final_metrics);

// Prefixes of the wide table's columns; `mixrun import` reads them back with the same prefixes.
inline constexpr const char* kWeightColumnPrefix = "weight/";
inline constexpr const char* kMetricColumnPrefix = "metric/";
// Training settings that differ between the exported runs, e.g. setting/train.lr.
inline constexpr const char* kSettingColumnPrefix = "setting/";

}  // namespace mixrun
