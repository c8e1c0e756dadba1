#include "model/layernorm.h"

#include <cmath>
#include <cstddef>

#include "model/parallelism.h"

namespace mixrun {

template <typename Real>
void LayerNormForward(Real* out, Real* mean, Real* rstd, const Real* inp, const Real* weight,
                      const Real* bias, int N, int C, int threads) {
  constexpr Real kEps = Real(1e-5);
  const int team = ThreadsFor(threads, static_cast<size_t>(N) * C);
#pragma omp parallel for num_threads(team) if (team > 1) schedule(static)
  for (int n = 0; n < N; ++n) {
    const Real* x = inp + static_cast<size_t>(n) * C;
    Real sum = 0;
    for (int c = 0; c < C; ++c) sum += x[c];
    const Real m = sum / C;
    Real sum_squares = 0;
    for (int c = 0; c < C; ++c) {
      const Real centred = x[c] - m;
      sum_squares += centred * centred;
    }
    const Real s = Real(1) / std::sqrt(sum_squares / C + kEps);
    Real* y = out + static_cast<size_t>(n) * C;
    for (int c = 0; c < C; ++c) y[c] = (x[c] - m) * s * weight[c] + bias[c];
    mean[n] = m;
    rstd[n] = s;
  }
}

template <typename Real>
void LayerNormBackward(Real* dinp, Real* dweight, Real* dbias, const Real* dout, const Real* inp,
                       const Real* weight, const Real* mean, const Real* rstd, int N, int C,
                       int threads) {
  // Input gradient, row by row: with n̂ = (x - mean)·rstd and g = weight·dout,
  // dx = rstd·(g - mean(g) - n̂·mean(g·n̂)).
  const int team = ThreadsFor(threads, static_cast<size_t>(N) * C);
#pragma omp parallel for num_threads(team) if (team > 1) schedule(static)
  for (int n = 0; n < N; ++n) {
    const Real* x = inp + static_cast<size_t>(n) * C;
    const Real* dy = dout + static_cast<size_t>(n) * C;
    const Real m = mean[n], s = rstd[n];
    Real g_mean = 0, g_norm_mean = 0;
    for (int c = 0; c < C; ++c) {
      const Real g = weight[c] * dy[c];
      g_mean += g;
      g_norm_mean += g * (x[c] - m) * s;
    }
    g_mean /= C;
    g_norm_mean /= C;
    Real* dx = dinp + static_cast<size_t>(n) * C;
    for (int c = 0; c < C; ++c) {
      const Real norm = (x[c] - m) * s;
      dx[c] += (weight[c] * dy[c] - g_mean - norm * g_norm_mean) * s;
    }
  }
  // Parameter gradients sum over rows: kept serial so the order (and result) never depends on
  // the thread count; the inner loop is vectorised.
  for (int n = 0; n < N; ++n) {
    const Real* x = inp + static_cast<size_t>(n) * C;
    const Real* dy = dout + static_cast<size_t>(n) * C;
    const Real m = mean[n], s = rstd[n];
    for (int c = 0; c < C; ++c) {
      dbias[c] += dy[c];
      dweight[c] += (x[c] - m) * s * dy[c];
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
