#include "design/design_rng.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>

TEST_CASE("DesignRng: fixed streams per seed, uniform in (0, 1), unbiased Below") {
  mixrun::DesignRng a(1), b(1), c(2);
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.Next();
    CHECK(x == b.Next());
    CHECK(x != c.Next());
  }
  mixrun::DesignRng rng(3);
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 30000; ++i) {
    const double u = rng.Uniform();
    CHECK((u > 0 && u < 1));
    ++counts[rng.Below(3)];
  }
  for (int count : counts) CHECK(std::abs(count - 10000) < 400);
}

TEST_CASE("DesignRng: Gamma variates have the right mean and variance, also for tiny shapes") {
  for (double shape : {0.05, 0.5, 1.0, 3.0, 40.0}) {
    mixrun::DesignRng rng(uint64_t(shape * 1000));
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
  mixrun::DesignRng rng(9);
  for (int i = 0; i < 1000; ++i) CHECK(std::isfinite(rng.LogGamma(1e-4)));  // no log(0)
}
