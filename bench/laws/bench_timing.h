// Timing for the law benchmarks: seconds since a time point, and the best of R repeats of a step
// (the machine is shared; the minimum is the least disturbed measurement).
#pragma once

#include <algorithm>
#include <chrono>

namespace mixrun::bench {

inline double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Runs `step` `repeats` times (at least once) and returns its shortest time in seconds.
template <typename Step>
double BestOf(int repeats, Step&& step) {
  double best = 1e300;
  for (int r = 0; r < std::max(repeats, 1); ++r) {
    const auto start = std::chrono::steady_clock::now();
    step();
    best = std::min(best, Seconds(start));
  }
  return best;
}

}  // namespace mixrun::bench
