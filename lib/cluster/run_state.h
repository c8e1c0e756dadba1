// The order of a run's states across stores: which copy of a run (same run_key) is the newest.
// done > failed > running > pending, then the later finish, the later start, more attempts.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>

namespace mixrun {

struct RunState {
  std::string status;       // pending | running | done | failed
  std::string finished_at;  // ISO 8601 UTC (empty when not finished): compares as text
  std::string started_at;
  int64_t attempts = 0;
};

// 3 done, 2 failed, 1 running, 0 pending (and anything unknown).
int RunStatusRank(const std::string& status);

// True when `a` is strictly newer than `b`; equal states are not newer, which is what makes
// merging idempotent.
inline bool IsNewerRunState(const RunState& a, const RunState& b) {
  return std::make_tuple(RunStatusRank(a.status), a.finished_at, a.started_at, a.attempts) >
         std::make_tuple(RunStatusRank(b.status), b.finished_at, b.started_at, b.attempts);
}

}  // namespace mixrun
