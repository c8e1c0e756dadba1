#include "model/linear.h"

#include <algorithm>
#include <cstddef>

#include "model/blas.h"
#include "model/parallelism.h"

namespace mixrun {

namespace {

// Columns per work item of the bias gradient: a thread sums whole columns over every row, so the
// order of the additions (and the result) never depends on the team.
constexpr int kBiasColumns = 64;

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
    const int blocks = (OC + kBiasColumns - 1) / kBiasColumns;
    const int team = std::min(blocks, ThreadsFor(threads, static_cast<size_t>(N) * OC));
#pragma omp parallel for num_threads(team) if (team > 1) schedule(static)
    for (int block = 0; block < blocks; ++block) {
      const int o0 = block * kBiasColumns, o1 = std::min(OC, o0 + kBiasColumns);
      for (int n = 0; n < N; ++n) {
        const Real* row = dout + static_cast<size_t>(n) * OC;
        for (int o = o0; o < o1; ++o) dbias[o] += row[o];
      }
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
