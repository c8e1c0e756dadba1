// RunSpec: a run as registered — what is (or was) to be trained, on which mixture — and RunStatus,
// where it is in its life. Shared by the designs that plan runs and the store that keeps them.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "common/run_point.h"

namespace mixrun {

enum class RunStatus { kPending, kRunning, kDone, kFailed };

inline constexpr std::array<RunStatus, 4> kAllRunStatuses = {
    RunStatus::kPending, RunStatus::kRunning, RunStatus::kDone, RunStatus::kFailed};

// The status as the store's runs.status column, the command line and exports spell it.
constexpr std::string_view RunStatusName(RunStatus status) {
  switch (status) {
    case RunStatus::kPending:
      return "pending";
    case RunStatus::kRunning:
      return "running";
    case RunStatus::kDone:
      return "done";
    case RunStatus::kFailed:
      return "failed";
  }
  return "pending";
}

// The status spelled `name`, or nullopt when it names none.
constexpr std::optional<RunStatus> ParseRunStatus(std::string_view name) {
  for (RunStatus status : kAllRunStatuses) {
    if (RunStatusName(status) == name) return status;
  }
  return std::nullopt;
}

struct RunSpec {
  std::string run_key;
  std::string label;  // e.g. the imported row's id
  RunStatus status = RunStatus::kPending;
  std::string source = "builtin";  // builtin | command | import
  std::string model_json;
  double n_params = std::numeric_limits<double>::quiet_NaN();
  double n_params_nonembed = std::numeric_limits<double>::quiet_NaN();
  double n_tokens = std::numeric_limits<double>::quiet_NaN();
  double flops = std::numeric_limits<double>::quiet_NaN();
  std::optional<int64_t> seed;
  Mixture weights;
  // Provenance (empty for imported runs and runs registered before schema v2): the canonical spec
  // the key hashes, its training settings (everything but the mixture, model, budget and seed),
  // and a short hash of those settings — runs with equal settings_id were trained alike.
  std::string spec_json;
  std::string settings_json;
  std::string settings_id;
  // The key this run had before keys were computed from data content instead of paths; a
  // registered run still under it is re-keyed rather than planned again.
  std::string previous_key;
};

}  // namespace mixrun
