// Collecting a study: every shard store merged into the main store (one transaction each), then
// the runs that no shard has finished. A bad shard is reported and the others are still merged.
#pragma once

#include <string>
#include <vector>

#include "store/store.h"

namespace mixrun {

struct CollectReport {
  std::vector<MergeCounts> merged;  // the shards merged, in the order given
  std::vector<Status> errors;       // one per shard that could not be merged (names it)
  std::vector<RunRow> unfinished;   // runs of the experiment not done after merging
};

// Merges the shard stores in order. `experiment` selects the runs checked for completion (empty:
// every run in the main store).
Result<CollectReport> CollectShards(Store& main, const std::vector<std::string>& shard_paths,
                                    const std::string& experiment);

}  // namespace mixrun
