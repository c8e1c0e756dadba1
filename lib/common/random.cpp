#include "common/random.h"

#include "common/cpu_clones.h"

namespace mixrun {
namespace {

// Rows per pass: a pass keeps two doubles a row for each column (~70 KB for 17 columns, in L2),
// and its loops over rows are long enough to vectorise well.
constexpr size_t kChunkRows = 256;

// Marsaglia & Tsang's constants for one column: Gamma(shape) drawn as Gamma(shape + 1)·U^(1/shape)
// when shape < 1 (`boost`), whose log is log(d·v) + log(U)/shape.
struct GammaShape {
  bool active = false;
  bool boost = false;
  double d = 0, c = 0, inverse_shape = 0;
};

// Fills out[0, n) with the next n draws of the SplitMix64 sequence at `state` as uniforms in
// (0, 1): (k + ½)·2^-52 for the draw's top 52 bits k, exact, never 0 (its log is finite) or 1.
// Built from the bits of a double in [1, 2), since SSE2 and AVX2 have no vector int64 → double
// conversion; each draw is a pure function of its index, so the loop vectorises where 64-bit
// multiplies do (the AVX2 build). The helpers here are always inlined, so that they are compiled
// into each build of DirichletChunk.
[[gnu::always_inline]] inline void FillUniforms(uint64_t& state, size_t n, double* out) {
  constexpr uint64_t kIncrement = 0x9E3779B97F4A7C15ULL;  // SplitMix64's, as in Rng::Next
  const uint64_t base = state;
  for (size_t i = 0; i < n; ++i) {
    uint64_t at = base + i * kIncrement;
    const uint64_t bits = SplitMix64(at);
    out[i] = std::bit_cast<double>((bits >> 12) | 0x3FF0000000000000ULL) - (1 - 0x1p-53);
  }
  state = base + n * kIncrement;
}

// Standard normals by Marsaglia's polar method, both deviates of each pair used. A batch of
// candidate points is drawn and every candidate's −2 log s / s computed in a loop that vectorises
// (wasted on the ~21% outside the disc, but branch-free); then the square roots (a call GCC
// guards for errno, so not in that loop) and the pairs inside, compacted.
class PolarNormals {
 public:
  explicit PolarNormals(uint64_t& state) : state_(state) {}

  // The next n ≤ kChunkRows normals, valid until the next call.
  [[gnu::always_inline]] const double* Take(size_t n) {
    if (end_ - next_ < n) Refill();
    next_ += n;
    return normals_ + next_ - n;
  }

 private:
  static constexpr size_t kPairs = 128;

  [[gnu::always_inline]] void Refill() {
    std::copy(normals_ + next_, normals_ + end_, normals_);
    end_ -= next_;
    next_ = 0;
    while (end_ < kChunkRows) {
      double uniform[2 * kPairs], square[kPairs], log_ratio[kPairs];
      FillUniforms(state_, 2 * kPairs, uniform);
      for (size_t p = 0; p < kPairs; ++p) {
        const double u = 2 * uniform[2 * p] - 1, v = 2 * uniform[2 * p + 1] - 1;
        const double s = u * u + v * v;  // > 0: u and v are odd multiples of 2^-52
        square[p] = s;
        log_ratio[p] = -2 * FastLog(s) / s;  // < 0 outside the disc
      }
      for (size_t p = 0; p < kPairs; ++p) {
        const double factor = std::sqrt(std::max(log_ratio[p], 0.0));
        normals_[end_] = (2 * uniform[2 * p] - 1) * factor;
        normals_[end_ + 1] = (2 * uniform[2 * p + 1] - 1) * factor;
        end_ += square[p] < 1 ? 2 : 0;
      }
    }
  }

