#include "model/linear.h"

#include <cstddef>

#include "model/blas.h"

namespace mixrun {

template <typename Real>
void LinearForward(Real* out, const Real* inp, const Real* weight, const Real* bias, int N, int IC,
                   int OC) {
  Real beta = 0;
  if (bias != nullptr) {
    // Seeding out with the bias and letting the product add to it saves a pass over out.
    for (int n = 0; n < N; ++n) {
      Real* row = out + static_cast<size_t>(n) * OC;
      for (int o = 0; o < OC; ++o) row[o] = bias[o];
    }
    beta = 1;
  }
  Gemm<Real>(false, true, N, OC, IC, Real(1), inp, IC, weight, IC, beta, out, OC);
}

template <typename Real>
void LinearBackward(Real* dinp, Real* dweight, Real* dbias, const Real* dout, const Real* inp,
                    const Real* weight, int N, int IC, int OC) {
  if (dinp != nullptr) {
    Gemm<Real>(false, false, N, IC, OC, Real(1), dout, OC, weight, IC, Real(1), dinp, IC);
  }
  Gemm<Real>(true, false, OC, IC, N, Real(1), dout, OC, inp, IC, Real(1), dweight, IC);
  if (dbias != nullptr) {
    for (int n = 0; n < N; ++n) {
      const Real* row = dout + static_cast<size_t>(n) * OC;
      for (int o = 0; o < OC; ++o) dbias[o] += row[o];
    }
  }
}

template void LinearForward<float>(float*, const float*, const float*, const float*, int, int, int);
template void LinearForward<double>(double*, const double*, const double*, const double*, int, int,
                                    int);
template void LinearBackward<float>(float*, float*, float*, const float*, const float*,
                                    const float*, int, int, int);
template void LinearBackward<double>(double*, double*, double*, const double*, const double*,
                                     const double*, int, int, int);

}  // namespace mixrun
