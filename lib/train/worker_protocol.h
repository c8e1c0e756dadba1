// The wire protocol between `mixrun train` and its worker processes: the command line a
// worker runs, and the summary JSON it prints on stdout (the same JSON as `mixrun train --json`).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "train/sweep.h"
#include "train/train_sweep.h"

namespace mixrun {

// argv of one worker: `SELF train CONFIG --store ABSOLUTE --max-runs 1 --json --in-process`, with
// -q when there are several (jobs > 1) and the request's --shard; it trains at most one run in
// its own process and prints its summary. (--retry-failed is the pool's: it resets the failed
// runs once, before the workers start, so that no worker retries a run another just failed.)
std::vector<std::string> WorkerArgv(const std::string& self, const TrainSweepRequest& request,
                                    const std::string& store_path);

// The summary as `mixrun train --json` prints it: experiment, store and SweepSummary's counts.
nlohmann::json SweepSummaryJson(const std::string& experiment, const std::string& store_path,
                                const SweepSummary& summary);

// A worker's stdout read back: its trained, failed and interrupted counts and its failures;
// nullopt when it is no summary (the worker crashed or was killed).
std::optional<SweepSummary> ParseWorkerSummary(const std::string& text);

}  // namespace mixrun
