// The compiled forest predicts what xgboost's booster predicts, bit for bit: on many random rows,
// rows on the boosters' own split values, missing values, every depth the CV chooses and trees too
// big for leaf masks, the first k rounds, and large batches split over threads.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "common/random.h"
#include "regress/gbdt.h"

namespace mixrun {
namespace {

constexpr size_t kFeatures = 17;

// Weights on a grid of 1/64 (so that test rows fall exactly on split values) with a smooth target.
std::vector<double> GridRows(Rng& rng, size_t rows) {
  std::vector<double> x(rows * kFeatures);
  for (double& value : x) value = static_cast<double>(rng.Below(65)) / 64;
  return x;
}

std::vector<double> Target(const std::vector<double>& x, Rng& rng) {
  std::vector<double> y(x.size() / kFeatures);
  for (size_t r = 0; r < y.size(); ++r) {
    const double* row = &x[r * kFeatures];
    y[r] = 3 + std::sin(4 * row[0]) - row[1] * row[2] + 0.5 * (row[3] > 0.5) + 0.1 * rng.Uniform();
  }
  return y;
}

Gbdt Train(int depth, int rounds) {
  Rng rng(7, static_cast<uint64_t>(depth));
  const std::vector<double> x = GridRows(rng, 400);
  GbdtParams params;
  params.max_depth = depth;
  params.rounds = rounds;
  auto model = Gbdt::Train(x, 400, kFeatures, Target(x, rng), params, 1, 11);
  REQUIRE(model.ok());
  return std::move(*model);
}

// Bit-for-bit equality of the forest's and the booster's predictions (float results widened to
// double on both sides, so == is exact).
void CheckSame(const Gbdt& model, const std::vector<double>& x, int rounds = 0) {
  const size_t rows = x.size() / kFeatures;
  auto forest = model.Predict(x.data(), rows, kFeatures, rounds);
  auto booster = model.PredictByBooster(x.data(), rows, kFeatures, rounds);
  REQUIRE(forest.ok());
  REQUIRE(booster.ok());
  REQUIRE(forest->size() == rows);
  size_t differ = 0;
  double worst = 0;
  for (size_t r = 0; r < rows; ++r) {
    if ((*forest)[r] != (*booster)[r]) ++differ;
    worst = std::max(worst, std::abs((*forest)[r] - (*booster)[r]));
  }
  CHECK(differ == 0);
  CHECK(worst <= 1e-6);
}

TEST_CASE("gbdt forest: equal to the booster at every depth, on and off the split values") {
  for (const int depth : {1, 3, 4, 6, 9}) {  // 9: trees beyond 64 leaves are walked
    CAPTURE(depth);
    const Gbdt model = Train(depth, 120);
    Rng rng(99, static_cast<uint64_t>(depth));
    CheckSame(model, GridRows(rng, 3000));  // on the grid: comparisons at x == threshold
    std::vector<double> x(3000 * kFeatures);
    for (double& value : x) value = rng.Uniform(-0.1, 1.1);
    CheckSame(model, x);
    // Doubles within a float's rounding of a grid value: compared after the cast to float.
    for (double& value : x)
      value = static_cast<double>(rng.Below(65)) / 64 + rng.Uniform(-1e-8, 1e-8);
    CheckSame(model, x);
    CheckSame(model, x, 37);  // the first 37 rounds only
  }
}

TEST_CASE("gbdt forest: missing values take each node's default direction, as the booster's") {
  const Gbdt model = Train(4, 80);
  Rng rng(5);
  std::vector<double> x = GridRows(rng, 2000);
  // Every 7th row has some NaNs (its block is walked); the rows around it are compared by masks.
  for (size_t r = 0; r < 2000; r += 7) {
    for (size_t f = 0; f < kFeatures; ++f) {
      if (rng.Below(3) == 0) x[r * kFeatures + f] = std::numeric_limits<double>::quiet_NaN();
    }
  }
  CheckSame(model, x);
}

TEST_CASE("gbdt forest: a large batch on two threads equals one thread and the booster") {
  const Gbdt model = Train(4, 60);
  Rng rng(3);
  std::vector<double> x(100000 * kFeatures);
  for (double& value : x) value = rng.Uniform();
  CheckSame(model, x);
  auto bytes = model.Save();
  REQUIRE(bytes.ok());
  auto one = Gbdt::Load(*bytes, 1);
  auto two = Gbdt::Load(*bytes, 2);
  REQUIRE(one.ok());
  REQUIRE(two.ok());
  auto serial = one->Predict(x.data(), 100000, kFeatures);
  auto parallel = two->Predict(x.data(), 100000, kFeatures);
  REQUIRE(serial.ok());
  REQUIRE(parallel.ok());
  CHECK(*serial == *parallel);
}

TEST_CASE("gbdt forest: rows of the wrong width are refused, not misread") {
  const Gbdt model = Train(3, 10);
  const std::vector<double> x(16, 0.5);
  auto predicted = model.Predict(x.data(), 1, 16);
  CHECK(!predicted.ok());
  CHECK(predicted.status().message().find("17 features") != std::string::npos);
}

TEST_CASE("gbdt forest: a model JSON that is not a plain regression forest is refused") {
  CHECK(!GbdtForest::FromJson("not json").ok());
  auto dart = GbdtForest::FromJson(
      R"({"learner": {"objective": {"name": "reg:squarederror"},
          "learner_model_param": {"base_score": "5E-1", "num_feature": "2"},
          "gradient_booster": {"name": "dart"}}})");
  REQUIRE(!dart.ok());
  CHECK(dart.status().message().find("booster dart") != std::string::npos);
}

}  // namespace
}  // namespace mixrun
