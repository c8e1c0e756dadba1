// TeamGemm splits a product's rows across a team: for every transpose, and rows that do not divide
// evenly, it is reproducible bit for bit and computes the textbook sum to rounding.
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <vector>

#include "common/random.h"
#include "model/blas.h"

namespace mixrun {
namespace {

std::vector<float> RandomMatrix(size_t size, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> values(size);
  for (float& x : values) x = static_cast<float>(NormalVariate(rng));
  return values;
}

TEST_CASE("a product split across a team is reproducible and right, for every transpose") {
  // 1,000 rows: slices of 512 and 488, the last not a multiple of the row alignment.
  const int m = 1000, n = 96, k = 200;
  for (const bool transpose_a : {false, true}) {
    for (const bool transpose_b : {false, true}) {
      CAPTURE(transpose_a);
      CAPTURE(transpose_b);
      const int lda = transpose_a ? m : k, ldb = transpose_b ? k : n;
      const std::vector<float> a = RandomMatrix(static_cast<size_t>(m) * k, 1);
      const std::vector<float> b = RandomMatrix(static_cast<size_t>(k) * n, 2);
      const std::vector<float> c0 = RandomMatrix(static_cast<size_t>(m) * n, 3);
      std::vector<float> team = c0, again = c0;
      const BlasThreadsScope blas(1);
      for (std::vector<float>* c : {&team, &again}) {
        TeamGemm<float>(2, transpose_a, transpose_b, m, n, k, 0.5f, a.data(), lda, b.data(), ldb,
                        1.0f, c->data(), n);
      }
      CHECK(team == again);
      // And it is the product: C = c0 + ½·op(A)·op(B), checked in double on a few rows.
      for (const int i : {0, 511, 512, 999}) {
        for (int j = 0; j < n; j += 17) {
          double sum = 0;
          for (int p = 0; p < k; ++p) {
            const double a_ip = transpose_a ? a[static_cast<size_t>(p) * lda + i]
                                            : a[static_cast<size_t>(i) * lda + p];
            const double b_pj = transpose_b ? b[static_cast<size_t>(j) * ldb + p]
                                            : b[static_cast<size_t>(p) * ldb + j];
            sum += a_ip * b_pj;
          }
          const double expected = c0[static_cast<size_t>(i) * n + j] + 0.5 * sum;
          CHECK(std::abs(team[static_cast<size_t>(i) * n + j] - expected) < 1e-3);
        }
      }
    }
  }
}

TEST_CASE("a product too small for a team runs as one call") {
  const int m = 8, n = 8, k = 8;
  const std::vector<float> a = RandomMatrix(64, 4), b = RandomMatrix(64, 5);
  std::vector<float> one(64, 0.0f), team(64, 0.0f);
  Gemm<float>(false, false, m, n, k, 1.0f, a.data(), k, b.data(), n, 0.0f, one.data(), n);
  TeamGemm<float>(2, false, false, m, n, k, 1.0f, a.data(), k, b.data(), n, 0.0f, team.data(), n);
  CHECK(team == one);
}

}  // namespace
}  // namespace mixrun
