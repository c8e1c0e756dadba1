// GELU with the tanh approximation (GPT-2's): y = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
// Elementwise; backward accumulates into dinp.
#pragma once

#include <cstddef>

namespace mixrun {

// out, inp (N) with N = B·T·F.
template <typename Real>
void GeluForward(Real* out, const Real* inp, size_t N, int threads);

// dinp (N) += gelu'(inp)·dout.
template <typename Real>
void GeluBackward(Real* dinp, const Real* inp, const Real* dout, size_t N, int threads);

}  // namespace mixrun
