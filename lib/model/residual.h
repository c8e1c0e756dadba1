// Residual connection out = a + b, elementwise over the (B,T,C) stream.
// Its backward is the identity on both branches: the GPT keeps one gradient stream for it.
#pragma once

#include <cstddef>

namespace mixrun {

template <typename Real>
void ResidualForward(Real* out, const Real* a, const Real* b, size_t N);

}  // namespace mixrun
