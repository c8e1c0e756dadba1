#include "model/residual.h"

namespace mixrun {

template <typename Real>
void ResidualForward(Real* out, const Real* a, const Real* b, size_t N) {
  for (size_t i = 0; i < N; ++i) out[i] = a[i] + b[i];
}

template void ResidualForward<float>(float*, const float*, const float*, size_t);
template void ResidualForward<double>(double*, const double*, const double*, size_t);

}  // namespace mixrun
