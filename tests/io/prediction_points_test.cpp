#include "io/prediction_points.h"

#include <doctest/doctest.h>

#include <cmath>

using mixrun::ReadPredictionPoints;

TEST_CASE("prediction points: scale, power variable, step and mixtures") {
  auto points = ReadPredictionPoints(
      R"([{"N": 7e10, "D": 1.4e12}, {"N": 1e9, "C": 6e19}, {"x": 5e8}, {"step": 100},
          {"web": 0.6, "code": 0.4}, {"weights": {"web": 1}}])",
      "d");
  REQUIRE_MESSAGE(points.ok(), points.status().message());
  REQUIRE(points->size() == 6);
  CHECK((*points)[0].flops == doctest::Approx(6 * 7e10 * 1.4e12));
  CHECK((*points)[1].n_tokens == doctest::Approx(1e10));
  CHECK((*points)[2].n_tokens == 5e8);
  CHECK((*points)[3].metrics.at("step") == 100);
  CHECK((*points)[4].weights.at("code") == 0.4);
  CHECK((*points)[5].weights.at("web") == 1);
  CHECK(mixrun::DescribePoint((*points)[4]) == "code=0.4 web=0.6");
}

TEST_CASE("prediction points: faults name the point") {
  auto bad = ReadPredictionPoints(R"([{"N": 1e9}, {"N": "big"}])", "n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "--predict: /1: 'N' must be a finite number");
  CHECK_FALSE(ReadPredictionPoints("[]", "n").ok());
  CHECK_FALSE(ReadPredictionPoints("/nonexistent.json", "n").ok());
  auto mixed = ReadPredictionPoints(R"({"N": 1e9, "web": 1})", "n");
  REQUIRE_FALSE(mixed.ok());
  CHECK(mixed.status().message().find("\"weights\"") != std::string::npos);
}

TEST_CASE("prediction points: tokens per parameter M, and metrics a law predicts from") {
  auto points = ReadPredictionPoints(
      R"([{"N": 1.4e9, "M": 640}, {"C": 5.7e21, "M": 20}, {"x": 3.1},
          {"metrics": {"loss/c4_val": 3.2}}])",
      "loss/c4_val");
  REQUIRE_MESSAGE(points.ok(), points.status().message());
  CHECK((*points)[0].n_tokens == doctest::Approx(640 * 1.4e9));
  CHECK((*points)[1].n_params == doctest::Approx(std::sqrt(5.7e21 / 120)));
  CHECK((*points)[1].n_tokens == doctest::Approx(20 * (*points)[1].n_params));
  CHECK((*points)[2].metrics.at("loss/c4_val") == 3.1);
  CHECK((*points)[3].metrics.at("loss/c4_val") == 3.2);
  CHECK(mixrun::DescribePoint((*points)[3]) == "loss/c4_val=3.2");
  CHECK_FALSE(ReadPredictionPoints(R"({"x": 40})", "m").ok());  // M alone: no N to scale

  auto alone = ReadPredictionPoints(R"({"M": 20})", "n");
  REQUIRE_FALSE(alone.ok());
  CHECK(alone.status().message() == "--predict: /0: 'M' goes with N or C, and without D (D = M·N)");
  CHECK_FALSE(ReadPredictionPoints(R"({"N": 1e9, "M": -1})", "n").ok());
  CHECK_FALSE(ReadPredictionPoints(R"({"metrics": {"loss": "low"}})", "n").ok());
}
