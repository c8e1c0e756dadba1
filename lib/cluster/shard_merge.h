// Merging a shard store (one Slurm task's) into the main store by run_key: a run new to the main
// store is copied whole; a known run takes the shard's state and metrics when they are newer.
#pragma once

#include <string>

#include "common/status.h"
#include "store/store.h"

namespace mixrun {

struct ShardMergeCounts {
  std::string path;
  // The shard's runs by status.
  int runs = 0, done = 0, failed = 0, running = 0, pending = 0;
  // What the merge did to the main store.
  int added = 0;      // runs it did not have
  int updated = 0;    // runs whose state (and metric history) the shard's newer state replaced
  int unchanged = 0;  // runs the main store had in the same or a newer state
  int64_t metric_rows = 0;  // metric rows copied
};

// Merges the shard store at `shard_path` into `main` in one transaction: merging the same shard
// again changes nothing. Validates the shard first (a missing, empty or foreign file, or one of a
// newer mixrun, is an error naming it, and the main store is left as it was).
Result<ShardMergeCounts> MergeShardStore(Store& main, const std::string& shard_path);

}  // namespace mixrun
