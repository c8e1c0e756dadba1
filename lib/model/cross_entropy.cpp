#include "model/cross_entropy.h"

#include <cmath>
#include <cstddef>

#include "model/fast_math.h"
#include "model/parallelism.h"

namespace mixrun {

namespace {

// Softmax of one row of logits into p; returns the loss −log p[target], computed from the logits
// so that it stays exact when the probability underflows.
template <typename Real>
inline Real SoftmaxRowLoss(Real* p, const Real* z, int target, int V) {
  Real max_logit = z[0];
#pragma omp simd reduction(max : max_logit)
  for (int v = 0; v < V; ++v) max_logit = z[v] > max_logit ? z[v] : max_logit;
  Real sum = 0;
#pragma omp simd reduction(+ : sum)
  for (int v = 0; v < V; ++v) {
    const Real e = Exp(z[v] - max_logit);
    p[v] = e;
    sum += e;
  }
  const Real inverse_sum = Real(1) / sum;
#pragma omp simd
  for (int v = 0; v < V; ++v) p[v] *= inverse_sum;
  return std::log(sum) - (z[target] - max_logit);
}

MIXRUN_VECTOR_CLONES float SoftmaxRowLossFloat(float* p, const float* z, int target, int V) {
  return SoftmaxRowLoss(p, z, target, V);
}

}  // namespace

template <typename Real>
double CrossEntropyForward(Real* probs, Real* losses, const Real* logits, const int32_t* targets,
                           int N, int V, int threads) {
  const int team = ThreadsFor(threads, static_cast<size_t>(N) * V);
#pragma omp parallel for num_threads(team) if (team > 1) schedule(static)
  for (int n = 0; n < N; ++n) {
    const Real* z = logits + static_cast<size_t>(n) * V;
    Real* p = probs + static_cast<size_t>(n) * V;
    if constexpr (sizeof(Real) == sizeof(float)) {
      losses[n] = SoftmaxRowLossFloat(p, z, targets[n], V);
    } else {
      losses[n] = SoftmaxRowLoss(p, z, targets[n], V);
    }
  }
  double total = 0;
  for (int n = 0; n < N; ++n) total += static_cast<double>(losses[n]);
  return total / N;
}

template <typename Real>
void CrossEntropyBackward(Real* dlogits, const Real* probs, const int32_t* targets, int N, int V,
                          int threads) {
  const Real inverse_n = Real(1) / static_cast<Real>(N);
  const int team = ThreadsFor(threads, static_cast<size_t>(N) * V);
#pragma omp parallel for num_threads(team) if (team > 1) schedule(static)
  for (int n = 0; n < N; ++n) {
    const Real* p = probs + static_cast<size_t>(n) * V;
    Real* d = dlogits + static_cast<size_t>(n) * V;
#pragma omp simd
    for (int v = 0; v < V; ++v) d[v] = p[v] * inverse_n;
    d[targets[n]] -= inverse_n;
  }
}

template double CrossEntropyForward<float>(float*, float*, const float*, const int32_t*, int, int,
                                           int);
template double CrossEntropyForward<double>(double*, double*, const double*, const int32_t*, int,
                                            int, int);
template void CrossEntropyBackward<float>(float*, const float*, const int32_t*, int, int, int);
template void CrossEntropyBackward<double>(double*, const double*, const int32_t*, int, int, int);

}  // namespace mixrun
