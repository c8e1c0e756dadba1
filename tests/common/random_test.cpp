#include "common/random.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <vector>

TEST_CASE("Xoshiro256Rng: fixed streams per seed, uniform in (0, 1), unbiased Below") {
  mixrun::Xoshiro256Rng a(1), b(1), c(2);
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.Next();
    CHECK(x == b.Next());
    CHECK(x != c.Next());
  }
  mixrun::Xoshiro256Rng rng(3);
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 30000; ++i) {
    const double u = rng.Uniform();
    CHECK((u > 0 && u < 1));
    ++counts[rng.Below(3)];
  }
  for (int count : counts) CHECK(std::abs(count - 10000) < 400);
}

TEST_CASE("Xoshiro256Rng: Gamma variates have the right mean and variance, also for tiny shapes") {
  for (double shape : {0.05, 0.5, 1.0, 3.0, 40.0}) {
    mixrun::Xoshiro256Rng rng(uint64_t(shape * 1000));
    const int n = 200000;
    double sum = 0, sum_sq = 0;
    for (int i = 0; i < n; ++i) {
      const double x = std::exp(rng.LogGamma(shape));
      sum += x;
      sum_sq += x * x;
    }
    const double mean = sum / n, variance = sum_sq / n - mean * mean;
    INFO("shape ", shape, " mean ", mean, " variance ", variance);
    CHECK(mean == doctest::Approx(shape).epsilon(0.03));      // E = k
    CHECK(variance == doctest::Approx(shape).epsilon(0.08));  // Var = k
  }
  mixrun::Xoshiro256Rng rng(9);
  for (int i = 0; i < 1000; ++i) CHECK(std::isfinite(rng.LogGamma(1e-4)));  // no log(0)
}

TEST_CASE("SplitMix64: the reference sequence, shared by Rng and CounterRng") {
  uint64_t state = 0;
  CHECK(mixrun::SplitMix64(state) == 0xE220A8397B1DCDAFULL);  // Vigna's splitmix64.c, seed 0
  mixrun::Rng rng(0);
  CHECK(rng.Next() == 0xE220A8397B1DCDAFULL);
  mixrun::Rng same(5, 3), other(5, 4);
  CHECK(same.Next() != other.Next());
  const mixrun::CounterRng counter(7);
  CHECK(counter.Bits(10, 1) == mixrun::CounterRng(7).Bits(10, 1));
  CHECK(counter.Bits(10, 1) != counter.Bits(11, 1));
}

TEST_CASE("Box-Muller normals: both of each pair, the requested spread") {
  mixrun::MersenneRng rng(11);
  std::vector<double> normals(100001);
  mixrun::FillNormal(rng, 2.0, normals.data(), normals.size());
  double sum = 0, sum_sq = 0;
  for (double x : normals) {
    sum += x;
    sum_sq += x * x;
  }
  const double n = static_cast<double>(normals.size());
  CHECK(std::abs(sum / n) < 0.03);
  CHECK(sum_sq / n == doctest::Approx(4.0).epsilon(0.02));
}

TEST_CASE("FastLog and FastExp: within 1 ulp of libm over their ranges, exp's floor at 0") {
  mixrun::Rng rng(21);
  double worst_log = 0, worst_exp = 0;
  for (int i = 0; i < 200000; ++i) {
    // log over 600 binades (both sides of √2 in each), exp over [−708, 709].
    const double x = std::exp(rng.Uniform(-690, 690));
    const double reference = std::log(x);
    if (reference != 0) {
      worst_log = std::max(worst_log, std::abs(mixrun::FastLog(x) - reference) /
                                          std::abs(std::nextafter(reference, 0.0) - reference));
    }
    const double y = rng.Uniform(-708, 709), exact = std::exp(y);
    worst_exp = std::max(worst_exp, std::abs(mixrun::FastExp(y) - exact) /
                                        std::abs(std::nextafter(exact, 0.0) - exact));
  }
  CHECK(worst_log <= 1);
  CHECK(worst_exp <= 1);
  CHECK(mixrun::FastLog(1.0) == 0);
  CHECK(mixrun::FastExp(0.0) == 1);
  CHECK(mixrun::FastExp(-800) == 0);
  CHECK(mixrun::FastExp(-INFINITY) == 0);
  // Where FastLog's reduction switches binade (m around √2) and FastExp's floor begins.
  for (double x : {std::sqrt(2.0), std::sqrt(0.5), 1 / std::sqrt(2.0)}) {
    for (double y : {std::nextafter(x, 0.0), x, std::nextafter(x, 2.0), 8 * x, x / 1024}) {
      INFO("log of ", y);
      CHECK(std::abs(mixrun::FastLog(y) - std::log(y)) <=
            std::abs(std::nextafter(std::log(y), 0.0) - std::log(y)));
    }
  }
  CHECK(mixrun::FastExp(-708) == doctest::Approx(std::exp(-708.0)).epsilon(1e-15));
  CHECK(mixrun::FastExp(std::nextafter(-708.0, -INFINITY)) == 0);
}

