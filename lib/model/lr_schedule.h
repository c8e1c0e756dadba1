// Learning-rate schedule: linear warmup to the peak, then cosine decay to min_ratio·peak or a
// constant peak. Steps count from 0; the schedule is a pure function of the step.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace mixrun {

struct LrSchedule {
  double peak = 3e-3;
  int64_t warmup_steps = 0;
  int64_t total_steps = 1;
  bool cosine = true;      // false: constant after warmup
  double min_ratio = 0.1;  // cosine ends at min_ratio·peak (Hoffmann et al. 2022 decay to 10%)

  double At(int64_t step) const;
};

// From the config's names: schedule "cosine" | "constant", warmup as a fraction of total_steps.
Result<LrSchedule> MakeLrSchedule(double peak, const std::string& schedule, double warmup_fraction,
                                  int64_t total_steps);

}  // namespace mixrun
