#include "common/random.h"

#include <doctest/doctest.h>

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