TEST_CASE("DirichletRows: right means and variances, tiny shapes, zeros, fixed per state") {
  // Concentrations as simulate's: a prior's shares (17 domains, some tiny) times a strength.
  const std::vector<double> alpha = {0.3, 0.002, 1.7, 0.0, 4.0, 0.05};
  double total_alpha = 0;
  for (double a : alpha) total_alpha += a;
  const size_t rows = 100000, m = alpha.size();
  std::vector<double> out(rows * m);
  mixrun::Rng rng(42, 3);
  mixrun::DirichletRows(rng, alpha, rows, out.data());
  std::vector<double> sum(m, 0.0), sum_sq(m, 0.0);
  for (size_t r = 0; r < rows; ++r) {
    double row_total = 0;
    for (size_t j = 0; j < m; ++j) {
      const double w = out[r * m + j];
      REQUIRE((w >= 0 && w <= 1));
      row_total += w;
      sum[j] += w;
      sum_sq[j] += w * w;
    }
    REQUIRE(row_total == doctest::Approx(1).epsilon(1e-12));
    REQUIRE(out[r * m + 3] == 0);  // alpha 0: weight 0
  }
  for (size_t j = 0; j < m; ++j) {
    const double mean = alpha[j] / total_alpha;
    const double variance = mean * (1 - mean) / (total_alpha + 1);
    const double sample_mean = sum[j] / rows;
    const double sample_variance = sum_sq[j] / rows - sample_mean * sample_mean;
    INFO("alpha ", alpha[j], " mean ", sample_mean, " variance ", sample_variance);
    CHECK(std::abs(sample_mean - mean) <= 4 * std::sqrt(variance / rows) + 1e-12);
    // Tiny shapes give heavy-tailed weights: their variance is judged loosely.
    CHECK(sample_variance == doctest::Approx(variance).epsilon(alpha[j] < 0.01 ? 0.5 : 0.05));
  }
  // The generator's state fixes the rows.
  mixrun::Rng whole(7, 1), pieces(7, 1);
  std::vector<double> a(300 * m), b(300 * m);
  mixrun::DirichletRows(whole, alpha, 300, a.data());
  mixrun::DirichletRows(pieces, alpha, 300, b.data());
  CHECK(a == b);
}

namespace {

// Checks DirichletRows(alpha) over `rows` rows: every weight in [0, 1], each row summing to 1,
// alpha_j = 0 giving 0, and each component's sample mean and variance within 4 standard errors of
// the Dirichlet's (the variance's error from the sample's fourth central moment) when `moments`.
void CheckDirichletRows(const std::vector<double>& alpha, size_t rows, uint64_t stream,
                        bool moments = true) {
  double total_alpha = 0;
  for (double a : alpha) total_alpha += a;
  const size_t m = alpha.size();
  std::vector<double> out(rows * m);
  mixrun::Rng rng(11, stream);
  mixrun::DirichletRows(rng, alpha, rows, out.data());
  for (size_t r = 0; r < rows; ++r) {
    double row_total = 0;
    for (size_t j = 0; j < m; ++j) {
      const double w = out[r * m + j];
      REQUIRE((w >= 0 && w <= 1));
      if (alpha[j] == 0) REQUIRE(w == 0);
      row_total += w;
    }
    REQUIRE(row_total == doctest::Approx(1).epsilon(1e-12));
  }
  if (!moments) return;
  const double n = static_cast<double>(rows);
  for (size_t j = 0; j < m; ++j) {
    const double mean = alpha[j] / total_alpha;
    const double variance = mean * (1 - mean) / (total_alpha + 1);
    double sample_mean = 0;
    for (size_t r = 0; r < rows; ++r) sample_mean += out[r * m + j] / n;
    double sample_variance = 0, fourth = 0;
    for (size_t r = 0; r < rows; ++r) {
      const double deviation = out[r * m + j] - sample_mean;
      sample_variance += deviation * deviation / n;
      fourth += deviation * deviation * deviation * deviation / n;
    }
    INFO("alpha ", alpha[j], " mean ", sample_mean, " vs ", mean, ", variance ", sample_variance,
         " vs ", variance);
    CHECK(std::abs(sample_mean - mean) <= 4 * std::sqrt(variance / n) + 1e-15);
    const double variance_error =
        std::sqrt(std::max(fourth - sample_variance * sample_variance, 0.0) / n);
    CHECK(std::abs(sample_variance - variance) <= 4 * variance_error + 1e-15);
  }
}

}  // namespace

