// A submitted study's progress from its stores: each task's planned runs by status in its shard
// store, and every run's newest state across the main store and all shards (read only).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cluster/study.h"
#include "common/status.h"
#include "store/store.h"

namespace mixrun {

struct ShardProgress {
  int task = 0;
  std::string path;
  bool exists = false;                   // the task has created its store
  std::string error;                     // the store could not be read
  int planned = 0;                       // runs planned for the task
  std::map<std::string, int> by_status;  // its planned runs by status name in the shard store
};

struct StudyProgress {
  int planned = 0;
  std::map<std::string, int> main_by_status;    // the main store alone
  std::map<std::string, int> newest_by_status;  // each planned run's newest state anywhere
  std::vector<ShardProgress> shards;
};

// Run counts are keyed by RunStatusName, the way JSON shows them.
// Reads the main store and the shard stores of the study. A run missing from a store counts as
// pending there.
Result<StudyProgress> ReadStudyProgress(const StudyState& state, const StudyPaths& paths,
                                        Store& main);

}  // namespace mixrun
