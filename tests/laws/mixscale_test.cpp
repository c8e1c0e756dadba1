// The mixscale laws: the compressed cost against the per-row one, planted joint-law recovery,
// runs lacking a domain's loss, stored fits, and the errors a user can cause.
#include "laws/mixscale.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <memory>

#include "fit/accuracy.h"
#include "fit/fitted_law.h"
#include "law_fits.h"
#include "laws/mixscale_model.h"
#include "synthetic.h"

// Ceres' headers bring glog, whose CHECK aborts instead of reporting: doctest's is named in full.

namespace mixrun {
namespace {

const std::vector<std::string> kDomains = {"d0", "d1", "d2"};

// The planted law of the recovery test: E 1.5, C (2, 3, 1.5), γ (0.5, 0.3, 0.8), A(h) from
// C^A (9, 11, 14) and γA 2, α 0.3, B(h) from C^B (35, 45, 60) and γB 1.5, β 0.3 — each term a
// sizeable share of a loss near 2.8.
testing::PlantedJointLaw PlantedLaw() {
  return {1.5, {2, 3, 1.5}, {0.5, 0.3, 0.8}, {9, 11, 14}, {35, 45, 60}, 2.0, 0.3, 1.5, 0.3};
}

// Runs of 24 random mixtures (one with a domain left out) at every N of `sizes` and D of
// `tokens`, metric "loss" with multiplicative noise `noise`.
std::vector<RunPoint> PlantedRuns(const std::vector<double>& sizes,
                                  const std::vector<double>& tokens, double noise, Rng& rng,
                                  int first_id) {
  const testing::PlantedJointLaw law = PlantedLaw();
  std::vector<Mixture> mixtures;
  for (int m = 0; m < 24; ++m) mixtures.push_back(testing::RandomMixture(rng, kDomains));
  mixtures[0] = {{"d0", 0.6}, {"d1", 0.4}, {"d2", 0.0}};
  std::vector<RunPoint> runs;
  for (const Mixture& mixture : mixtures) {
    for (double n : sizes) {
      for (double d : tokens) {
        RunPoint run;
        run.run_id = first_id + static_cast<int64_t>(runs.size());
        run.weights = mixture;
        run.n_params = n;
        run.n_tokens = d;
        run.metrics["loss"] = law(mixture, n, d) * (1 + noise * testing::Gaussian(rng));
        runs.push_back(run);
      }
    }
  }
  return runs;
}

// Engine features of a run (mixscale_model.h): log h, h, log N − n0, log D − d0.
void AddFeatures(const RunPoint& run, Observations& observations) {
  for (const auto& [domain, weight] : run.weights) {
    observations.x.push_back(weight > 0 ? std::log(weight)
                                        : -std::numeric_limits<double>::infinity());
  }
  for (const auto& [domain, weight] : run.weights) observations.x.push_back(weight);
  observations.x.push_back(std::log(run.n_params) - 19.0);
  observations.x.push_back(std::log(run.n_tokens) - 22.0);
}

// ½‖r‖², Jᵀr and JᵀJ of a cost at `params`.
struct Normal {
  double cost = 0;
  std::vector<double> gradient, hessian;
};
Normal NormalEquations(const ceres::CostFunction& cost, const std::vector<double>& params) {
  const int m = cost.num_residuals(), p = static_cast<int>(params.size());
  std::vector<double> residuals(m), jacobian(static_cast<size_t>(m) * p);
  const double* parameters[] = {params.data()};
  double* jacobians[] = {jacobian.data()};
  REQUIRE(cost.Evaluate(parameters, residuals.data(), jacobians));
  Normal normal;
  normal.gradient.assign(p, 0.0);
  normal.hessian.assign(static_cast<size_t>(p) * p, 0.0);
  for (int i = 0; i < m; ++i) {
    normal.cost += 0.5 * residuals[i] * residuals[i];
    for (int k = 0; k < p; ++k) {
      normal.gradient[k] += jacobian[i * p + k] * residuals[i];
      for (int l = 0; l < p; ++l) {
        normal.hessian[k * p + l] += jacobian[i * p + k] * jacobian[i * p + l];
      }
    }
  }
  return normal;
}

double MaxAbs(const std::vector<double>& values) {
  double largest = 0;
  for (double v : values) largest = std::max(largest, std::abs(v));
  return largest;
}

TEST_CASE("mixscale: the compressed cost has the per-row cost's objective, gradient and JᵀJ") {
  Rng rng(3);
  std::vector<RunPoint> runs = PlantedRuns({5e7, 2e8}, {1e9, 4e9, 1.6e10}, 0.01, rng, 1);
  Observations observations;
  observations.num_features = MixscaleFeatures(3);
  for (const RunPoint& run : runs) {
    AddFeatures(run, observations);
    observations.y.push_back(run.metrics.at("loss"));
    observations.multiplicity.push_back(static_cast<double>(run.run_id % 3));  // 0, 1, 2 copies
  }
  const std::vector<double> additive = MixscaleStarts(3, observations)[5];
  for (bool joint : {false, true}) {
    // λ = 0 takes the Taylor branch of the power mean, λ = 0.7 the exact one; τ ≠ 0 either way.
    for (double lambda : {0.0, 0.7}) {
      if (!joint && lambda != 0) continue;
      std::vector<double> params = joint ? JointFromAdditive(additive, 3, lambda) : additive;
      for (size_t k = 0; k < params.size(); ++k) params[k] += 0.05 * std::sin(3.0 * k);
      if (joint) params[8] = params[12] = lambda;  // λA, λB: a, λA, τA… start at 1 + 2k = 7
      const auto compressed = NewMixscaleModel(joint, 3);
      const auto per_row = NewMixscaleModel(joint, 3, /*per_row=*/true);
      const Normal a = NormalEquations(*compressed->NewCost(observations, 1e-3), params);
      const Normal b = NormalEquations(*per_row->NewCost(observations, 1e-3), params);
      CAPTURE(joint);
      CAPTURE(lambda);
      DOCTEST_CHECK(a.cost == doctest::Approx(b.cost).epsilon(1e-12));
      for (size_t k = 0; k < a.gradient.size(); ++k) {
        DOCTEST_CHECK(std::abs(a.gradient[k] - b.gradient[k]) <= 1e-9 * MaxAbs(b.gradient));
      }
      // The ridge that keeps the factorisation positive definite is 1e-12 of the largest entry.
      for (size_t k = 0; k < a.hessian.size(); ++k) {
        DOCTEST_CHECK(std::abs(a.hessian[k] - b.hessian[k]) <= 1e-9 * MaxAbs(b.hessian));
      }
    }
  }
}

TEST_CASE("mixscale: the additive optimum is a joint start with the same predictions") {
  Rng rng(5);
  const std::vector<RunPoint> runs = PlantedRuns({1e8}, {2e9}, 0.0, rng, 1);
  Observations observations;
  observations.num_features = MixscaleFeatures(3);
  for (const RunPoint& run : runs) {
    AddFeatures(run, observations);
    observations.y.push_back(run.metrics.at("loss"));
  }
  const std::vector<double> additive = MixscaleStarts(3, observations)[7];
  const std::vector<double> joint = JointFromAdditive(additive, 3);
  const auto additive_model = NewMixscaleModel(false, 3), joint_model = NewMixscaleModel(true, 3);
  for (size_t i = 0; i < runs.size(); ++i) {
    const double* row = observations.x.data() + i * observations.num_features;
    DOCTEST_CHECK(joint_model->Predict(joint.data(), row) ==
                  doctest::Approx(additive_model->Predict(additive.data(), row)).epsilon(1e-12));
  }
}

FitRequest Mixscale(const std::string& form) {
  FitRequest request;
  request.law = "mixscale";
  request.form = form;
  request.metric = "loss";
  request.domain_metrics = {"loss"};
  return request;
}

TEST_CASE("mixscale joint recovers a planted joint law and extrapolates it to 4x the size") {
  // 24 mixtures x N 5e7…4e8 x D 1e9…8e9 (384 runs, 0.3% noise) to fit; N = 1.6e9 to test.
  Rng rng(11);
  const std::vector<RunPoint> train =
      PlantedRuns({5e7, 1e8, 2e8, 4e8}, {1e9, 2e9, 4e9, 8e9}, 0.003, rng, 1);
  Rng test_rng(12);
  const std::vector<RunPoint> test = PlantedRuns({1.6e9}, {2e9, 8e9}, 0.0, test_rng, 10000);
  auto joint = testing::FitLaw(Mixscale("joint"), train, test);
  REQUIRE(joint.ok());
  auto additive = testing::FitLaw(Mixscale("additive"), train, test);
  REQUIRE(additive.ok());
  const auto& p = joint->params;
  MESSAGE(nlohmann::json(p).dump());
  const testing::PlantedJointLaw truth = PlantedLaw();
  auto at = [&](const std::string& kind, const std::string& domain = "") {
    return p.at(kind + "[loss]" + (domain.empty() ? "" : "[" + domain + "]"));
  };
  // Tolerances: the exponents and E as the chinchilla test holds them; C and γ of the mixture
  // term within 35% and 0.12; A(h) and B(h) where they are identified — their terms inside the
  // data and their ratios between pure mixtures (γA trades against the spread of C^A, so γA
  // itself is not).
  DOCTEST_CHECK(std::abs(at("E") - truth.e) < 0.05);
  DOCTEST_CHECK(std::abs(at("alpha") - truth.alpha) < 0.02);
  DOCTEST_CHECK(std::abs(at("beta") - truth.beta) < 0.02);
  for (size_t j = 0; j < kDomains.size(); ++j) {
    DOCTEST_CHECK(std::abs(at("gamma", kDomains[j]) - truth.gamma[j]) < 0.12);
    DOCTEST_CHECK(std::abs(at("C", kDomains[j]) / truth.c[j] - 1) < 0.35);
  }
  // A and B are A(h), B(h) on the reference (last) domain; τ_j = log(A(e_j)/A(e_last)).
  const double a_ref = std::pow(truth.c_a[2], truth.gamma_a);
  const double b_ref = std::pow(truth.c_b[2], truth.gamma_b);
  DOCTEST_CHECK(
      std::abs(at("A") * std::pow(2e8, -at("alpha")) / (a_ref * std::pow(2e8, -truth.alpha)) - 1) <
      0.05);
  DOCTEST_CHECK(
      std::abs(at("B") * std::pow(4e9, -at("beta")) / (b_ref * std::pow(4e9, -truth.beta)) - 1) <
      0.05);
  for (size_t j = 0; j < 2; ++j) {
    const double a_ratio = std::pow(truth.c_a[j] / truth.c_a[2], truth.gamma_a);
    const double b_ratio = std::pow(truth.c_b[j] / truth.c_b[2], truth.gamma_b);
    DOCTEST_CHECK(std::abs(std::exp(at("tauA", kDomains[j])) / a_ratio - 1) < 0.1);
    DOCTEST_CHECK(std::abs(std::exp(at("tauB", kDomains[j])) / b_ratio - 1) < 0.1);
  }
  // At 4x the largest size fitted, the joint law predicts within 0.3%; the additive law, which
  // cannot let A and B depend on the mixture, is at least five times further off.
  MESSAGE("joint " << joint->stats.test->ToJson().dump());
  MESSAGE("additive " << additive->stats.test->ToJson().dump());
  DOCTEST_CHECK(joint->stats.test->accuracy.mre < 0.003);
  DOCTEST_CHECK(additive->stats.test->accuracy.mre > 5 * joint->stats.test->accuracy.mre);
  DOCTEST_CHECK(joint->stats.objective < additive->stats.objective);
}

TEST_CASE("mixscale: a run lacking one domain's loss is left out of that domain's law only") {
  Rng rng(21);
  std::vector<RunPoint> runs = PlantedRuns({5e7, 2e8}, {1e9, 4e9, 1.6e10}, 0.003, rng, 1);
  for (RunPoint& run : runs) run.metrics["other"] = run.metrics.at("loss") + 0.5;
  for (int i = 0; i < 5; ++i) runs[7 * i].metrics.erase("other");
  for (int i = 0; i < 3; ++i) runs[7 * i + 3].metrics.erase("loss");
  FitRequest request = Mixscale("joint");
  request.metric.clear();
  request.domain_metrics = {"loss", "other"};
  request.target_weights = {{"loss", 0.5}, {"other", 0.5}};
  auto report = testing::FitLaw(request, runs, {});
  REQUIRE(report.ok());
  const nlohmann::json& domains = report->stats.extra.at("domains");
  const size_t total = runs.size();
  DOCTEST_CHECK(report->stats.in_sample.n == total - 8);  // the target needs both losses
  DOCTEST_CHECK(domains.at("loss").at("n") == total - 3);
  DOCTEST_CHECK(domains.at("loss").at("missing") == 3);
  DOCTEST_CHECK(domains.at("other").at("n") == total - 5);
  DOCTEST_CHECK(domains.at("other").at("missing") == 5);
  DOCTEST_CHECK(report->stats.warnings.size() == 2);
  // Both laws were fitted: the second sits 0.5 above the first.
  DOCTEST_CHECK(std::abs(report->params.at("E[other]") - report->params.at("E[loss]") - 0.5) < 0.1);
}

TEST_CASE("mixscale: a stored fit predicts at a mixture and a scale, with both intervals") {
  Rng rng(31);
  const std::vector<RunPoint> runs =
      PlantedRuns({5e7, 1e8, 2e8, 4e8}, {1e9, 4e9, 1.6e10}, 0.003, rng, 1);
  FitRequest request = Mixscale("joint");
  request.bootstrap = 40;
  auto report = testing::FitLaw(request, runs, {});
  REQUIRE(report.ok());
  const auto options = nlohmann::json::parse(report->options.dump());
  const auto params = nlohmann::json::parse(report->ParamsJson().dump());
  DOCTEST_CHECK(options.at("form") == "joint");
  auto fitted = testing::LoadFit("mixscale", options, params);
  REQUIRE(fitted.ok());
  // The stored fit predicts the training runs as the fit did (its in-sample MRE).
  std::vector<double> predicted, observed;
  for (const RunPoint& run : runs) {
    predicted.push_back((*fitted)->Predict(run).value());
    observed.push_back(run.metrics.at("loss"));
  }
  DOCTEST_CHECK(MeasureAccuracy(predicted, observed).mre ==
                doctest::Approx(report->stats.in_sample.mre).epsilon(1e-9));
  RunPoint point;
  point.weights = {{"d0", 0.2}, {"d1", 0.5}, {"d2", 0.3}};
  point.n_params = 1e9;
  point.n_tokens = 2e10;
  auto prediction = (*fitted)->PredictWithIntervals(point);
  REQUIRE(prediction.ok());
  DOCTEST_CHECK(prediction->value ==
                doctest::Approx(PlantedLaw()(point.weights, 1e9, 2e10)).epsilon(0.01));
  REQUIRE(prediction->mean_interval);
  REQUIRE(prediction->prediction_interval);
  DOCTEST_CHECK(prediction->prediction_interval->width() > prediction->mean_interval->width());
  DOCTEST_CHECK(prediction->prediction_interval->Contains(prediction->value));
  DOCTEST_CHECK((*fitted)->PredictBootstrap(point).size() == 40);
  // A mixture and a scale are both needed.
  point.n_tokens = std::nan("");
  DOCTEST_CHECK_FALSE((*fitted)->Predict(point).ok());
}

TEST_CASE("mixscale: fits and bootstraps identically with 1 and 2 threads") {
  Rng rng(51);
  const std::vector<RunPoint> runs = PlantedRuns({5e7, 2e8}, {1e9, 4e9, 1.6e10}, 0.003, rng, 1);
  FitRequest request = Mixscale("joint");
  request.bootstrap = 20;
  auto fits = testing::FitWithOneAndTwoThreads(request, runs);
  REQUIRE(fits.ok());
  DOCTEST_CHECK(fits->first.ParamsJson() == fits->second.ParamsJson());
  DOCTEST_CHECK(fits->first.StatsJson() == fits->second.StatsJson());
}

TEST_CASE("mixscale: bad form, one domain, too few runs and a missing N are input errors") {
  Rng rng(41);
  const std::vector<RunPoint> runs = PlantedRuns({5e7, 2e8}, {1e9, 4e9}, 0.003, rng, 1);
  auto code = [](const Result<FitReport>& report) { return report.status().code(); };
  FitRequest bad_form = Mixscale("multiplicative");
  DOCTEST_CHECK(code(testing::FitLaw(bad_form, runs, {})) == Status::Code::kInvalidInput);
  std::vector<RunPoint> one_domain(runs.begin(), runs.begin() + 20);
  for (RunPoint& run : one_domain) run.weights = {{"d0", 1.0}};
  DOCTEST_CHECK(code(testing::FitLaw(Mixscale("joint"), one_domain, {})) ==
                Status::Code::kInvalidInput);
  const std::vector<RunPoint> few(runs.begin(), runs.begin() + 10);
  auto too_few = testing::FitLaw(Mixscale("joint"), few, {});
  DOCTEST_CHECK(code(too_few) == Status::Code::kInvalidInput);
  DOCTEST_CHECK(too_few.status().message().find("too few") != std::string::npos);
  std::vector<RunPoint> no_size = runs;
  no_size[4].n_params = std::nan("");
  auto missing = testing::FitLaw(Mixscale("additive"), no_size, {});
  DOCTEST_CHECK(code(missing) == Status::Code::kInvalidInput);
  DOCTEST_CHECK(missing.status().message().find("run 5") != std::string::npos);
}

}  // namespace
}  // namespace mixrun
