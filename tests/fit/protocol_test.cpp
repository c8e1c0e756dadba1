// The one fit protocol, exercised with a fake estimator (weighted least squares of a line) whose
// noise is known: the prediction interval covers 95% of new runs, the mean interval does not,
// folds keep repeated seeds together, and the fallback without enough runs is labelled.
#include "fit/protocol.h"

#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <map>
#include <memory>

#include "common/random.h"

namespace mixrun {
namespace {

double Gaussian(Rng& rng) {
  const double u = 1.0 - rng.Uniform(), v = rng.Uniform();
  return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * M_PI * v);
}

class Line : public Predictor {
 public:
  Line(double intercept, double slope) : intercept_(intercept), slope_(slope) {}
  Result<std::vector<double>> Predict(const double* x, size_t rows) const override {
    std::vector<double> y(rows);
    for (size_t i = 0; i < rows; ++i) y[i] = intercept_ + slope_ * x[i];
    return y;
  }
  std::map<std::string, double> Params() const override {
    return {{"intercept", intercept_}, {"slope", slope_}};
  }
  Result<nlohmann::json> ToJson() const override {
    return nlohmann::json{{"intercept", intercept_}, {"slope", slope_}};
  }

 private:
  double intercept_, slope_;
};

// Weighted least squares of y on one feature. `refits` counts the calls, `fail_every` makes every
// n-th bootstrap refit fail (as a Ceres refit that does not converge).
class LineEstimator : public Estimator {
 public:
  int num_params() const override { return 2; }
  Result<EstimatorFit> Fit(const FitRows& rows) override {
    EstimatorFit fit;
    MIXRUN_ASSIGN_OR_RETURN(fit.predictor,
                            Refit(rows, std::vector<double>(rows.size(), 1.0), Purpose::kFold));
    return fit;
  }
  Result<std::unique_ptr<Predictor>> Refit(const FitRows& rows, const std::vector<double>& weights,
                                           Purpose purpose) const override {
    const int call = ++calls_;
    if (purpose == Purpose::kBootstrap && fail_every > 0 && call % fail_every == 0) {
      return Status::Failed("did not converge");
    }
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      const double w = weights[i], x = rows.row(i)[0], y = rows.y[i];
      sw += w, sx += w * x, sy += w * y, sxx += w * x * x, sxy += w * x * y;
    }
    const double slope = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
    return std::unique_ptr<Predictor>(new Line((sy - slope * sx) / sw, slope));
  }
  int fail_every = 0;

 private:
  mutable std::atomic<int> calls_{0};
};

// y = 1 + 2x + N(0, sd²), x uniform in [0, 1]; each configuration repeated `seeds` times.
FitRows MakeRows(size_t configurations, int seeds, double sd, Rng& rng) {
  FitRows rows;
  rows.num_features = 1;
  for (size_t c = 0; c < configurations; ++c) {
    const double x = rng.Uniform();
    for (int s = 0; s < seeds; ++s) {
      rows.x.push_back(x);
      rows.y.push_back(1 + 2 * x + sd * Gaussian(rng));
    }
  }
  return rows;
}

TEST_CASE("the prediction interval covers about 95% of new runs, the mean interval far fewer") {
  Rng rng(3);
  const FitRows train = MakeRows(60, 1, 0.1, rng), test = MakeRows(4000, 1, 0.1, rng);
  LineEstimator estimator;
  FitRequest request;
  request.law = "line";
  request.bootstrap = 200;
  auto report = RunFitProtocol(estimator, train, test, request);
  REQUIRE(report.ok());
  const FitStats& stats = report->stats;
  REQUIRE(stats.calibration);
  CHECK(stats.calibration->method == "cv-conformal");
  CHECK(stats.calibration->folds == 10);
  CHECK(stats.calibration->bootstrap_spread);
  CHECK(stats.calibration->noise_sd == doctest::Approx(0.1).epsilon(0.25));
  CHECK(stats.bootstrap == 200);
  REQUIRE(stats.test);
  MESSAGE(stats.test->ToJson().dump());
  CHECK(*stats.test->coverage_95 >= 0.92);
  CHECK(*stats.test->coverage_95 <= 0.985);
  // The mean interval is about the line, not about one run: it covers a fraction only.
  CHECK(*stats.test->mean_interval_coverage < 0.5);
  CHECK(*stats.test->mean_mean_width < *stats.test->mean_prediction_width / 3);
  // Standard errors of the slope as OLS gives them: σ/√(Σ(x−x̄)²) ≈ 0.1/√(60/12).
  CHECK(report->standard_errors.at("slope") == doctest::Approx(0.1 / std::sqrt(5.0)).epsilon(0.3));
  CHECK(report->intervals.at("slope").first < report->params.at("slope"));
  CHECK(report->state["bootstrap"].size() == 200);
  CHECK(report->state["calibration"]["method"] == "cv-conformal");
}

