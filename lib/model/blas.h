// Row-major matrix product C = alpha·op(A)·op(B) + beta·C through OpenBLAS, for float and double.
// Call from serial code only: OpenBLAS threads internally (docs/ARCHITECTURE.md §7).
#pragma once

namespace mixrun {

template <typename Real>
void Gemm(bool transpose_a, bool transpose_b, int m, int n, int k, Real alpha, const Real* a,
          int lda, const Real* b, int ldb, Real beta, Real* c, int ldc);

// Sets the number of threads OpenBLAS uses for every product in this process.
void SetBlasThreads(int threads);

}  // namespace mixrun
