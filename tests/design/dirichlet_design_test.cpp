// RegMix's Dirichlet design on the Pile's 17-domain token prior: the properties of
// mixture_config/synthesize_mixture.py's output, plus determinism and the error paths.
#include "design/dirichlet_design.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "design/design_prior.h"

namespace {

using mixrun::DirichletDesignOptions;
using mixrun::WeightVector;

// The 17 Pile shares (TinyLlama tokens) in file order, renormalised.
WeightVector PilePrior() {
  std::ifstream in(std::string(MIXRUN_SHARED_DATA) + "/regmix/pile_token_prior.json");
  REQUIRE(in.good());
  nlohmann::ordered_json shares = nlohmann::ordered_json::parse(in);
  WeightVector prior;
  double total = 0;
  for (const auto& [domain, share] : shares.items()) {
    prior.push_back(share.get<double>());
    total += prior.back();
  }
  for (double& p : prior) p /= total;
  return prior;
}

// RegMix's settings (synthesize_mixture.py): τ 0.5, strengths [0.1, 5], 15 epochs, 2e-4.
DirichletDesignOptions RegMixOptions(int count, uint64_t seed) {
  DirichletDesignOptions options;
  options.prior = PilePrior();
  options.count = count;
  options.temperature = 0.5;
  options.strength_min = 0.1;
  options.strength_max = 5.0;
  options.max_epochs = 15;
  options.min_weight = 2e-4;
  options.seed = seed;
  return options;
}

// The first mixture of the seed-7 design, Σ (j+1)·w_j (see the determinism test).
constexpr double kPinnedChecksum = 6.1074;

double L1(const WeightVector& a, const WeightVector& b) {
  double distance = 0;
  for (size_t j = 0; j < a.size(); ++j) distance += std::abs(a[j] - b[j]);
  return distance;
}

}  // namespace

TEST_CASE("the Dirichlet design on the Pile prior has RegMix's properties") {
  const DirichletDesignOptions options = RegMixOptions(512, 42);
  auto design = mixrun::DrawDirichletDesign(options);
  REQUIRE_MESSAGE(design.ok(), design.status().message());
  REQUIRE(design->size() == 512);  // the count RegMix's 1M proxy runs used
  const WeightVector& prior = options.prior;
  int zeros = 0;
  for (const WeightVector& mixture : *design) {
    REQUIRE(mixture.size() == 17);
    double sum = 0;
    for (size_t j = 0; j < mixture.size(); ++j) {
      const double w = mixture[j];
      CHECK(w >= 0);
      CHECK(w <= std::min(15 * prior[j], 1.0) + 1e-15);  // availability bound
      const double units = w / 2e-4;
      CHECK(std::abs(units - std::round(units)) < 1e-9);  // on the 2e-4 grid
      CHECK((w == 0 || w >= 2e-4 - 1e-15));               // nothing below the minimum but 0
      zeros += w == 0;
      sum += w;
    }
    CHECK(std::abs(sum - 1) <= 1e-9);
  }
  CHECK(zeros > 0);  // small strengths concentrate the mass: some domains are dropped
  for (size_t a = 0; a < design->size(); ++a) {
    for (size_t b = a + 1; b < design->size(); ++b) {
      REQUIRE(L1((*design)[a], (*design)[b]) > 1e-5);
    }
  }
}

TEST_CASE("a Dirichlet design is fixed by its seed") {
  auto a = mixrun::DrawDirichletDesign(RegMixOptions(64, 7));
  auto b = mixrun::DrawDirichletDesign(RegMixOptions(64, 7));
  auto c = mixrun::DrawDirichletDesign(RegMixOptions(64, 8));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(c.ok());
  CHECK(*a == *b);
  CHECK(*a != *c);
  // Pinned: the generator and the samplers are ours, so this holds on every platform. A change
  // here re-draws every Dirichlet design (and re-keys its runs): make it only on purpose.
  const WeightVector& first = (*a)[0];
  double checksum = 0;
  for (size_t j = 0; j < first.size(); ++j) checksum += static_cast<double>(j + 1) * first[j];
  INFO("first mixture checksum ", checksum);
  CHECK(checksum == doctest::Approx(kPinnedChecksum).epsilon(1e-12));
}

