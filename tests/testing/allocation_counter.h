// AllocationCounter: the heap bytes allocated, and the peak of those live, while a counter is in
// scope — what a memory estimate is checked against. A test binary that uses it replaces the
// global operator new once, with MIXRUN_COUNT_ALLOCATIONS() at file scope in one of its files.
#pragma once

#include <malloc.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace mixrun::testing {

struct AllocationTally {
  std::atomic<bool> counting{false};
  std::atomic<int64_t> live{0};  // since counting started: frees of older blocks make it dip
  std::atomic<int64_t> peak{0};
  std::atomic<int64_t> allocated{0};
};

inline AllocationTally& Tally() {
  static AllocationTally tally;
  return tally;
}

inline void CountAllocated(void* block) {
  AllocationTally& tally = Tally();
  if (!tally.counting.load(std::memory_order_relaxed)) return;
  const auto bytes = static_cast<int64_t>(malloc_usable_size(block));
  tally.allocated += bytes;
  const int64_t live = tally.live += bytes;
  int64_t peak = tally.peak.load();
  while (live > peak && !tally.peak.compare_exchange_weak(peak, live)) {
  }
}

inline void CountFreed(void* block) {
  AllocationTally& tally = Tally();
  if (block && tally.counting.load(std::memory_order_relaxed)) {
    tally.live -= static_cast<int64_t>(malloc_usable_size(block));
  }
}

// Counts from construction to destruction; one at a time.
class AllocationCounter {
 public:
  AllocationCounter() {
    Tally().live = Tally().peak = Tally().allocated = 0;
    Tally().counting = true;
  }
  ~AllocationCounter() { Tally().counting = false; }
  AllocationCounter(const AllocationCounter&) = delete;
  AllocationCounter& operator=(const AllocationCounter&) = delete;

  double allocated() const { return static_cast<double>(Tally().allocated.load()); }
  double peak() const { return static_cast<double>(Tally().peak.load()); }
};

}  // namespace mixrun::testing

// The replacement operators (C++ [replacement.functions]: not inline, once per program), nothrow
// forms included: a sanitizer runtime has its own, which would not pair with these. The aligned
// forms keep their defaults, which pair with each other (aligned_alloc and free). GCC
// sees malloc behind new and free behind delete once inlined, and would warn of a mismatch.
#define MIXRUN_COUNT_ALLOCATIONS()                                                                \
  _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wpragmas\"")                  \
      _Pragma("GCC diagnostic ignored \"-Wmismatched-new-delete\"") void*                         \
      operator new(std::size_t size) {                                                            \
    void* block = std::malloc(size == 0 ? 1 : size);                                              \
    if (!block) throw std::bad_alloc();                                                           \
    mixrun::testing::CountAllocated(block);                                                       \
    return block;                                                                                 \
  }                                                                                               \
  void* operator new[](std::size_t size) { return ::operator new(size); }                         \
  void* operator new(std::size_t size, const std::nothrow_t&) noexcept {                          \
    void* block = std::malloc(size == 0 ? 1 : size);                                              \
    if (block) mixrun::testing::CountAllocated(block);                                            \
    return block;                                                                                 \
  }                                                                                               \
  void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {                    \
    return ::operator new(size, tag);                                                             \
  }                                                                                               \
  void operator delete(void* block) noexcept {                                                    \
    mixrun::testing::CountFreed(block);                                                           \
    std::free(block);                                                                             \
  }                                                                                               \
  void operator delete[](void* block) noexcept { ::operator delete(block); }                      \
  void operator delete(void* block, std::size_t) noexcept { ::operator delete(block); }           \
  void operator delete[](void* block, std::size_t) noexcept { ::operator delete(block); }         \
  void operator delete(void* block, const std::nothrow_t&) noexcept { ::operator delete(block); } \
  void operator delete[](void* block, const std::nothrow_t&) noexcept {                           \
    ::operator delete(block);                                                                     \
  }                                                                                               \
  _Pragma("GCC diagnostic pop")
