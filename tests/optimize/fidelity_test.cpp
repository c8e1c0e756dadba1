// The scale a suggestion is trained at: the most information about the target-scale loss per
// FLOP — a cheap scale whose refits move with the target's wins, one that does not loses to a
// dear one that does; the share of variance removed is the Gaussian update's.
#include "optimize/fidelity.h"

#include <doctest/doctest.h>

#include "common/random.h"

namespace mixrun {
namespace {

const ModelScale kSmall{1e8, 2e9}, kLarge{1e9, 2e10};  // 100× apart in FLOPs

std::vector<double> Normals(size_t n, uint64_t seed, double sd) {
  Rng rng(seed);
  std::vector<double> x(n);
  for (double& v : x) v = sd * NormalVariate(rng);
  return x;
}

TEST_CASE("fidelity: a cheap scale that tracks the target wins; one that does not, loses") {
  const std::vector<double> target = Normals(200, 1, 0.05);
  std::vector<double> tracking = target;  // the same refit-to-refit variation, shifted
  for (double& v : tracking) v += 0.3;
  const std::vector<double> unrelated = Normals(200, 2, 0.05);

  auto cheap = ChooseFidelity(target, {tracking, target}, {kSmall, kLarge}, 0.01);
  CHECK(cheap.chosen == 0);
  CHECK(cheap.options[0].explained == doctest::Approx(cheap.options[1].explained));
  CHECK(cheap.reason.find("train at N 100M, D 2B") != std::string::npos);
  CHECK(cheap.reason.find("100× the FLOPs") != std::string::npos);

  auto dear = ChooseFidelity(target, {unrelated, target}, {kSmall, kLarge}, 0.01);
  CHECK(dear.chosen == 1);
  CHECK(dear.options[0].explained < 0.05);
  // Var(T) − Var(T | S + ε) for S = T: Var(T)² / (Var(T) + σ²).
  const double v = dear.target_variance;
  CHECK(dear.options[1].gain == doctest::Approx(v * v / (v + 0.01 * 0.01)));
  CHECK(dear.options[1].cost == doctest::Approx(6 * 1e9 * 2e10));
}

TEST_CASE("fidelity: noise shrinks every gain, and an ensemble that agrees picks the cheapest") {
  const std::vector<double> target = Normals(100, 3, 0.02);
  auto quiet = ChooseFidelity(target, {target}, {kSmall}, 0.0);
  auto noisy = ChooseFidelity(target, {target}, {kSmall}, 0.1);
  CHECK(quiet.options[0].explained == doctest::Approx(1.0));
  CHECK(noisy.options[0].explained < 0.1);
  const std::vector<double> flat(50, 2.5);
  auto agree = ChooseFidelity(flat, {flat, flat}, {kLarge, kSmall}, 0.01);
  CHECK(agree.chosen == 1);
}

TEST_CASE("fidelity: the runs' distinct scales, cheapest first") {
  std::vector<RunPoint> runs(4);
  runs[0].n_params = 1e9, runs[0].n_tokens = 2e10;
  runs[1].n_params = 1e8, runs[1].n_tokens = 2e9;
  runs[2].n_params = 1e8, runs[2].flops = 6 * 1e8 * 2e9;  // D from C = 6ND: the same scale
  runs[3].n_tokens = 5e9;                                 // no N: not a scale
  const auto scales = ScalesOfRuns(runs);
  REQUIRE(scales.size() == 2);
  CHECK(scales[0].n_params == 1e8);
  CHECK(scales[1].n_tokens == 2e10);
}

}  // namespace
}  // namespace mixrun
