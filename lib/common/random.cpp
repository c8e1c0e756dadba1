#include "common/random.h"

namespace mixrun {
namespace {

// Marsaglia & Tsang's constants for one column: Gamma(shape) drawn as Gamma(shape + 1)·U^(1/shape)
// when shape < 1 (`boost`), whose log is log(d·v) + log(U)/shape.
struct GammaShape {
  bool active = false;
  bool boost = false;
  double d = 0, c = 0, inverse_shape = 0;
};

// Standard normals by Marsaglia's polar method, both deviates of each pair used, from their own
// generator: made kBatch at a time, the accepted (u, v, s) first, then x = u·√(−2 log s / s) in a
// loop that vectorises, so the draws of the gamma variates never wait on a log.
class PolarNormals {
 public:
  explicit PolarNormals(uint64_t seed) : rng_(seed) {}
  double Next() {
    if (next_ == kBatch) Refill();
    return normals_[next_++];
  }

 private:
  static constexpr size_t kBatch = 512;

  void Refill() {
    double radius[kBatch / 2];
    for (size_t p = 0; p < kBatch / 2; ++p) {
      double u, v;
      const double s = PolarPoint(rng_, u, v);
      normals_[2 * p] = u;
      normals_[2 * p + 1] = v;
      radius[p] = s;
    }
    for (size_t p = 0; p < kBatch / 2; ++p) {
      const double factor = std::sqrt(-2 * FastLog(radius[p]) / radius[p]);
      normals_[2 * p] *= factor;
      normals_[2 * p + 1] *= factor;
    }
    next_ = 0;
  }

  Rng rng_;
  double normals_[kBatch];
  size_t next_ = kBatch;
};

// Rows per pass: a chunk's boost uniforms stay in L1, and nothing large is allocated.
constexpr size_t kChunkRows = 128;

// One chunk of DirichletRows into out[rows × shapes.size()], `boost` its scratch of that size.
// The stream is consumed in row order whatever the chunking: pass 2 draws nothing.
void DirichletChunk(Rng& rng, PolarNormals& normals, const std::vector<GammaShape>& shapes,
                    size_t rows, double* boost, double* out) {
  const size_t m = shapes.size();
  // Pass 1, in stream order: each variate's d·v (accepted by the squeeze, or rarely by the log
  // test) and its boost uniform (1 when there is none).
  for (size_t r = 0; r < rows; ++r) {
    for (size_t j = 0; j < m; ++j) {
      const GammaShape& shape = shapes[j];
      const size_t i = r * m + j;
      boost[i] = 1;
      if (!shape.active) {
        out[i] = 0;
        continue;
      }
      double x, v;
      while (true) {
        do {
          x = normals.Next();
          v = 1 + shape.c * x;
        } while (v <= 0);
        v = v * v * v;
        const double u = OpenUniform(rng);
        if (u < 1 - 0.0331 * (x * x) * (x * x)) break;
        if (FastLog(u) < 0.5 * x * x + shape.d * (1 - v + FastLog(v))) break;
      }
      out[i] = shape.d * v;
      if (shape.boost) boost[i] = OpenUniform(rng);
    }
  }
  // Pass 2, loops that vectorise. A variate is d·v·U^(1/shape); its U^(1/shape) part (which
  // underflows for tiny shapes) is taken in logs and scaled by the row's largest before the exp,
  // so that no row's weights all underflow; d·v (bounded away from 0 and ∞) multiplies after.
  for (size_t i = 0; i < rows * m; ++i) boost[i] = FastLog(boost[i]);
  for (size_t r = 0; r < rows; ++r) {
    double* row = out + r * m;
    double* row_log = boost + r * m;
    double top = -INFINITY;
    for (size_t j = 0; j < m; ++j) {
      row_log[j] *= shapes[j].inverse_shape;
      top = shapes[j].active ? std::max(top, row_log[j]) : top;
    }
    double total = 0;
    for (size_t j = 0; j < m; ++j) {
      row[j] *= FastExp(row_log[j] - top);
      total += row[j];
    }
    const double scale = 1 / total;
    for (size_t j = 0; j < m; ++j) row[j] *= scale;
  }
}

}  // namespace

void DirichletRows(Rng& rng, const std::vector<double>& alpha, size_t rows, double* out) {
  const size_t m = alpha.size();
  std::vector<GammaShape> shapes(m);
  for (size_t j = 0; j < m; ++j) {
    if (!(alpha[j] > 0)) continue;
    GammaShape& shape = shapes[j];
    shape.active = true;
    shape.boost = alpha[j] < 1;
    shape.d = (shape.boost ? alpha[j] + 1 : alpha[j]) - 1.0 / 3.0;
    shape.c = 1.0 / std::sqrt(9 * shape.d);
    shape.inverse_shape = shape.boost ? 1 / alpha[j] : 0;
  }
  PolarNormals normals(rng.Next());
  std::vector<double> boost(kChunkRows * m);
  for (size_t first = 0; first < rows; first += kChunkRows) {
    const size_t count = std::min(kChunkRows, rows - first);
    DirichletChunk(rng, normals, shapes, count, boost.data(), out + first * m);
  }
}

}  // namespace mixrun
