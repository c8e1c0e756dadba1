// suggest on a regression fitted to noisy runs of a planted four-domain surface: every suggestion
// keeps recommend's constraints and its distance from the others and from the runs; the same
// seed gives the same batch; explore slots take distinct bootstrap refits; a fit without refits
// is refused.
#include "optimize/suggest.h"

#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <set>

#include "catalog/catalog.h"
#include "testing/planted_mixing.h"

namespace mixrun {
namespace {

const testing::PlantedMixing kPlanted;
const std::vector<std::string>& kDomains = kPlanted.domains;
double PlantedLoss(const std::vector<double>& w) { return kPlanted.Loss(w); }

// 40 runs of Dirichlet(1,1,1,1) mixtures with noise 0.005 on each domain's loss, fitted by the
// mixing law (the planted law's family) with `bootstrap` refits.
struct Fixture {
  std::vector<RunPoint> runs;
  std::vector<LoadedFit> fits;

  explicit Fixture(int bootstrap) {
    Rng rng(7);
    int64_t id = 0;
    for (const auto& w : kPlanted.Design(40, 7)) runs.push_back(kPlanted.Run(++id, w, 0.005, rng));
    const FitRequest request = kPlanted.MixingRequest(bootstrap);
    auto report = FitLaw(request, runs, {});
    REQUIRE_MESSAGE(report.ok(), report.status().message());
    LoadedFit fit;
    fit.id = 1;
    fit.law = report->law;
    fit.options = report->options;
    fit.request = request;
    auto fitted = LoadFit(report->law, report->options, report->ParamsJson());
    REQUIRE_MESSAGE(fitted.ok(), fitted.status().message());
    fit.fitted = std::move(*fitted);
    fits.push_back(std::move(fit));
  }

  SuggestRequest Request() const {
    SuggestRequest request;
    request.count = 6;
    request.candidates = 4000;
    request.recommend.runs = runs;
    return request;
  }
};

Fixture& WithRefits() {
  static Fixture fixture(40);
  return fixture;
}

// The batch for the fixture's request changed by `change`; the test fails if there is none.
std::vector<Suggestion> Batch(const std::function<void(SuggestRequest&)>& change) {
  Fixture& f = WithRefits();
  SuggestRequest request = f.Request();
  change(request);
  auto result = Suggest(f.fits, request);
  REQUIRE_MESSAGE(result.ok(), result.status().message());
  return result->suggestions;
}

std::vector<double> Weights(const Mixture& mixture) { return ToWeights(mixture, kDomains); }

double Distance(const Mixture& a, const Mixture& b) { return L1Distance(a, b); }

}  // namespace

TEST_CASE("suggestions keep recommend's constraints: bounds, pins, the observed range") {
  Fixture& f = WithRefits();
  SuggestRequest request = f.Request();
  request.recommend.constraints.min = {{"web", 0.15}};
  request.recommend.constraints.max = {{"code", 0.3}};
  request.recommend.constraints.fixed = {{"math", 0.2}};
  auto result = Suggest(f.fits, request);
  REQUIRE_MESSAGE(result.ok(), result.status().message());
  REQUIRE(result->suggestions.size() == 6);
  const auto observed = ObservedRanges(f.runs, kDomains);
  for (const Suggestion& s : result->suggestions) {
    CHECK(result->constraints.Contains(Weights(s.mixture), 1e-9));
    CHECK(s.mixture.at("web") >= 0.15 - 1e-9);
    CHECK(s.mixture.at("code") <= 0.3 + 1e-9);
    CHECK(s.mixture.at("math") == doctest::Approx(0.2).epsilon(1e-9));
    for (const auto& [domain, weight] : s.mixture) {
      CHECK(weight >= observed.at(domain).first - 1e-9);
      CHECK(weight <= observed.at(domain).second + 1e-9);
    }
    double total = 0;
    for (const auto& [domain, weight] : s.mixture) total += weight;
    CHECK(total == doctest::Approx(1).epsilon(1e-12));
  }
}

TEST_CASE("suggestions keep their distance from each other and from the fit's runs") {
  Fixture& f = WithRefits();
  const auto s = Batch([](SuggestRequest& r) { r.min_distance = 0.1; });
  for (size_t i = 0; i < s.size(); ++i) {
    for (size_t k = 0; k < i; ++k) CHECK(Distance(s[i].mixture, s[k].mixture) >= 0.1 - 1e-6);
    for (const RunPoint& run : f.runs) CHECK(Distance(s[i].mixture, run.weights) >= 0.1 - 1e-6);
  }
  SuggestRequest request = f.Request();
  request.min_distance = 1.9;  // nothing keeps that far from 40 runs
  auto refused = Suggest(f.fits, request);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("--min-distance") != std::string::npos);
}

TEST_CASE("the same seed gives the same batch; another seed another") {
  Fixture& f = WithRefits();
  const auto batch = [&](uint64_t seed) {
    SuggestRequest request = f.Request();
    request.seed = seed;
    auto result = Suggest(f.fits, request);
    REQUIRE_MESSAGE(result.ok(), result.status().message());
    std::vector<std::vector<double>> rows;
    for (const Suggestion& s : result->suggestions) rows.push_back(Weights(s.mixture));
    return rows;
  };
  CHECK(batch(3) == batch(3));
  CHECK(batch(3) != batch(4));
}

TEST_CASE("exploit takes the fit's best, each explore slot its own bootstrap refit") {
  Fixture& f = WithRefits();
  const auto s = Batch([](SuggestRequest& r) { r.explore = 0.5; });
  REQUIRE(s.size() == 6);
  std::set<int> refits;
  for (size_t i = 0; i < s.size(); ++i) {
    CHECK(s[i].explore == (i >= 3));
    CHECK(s[i].reason.rfind(s[i].explore ? "explore:" : "exploit:", 0) == 0);
    if (s[i].explore) refits.insert(s[i].refit);
    CHECK(s[i].spread > 0);
    CHECK(s[i].predicted.mean.has_value());
  }
  CHECK(refits.size() == 3);
  // The first exploit pick is predicted better than every run the fit has seen (the surface's
  // optimum is inside the simplex, away from the 40 random mixtures).
  for (const RunPoint& run : f.runs) {
    auto predicted = f.fits[0].fitted->Predict(run);
    REQUIRE(predicted.ok());
    CHECK(s[0].predicted.prediction <= *predicted + 1e-9);
  }
  // And it is where the surface is good: within 0.01 of the planted optimum's loss.
  const double best = kPlanted.BestOfRandom(20000, 11);
  MESSAGE("exploit pick's planted loss " << PlantedLoss(Weights(s[0].mixture)) << ", best "
                                         << best);
  CHECK(PlantedLoss(Weights(s[0].mixture)) <= best + 0.01);
}

TEST_CASE("a fit without bootstrap refits is refused, naming --bootstrap") {
  Fixture plain(0);
  auto result = Suggest(plain.fits, plain.Request());
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == Status::Code::kInvalidInput);
  CHECK(result.status().message().find("--bootstrap") != std::string::npos);
}

}  // namespace mixrun