TEST_CASE("temperature below 1 flattens the design towards uniform") {
  // The spread of the smallest domain's mean weight: τ = 1 keeps it at its tiny share, τ = 0.2
  // lifts it towards 1/17.
  auto mean_weight = [](double temperature, size_t domain) {
    DirichletDesignOptions options = RegMixOptions(400, 3);
    options.temperature = temperature;
    options.max_epochs = 1e6;  // no bounds, so that only the temperature acts
    auto design = mixrun::DrawDirichletDesign(options);
    REQUIRE(design.ok());
    double total = 0;
    for (const WeightVector& mixture : *design) total += mixture[domain];
    return total / static_cast<double>(design->size());
  };
  const WeightVector prior = PilePrior();
  const size_t smallest = size_t(std::min_element(prior.begin(), prior.end()) - prior.begin());
  const size_t largest = size_t(std::max_element(prior.begin(), prior.end()) - prior.begin());
  CHECK(mean_weight(0.2, smallest) > 2 * mean_weight(1.0, smallest));
  CHECK(mean_weight(0.2, largest) < mean_weight(1.0, largest));
  // And the prior itself: entropy rises as τ falls.
  auto entropy = [](const WeightVector& p) {
    double h = 0;
    for (double x : p) h -= x > 0 ? x * std::log(x) : 0;
    return h;
  };
  CHECK(entropy(mixrun::ApplyTemperature(prior, 0.5)) > entropy(prior));
  CHECK(entropy(mixrun::ApplyTemperature(prior, 2.0)) < entropy(prior));
  CHECK(mixrun::ApplyTemperature(prior, 1.0) == prior);
}

TEST_CASE("continuous weights (min_weight 0) are de-duplicated by L1 too") {
  DirichletDesignOptions options = RegMixOptions(200, 11);
  options.min_weight = 0;
  options.strength_min = options.strength_max = 0.02;  // nearly one-hot: many near-duplicates
  options.prior = {0.5, 0.3, 0.2};
  auto design = mixrun::DrawDirichletDesign(options);
  REQUIRE_MESSAGE(design.ok(), design.status().message());
  for (size_t a = 0; a < design->size(); ++a) {
    for (size_t b = a + 1; b < design->size(); ++b) CHECK(L1((*design)[a], (*design)[b]) > 1e-5);
  }
}

TEST_CASE("impossible Dirichlet designs are errors naming the key") {
  DirichletDesignOptions tight = RegMixOptions(8, 1);
  tight.max_epochs = 0.5;  // every bound is half the share: they sum to 0.5
  auto bounded = mixrun::DrawDirichletDesign(tight);
  REQUIRE_FALSE(bounded.ok());
  CHECK(bounded.status().message().find("/mixtures/max_epochs: ") == 0);

  DirichletDesignOptions coarse = RegMixOptions(50, 1);
  coarse.prior = {0.5, 0.5};
  coarse.min_weight = 0.1;  // 11 mixtures exist on this grid
  auto few = mixrun::DrawDirichletDesign(coarse);
  REQUIRE_FALSE(few.ok());
  CHECK(few.status().message().find("/mixtures/count: only ") == 0);
  coarse.count = 11;
  coarse.max_epochs = 1e6;
  auto all = mixrun::DrawDirichletDesign(coarse);
  REQUIRE_MESSAGE(all.ok(), all.status().message());
  CHECK(all->size() == 11);

  DirichletDesignOptions odd = RegMixOptions(8, 1);
  odd.min_weight = 3e-4;
  auto grid = mixrun::DrawDirichletDesign(odd);
  REQUIRE_FALSE(grid.ok());
  CHECK(grid.status().message().find("/mixtures/min_weight: ") == 0);
}

TEST_CASE("timing: a 10,000-mixture design over 17 domains" * doctest::skip(true)) {
  // CPU time as well as wall time: the machine may be shared.
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  auto design = mixrun::DrawDirichletDesign(RegMixOptions(10000, 42));
  const double cpu = double(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(design.ok());
  MESSAGE("10000 mixtures (1e6 candidates): ", cpu, " s CPU, ", wall, " s wall");
}
