#include "model/linear.h"

#include <algorithm>
#include <cstddef>
#include <vector>

#include "model/blas.h"
#include "model/parallelism.h"

namespace mixrun {

namespace {

// A thread's fewest columns of the bias gradient: a thread sums its slice of the columns over
// every row in order, so the result never depends on the team.
constexpr int kMinimumBiasColumns = 32;

}  // namespace

template <typename Real>
void LinearForward(Real* out, const Real* inp, const Real* weight, const Real* bias, int N, int IC,
                   int OC, int threads) {
  Real beta = 0;
  if (bias != nullptr) {
    // Seeding out with the bias and letting the product add to it saves a pass over out.
    const int team = ThreadsFor(threads, static_cast<size_t>(N) * OC);
#pragma omp parallel for num_threads(team) if (team > 1) schedule(static)
    for (int n = 0; n < N; ++n) {
      std::copy_n(bias, OC, out + static_cast<size_t>(n) * OC);
    }
    beta = 1;
  }
  TeamGemm<Real>(threads, false, true, N, OC, IC, Real(1), inp, IC, weight, IC, beta, out, OC);
}

template <typename Real>
void LinearBackward(Real* dinp, Real* dweight, Real* dbias, const Real* dout, const Real* inp,
                    const Real* weight, int N, int IC, int OC, int threads) {
  if (dinp != nullptr) {
    TeamGemm<Real>(threads, false, false, N, IC, OC, Real(1), dout, OC, weight, IC, Real(1), dinp,
                   IC);
  }
  // dweight's rows are output features: the team splits them, each thread reading all of inp.
  TeamGemm<Real>(threads, true, false, OC, IC, N, Real(1), dout, OC, inp, IC, Real(1), dweight, IC);
  if (dbias != nullptr) {
    const int slices = std::max(
        1, std::min(ThreadsFor(threads, static_cast<size_t>(N) * OC), OC / kMinimumBiasColumns));
#pragma omp parallel for num_threads(slices) if (slices > 1) schedule(static)
    for (int slice = 0; slice < slices; ++slice) {
      // Summed in the thread's own buffer: threads adding into one cache line of dbias at a
      // slice's edge, row after row, would pass it back and forth.
      const int o0 = OC * slice / slices, width = OC * (slice + 1) / slices - o0;
      std::vector<Real> sum(static_cast<size_t>(width), Real(0));
      for (int n = 0; n < N; ++n) {
        const Real* row = dout + static_cast<size_t>(n) * OC + o0;
#pragma omp simd
        for (int o = 0; o < width; ++o) sum[o] += row[o];
      }
      for (int o = 0; o < width; ++o) dbias[o0 + o] += sum[o];
    }
  }
}

template void LinearForward<float>(float*, const float*, const float*, const float*, int, int, int,
                                   int);
template void LinearForward<double>(double*, const double*, const double*, const double*, int, int,
                                    int, int);
template void LinearBackward<float>(float*, float*, float*, const float*, const float*,
                                    const float*, int, int, int, int);
template void LinearBackward<double>(double*, double*, double*, const double*, const double*,
                                     const double*, int, int, int, int);

}  // namespace mixrun
