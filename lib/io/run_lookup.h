// Finding one run by what a user types: its id, a prefix of its run key (6 hex digits or more),
// or its label. A run's id names it first (imported runs' labels are often numbers too); else
// exactly one match is the run, and none or several is an error naming candidates.
#pragma once

#include <string>

#include "common/status.h"
#include "store/store.h"

namespace mixrun {

// The shortest run key prefix FindRun accepts: shorter ones match too many runs to be meant.
inline constexpr size_t kMinRunKeyPrefix = 6;

// The run `query` names in the store. NotFound when no run matches (naming some the store has),
// InvalidInput when several do (naming each, with what tells them apart).
Result<RunRow> FindRun(Store& store, const std::string& query);

}  // namespace mixrun
