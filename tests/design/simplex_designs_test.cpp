#include "design/simplex_designs.h"

#include <doctest/doctest.h>

#include <cmath>
#include <set>

using mixrun::WeightVector;

TEST_CASE("grid: every mixture with weights in multiples of 1/steps, once") {
  auto grid = mixrun::GridDesign(3, 4);
  REQUIRE(grid.ok());
  CHECK(grid->size() == 15);  // C(4 + 2, 2)
  std::set<WeightVector> distinct(grid->begin(), grid->end());
  CHECK(distinct.size() == grid->size());
  for (const WeightVector& weights : *grid) {
    double sum = 0;
    for (double w : weights) {
      CHECK(std::abs(w * 4 - std::round(w * 4)) < 1e-12);
      sum += w;
    }
    CHECK(std::abs(sum - 1) <= 1e-9);
  }
  CHECK(grid->front() == WeightVector{1, 0, 0});
  CHECK(grid->back() == WeightVector{0, 0, 1});
  CHECK(mixrun::GridDesign(17, 4)->size() == 4845);  // C(20, 4)
  CHECK(mixrun::GridDesign(1, 5)->size() == 1);
  auto huge = mixrun::GridDesign(17, 40);
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.status().message().find("/mixtures/grid_steps: ") == 0);
}

TEST_CASE("onehot: each domain alone") {
  auto onehot = mixrun::OneHotDesign(3);
  CHECK(onehot == std::vector<WeightVector>{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
}

TEST_CASE("leave-one-out: each domain out, the rest in proportion to the prior") {
  auto design = mixrun::LeaveOneOutDesign({"a", "b", "c"}, {0.5, 0.3, 0.2});
  REQUIRE(design.ok());
  REQUIRE(design->size() == 3);
  CHECK((*design)[0][0] == 0);
  CHECK((*design)[0][1] == doctest::Approx(0.6));
  CHECK((*design)[0][2] == doctest::Approx(0.4));
  CHECK((*design)[2][0] == doctest::Approx(0.625));
  auto uniform = mixrun::LeaveOneOutDesign({"a", "b", "c", "d"}, {0.25, 0.25, 0.25, 0.25});
  REQUIRE(uniform.ok());
  CHECK((*uniform)[1] == WeightVector{1.0 / 3, 0, 1.0 / 3, 1.0 / 3});
  CHECK_FALSE(mixrun::LeaveOneOutDesign({"a"}, {1.0}).ok());
  auto lonely = mixrun::LeaveOneOutDesign({"a", "b"}, {1.0, 0.0});
  REQUIRE_FALSE(lonely.ok());
  CHECK(lonely.status().message().find("/mixtures/prior: leaving out domain 'a'") == 0);
}
