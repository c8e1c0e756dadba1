// The wire protocol between `mixrun train --jobs N` and its worker processes: the command line a
// worker runs, and the summary JSON it prints on stdout (the same JSON as `mixrun train --json`).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "train/sweep.h"
#include "train/train_sweep.h"

namespace mixrun {

// argv of one worker: `SELF train CONFIG --store ABSOLUTE --max-runs 1 --json -q` with the
// request's --shard and --retry-failed; it trains at most one run and prints its summary.
std::vector<std::string> WorkerArgv(const std::string& self, const TrainSweepRequest& request,
                                    const std::string& store_path);

// The summary as `mixrun train --json` prints it: experiment, store and SweepSummary's counts.
nlohmann::json SweepSummaryJson(const std::string& experiment, const std::string& store_path,
                                const SweepSummary& summary);

// A worker's stdout read back: its trained, failed and interrupted counts and its failures;
// nullopt when it is no summary (the worker crashed or was killed).
std::optional<SweepSummary> ParseWorkerSummary(const std::string& text);

}  // namespace mixrun
