#include "model/layernorm.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "model/fast_math.h"
#include "model/parallelism.h"

namespace mixrun {

namespace {

// A thread's fewest channels in the parameter gradients' sums.
constexpr int kMinimumChannels = 32;

template <typename Real>
inline void ForwardRow(Real* y, Real* mean, Real* rstd, const Real* x, const Real* weight,
                       const Real* bias, int C) {
  constexpr Real kEps = Real(1e-5);
  Real sum = 0;
#pragma omp simd reduction(+ : sum)
  for (int c = 0; c < C; ++c) sum += x[c];
  const Real m = sum / C;
  Real sum_squares = 0;
#pragma omp simd reduction(+ : sum_squares)
  for (int c = 0; c < C; ++c) sum_squares += (x[c] - m) * (x[c] - m);
  const Real s = Real(1) / std::sqrt(sum_squares / C + kEps);
#pragma omp simd
  for (int c = 0; c < C; ++c) y[c] = (x[c] - m) * s * weight[c] + bias[c];
  *mean = m;
  *rstd = s;
}

// With n̂ = (x − mean)·rstd and g = weight·dout: dx += rstd·(g − mean(g) − n̂·mean(g·n̂)).
template <typename Real>
inline void BackwardRow(Real* dx, const Real* dy, const Real* x, const Real* weight, Real m, Real s,
                        int C) {
  Real g_mean = 0, g_norm_mean = 0;
#pragma omp simd reduction(+ : g_mean, g_norm_mean)
  for (int c = 0; c < C; ++c) {
    const Real g = weight[c] * dy[c];
    g_mean += g;
    g_norm_mean += g * (x[c] - m) * s;
  }
  g_mean /= C;
  g_norm_mean /= C;
#pragma omp simd
  for (int c = 0; c < C; ++c) {
    dx[c] += (weight[c] * dy[c] - g_mean - (x[c] - m) * s * g_norm_mean) * s;
  }
}

MIXRUN_VECTOR_CLONES void ForwardRowFloat(float* y, float* mean, float* rstd, const float* x,
                                          const float* weight, const float* bias, int C) {
  ForwardRow(y, mean, rstd, x, weight, bias, C);
}

MIXRUN_VECTOR_CLONES void BackwardRowFloat(float* dx, const float* dy, const float* x,
                                           const float* weight, float m, float s, int C) {
  BackwardRow(dx, dy, x, weight, m, s, C);
}

}  // namespace

template <typename Real>
void LayerNormForward(Real* out, Real* mean, Real* rstd, const Real* inp, const Real* weight,
                      const Real* bias, int N, int C, int threads) {
  const int team = ThreadsFor(threads, static_cast<size_t>(N) * C);
#pragma omp parallel for num_threads(team) if (team > 1) schedule(static)
  for (int n = 0; n < N; ++n) {
    const size_t row = static_cast<size_t>(n) * C;
    if constexpr (sizeof(Real) == sizeof(float)) {
      ForwardRowFloat(out + row, mean + n, rstd + n, inp + row, weight, bias, C);
    } else {
      ForwardRow(out + row, mean + n, rstd + n, inp + row, weight, bias, C);
    }
  }
}

template <typename Real>
void LayerNormBackward(Real* dinp, Real* dweight, Real* dbias, const Real* dout, const Real* inp,
                       const Real* weight, const Real* mean, const Real* rstd, int N, int C,
                       int threads) {
  const int team = ThreadsFor(threads, static_cast<size_t>(N) * C);
#pragma omp parallel for num_threads(team) if (team > 1) schedule(static)
  for (int n = 0; n < N; ++n) {
    const size_t row = static_cast<size_t>(n) * C;
    if constexpr (sizeof(Real) == sizeof(float)) {
      BackwardRowFloat(dinp + row, dout + row, inp + row, weight, mean[n], rstd[n], C);
    } else {
      BackwardRow(dinp + row, dout + row, inp + row, weight, mean[n], rstd[n], C);
    }
  }
  // Parameter gradients sum over rows: each thread takes a slice of the channels and sums them
  // over every row in order, so the result never depends on the thread count. The sums run in
  // the thread's own buffer: two threads adding into one cache line of dweight at a slice's edge,
  // row after row, made the team three times slower than one thread.
  const int slices = std::max(1, std::min(team, C / kMinimumChannels));
#pragma omp parallel for num_threads(slices) if (slices > 1) schedule(static)
  for (int slice = 0; slice < slices; ++slice) {
    const int c0 = C * slice / slices, width = C * (slice + 1) / slices - c0;
    std::vector<Real> sums(2 * static_cast<size_t>(width), Real(0));  // dbias, then dweight
    Real* bias_sum = sums.data();
    Real* weight_sum = sums.data() + width;
    for (int n = 0; n < N; ++n) {
      const Real* x = inp + static_cast<size_t>(n) * C + c0;
      const Real* dy = dout + static_cast<size_t>(n) * C + c0;
      const Real m = mean[n], s = rstd[n];
#pragma omp simd
      for (int c = 0; c < width; ++c) {
        bias_sum[c] += dy[c];
        weight_sum[c] += (x[c] - m) * s * dy[c];
      }
    }
    for (int c = 0; c < width; ++c) {
      dbias[c0 + c] += bias_sum[c];
      dweight[c0 + c] += weight_sum[c];
    }
  }
}

template void LayerNormForward<float>(float*, float*, float*, const float*, const float*,
                                      const float*, int, int, int);
template void LayerNormForward<double>(double*, double*, double*, const double*, const double*,
                                       const double*, int, int, int);
template void LayerNormBackward<float>(float*, float*, float*, const float*, const float*,
                                       const float*, const float*, const float*, int, int, int);
template void LayerNormBackward<double>(double*, double*, double*, const double*, const double*,
                                        const double*, const double*, const double*, int, int, int);

}  // namespace mixrun
