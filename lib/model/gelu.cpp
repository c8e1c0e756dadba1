#include "model/gelu.h"

#include <algorithm>
#include <cstdint>

#include "model/fast_math.h"
#include "model/parallelism.h"

namespace mixrun {

namespace {

constexpr double kSqrt2OverPi = 0.7978845608028654;
constexpr double kCubic = 0.044715;
constexpr int64_t kChunk = 1 << 14;  // elements per OpenMP work item

template <typename Real>
inline void GeluForwardSpan(Real* out, const Real* inp, int64_t n) {
  const Real a = static_cast<Real>(kSqrt2OverPi), b = static_cast<Real>(kCubic);
  for (int64_t i = 0; i < n; ++i) {
    const Real x = inp[i];
    out[i] = Real(0.5) * x * (Real(1) + Tanh(a * (x + b * x * x * x)));
  }
}

template <typename Real>
inline void GeluBackwardSpan(Real* dinp, const Real* inp, const Real* dout, int64_t n) {
  const Real a = static_cast<Real>(kSqrt2OverPi), b = static_cast<Real>(kCubic);
  for (int64_t i = 0; i < n; ++i) {
    const Real x = inp[i];
    const Real th = Tanh(a * (x + b * x * x * x));
    const Real dtanh_arg = a * (Real(1) + Real(3) * b * x * x);
    const Real grad = Real(0.5) * (Real(1) + th) + Real(0.5) * x * (Real(1) - th * th) * dtanh_arg;
    dinp[i] += grad * dout[i];
  }
}

MIXRUN_VECTOR_CLONES void GeluForwardFloat(float* out, const float* inp, int64_t n) {
  GeluForwardSpan(out, inp, n);
}

MIXRUN_VECTOR_CLONES void GeluBackwardFloat(float* dinp, const float* inp, const float* dout,
                                            int64_t n) {
  GeluBackwardSpan(dinp, inp, dout, n);
}

}  // namespace

template <typename Real>
void GeluForward(Real* out, const Real* inp, size_t N, int threads) {
  const int64_t n = static_cast<int64_t>(N), chunks = (n + kChunk - 1) / kChunk;
  const int team = ThreadsFor(threads, N);
#pragma omp parallel for num_threads(team) if (team > 1) schedule(static)
  for (int64_t chunk = 0; chunk < chunks; ++chunk) {
    const int64_t begin = chunk * kChunk, size = std::min(kChunk, n - begin);
    if constexpr (sizeof(Real) == sizeof(float)) {
      GeluForwardFloat(out + begin, inp + begin, size);
    } else {
      GeluForwardSpan(out + begin, inp + begin, size);
    }
  }
}

template <typename Real>
void GeluBackward(Real* dinp, const Real* inp, const Real* dout, size_t N, int threads) {
  const int64_t n = static_cast<int64_t>(N), chunks = (n + kChunk - 1) / kChunk;
  const int team = ThreadsFor(threads, N);
#pragma omp parallel for num_threads(team) if (team > 1) schedule(static)
  for (int64_t chunk = 0; chunk < chunks; ++chunk) {
    const int64_t begin = chunk * kChunk, size = std::min(kChunk, n - begin);
    if constexpr (sizeof(Real) == sizeof(float)) {
      GeluBackwardFloat(dinp + begin, inp + begin, dout + begin, size);
    } else {
      GeluBackwardSpan(dinp + begin, inp + begin, dout + begin, size);
    }
  }
}

template void GeluForward<float>(float*, const float*, size_t, int);
template void GeluForward<double>(double*, const double*, size_t, int);
template void GeluBackward<float>(float*, const float*, const float*, size_t, int);
template void GeluBackward<double>(double*, const double*, const double*, size_t, int);

}  // namespace mixrun
