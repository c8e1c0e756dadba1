// Collecting a study: every shard store merged into the main store in one transaction (all or
// nothing: one bad shard, and the main store is left as it was), then the runs no shard finished.
#pragma once

#include <string>
#include <vector>

#include "store/store.h"

namespace mixrun {

struct CollectReport {
  std::vector<MergeCounts> merged;  // the shards merged, in the order given
  std::vector<RunRow> unfinished;   // runs of the experiment not done after merging
};

// Merges the shard stores (Store::MergeFrom); an error names every bad shard and changes nothing.
// `experiment` selects the runs checked for completion (empty: every run in the main store).
Result<CollectReport> CollectShards(Store& main, const std::vector<std::string>& shard_paths,
                                    const std::string& experiment);

}  // namespace mixrun
