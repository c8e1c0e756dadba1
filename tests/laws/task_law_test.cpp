// The two-step task law: each link's planted parameters recovered on top of a planted loss law,
// the chained prediction of a large model with intervals that carry both steps, a stored fit's
// round trip, and the target as the mean of several task metrics (or its error).
#include <doctest/doctest.h>

#include <cmath>

#include "law_fits.h"
#include "synthetic.h"

namespace mixrun {
namespace {

double PlantedLoss(double n, double d) {
  return 1.7 + 400 / std::pow(n, 0.32) + 1200 / std::pow(d, 0.3);
}
double PlantedError(double loss) { return 0.86 - 3.2 * std::exp(-0.9 * loss); }
double PlantedAccuracy(double loss) { return -0.5 / (1 + std::exp(-3 * (loss - 3.3))) + 0.75; }

// 5 sizes × 7 multipliers; loss noise σ 0.3% (relative), task noise 0.4 points (absolute), two
// task metrics whose mean is `target(loss)`.
std::vector<RunPoint> TaskRuns(double (*target)(double), uint64_t seed) {
  Rng rng(seed);
  std::vector<RunPoint> runs;
  for (double n : {1e7, 3e7, 8e7, 1.5e8, 4e8}) {
    for (double m = 5; m <= 320; m *= 2) {
      RunPoint run;
      run.run_id = static_cast<int64_t>(runs.size()) + 1;
      run.n_params = n;
      run.n_tokens = m * n;
      const double loss = PlantedLoss(n, m * n);
      run.metrics["loss"] = loss * std::exp(0.003 * testing::Gaussian(rng));
      const double mean = target(run.metrics["loss"]) + 0.004 * testing::Gaussian(rng);
      run.metrics["task/a"] = mean + 0.05;
      run.metrics["task/b"] = mean - 0.05;
      runs.push_back(run);
    }
  }
  return runs;
}

FitRequest TaskRequest(const std::string& link) {
  FitRequest request;
  request.law = "task";
  request.metric = "loss";
  request.task_metrics = {"task/a", "task/b"};
  request.loss_law = "chinchilla";
  request.link = link;
  return request;
}

TEST_CASE("task law with Gadre's link recovers epsilon, k, gamma and predicts a 7B model") {
  FitRequest request = TaskRequest("exp");
  request.bootstrap = 40;
  auto report = testing::FitLaw(request, TaskRuns(PlantedError, 1), {});
  REQUIRE(report.ok());
  MESSAGE(report->ToJson()["params"].dump());
  const auto& p = report->params;
  CHECK(std::abs(p.at("link.epsilon") - 0.86) < 0.05);
  CHECK(std::abs(p.at("link.gamma") - 0.9) < 0.2);
  CHECK(std::abs(p.at("loss.E") - 1.7) < 0.1);
  CHECK(p.count("loss.alpha") == 1);

  auto fitted = testing::LoadFit("task", nlohmann::json::parse(report->options.dump()),
                                 nlohmann::json::parse(report->ParamsJson().dump()));
  REQUIRE(fitted.ok());
  RunPoint big;
  big.n_params = 7e9;
  big.n_tokens = 1.4e11;
  auto predicted = (*fitted)->PredictWithIntervals(big);
  REQUIRE(predicted.ok());
  const double truth = PlantedError(PlantedLoss(7e9, 1.4e11));
  CHECK(std::abs(predicted->value - truth) < 0.01);  // within a point
  REQUIRE(predicted->mean_interval);
  REQUIRE(predicted->prediction_interval);
  // The chained interval is wider than the link's own noise: it carries the loss law's spread.
  CHECK(predicted->prediction_interval->width() > predicted->mean_interval->width());
  CHECK(predicted->prediction_interval->Contains(truth));
}

TEST_CASE("task law with the ladder's sigmoid recovers a, k, L0, b") {
  auto report = testing::FitLaw(TaskRequest("sigmoid"), TaskRuns(PlantedAccuracy, 2), {});
  REQUIRE(report.ok());
  MESSAGE(report->ToJson()["params"].dump());
  const auto& p = report->params;
  CHECK(std::abs(p.at("link.a") + 0.5) < 0.1);
  CHECK(std::abs(p.at("link.k") - 3) < 1.0);
  CHECK(std::abs(p.at("link.L0") - 3.3) < 0.15);
  CHECK(std::abs(p.at("link.b") - 0.75) < 0.05);
  CHECK(report->stats.in_sample.mae < 0.006);
}

TEST_CASE("task target: the mean of the task metrics, or its error; a missing metric is named") {
  RunPoint run;
  run.run_id = 3;
  run.metrics = {{"task/a", 0.6}, {"task/b", 0.4}};
  CHECK(*TaskTarget(run, {"task/a", "task/b"}, false) == doctest::Approx(0.5));
  CHECK(*TaskTarget(run, {"task/a"}, true) == doctest::Approx(0.4));
  auto missing = TaskTarget(run, {"task/a", "task/c"}, false);
  CHECK_FALSE(missing.ok());
  CHECK(missing.status().message().find("task/c") != std::string::npos);

  FitRequest request = TaskRequest("exp");
  request.task_metrics.clear();
  auto no_task = testing::FitLaw(request, TaskRuns(PlantedError, 3), {});
  CHECK_FALSE(no_task.ok());
  CHECK(no_task.status().message().find("--task-metric") != std::string::npos);
}

}  // namespace
}  // namespace mixrun
