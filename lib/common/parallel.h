// ParallelFor: runs body(i) for every i in [0, n) on up to `threads` std::threads.
// Deterministic when body(i) writes only its own slot i: scheduling changes order, never results.
#pragma once

#include <cstddef>
#include <functional>

namespace mixrun {

void ParallelFor(size_t n, int threads, const std::function<void(size_t)>& body);

}  // namespace mixrun
