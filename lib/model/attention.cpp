#include "model/attention.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "model/blas.h"
#include "model/fast_math.h"
#include "model/parallelism.h"

namespace mixrun {

namespace {

// Rows are processed in blocks so that the products skip most of the masked upper triangle:
// block r of rows [r0, r1) only needs key columns [0, r1).
constexpr int kCausalBlock = 64;

// Row i of the scores: softmax over columns [0, i], zero beyond (the causal mask).
template <typename Real>
inline void SoftmaxCausalRow(Real* row, int i, int T) {
  Real max_score = row[0];
#pragma omp simd reduction(max : max_score)
  for (int j = 0; j <= i; ++j) max_score = row[j] > max_score ? row[j] : max_score;
  Real sum = 0;
#pragma omp simd reduction(+ : sum)
  for (int j = 0; j <= i; ++j) {
    const Real e = Exp(row[j] - max_score);
    row[j] = e;
    sum += e;
  }
  const Real inverse_sum = Real(1) / sum;
#pragma omp simd
  for (int j = 0; j <= i; ++j) row[j] *= inverse_sum;
  for (int j = i + 1; j < T; ++j) row[j] = 0;
}

// Softmax backward of row i in place: dS_ij = P_ij·(dP_ij − Σ_k P_ik·dP_ik) for j ≤ i, else 0.
template <typename Real>
inline void SoftmaxCausalRowBackward(Real* d, const Real* p, int i, int T) {
  Real dot = 0;
#pragma omp simd reduction(+ : dot)
  for (int j = 0; j <= i; ++j) dot += p[j] * d[j];
#pragma omp simd
  for (int j = 0; j <= i; ++j) d[j] = p[j] * (d[j] - dot);
  for (int j = i + 1; j < T; ++j) d[j] = 0;
}

MIXRUN_VECTOR_CLONES void SoftmaxCausalRowFloat(float* row, int i, int T) {
  SoftmaxCausalRow(row, i, T);
}

MIXRUN_VECTOR_CLONES void SoftmaxCausalRowBackwardFloat(float* d, const float* p, int i, int T) {
  SoftmaxCausalRowBackward(d, p, i, T);
}

template <typename Real>
void Softmax(Real* row, int i, int T) {
  if constexpr (sizeof(Real) == sizeof(float)) {
    SoftmaxCausalRowFloat(row, i, T);
  } else {
    SoftmaxCausalRow(row, i, T);
  }
}

template <typename Real>
void SoftmaxBackward(Real* d, const Real* p, int i, int T) {
  if constexpr (sizeof(Real) == sizeof(float)) {
    SoftmaxCausalRowBackwardFloat(d, p, i, T);
  } else {
    SoftmaxCausalRowBackward(d, p, i, T);
  }
}

}  // namespace

template <typename Real>
void AttentionForward(Real* out, Real* att, const Real* qkv, int B, int T, int C, int NH,
                      int threads) {
  const int hs = C / NH;
  const int C3 = 3 * C;
  const Real scale = Real(1) / std::sqrt(static_cast<Real>(hs));
  // Every (b, h) is independent: a team of `threads` takes whole heads, OpenBLAS single-threaded
  // inside it; per element the arithmetic is the same whatever the team.
  const int heads = B * NH;
  const int team = std::min(heads, ThreadsFor(threads, static_cast<size_t>(heads) * T * T / 2));
  const BlasThreadsScope blas(team > 1 ? 1 : BlasThreads());
#pragma omp parallel for num_threads(team) if (team > 1) schedule(static)
  for (int bh = 0; bh < heads; ++bh) {
    const int b = bh / NH, h = bh % NH;
    const Real* q = qkv + static_cast<size_t>(b) * T * C3 + h * hs;  // (T,hs), stride 3C
    const Real* k = q + C;
    const Real* v = q + 2 * C;
    Real* scores = att + static_cast<size_t>(bh) * T * T;  // (T,T)
    Real* y = out + static_cast<size_t>(b) * T * C + h * hs;
    // Scores S = scale·Q·Kᵀ on lower-triangular row blocks only.
    for (int r0 = 0; r0 < T; r0 += kCausalBlock) {
      const int r1 = std::min(T, r0 + kCausalBlock);
      Gemm<Real>(false, true, r1 - r0, r1, hs, scale, q + static_cast<size_t>(r0) * C3, C3, k, C3,
                 Real(0), scores + static_cast<size_t>(r0) * T, T);
    }
    // Softmax of every row over its causal prefix.
    for (int i = 0; i < T; ++i) Softmax(scores + static_cast<size_t>(i) * T, i, T);
    // out = P·V: (T,T)·(T,hs) → columns [h·hs, (h+1)·hs) of out (B,T,C).
    for (int r0 = 0; r0 < T; r0 += kCausalBlock) {
      const int r1 = std::min(T, r0 + kCausalBlock);
      Gemm<Real>(false, false, r1 - r0, hs, r1, Real(1), scores + static_cast<size_t>(r0) * T, T, v,
                 C3, Real(0), y + static_cast<size_t>(r0) * C, C);
    }
  }
}

template <typename Real>
void AttentionBackward(Real* dqkv, Real* datt, const Real* dout, const Real* qkv, const Real* att,
                       int B, int T, int C, int NH, int threads) {
  const int hs = C / NH;
  const int C3 = 3 * C;
  const Real scale = Real(1) / std::sqrt(static_cast<Real>(hs));
  // Every (b, h) is independent, as in the forward pass.
  const int heads = B * NH;
  const int team = std::min(heads, ThreadsFor(threads, static_cast<size_t>(heads) * T * T / 2));
  const BlasThreadsScope blas(team > 1 ? 1 : BlasThreads());
#pragma omp parallel for num_threads(team) if (team > 1) schedule(static)
  for (int bh = 0; bh < heads; ++bh) {
    const int b = bh / NH, h = bh % NH;
    const size_t token0 = static_cast<size_t>(b) * T;
    const Real* q = qkv + token0 * C3 + h * hs;
    const Real* k = q + C;
    const Real* v = q + 2 * C;
    const Real* dy = dout + token0 * C + h * hs;
    const Real* probs = att + static_cast<size_t>(bh) * T * T;
    Real* dscores = datt + static_cast<size_t>(bh) * T * T;
    Real* dq = dqkv + token0 * C3 + h * hs;
    Real* dk = dq + C;
    Real* dv = dq + 2 * C;
    // dP = dY·Vᵀ (T,T) on causal row blocks; dV += Pᵀ·dY, where key block [c0, c1) only
    // receives from query rows i ≥ c0.
    for (int r0 = 0; r0 < T; r0 += kCausalBlock) {
      const int r1 = std::min(T, r0 + kCausalBlock);
      Gemm<Real>(false, true, r1 - r0, r1, hs, Real(1), dy + static_cast<size_t>(r0) * C, C, v, C3,
                 Real(0), dscores + static_cast<size_t>(r0) * T, T);
      Gemm<Real>(true, false, r1 - r0, hs, T - r0, Real(1),
                 probs + static_cast<size_t>(r0) * T + r0, T, dy + static_cast<size_t>(r0) * C, C,
                 Real(1), dv + static_cast<size_t>(r0) * C3, C3);
    }
    // Softmax backward, O(T) per row: dP becomes dS in place.
    for (int i = 0; i < T; ++i) {
      SoftmaxBackward(dscores + static_cast<size_t>(i) * T, probs + static_cast<size_t>(i) * T, i,
                      T);
    }
    // dQ += scale·dS·K (rows need keys [0, r1)); dK += scale·dSᵀ·Q (keys [c0, c1) from i ≥ c0).
    for (int r0 = 0; r0 < T; r0 += kCausalBlock) {
      const int r1 = std::min(T, r0 + kCausalBlock);
      Gemm<Real>(false, false, r1 - r0, hs, r1, scale, dscores + static_cast<size_t>(r0) * T, T, k,
                 C3, Real(1), dq + static_cast<size_t>(r0) * C3, C3);
      Gemm<Real>(true, false, r1 - r0, hs, T - r0, scale,
                 dscores + static_cast<size_t>(r0) * T + r0, T, q + static_cast<size_t>(r0) * C3,
                 C3, Real(1), dk + static_cast<size_t>(r0) * C3, C3);
    }
  }
}

template void AttentionForward<float>(float*, float*, const float*, int, int, int, int, int);
template void AttentionForward<double>(double*, double*, const double*, int, int, int, int, int);
template void AttentionBackward<float>(float*, float*, const float*, const float*, const float*,
                                       int, int, int, int, int);
template void AttentionBackward<double>(double*, double*, const double*, const double*,
                                        const double*, int, int, int, int, int);

}  // namespace mixrun
