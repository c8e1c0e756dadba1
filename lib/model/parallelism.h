// When a loop is worth an OpenMP team (ThreadsFor), and the team's plain loops over a buffer
// (FillZero). Below ~256K elements of work the fork/join and the threads' spin-waiting cost more
// than they save, badly so on a busy machine.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace mixrun {

inline int ThreadsFor(int threads, size_t elements) {
  constexpr size_t kMinimumWork = size_t{1} << 18;
  return elements >= kMinimumWork && threads > 1 ? threads : 1;
}

// x[0, n) = 0 on a team of up to `threads`: the backward pass's scratch, zeroed before the
// products accumulate into it, is tens of megabytes per layer.
template <typename Real>
void FillZero(Real* x, size_t n, int threads) {
  constexpr int64_t kChunk = int64_t{1} << 16;
  const int64_t chunks = (static_cast<int64_t>(n) + kChunk - 1) / kChunk;
  const int team = ThreadsFor(threads, n);
#pragma omp parallel for num_threads(team) if (team > 1) schedule(static)
  for (int64_t chunk = 0; chunk < chunks; ++chunk) {
    const int64_t begin = chunk * kChunk;
    std::fill_n(x + begin, std::min(kChunk, static_cast<int64_t>(n) - begin), Real(0));
  }
}

}  // namespace mixrun
