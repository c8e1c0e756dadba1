// The rank statistics behind Spearman and rank transfer: average ranks and Kendall's τ-b, against
// values computed by hand (pair by pair) and scipy.stats.kendalltau's.
#include "fit/accuracy.h"

#include <doctest/doctest.h>

#include <cmath>

namespace mixrun {
namespace {

TEST_CASE("average ranks share a tie's mean rank") {
  const std::vector<double> ranks = AverageRanks({3.0, 1.0, 3.0, 2.0, 3.0});
  CHECK(ranks == std::vector<double>{4.0, 1.0, 4.0, 2.0, 4.0});
}

TEST_CASE("Kendall tau-b without ties: (concordant - discordant) / pairs") {
  // 7 concordant and 3 discordant pairs of 10.
  CHECK(KendallTauB({1, 2, 3, 4, 5}, {3, 1, 2, 5, 4}) == doctest::Approx(0.4));
  CHECK(KendallTauB({1, 2, 3}, {10, 20, 30}) == doctest::Approx(1.0));
  CHECK(KendallTauB({1, 2, 3, 4}, {4, 3, 2, 1}) == doctest::Approx(-1.0));
}

TEST_CASE("Kendall tau-b with ties: tied pairs leave the denominator") {
  // Pairs: 4 concordant, 0 discordant, one tied in x only, one in y only; n0 = 6:
  // 4 / sqrt(5 * 5) = 0.8 (scipy.stats.kendalltau gives 0.8).
  CHECK(KendallTauB({1, 2, 2, 3}, {1, 3, 2, 3}) == doctest::Approx(0.8));
  // 3 concordant, 1 discordant, one tie in x, one in y: 2 / 5.
  CHECK(KendallTauB({1, 1, 2, 3}, {2, 1, 1, 3}) == doctest::Approx(0.4));
  // A pair tied in both counts in both n1 and n2: 2 / sqrt(2 * 2).
  CHECK(KendallTauB({1, 1, 2}, {5, 5, 6}) == doctest::Approx(1.0));
  // Unequal tie structure: x has a tie of 3 (n1 = 3), y none; C = 3, D = 0 (pairs across the
  // tie and the last point), n0 = 6: 3 / sqrt(3 * 6) = 0.7071.
  CHECK(KendallTauB({1, 1, 1, 2}, {1, 2, 3, 4}) == doctest::Approx(3 / std::sqrt(18.0)));
}

TEST_CASE("Kendall tau-b is NaN when it is undefined") {
  CHECK(std::isnan(KendallTauB({1}, {1})));
  CHECK(std::isnan(KendallTauB({2, 2, 2}, {1, 2, 3})));
  CHECK(std::isnan(KendallTauB({1, 2}, {1, 2, 3})));
}

}  // namespace
}  // namespace mixrun