TEST_CASE("DirichletRows: moments within a few standard errors for every kind of shape") {
  // RegMix's Pile token prior as concentrations (all below 1: every variate boosted).
  const std::vector<double> pile = {0.113285273, 0.079608651, 0.003913491, 0.185375901, 0.051081359,
                                    0.015962925, 0.101750772, 0.003707518, 0.066529351, 0.001750772,
                                    0.027085479, 0.236869207, 0.01184346,  0.007929969, 0.008032956,
                                    0.038825953, 0.046446962};
  CheckDirichletRows(pile, 100000, 1);
  CheckDirichletRows({1.0, 2.5, 10.0, 40.0}, 100000, 2);     // none boosted
  CheckDirichletRows({0.0, 0.7, 1.0, 0.0, 3.0}, 100000, 3);  // mixed, with zeros
  CheckDirichletRows({5.0}, 1000, 4);                        // one component: weight 1
  // Row counts that are not multiples of any batch: 1, a prime, one past a chunk.
  for (size_t rows : {size_t{1}, size_t{257}, size_t{4099}}) {
    CheckDirichletRows(pile, rows, 5, false);
  }
}

TEST_CASE("DirichletRows: its stream is fixed, the same bits on every x86-64 (AVX2 build or not)") {
  // Recorded once; a change here changes every simulate result, so it must be deliberate.
  mixrun::Rng rng(42, 7);
  std::vector<double> out(3 * 4);
  mixrun::DirichletRows(rng, {0.3, 1.7, 0.002, 4.0}, 3, out.data());
  const std::vector<double> expected = {
      0x1.2b6ee93f06fd3p-10, 0x1.97c40027843d3p-2, 0x1.4b61449b20084p-762, 0x1.338848779e5dep-1,
      0x1.59a432601b87dp-5,  0x1.85ec170796a3cp-2, 0x1.4684e7219337ap-618, 0x1.276fb15632f59p-1,
      0x1.053931b0a5dbap-2,  0x1.218467a961a2bp-2, 0x1.d609ee7b39d31p-190, 0x1.d94266a5f881cp-2};
  CHECK(out == expected);
  // Further along the stream: past the first chunk, with candidates redrawn on the way.
  std::vector<double> more(1000 * 4);
  mixrun::DirichletRows(rng, {0.3, 1.7, 0.002, 4.0}, 1000, more.data());
  CHECK(more.back() == 0x1.3c3d93482291dp-1);
}

TEST_CASE("DirichletRows: tiny concentrations stay finite, no alpha gives zeros, rows count") {
  // Concentrations of 1e-4 and below: nearly all weight on one component, never a NaN.
  const std::vector<double> tiny = {1e-4, 2e-5, 1e-6, 3e-4};
  std::vector<double> out(5000 * tiny.size());
  mixrun::Rng rng(3);
  mixrun::DirichletRows(rng, tiny, 5000, out.data());
  for (size_t r = 0; r < 5000; ++r) {
    double total = 0, largest = 0;
    for (size_t j = 0; j < tiny.size(); ++j) {
      const double w = out[r * tiny.size() + j];
      REQUIRE(std::isfinite(w));
      total += w;
      largest = std::max(largest, w);
    }
    REQUIRE(total == doctest::Approx(1).epsilon(1e-12));
    CHECK(largest > 0.5);
  }
  // Every alpha 0: no component can have weight.
  std::vector<double> zeros(7 * 3, 0.5);
  mixrun::DirichletRows(rng, {0.0, 0.0, 0.0}, 7, zeros.data());
  for (double w : zeros) CHECK(w == 0);
  // Zero rows write nothing; a different state gives different rows.
  mixrun::DirichletRows(rng, tiny, 0, nullptr);
  std::vector<double> a(10 * 3), b(10 * 3);
  mixrun::Rng first(9, 1), second(9, 2);
  mixrun::DirichletRows(first, {0.5, 1.5, 3.0}, 10, a.data());
  mixrun::DirichletRows(second, {0.5, 1.5, 3.0}, 10, b.data());
  CHECK(a != b);
}
