// Row-major matrix product C = alpha·op(A)·op(B) + beta·C through OpenBLAS, for float and double:
// as one call (OpenBLAS threads internally, at BlasThreads()), or split by C's rows across an
// OpenMP team (TeamGemm) with OpenBLAS single-threaded inside (docs/ARCHITECTURE.md §7).
#pragma once

namespace mixrun {

template <typename Real>
void Gemm(bool transpose_a, bool transpose_b, int m, int n, int k, Real alpha, const Real* a,
          int lda, const Real* b, int ldb, Real beta, Real* c, int ldc);

// Gemm with C's m rows split into `threads` contiguous slices, one per thread of an OpenMP team,
// each a single-threaded OpenBLAS call (call it with BlasThreads() == 1 around: OpenBLAS's own
// threads beside the team's would fight them for the cores). A product too small to pay for the
// team runs as one call. The split is fixed by m and `threads`, so a thread count gives the same
// bits every time; OpenBLAS's kernels round a slice's edge rows differently from the whole's, so
// two thread counts agree to rounding, not bit for bit.
template <typename Real>
void TeamGemm(int threads, bool transpose_a, bool transpose_b, int m, int n, int k, Real alpha,
              const Real* a, int lda, const Real* b, int ldb, Real beta, Real* c, int ldc);

// Sets the number of threads OpenBLAS uses for every product in this process.
void SetBlasThreads(int threads);
int BlasThreads();

// OpenBLAS at `threads` for the scope's life, then as it was: a team of our own that calls Gemm
// from each of its threads makes OpenBLAS single-threaded inside it (its own threads would fight
// the team for the cores).
class BlasThreadsScope {
 public:
  explicit BlasThreadsScope(int threads) : saved_(BlasThreads()) {
    if (threads != saved_) SetBlasThreads(threads);
  }
  ~BlasThreadsScope() {
    if (BlasThreads() != saved_) SetBlasThreads(saved_);
  }
  BlasThreadsScope(const BlasThreadsScope&) = delete;
  BlasThreadsScope& operator=(const BlasThreadsScope&) = delete;

 private:
  int saved_;
};

}  // namespace mixrun
