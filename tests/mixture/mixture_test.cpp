#include "mixture/mixture.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "common/random.h"
#include "mixture/dirichlet.h"
#include "mixture/prior.h"

using mixrun::Mixture;
using mixrun::PriorKind;
using mixrun::WeightVector;

TEST_CASE("Mixture <-> vector over an ordered domain list, normalise, temperature") {
  const std::vector<std::string> domains = {"web", "code", "books"};
  const Mixture mixture = mixrun::ToMixture(domains, {0.5, 0.3, 0.2});
  CHECK(mixture.at("code") == 0.3);
  CHECK(mixrun::ToWeights(mixture, domains) == WeightVector{0.5, 0.3, 0.2});
  CHECK(mixrun::ToWeights({{"web", 1.0}}, domains) == WeightVector{1.0, 0, 0});

  WeightVector weights = {2, 6, 0};
  CHECK(mixrun::Normalise(weights));
  CHECK(weights == WeightVector{0.25, 0.75, 0});
  WeightVector zeros = {0, 0};
  CHECK(!mixrun::Normalise(zeros));
  CHECK(zeros == WeightVector{0, 0});

  const WeightVector flat = mixrun::ApplyTemperature({0.8, 0.2, 0}, 0.0);
  CHECK(flat[0] == doctest::Approx(0.5));
  CHECK(flat[2] == 0);  // zeros stay zero
  CHECK(mixrun::L1Distance({{"a", 0.5}, {"b", 0.5}}, {{"a", 1.0}}) == doctest::Approx(1.0));
}

TEST_CASE("MixturePrior: token shares, uniform, given, and errors name the place") {
  const std::vector<std::string> domains = {"code", "web"};
  auto tokens = mixrun::MixturePrior(PriorKind::kTokens, domains, {{"code", 30}, {"web", 10}}, {},
                                     "/mixtures/prior");
  REQUIRE(tokens.ok());
  CHECK(*tokens == WeightVector{0.75, 0.25});
  auto uniform = mixrun::MixturePrior(PriorKind::kUniform, domains, {}, {}, "x");
  REQUIRE(uniform.ok());
  CHECK(*uniform == WeightVector{0.5, 0.5});
  auto given = mixrun::MixturePrior(PriorKind::kGiven, domains, {}, {{"web", 2.0}}, "x");
  REQUIRE(given.ok());
  CHECK(*given == WeightVector{0, 1});

  auto missing = mixrun::MixturePrior(PriorKind::kTokens, domains, {{"code", 3}}, {}, "/p");
  REQUIRE(!missing.ok());
  CHECK(missing.status().message() == "/p: the token prior has no token count for domain 'web'");
  auto empty = mixrun::MixturePrior(PriorKind::kGiven, domains, {}, {}, "/p");
  REQUIRE(!empty.ok());
  CHECK(empty.status().message() == "/p: the prior has no positive weight (all weights are 0)");
}

TEST_CASE("recommend's priors: positive shares over exactly the fit's domains") {
  const std::vector<std::string> domains = {"code", "web"};
  const mixrun::Prior uniform = mixrun::UniformPrior(domains);
  CHECK(uniform.shares.at("web") == 0.5);
  auto tokens = mixrun::TokenPrior({{"code", 1}, {"web", 3}}, domains, "e");
  REQUIRE(tokens.ok());
  CHECK(tokens->shares.at("web") == 0.75);
  auto zero = mixrun::TokenPrior({{"code", 1}, {"web", 0}}, domains, "e");
  REQUIRE(!zero.ok());
  CHECK(zero.status().message().find("--prior FILE.json") != std::string::npos);
}

TEST_CASE("DrawBoundedDirichlet: lower bounds by construction, upper bounds by rejection") {
  const mixrun::DirichletBox box{{0.1, 0.2, 0.0}, 0.7, {0.5, 1.0, 0.3}, 1e-12};
  const std::vector<double> alpha = {1.0, 1.0, 1.0};
  mixrun::Rng rng(42);
  std::vector<double> w(3);
  int accepted = 0;
  for (int i = 0; i < 2000; ++i) {
    if (!mixrun::DrawBoundedDirichlet(rng, alpha, box, w.data())) continue;
    ++accepted;
    double total = 0;
    for (size_t j = 0; j < w.size(); ++j) {
      CHECK(w[j] >= box.lo[j]);
      CHECK(w[j] <= box.hi[j] + 1e-12);
      total += w[j];
    }
    CHECK(total == doctest::Approx(1.0));
  }
  CHECK(accepted > 100);
  CHECK(accepted < 2000);

  // The same seed replays the same stream, whatever generator the caller brings.
  mixrun::Xoshiro256Rng a(7), b(7);
  const mixrun::DirichletBox open{{}, 1, {1, 1, 1}, 0};
  std::vector<double> x(3), y(3);
  for (int i = 0; i < 10; ++i) {
    CHECK(mixrun::DrawBoundedDirichlet(a, alpha, open, x.data()));
    mixrun::DrawBoundedDirichlet(b, alpha, open, y.data());
    CHECK(x == y);
  }
}
