#include "model/residual.h"

#include <cstdint>

#include "model/parallelism.h"

namespace mixrun {

template <typename Real>
void ResidualForward(Real* out, const Real* a, const Real* b, size_t N, int threads) {
  const int64_t n = static_cast<int64_t>(N);
  const int team = ThreadsFor(threads, N);
#pragma omp parallel for simd num_threads(team) if (team > 1) schedule(static)
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
}

template void ResidualForward<float>(float*, const float*, const float*, size_t, int);
template void ResidualForward<double>(double*, const double*, const double*, size_t, int);

}  // namespace mixrun
