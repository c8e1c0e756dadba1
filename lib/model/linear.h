// Linear layer out = inp·Wᵀ + bias (W stored (OC, IC) as in PyTorch), through sgemm.
// Backward accumulates into dinp, dweight and dbias; bias may be null (the tied output head).
// `threads` is the OpenMP team the products and loops split across (OpenBLAS single-threaded
// inside, blas.h's TeamGemm); every output element's arithmetic is the same whatever the team.
#pragma once

namespace mixrun {

// out (N,OC); inp (N,IC); weight (OC,IC); bias (OC) or null.
template <typename Real>
void LinearForward(Real* out, const Real* inp, const Real* weight, const Real* bias, int N, int IC,
                   int OC, int threads);

// dinp (N,IC) += dout·W; dweight (OC,IC) += doutᵀ·inp; dbias (OC) += column sums of dout.
// Any of dinp, dbias may be null when not needed.
template <typename Real>
void LinearBackward(Real* dinp, Real* dweight, Real* dbias, const Real* dout, const Real* inp,
                    const Real* weight, int N, int IC, int OC, int threads);

}  // namespace mixrun
