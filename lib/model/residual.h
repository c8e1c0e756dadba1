// Residual connection out = a + b, elementwise over the (B,T,C) stream, on a team of up to
// `threads`. Its backward is the identity on both branches: the GPT keeps one gradient stream.
#pragma once

#include <cstddef>

namespace mixrun {

template <typename Real>
void ResidualForward(Real* out, const Real* a, const Real* b, size_t N, int threads);

}  // namespace mixrun
