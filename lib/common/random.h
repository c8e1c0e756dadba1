// Randomness: seeded generators and variates computed by fixed algorithms, so that a seed gives the
// same numbers on every platform and standard library (std:: distributions differ between them).
// The one home of SplitMix64, of the generators built on it, and of normal, gamma and Dirichlet
// variates. A generator is any class with `uint64_t Next()`; changing an algorithm here changes
// every stored design, simulation, model initialisation and data order, so none may change.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

namespace mixrun {

// SplitMix64 (Steele, Lea & Flood 2014): advances `state` by the golden-ratio increment and
// returns the mixed result. Every other generator here is seeded or keyed through it.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Rng: the SplitMix64 sequence of a seed — fits, bootstrap resamples and simulate draw from it.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  // A generator for stream `stream` of `seed`: independent streams for, e.g., each bootstrap
  // resample, so results do not depend on which thread draws them.
  Rng(uint64_t seed, uint64_t stream) : state_(seed) {
    state_ = Next() ^ (stream * 0xD1B54A32D192ED03ULL);
  }

  uint64_t Next() { return SplitMix64(state_); }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double low, double high) { return low + (high - low) * Uniform(); }
  // Uniform integer in [0, n), without modulo bias (rejects the top partial block).
  uint64_t Below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t draw;
    do draw = Next();
    while (draw >= limit);
    return draw % n;
  }

 private:
  uint64_t state_;
};

// CounterRng: random numbers as a pure function of (seed, index) — SplitMix64 over a Weyl
// sequence — so a data sampler's whole state is how many draws it has made.
class CounterRng {
 public:
  explicit CounterRng(uint64_t seed) : key_(Mix(seed ^ 0x6A09E667F3BCC909ULL)) {}

  // 64 random bits for draw `index` on stream `stream` (independent streams of one seed).
  uint64_t Bits(uint64_t index, uint64_t stream) const {
    return Mix(key_ + Mix(index * 0x9E3779B97F4A7C15ULL + stream));
  }
  // Uniform in [0, 1) with 53 random bits.
  double Uniform(uint64_t index, uint64_t stream) const {
    return static_cast<double>(Bits(index, stream) >> 11) * 0x1.0p-53;
  }
  // Uniform integer in [0, n), n ≥ 1 (multiply-shift: bias below 2^-64·n, negligible).
  uint64_t Below(uint64_t n, uint64_t index, uint64_t stream) const {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Bits(index, stream)) * n) >> 64);
  }

 private:
  static uint64_t Mix(uint64_t z) { return SplitMix64(z); }  // z is a copy: no state advances

  uint64_t key_;
};

// Uniform in the open interval (0, 1) with 53 random bits: never 0, so its log is finite.
template <typename Generator>
double OpenUniform(Generator& generator) {
  return (static_cast<double>(generator.Next() >> 11) + 0.5) * 0x1.0p-53;
}

// The polar method's draw: (u, v) uniform in the unit disc without its centre; returns
// s = u² + v². Then u·√(−2 log s / s) and v·√(−2 log s / s) are independent standard normals.
template <typename Generator>
double PolarPoint(Generator& generator, double& u, double& v) {
  double s;
  do {
    u = 2 * OpenUniform(generator) - 1;
    v = 2 * OpenUniform(generator) - 1;
    s = u * u + v * v;
  } while (s >= 1 || s == 0);
  return s;
}

// Standard normal by Marsaglia's polar method (only log and sqrt, both correctly rounded). One
// deviate of each pair is used, so a draw depends on no state cached between calls.
template <typename Generator>
double NormalVariate(Generator& generator) {
  double u, v;
  const double s = PolarPoint(generator, u, v);
  return u * std::sqrt(-2 * std::log(s) / s);
}

// log of a Gamma(shape, 1) variate, shape > 0 (Marsaglia & Tsang 2000, with its squeeze; shapes
// below 1 via Gamma(a) = Gamma(a + 1)·U^(1/a)). In logs, because the tiny concentrations of rare
// domains (0.1 × 0.002) give deviates that underflow to 0 in plain doubles.
template <typename Generator>
double LogGammaVariate(Generator& generator, double shape) {
  if (shape < 1) {
    return LogGammaVariate(generator, shape + 1) + std::log(OpenUniform(generator)) / shape;
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9 * d);
  while (true) {
    double x, v;
    do {
      x = NormalVariate(generator);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = OpenUniform(generator);
    if (u < 1 - 0.0331 * (x * x) * (x * x)) return std::log(d * v);
    if (std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v))) return std::log(d * v);
  }
}

