#include "model/adamw.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "model/parallelism.h"

namespace mixrun {

template <typename Real>
AdamW<Real>::AdamW(const ParameterLayout& layout, const AdamWOptions& options, int threads)
    : tensors_(layout.tensors()),
      options_(options),
      threads_(threads < 1 ? 1 : threads),
      first_moment_(layout.total(), Real(0)),
      second_moment_(layout.total(), Real(0)) {}

template <typename Real>
void AdamW<Real>::Step(std::span<Real> parameters, std::span<const Real> gradients, double lr) {
  ++step_count_;
  const Real beta1 = static_cast<Real>(options_.beta1);
  const Real beta2 = static_cast<Real>(options_.beta2);
  const Real epsilon = static_cast<Real>(options_.epsilon);
  // Bias corrections folded into the step size and the denominator, computed in double.
  const double correction1 = 1.0 - std::pow(options_.beta1, static_cast<double>(step_count_));
  const double correction2 = 1.0 - std::pow(options_.beta2, static_cast<double>(step_count_));
  const Real step_size = static_cast<Real>(lr / correction1);
  const Real inverse_sqrt_correction2 = static_cast<Real>(1.0 / std::sqrt(correction2));
  Real* m = first_moment_.data();
  Real* v = second_moment_.data();
  Real* p = parameters.data();
  const Real* g = gradients.data();
  for (const ParameterTensor& tensor : tensors_) {
    const Real decay_factor =
        static_cast<Real>(1.0 - (tensor.decay ? lr * options_.weight_decay : 0.0));
    const int64_t begin = static_cast<int64_t>(tensor.offset);
    const int64_t end = begin + static_cast<int64_t>(tensor.size);
    const int team = ThreadsFor(threads_, tensor.size);
#pragma omp parallel for simd num_threads(team) if (team > 1) schedule(static)
    for (int64_t i = begin; i < end; ++i) {
      m[i] = beta1 * m[i] + (Real(1) - beta1) * g[i];
      v[i] = beta2 * v[i] + (Real(1) - beta2) * g[i] * g[i];
      const Real denominator = std::sqrt(v[i]) * inverse_sqrt_correction2 + epsilon;
      p[i] = p[i] * decay_factor - step_size * m[i] / denominator;
    }
  }
}

template <typename Real>
bool AdamW<Real>::Restore(int64_t step_count, std::span<const Real> first_moment,
                          std::span<const Real> second_moment) {
  if (first_moment.size() != first_moment_.size() ||
      second_moment.size() != second_moment_.size() || step_count < 0) {
    return false;
  }
  step_count_ = step_count;
  first_moment_.assign(first_moment.begin(), first_moment.end());
  second_moment_.assign(second_moment.begin(), second_moment.end());
  return true;
}

template <typename Real>
double ClipGradientNorm(std::span<Real> gradients, double max_norm, int threads) {
  constexpr int64_t kChunk = int64_t{1} << 15;
  const int64_t n = static_cast<int64_t>(gradients.size());
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<double> partial(static_cast<size_t>(chunks), 0.0);
  Real* g = gradients.data();
  const int team = ThreadsFor(threads, gradients.size());
#pragma omp parallel for num_threads(team) if (team > 1) schedule(static)
  for (int64_t chunk = 0; chunk < chunks; ++chunk) {
    double sum = 0;
    for (int64_t i = chunk * kChunk; i < std::min(n, (chunk + 1) * kChunk); ++i) {
      sum += static_cast<double>(g[i]) * g[i];
    }
    partial[static_cast<size_t>(chunk)] = sum;
  }
  double sum_squares = 0;
  for (const double sum : partial) sum_squares += sum;
  const double norm = std::sqrt(sum_squares);
  if (max_norm > 0 && std::isfinite(norm) && norm > max_norm) {
    const Real scale = static_cast<Real>(max_norm / (norm + 1e-6));
#pragma omp parallel for simd num_threads(team) if (team > 1) schedule(static)
    for (int64_t i = 0; i < n; ++i) g[i] *= scale;
  }
  return norm;
}

template class AdamW<float>;
template class AdamW<double>;
template double ClipGradientNorm<float>(std::span<float>, double, int);
template double ClipGradientNorm<double>(std::span<double>, double, int);

}  // namespace mixrun
