// When a loop is worth an OpenMP team: below ~256K elements of work the fork/join and the
// threads' spin-waiting cost more than they save, badly so on a busy machine.
#pragma once

#include <cstddef>

namespace mixrun {

inline int ThreadsFor(int threads, size_t elements) {
  constexpr size_t kMinimumWork = size_t{1} << 18;
  return elements >= kMinimumWork && threads > 1 ? threads : 1;
}

}  // namespace mixrun
