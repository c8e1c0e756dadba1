#include "model/blas.h"

#include <cblas.h>

#include <algorithm>
#include <cstddef>

#include "model/parallelism.h"

namespace mixrun {

namespace {

CBLAS_TRANSPOSE Op(bool transpose) { return transpose ? CblasTrans : CblasNoTrans; }

// Slices start on multiples of this many rows, so that OpenBLAS's micro-kernel tiles (up to 16
// rows) stay whole in every slice but the last.
constexpr int kRowAlignment = 32;

}  // namespace

template <>
void Gemm<float>(bool transpose_a, bool transpose_b, int m, int n, int k, float alpha,
                 const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc) {
  cblas_sgemm(CblasRowMajor, Op(transpose_a), Op(transpose_b), m, n, k, alpha, a, lda, b, ldb, beta,
              c, ldc);
}

template <>
void Gemm<double>(bool transpose_a, bool transpose_b, int m, int n, int k, double alpha,
                  const double* a, int lda, const double* b, int ldb, double beta, double* c,
                  int ldc) {
  cblas_dgemm(CblasRowMajor, Op(transpose_a), Op(transpose_b), m, n, k, alpha, a, lda, b, ldb, beta,
              c, ldc);
}

template <typename Real>
void TeamGemm(int threads, bool transpose_a, bool transpose_b, int m, int n, int k, Real alpha,
              const Real* a, int lda, const Real* b, int ldb, Real beta, Real* c, int ldc) {
  // A product under ~16M multiply-adds (a third of a millisecond on one core) runs as one call:
  // ThreadsFor's threshold, counting 64 multiply-adds as one element of work.
  const size_t work = static_cast<size_t>(m) * n * k / 64;
  const int team = std::min(ThreadsFor(threads, work), std::max(1, m / kRowAlignment));
  if (team <= 1) {
    Gemm<Real>(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  const int rows_per_slice =
      ((m + team - 1) / team + kRowAlignment - 1) / kRowAlignment * kRowAlignment;
#pragma omp parallel for num_threads(team) schedule(static)
  for (int slice = 0; slice < team; ++slice) {
    const int r0 = std::min(m, slice * rows_per_slice);
    const int r1 = slice + 1 == team ? m : std::min(m, r0 + rows_per_slice);
    if (r1 <= r0) continue;
    // Row r of op(A) is row r of A, or column r of A when A is transposed.
    const Real* a_rows = transpose_a ? a + r0 : a + static_cast<size_t>(r0) * lda;
    Gemm<Real>(transpose_a, transpose_b, r1 - r0, n, k, alpha, a_rows, lda, b, ldb, beta,
               c + static_cast<size_t>(r0) * ldc, ldc);
  }
}

template void TeamGemm<float>(int, bool, bool, int, int, int, float, const float*, int,
                              const float*, int, float, float*, int);
template void TeamGemm<double>(int, bool, bool, int, int, int, double, const double*, int,
                               const double*, int, double, double*, int);

void SetBlasThreads(int threads) { openblas_set_num_threads(threads < 1 ? 1 : threads); }

int BlasThreads() { return openblas_get_num_threads(); }

}  // namespace mixrun
