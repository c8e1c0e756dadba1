// The order of a run's states across stores: which copy of a run (same run_key) is the newest.
// done > failed > running > pending, then the later finish, the later start, more attempts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

#include "common/run_spec.h"

namespace mixrun {

struct RunState {
  RunStatus status = RunStatus::kPending;
  std::string finished_at;  // ISO 8601 UTC (empty when not finished): compares as text
  std::string started_at;
  int64_t attempts = 0;
};

// The status a runs.status value spells; the schema's CHECK admits only RunStatusName values.
inline RunStatus RunStatusFromColumn(std::string_view text) {
  return ParseRunStatus(text).value_or(RunStatus::kPending);
}

// How far along a status is: 3 done, 2 failed, 1 running, 0 pending.
constexpr int RunStatusRank(RunStatus status) {
  switch (status) {
    case RunStatus::kDone:
      return 3;
    case RunStatus::kFailed:
      return 2;
    case RunStatus::kRunning:
      return 1;
    case RunStatus::kPending:
      return 0;
  }
  return 0;
}

// True when `a` is strictly newer than `b`; equal states are not newer, which is what makes
// merging idempotent.
inline bool IsNewerRunState(const RunState& a, const RunState& b) {
  return std::make_tuple(RunStatusRank(a.status), a.finished_at, a.started_at, a.attempts) >
         std::make_tuple(RunStatusRank(b.status), b.finished_at, b.started_at, b.attempts);
}

}  // namespace mixrun
