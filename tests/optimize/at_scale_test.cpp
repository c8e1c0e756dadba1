// recommend --at on a planted joint mixture-and-scale law whose optimum moves with N: the mixture
// found at each scale is the one a dense grid over the simplex finds, the shift from the proxy
// scale is measured as the grid measures it, and availability caps are computed at the target D.
#include <doctest/doctest.h>

#include <cmath>

#include "catalog/catalog.h"
#include "optimize/recommend.h"

namespace mixrun {
namespace {

const std::vector<std::string> kDomains = {"code", "prose", "web"};
constexpr double kLogN0 = 18.0, kLogD0 = 21.0;  // the centres the stored parameters refer to

// L(h, N, D) = E + 1/Σ_j (3h_j)^½ + A(h)/N^½ + B/D^0.3 with A(h) = ½·(h_code·e + 1 − h_code)
// (log A(h) = log ½ + log Σ_j h_j·exp(τ_j), λA = 1, τ_code = 1): code costs loss through the
// N term, so small models want less of it and large ones nearly the uniform mixture.
LoadedFit PlantedJointFit() {
  const double log_half = std::log(0.5);
  std::vector<double> p = {std::log(1.5)};            // e
  p.insert(p.end(), 3, 0.0);                          // c_j: C_j = 3^½ at γ = ½
  p.insert(p.end(), 3, std::log(0.5));                // g_j = log γ_j
  p.insert(p.end(), {log_half, 1.0, 1.0, 0.0});       // a, λA, τA_code, τA_prose (τA_web = 0)
  p.insert(p.end(), {std::log(0.3), 0.0, 0.0, 0.0});  // b, λB, τB: B constant
  p.insert(p.end(), {0.5, 0.3});                      // α, β
  nlohmann::json state = {{"form", "joint"},
                          {"domains", kDomains},
                          {"log_n0", kLogN0},
                          {"log_d0", kLogD0},
                          {"metrics", {"eval/target/loss"}},
                          {"target_weights", {1.0}},
                          {"fit", {p}}};
  LoadedFit loaded;
  loaded.id = 1;
  loaded.law = "mixscale";
  loaded.options = {{"law", "mixscale"}, {"metric", ""}};
  loaded.stats.in_sample.rmse = 0.01;
  auto fitted = LoadFit("mixscale", loaded.options, {{"state", state}});
  REQUIRE_MESSAGE(fitted.ok(), fitted.status().message());
  loaded.fitted = std::move(*fitted);
  return loaded;
}

// The best mixture on a grid of step 1/400 over the simplex (within [lo, hi] per domain).
std::vector<double> GridOptimum(const FittedLaw& law, const ModelScale& scale,
                                const std::vector<double>& hi = {1, 1, 1}) {
  constexpr int kSteps = 400;
  std::vector<double> rows;
  for (int i = 0; i <= kSteps; ++i) {
    for (int j = 0; i + j <= kSteps; ++j) {
      const double a = double(i) / kSteps, b = double(j) / kSteps, c = 1 - a - b;
      if (a <= hi[0] && b <= hi[1] && c <= hi[2] + 1e-12) rows.insert(rows.end(), {a, b, c});
    }
  }
  auto predicted = law.PredictMixtures(rows, rows.size() / 3, scale);
  REQUIRE(predicted.ok());
  size_t best = 0;
  for (size_t r = 1; r < predicted->size(); ++r) {
    if ((*predicted)[r] < (*predicted)[best]) best = r;
  }
  return {rows[3 * best], rows[3 * best + 1], rows[3 * best + 2]};
}

double L1(const Mixture& got, const std::vector<double>& want) {
  double total = 0;
  for (size_t j = 0; j < kDomains.size(); ++j) total += std::abs(got.at(kDomains[j]) - want[j]);
  return total;
}

RecommendRequest At(const ModelScale& target, const ModelScale& proxy) {
  RecommendRequest request;
  request.threads = 2;
  request.at = target;
  request.proxy_at = proxy;
  return request;
}

const ModelScale kProxy{std::exp(kLogN0), std::exp(kLogD0)};
const ModelScale kTarget{std::exp(kLogN0 + 5), std::exp(kLogD0 + 1)};

TEST_CASE("recommend --at finds the planted law's optimum at each scale and the shift between") {
  const std::vector<LoadedFit> fits = {PlantedJointFit()};
  const std::vector<double> at_target = GridOptimum(*fits[0].fitted, kTarget);
  const std::vector<double> at_proxy = GridOptimum(*fits[0].fitted, kProxy);
  // The planted law moves its optimum: code grows with N (the premise of the test).
  REQUIRE(at_target[0] > at_proxy[0] + 0.1);

  auto got = Recommend(fits, At(kTarget, kProxy));
  REQUIRE_MESSAGE(got.ok(), got.status().message());
  CHECK(got->method == "optimize");
  CHECK(L1(got->mixture, at_target) < 0.01);
  REQUIRE(got->scale_shift.has_value());
  const ScaleShift& shift = *got->scale_shift;
  CHECK(shift.proxy_source == "--proxy-at");
  CHECK(L1(shift.proxy_mixture, at_proxy) < 0.01);
  double grid_l1 = 0;
  for (size_t j = 0; j < 3; ++j) grid_l1 += std::abs(at_target[j] - at_proxy[j]);
  CHECK(shift.l1 == doctest::Approx(grid_l1).epsilon(0.05));
  // Keeping the proxies' mixture costs loss at the target scale, as the law computes it.
  auto keep = fits[0].fitted->PredictMixtures(at_proxy, 1, kTarget);
  auto best = fits[0].fitted->PredictMixtures(at_target, 1, kTarget);
  REQUIRE((keep.ok() && best.ok()));
  CHECK(shift.loss_gap > 0);
  CHECK(shift.loss_gap == doctest::Approx((*keep)[0] - (*best)[0]).epsilon(0.05));
  CHECK(got->baselines.back().name == "proxy-scale optimum");
  // Predicted at the target scale, with the fit's prediction interval around it.
  CHECK(got->predicted.prediction == doctest::Approx((*best)[0]).epsilon(1e-4));
  CHECK(got->predicted.low < got->predicted.prediction);
  CHECK(got->ToJson()["shift_from_proxy"]["l1"].get<double>() == doctest::Approx(shift.l1));
}

TEST_CASE("recommend --at: availability caps at the target's D bind as the grid says") {
  const std::vector<LoadedFit> fits = {PlantedJointFit()};
  RecommendRequest request = At(kTarget, kProxy);
  // code has D/10 tokens: one epoch of it is a 0.1 share of the target run.
  request.constraints.max_epochs = 1;
  request.constraints.target_tokens = kTarget.n_tokens;
  request.constraints.domain_tokens = {{"code", static_cast<int64_t>(kTarget.n_tokens / 10)},
                                       {"prose", static_cast<int64_t>(kTarget.n_tokens)},
                                       {"web", static_cast<int64_t>(kTarget.n_tokens)}};
  auto got = Recommend(fits, request);
  REQUIRE_MESSAGE(got.ok(), got.status().message());
  CHECK(got->mixture.at("code") == doctest::Approx(0.1).epsilon(1e-4));
  bool capped = false;
  for (const auto& bound : got->active) {
    capped = capped || (bound.domain == "code" && bound.source == "availability");
  }
  CHECK(capped);
  CHECK(L1(got->mixture, GridOptimum(*fits[0].fitted, kTarget, {0.1, 1, 1})) < 0.01);
}

TEST_CASE("recommend: a mixscale fit needs --at, and --at needs a mixscale fit") {
  const std::vector<LoadedFit> fits = {PlantedJointFit()};
  RecommendRequest request;
  auto missing = Recommend(fits, request);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("--at N,D") != std::string::npos);
  CHECK(missing.status().exit_code() == 2);
  // Without --proxy-at and without training runs there is no proxy scale to compare with.
  request.at = kTarget;
  auto no_proxy = Recommend(fits, request);
  REQUIRE_FALSE(no_proxy.ok());
  CHECK(no_proxy.status().message().find("--proxy-at") != std::string::npos);
  // With training runs, the proxy scale is the run of the largest compute.
  RunPoint small, large;
  small.run_id = 4;
  small.n_params = kProxy.n_params / 2;
  small.n_tokens = kProxy.n_tokens * 2.5;
  large.run_id = 9;
  large.n_params = kProxy.n_params;
  large.n_tokens = kProxy.n_tokens * 2;
  small.weights = large.weights = {{"code", 0.1}, {"prose", 0.5}, {"web", 0.4}};
  request.runs = {small, large};
  request.constraints.allow_extrapolation = true;
  auto from_runs = Recommend(fits, request);
  REQUIRE_MESSAGE(from_runs.ok(), from_runs.status().message());
  CHECK(from_runs->scale_shift->proxy.n_params == large.n_params);
  CHECK(from_runs->scale_shift->proxy_source.find("run 9") == 0);
  CHECK(from_runs->scale_shift->extrapolation.size() == 2);
}

}  // namespace
}  // namespace mixrun
