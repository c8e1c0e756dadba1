#include "io/prediction_points.h"

#include <doctest/doctest.h>

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
