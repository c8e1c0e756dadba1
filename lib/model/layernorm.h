// LayerNorm over the last dimension: out = (x - mean)·rstd·weight + bias, eps 1e-5.
// Forward caches each row's mean and 1/std for the backward pass.
#pragma once

namespace mixrun {

// out (N,C); mean, rstd (N); inp (N,C); weight, bias (C). N = B·T rows.
template <typename Real>
void LayerNormForward(Real* out, Real* mean, Real* rstd, const Real* inp, const Real* weight,
                      const Real* bias, int N, int C, int threads);

// dinp (N,C) += ...; dweight, dbias (C) += ...; from dout (N,C) and the forward's caches.
template <typename Real>
void LayerNormBackward(Real* dinp, Real* dweight, Real* dbias, const Real* dout, const Real* inp,
                       const Real* weight, const Real* mean, const Real* rstd, int N, int C,
                       int threads);

}  // namespace mixrun
