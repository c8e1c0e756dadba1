// Exp and tanh for the model's inner loops: branch-free float32 versions that compilers vectorise
// (no libm calls), within ~2 ulp of libm; double precision (the gradient checks) uses libm exactly.
// The hot float loops are built by MIXRUN_VECTOR_CLONES (common/cpu_clones.h).
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

#include "common/cpu_clones.h"

namespace mixrun {

// exp(x) for float: Cody-Waite range reduction to r in [-ln2/2, ln2/2] and Cephes' degree-7
// polynomial; inputs are clamped to the range where the result is a normal float.
inline float FastExpFloat(float x) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2High = 0.693359375f;
  constexpr float kLn2Low = -2.12194440e-4f;
  constexpr float kRoundMagic = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  const float n = (x * kLog2e + kRoundMagic) - kRoundMagic;
  const float r = (x - n * kLn2High) - n * kLn2Low;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const int32_t exponent = static_cast<int32_t>(n) + 127;
  return p * std::bit_cast<float>(exponent << 23);
}

template <typename Real>
inline Real Exp(Real x) {
  if constexpr (sizeof(Real) == sizeof(float)) {
    return FastExpFloat(x);
  } else {
    return std::exp(x);
  }
}

// tanh(x) = 1 - 2 / (exp(2x) + 1); absolute error ~1e-7 in float, which is all GELU needs.
template <typename Real>
inline Real Tanh(Real x) {
  if constexpr (sizeof(Real) == sizeof(float)) {
    const float e = FastExpFloat(2.0f * x);
    return 1.0f - 2.0f / (e + 1.0f);
  } else {
    return std::tanh(x);
  }
}

}  // namespace mixrun
