#include "model/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace mixrun {

double LrSchedule::At(int64_t step) const {
  if (step < warmup_steps) return peak * static_cast<double>(step + 1) / warmup_steps;
  if (!cosine) return peak;
  const int64_t decay_steps = std::max<int64_t>(1, total_steps - warmup_steps);
  const double progress =
      std::clamp(static_cast<double>(step - warmup_steps) / decay_steps, 0.0, 1.0);
  const double cosine_factor = 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
  return peak * (min_ratio + (1.0 - min_ratio) * cosine_factor);
}

Result<LrSchedule> MakeLrSchedule(double peak, const std::string& schedule, double warmup_fraction,
                                  int64_t total_steps) {
  if (!(peak > 0)) return Status::InvalidInput("train.lr must be positive");
  if (schedule != "cosine" && schedule != "constant") {
    return Status::InvalidInput("train.schedule must be \"cosine\" or \"constant\", not \"" +
                                schedule + "\"");
  }
  if (!(warmup_fraction >= 0 && warmup_fraction < 1)) {
    return Status::InvalidInput("train.warmup must be a fraction in [0, 1)");
  }
  LrSchedule result;
  result.peak = peak;
  result.total_steps = std::max<int64_t>(1, total_steps);
  result.warmup_steps = static_cast<int64_t>(std::llround(warmup_fraction * result.total_steps));
  result.cosine = schedule == "cosine";
  return result;
}

}  // namespace mixrun