TEST_CASE(
    "k-fold coverage_95 is near 95% across seeds, and measured without the fold's own scores") {
  double coverage = 0;
  const int repeats = 8;
  for (int seed = 0; seed < repeats; ++seed) {
    Rng rng(100 + seed);
    const FitRows train = MakeRows(40, 1, 0.05, rng);
    LineEstimator estimator;
    FitRequest request;
    request.law = "line";
    request.kfold = 5;
    request.seed = static_cast<uint64_t>(seed);
    auto report = RunFitProtocol(estimator, train, {}, request);
    REQUIRE(report.ok());
    REQUIRE(report->stats.kfold);
    CHECK(report->stats.kfold->k == 5);
    CHECK(report->stats.kfold->accuracy.n == 40);
    CHECK(report->stats.calibration->folds == 5);
    coverage += *report->stats.kfold->coverage_95;
  }
  coverage /= repeats;
  MESSAGE("mean k-fold coverage over " << repeats << " seeds: " << coverage);
  CHECK(coverage >= 0.9);
  CHECK(coverage <= 0.99);
}

TEST_CASE("repeated seeds share a fold and their spread is the seed noise") {
  Rng rng(5);
  const FitRows train = MakeRows(20, 3, 0.2, rng);
  LineEstimator estimator;
  FitRequest request;
  request.law = "line";
  request.kfold = 5;
  auto report = RunFitProtocol(estimator, train, {}, request);
  REQUIRE(report.ok());
  const Calibration& calibration = *report->stats.calibration;
  CHECK(calibration.seed_groups == 20);
  REQUIRE(calibration.seed_sd);
  CHECK(*calibration.seed_sd == doctest::Approx(0.2).epsilon(0.25));
  CHECK(calibration.noise_sd >= *calibration.seed_sd);
  // 20 configurations, not 60 rows: folds count configurations.
  request.kfold = 21;
  auto too_many = RunFitProtocol(estimator, train, {}, request);
  REQUIRE_FALSE(too_many.ok());
  CHECK(too_many.status().code() == Status::Code::kInvalidInput);
  CHECK(too_many.status().message().find("20 distinct configurations") != std::string::npos);
}

TEST_CASE("fewer than 10 configurations: a Gaussian interval, labelled uncalibrated") {
  Rng rng(9);
  const FitRows train = MakeRows(6, 1, 0.1, rng);
  LineEstimator estimator;
  FitRequest request;
  request.law = "line";
  auto report = RunFitProtocol(estimator, train, {}, request);
  REQUIRE(report.ok());
  CHECK(report->stats.calibration->method == "gaussian");
  CHECK(report->stats.calibration->quantile == doctest::Approx(1.96).epsilon(0.001));
  CHECK(report->stats.calibration->Describe().find("uncalibrated") != std::string::npos);
  REQUIRE_FALSE(report->stats.warnings.empty());
  CHECK(report->stats.warnings.back().find("Gaussian") != std::string::npos);
}

TEST_CASE("failed bootstrap refits are dropped and counted, results do not depend on threads") {
  Rng rng(11);
  const FitRows train = MakeRows(30, 1, 0.1, rng);
  FitRequest request;
  request.law = "line";
  request.bootstrap = 100;
  request.kfold = 5;
  std::map<int, nlohmann::json> by_threads;
  for (int threads : {1, 2}) {
    LineEstimator estimator;
    request.threads = threads;
    auto report = RunFitProtocol(estimator, train, {}, request);
    REQUIRE(report.ok());
    by_threads[threads] = report->StatsJson();
  }
  CHECK(by_threads[1] == by_threads[2]);

  LineEstimator failing;
  failing.fail_every = 4;
  request.threads = 1;
  auto report = RunFitProtocol(failing, train, {}, request);
  REQUIRE(report.ok());
  CHECK(report->stats.bootstrap == 75);
  CHECK(report->state["bootstrap"].size() == 75);
}

TEST_CASE("the conformal quantile is the ceil((n+1)·level)-th smallest score") {
  std::vector<double> scores;
  for (int i = 1; i <= 19; ++i) scores.push_back(i);
  CHECK(ConformalQuantile(scores, 0.95) == 19);  // rank ⌈20·0.95⌉ = 19
  scores.push_back(20);
  CHECK(ConformalQuantile(scores, 0.95) == 20);  // rank 20 (of 20)
  for (int i = 21; i <= 99; ++i) scores.push_back(i);
  CHECK(ConformalQuantile(scores, 0.95) == 95);  // rank ⌈100·0.95⌉ = 95
  scores.push_back(NAN);                         // non-finite scores are ignored
  CHECK(ConformalQuantile(scores, 0.95) == 95);
  CHECK(std::isnan(ConformalQuantile({}, 0.95)));
}

TEST_CASE("a calibration round-trips through JSON and widens where the refits disagree") {
  Calibration calibration;
  calibration.method = "cv-conformal";
  calibration.quantile = 2;
  calibration.noise_sd = 0.3;
  calibration.bootstrap_spread = true;
  calibration.folds = 10;
  auto loaded = Calibration::FromJson(calibration.ToJson());
  REQUIRE(loaded.ok());
  CHECK(loaded->ToJson() == calibration.ToJson());
  const Interval near = loaded->Around(1.0, 0.0), far = loaded->Around(1.0, 0.4);
  CHECK(near.low == doctest::Approx(0.4));
  CHECK(near.high == doctest::Approx(1.6));
  CHECK(far.width() == doctest::Approx(2 * 2 * 0.5));  // √(0.3² + 0.4²) = 0.5
  CHECK_FALSE(Calibration::FromJson(nlohmann::json{{"method", "x"}}).ok());
}

}  // namespace
}  // namespace mixrun
