// Row-major matrix product C = alpha·op(A)·op(B) + beta·C through OpenBLAS, for float and double.
// Call from serial code, or from a team's threads under BlasThreadsScope(1): OpenBLAS threads
// internally (docs/ARCHITECTURE.md §7).
#pragma once

namespace mixrun {

template <typename Real>
void Gemm(bool transpose_a, bool transpose_b, int m, int n, int k, Real alpha, const Real* a,
          int lda, const Real* b, int ldb, Real beta, Real* c, int ldc);

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
