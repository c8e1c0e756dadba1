// Held-out accuracy of stored predictions (what `mixrun report` prints): each kind of interval's
// coverage and mean width over the predictions that have one.
#include "fit/held_out.h"

#include <doctest/doctest.h>

namespace mixrun {
namespace {

PointPrediction At(double value, std::optional<Interval> prediction,
                   std::optional<Interval> mean = std::nullopt) {
  PointPrediction point;
  point.value = value;
  point.prediction_interval = prediction;
  point.mean_interval = mean;
  return point;
}

TEST_CASE("coverage and width are over the predictions that have the interval") {
  const std::vector<PointPrediction> predictions = {
      At(1.0, Interval{0.8, 1.2}, Interval{0.95, 1.05}),
      At(2.0, Interval{1.5, 2.5}),
      At(3.0, std::nullopt),
  };
  const std::vector<double> observed = {1.1, 2.6, 3.0};
  const HeldOut held_out = MeasureHeldOut(predictions, observed);
  CHECK(held_out.accuracy.n == 3);
  CHECK(held_out.k == 0);
  REQUIRE(held_out.coverage_95);
  CHECK(*held_out.coverage_95 == doctest::Approx(0.5));
  CHECK(*held_out.mean_prediction_width == doctest::Approx((0.4 + 1.0) / 2));
  REQUIRE(held_out.mean_interval_coverage);
  CHECK(*held_out.mean_interval_coverage == 0.0);
  CHECK(*held_out.mean_mean_width == doctest::Approx(0.1));
}

TEST_CASE("without intervals there is accuracy only") {
  const HeldOut held_out = MeasureHeldOut({At(1.0, std::nullopt), At(2.0, std::nullopt)}, {1, 2});
  CHECK(held_out.accuracy.rmse == 0.0);
  CHECK_FALSE(held_out.coverage_95);
  CHECK_FALSE(held_out.mean_prediction_width);
  CHECK_FALSE(held_out.mean_interval_coverage);
  CHECK_FALSE(held_out.mean_mean_width);
}

}  // namespace
}  // namespace mixrun