  uint64_t& state_;
  double normals_[kChunkRows + 2 * kPairs];
  size_t next_ = 0, end_ = 0;
};

// Scratch for one column's candidates.
struct Candidates {
  double uniform[kChunkRows], cube[kChunkRows], squeezed[kChunkRows];
};

// Gamma(d + 1/3) variates d·v for `rows` rows into out[0, rows), by Marsaglia & Tsang: a batch of
// candidates (normal x, uniform u) judged by the squeeze in a loop that vectorises, the few it
// does not accept judged by the log test, the accepted compacted; the rejected are redrawn.
[[gnu::always_inline]] inline void GammaColumn(uint64_t& state, PolarNormals& normals,
                                               const GammaShape& shape, size_t rows,
                                               Candidates& scratch, double* out) {
  const double c = shape.c, d = shape.d;
  size_t done = 0;
  while (done < rows) {
    const size_t n = rows - done;
    const double* x = normals.Take(n);
    FillUniforms(state, n, scratch.uniform);
    // v³ when v > 0, else 0 (rejected); and v³ again when the squeeze accepts, else 0. (Selects
    // of values computed on both sides, so GCC if-converts them.)
    for (size_t i = 0; i < n; ++i) {
      const double v = 1 + c * x[i], cube = v * v * v, x_squared = x[i] * x[i];
      scratch.cube[i] = v > 0 ? cube : 0;
      scratch.squeezed[i] = scratch.uniform[i] < 1 - 0.0331 * x_squared * x_squared ? cube : 0;
    }
    for (size_t i = 0; i < n; ++i) {
      const double cube = scratch.cube[i];
      bool accept = scratch.squeezed[i] > 0;
      if (!accept && cube > 0) {
        accept = FastLog(scratch.uniform[i]) < 0.5 * x[i] * x[i] + d * (1 - cube + FastLog(cube));
      }
      out[done] = d * cube;  // kept only if accepted: done stays below rows
      done += accept ? 1 : 0;
    }
  }
}

// One chunk of DirichletRows into out[rows × shapes.size()], column by column: `gamma` and
// `log_boost` hold each active column's d·v and log(U)/shape (0 without boost) for every row.
// A variate is d·v·U^(1/shape); its U^(1/shape) part (which underflows for tiny shapes) is scaled
// by the row's largest in logs before the exp, so no row's weights all underflow; d·v (bounded
// away from 0 and ∞) multiplies after.
// Built for AVX2 too (common/cpu_clones.h), which runs its loops 4 doubles wide. The same bits
// either way: IEEE operations only and no FMA (a target with FMA would need -ffp-contract=off, or
// contracted a·b + c would differ).
MIXRUN_SAME_BITS_CLONES void DirichletChunk(uint64_t& state, PolarNormals& normals,
                                            const std::vector<GammaShape>& shapes, size_t rows,
                                            double* gamma, double* log_boost, double* out) {
  const size_t m = shapes.size();
  Candidates scratch;
  double top[kChunkRows], total[kChunkRows];
  std::fill(top, top + rows, -INFINITY);
  std::fill(total, total + rows, 0.0);
  for (size_t j = 0; j < m; ++j) {
    const GammaShape& shape = shapes[j];
    if (!shape.active) continue;
    double* column_gamma = gamma + j * kChunkRows;
    double* column_log = log_boost + j * kChunkRows;
    GammaColumn(state, normals, shape, rows, scratch, column_gamma);
    if (shape.boost) {
      const double inverse_shape = shape.inverse_shape;
      FillUniforms(state, rows, column_log);
      for (size_t r = 0; r < rows; ++r) column_log[r] = FastLog(column_log[r]) * inverse_shape;
    } else {
      std::fill(column_log, column_log + rows, 0.0);
    }
    for (size_t r = 0; r < rows; ++r) top[r] = std::max(top[r], column_log[r]);
  }
  for (size_t j = 0; j < m; ++j) {
    if (!shapes[j].active) continue;
    double* column_gamma = gamma + j * kChunkRows;
    const double* column_log = log_boost + j * kChunkRows;
    for (size_t r = 0; r < rows; ++r) {
      column_gamma[r] *= FastExp(column_log[r] - top[r]);
      total[r] += column_gamma[r];
    }
  }
  for (size_t r = 0; r < rows; ++r) total[r] = 1 / total[r];
  for (size_t r = 0; r < rows; ++r) {
    for (size_t j = 0; j < m; ++j) {
      out[r * m + j] = shapes[j].active ? gamma[j * kChunkRows + r] * total[r] : 0.0;
    }
  }
}

}  // namespace

void DirichletRows(Rng& rng, const std::vector<double>& alpha, size_t rows, double* out) {
  const size_t m = alpha.size();
  std::vector<GammaShape> shapes(m);
  bool any = false;
  for (size_t j = 0; j < m; ++j) {
    if (!(alpha[j] > 0)) continue;
    GammaShape& shape = shapes[j];
    shape.active = any = true;
    shape.boost = alpha[j] < 1;
    shape.d = (shape.boost ? alpha[j] + 1 : alpha[j]) - 1.0 / 3.0;
    shape.c = 1.0 / std::sqrt(9 * shape.d);
    shape.inverse_shape = shape.boost ? 1 / alpha[j] : 0;
  }
  if (!any) {  // no component can have weight: all weights 0
    std::fill(out, out + rows * m, 0.0);
    return;
  }
  // The draws come from their own SplitMix64 sequence seeded by one draw of `rng`.
  uint64_t state = rng.Next();
  PolarNormals normals(state);
  std::vector<double> gamma(m * kChunkRows), log_boost(m * kChunkRows);
  for (size_t first = 0; first < rows; first += kChunkRows) {
    const size_t count = std::min(kChunkRows, rows - first);
    DirichletChunk(state, normals, shapes, count, gamma.data(), log_boost.data(), out + first * m);
  }
}

}  // namespace mixrun