// One Dirichlet(alpha) draw into out[0 .. alpha.size()), normalised in log space (a softmax) so
// that tiny concentrations cannot make every component underflow; alpha_j = 0 gives weight 0.
template <typename Generator>
void DirichletVariate(Generator& generator, const std::vector<double>& alpha, double* out) {
  double top = -INFINITY;
  for (size_t j = 0; j < alpha.size(); ++j) {
    out[j] = alpha[j] > 0 ? LogGammaVariate(generator, alpha[j]) : -INFINITY;
    top = std::max(top, out[j]);
  }
  double total = 0;
  for (size_t j = 0; j < alpha.size(); ++j) {
    out[j] = std::exp(out[j] - top);
    total += out[j];
  }
  for (size_t j = 0; j < alpha.size(); ++j) out[j] /= total;
}

// log(x) for a positive normal double, within 1 ulp (fdlibm's e_log.c: x = 2^k·m, m in
// (√½, √2], log m by its minimax polynomial in s = (m − 1)/(m + 1)). Branch-free, integer ops and
// IEEE + − × ÷ only: loops over it vectorise (even on SSE2), and it gives the same bits on every
// platform. k and m come from one integer add that carries into the exponent exactly when the
// significand exceeds √2's (so no compare: GCC will not if-convert a trapping one in a loop).
inline double FastLog(double x) {
  constexpr double kLn2High = 6.93147180369123816490e-01, kLn2Low = 1.90821492927058770002e-10;
  constexpr uint64_t kLowest = 0x3FE6A09E667F3BCEULL;  // the bits of the least m, just above √½
  const uint64_t bits = std::bit_cast<uint64_t>(x) + (0x3FF0000000000000ULL - kLowest);
  // The exponent as a double without an int64 → double conversion (SSE2 has none for vectors).
  const double biased = std::bit_cast<double>((bits >> 52) | 0x4330000000000000ULL);
  const double k = biased - (4503599627370496.0 + 1023);
  const double m = std::bit_cast<double>((bits & 0x000FFFFFFFFFFFFFULL) + kLowest);
  const double f = m - 1;
  const double s = f / (2 + f), z = s * s, w = z * z;
  const double t1 = w * (3.999999999940941908e-01 +
                         w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
  const double t2 = z * (6.666666666666735130e-01 +
                         w * (2.857142874366239149e-01 +
                              w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
  const double r = t1 + t2, half_square = 0.5 * f * f;
  return k * kLn2High - ((half_square - (s * (half_square + r) + k * kLn2Low)) - f);
}

// exp(x) for x ≤ 709, within 1 ulp (fdlibm's e_exp.c: x = k·ln2 + r, exp r by its rational
// approximation); 0 below −708, where exp(x) would be subnormal. Branch-free, as FastLog: below
// −708 the result's bits are cleared by a mask from the sign of x + 708 (exact there), with no
// clamp or compare, which GCC would turn back into a branch.
inline double FastExp(double x) {
  constexpr double kLn2High = 6.93147180369123816490e-01, kLn2Low = 1.90821492927058770002e-10;
  constexpr double kRound = 6755399441055744.0;  // 1.5·2^52: adding it rounds to an integer
  const double shifted = x * 1.44269504088896338700e+00 + kRound;
  const double k = shifted - kRound;
  const int64_t k_int =
      static_cast<int64_t>(std::bit_cast<uint64_t>(shifted) - std::bit_cast<uint64_t>(kRound));
  const double high = x - k * kLn2High, low = k * kLn2Low, r = high - low, t = r * r;
  const double c =
      r - t * (1.66666666666666019037e-01 +
               t * (-2.77777777770155933842e-03 +
                    t * (6.61375632143793436117e-05 +
                         t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08))));
  const double y = 1 - ((low - (r * c) / (2 - c)) - high);
  const double scale = std::bit_cast<double>(static_cast<uint64_t>(k_int + 1023) << 52);
  const uint64_t below = 0 - (std::bit_cast<uint64_t>(x + 708) >> 63);  // all ones if x < −708
  return std::bit_cast<double>(std::bit_cast<uint64_t>(y * scale) & ~below);
}

// Many Dirichlet(alpha) draws at once: rows × alpha.size() weights, row-major, into `out`
// (alpha_j = 0 gives weight 0; all zero, every weight 0). Gamma variates by Marsaglia & Tsang as
// LogGammaVariate, but a column (one shape) at a time over a chunk of rows: batches of candidates
// (polar normals, both of each pair; uniforms with 52 random bits) judged in loops that vectorise,
// the accepted compacted and the rejected redrawn, with FastLog and FastExp; an AVX2 build of
// those loops where the CPU has it, same bits. ~13 ns a variate on a core. A different stream from
// DirichletVariate's (designs keep that one): a SplitMix64 sequence seeded by one draw of `rng`,
// so the rows depend on the generator's state alone.
void DirichletRows(Rng& rng, const std::vector<double>& alpha, size_t rows, double* out);

// Xoshiro256Rng: xoshiro256** (Blackman & Vigna 2018) seeded by SplitMix64 — the source of
// mixture designs, whose stored designs depend on its stream.
class Xoshiro256Rng {
 public:
  explicit Xoshiro256Rng(uint64_t seed) {
    for (uint64_t& word : state_) word = SplitMix64(seed);
  }

  uint64_t Next() {
    const uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = RotateLeft(state_[3], 45);
    return result;
  }
  // Uniform in the open interval (0, 1), 53 random bits.
  double Uniform() { return OpenUniform(*this); }
  // Uniform integer in [0, n), n > 0, without modulo bias. It rejects the bottom partial block
  // (Rng::Below rejects the top one); both stay as they are, since designs replay this stream.
  uint64_t Below(uint64_t n) {
    const uint64_t limit = -n % n;  // 2^64 mod n
    uint64_t x;
    do {
      x = Next();
    } while (x < limit);
    return x % n;
  }
  double Normal() { return NormalVariate(*this); }
  double LogGamma(double shape) { return LogGammaVariate(*this, shape); }

 private:
  static uint64_t RotateLeft(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  uint64_t state_[4];
};

// MersenneRng: the 64-bit Mersenne Twister, which the C++ standard specifies bit-exactly (its
// distributions it does not) — the source of model initialisation, whose weights a seed fixes.
class MersenneRng {
 public:
  explicit MersenneRng(uint64_t seed) : engine_(seed) {}
  uint64_t Next() { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

// Uniform in (0, 1] from the top 53 of 64 random bits (never 0, so its log is finite).
inline double UniformAboveZero(uint64_t bits) {
  return (static_cast<double>(bits >> 11) + 1.0) * 0x1.0p-53;
}

// Two independent normals of standard deviation `scale` by the Box–Muller transform of u in
// (0, 1] and v in [0, 1]: scale·√(−2 log u)·(cos 2πv, sin 2πv).
struct NormalPair {
  double cosine, sine;
};
inline NormalPair BoxMuller(double u, double v, double scale) {
  const double radius = scale * std::sqrt(-2.0 * std::log(u));
  const double angle = 2.0 * std::numbers::pi * v;
  return {radius * std::cos(angle), radius * std::sin(angle)};
}

// Fills out[0, size) with normals of standard deviation `stddev`, both of each Box–Muller pair
// used in turn (u then v drawn with UniformAboveZero).
template <typename Real, typename Generator>
void FillNormal(Generator& generator, double stddev, Real* out, size_t size) {
  for (size_t i = 0; i < size; i += 2) {
    const double u = UniformAboveZero(generator.Next());
    const double v = UniformAboveZero(generator.Next());
    const NormalPair pair = BoxMuller(u, v, stddev);
    out[i] = static_cast<Real>(pair.cosine);
    if (i + 1 < size) out[i + 1] = static_cast<Real>(pair.sine);
  }
}

}  // namespace mixrun
