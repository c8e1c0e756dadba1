#include "model/blas.h"

#include <cblas.h>

namespace mixrun {

namespace {
CBLAS_TRANSPOSE Op(bool transpose) { return transpose ? CblasTrans : CblasNoTrans; }
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

void SetBlasThreads(int threads) { openblas_set_num_threads(threads < 1 ? 1 : threads); }

int BlasThreads() { return openblas_get_num_threads(); }

}  // namespace mixrun
