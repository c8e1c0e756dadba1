// metrics.jsonl: the metric rows a trainer writes, one {"step", "tokens", "name", "value"} object
// per line — what the command backend reads back. Errors are Failed (the trainer's fault), naming
// the file and line; a file with no rows is not an error here (the caller decides).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"

namespace mixrun {

// Blank lines are skipped; `path` only names the text in errors.
Result<std::vector<MetricRow>> ParseMetricsJsonl(std::string_view text, const std::string& path);
// The file at `path`; a missing file is Failed ("the trainer wrote no metrics.jsonl").
Result<std::vector<MetricRow>> ReadMetricsJsonl(const std::string& path);

}  // namespace mixrun
