// recommend --bagged on a mixing law fitted to noisy runs of a planted four-domain surface: the
// bagged prediction is the mean of the fit's and its refits' predictions; simulate's choice under
// it is the best of its candidates by that mean (and the fit's own choice is not better by it);
// suggest's exploit slots follow the bagged fit; a fit without refits is refused.
#include <doctest/doctest.h>

#include "optimize/recommend.h"
#include "optimize/suggest.h"
#include "testing/in_memory_fit.h"
#include "testing/planted_mixing.h"

namespace mixrun {
namespace {

const testing::PlantedMixing kPlanted;

// 30 runs with noise 0.01 on each domain's loss, fitted with `bootstrap` refits.
LoadedFit NoisyFit(int bootstrap) {
  Rng rng(5);
  std::vector<RunPoint> runs;
  int64_t id = 0;
  for (const auto& w : kPlanted.Design(30, 5)) runs.push_back(kPlanted.Run(++id, w, 0.01, rng));
  auto fit = testing::FitInMemory(kPlanted.MixingRequest(bootstrap), runs, 1);
  REQUIRE_MESSAGE(fit.ok(), fit.status().message());
  return std::move(*fit);
}

const std::vector<LoadedFit>& Fits() {
  static const std::vector<LoadedFit> fits = [] {
    std::vector<LoadedFit> one;
    one.push_back(NoisyFit(12));
    return one;
  }();
  return fits;
}

RecommendRequest SimulateRequest(bool bagged) {
  RecommendRequest request;
  request.method = "simulate";
  request.simulate.samples = 5000;
  request.simulate.top_k = 1;
  request.prior = UniformPrior(kPlanted.domains);
  request.bagged = bagged;
  return request;
}

double Bagged(const Mixture& mixture) {
  auto value = Fits()[0].fitted->PredictMixturesBagged(ToWeights(mixture, kPlanted.domains), 1);
  REQUIRE(value.ok());
  return (*value)[0];
}

}  // namespace

TEST_CASE("the bagged prediction is the mean of the fit's and each refit's") {
  const FittedLaw& law = *Fits()[0].fitted;
  const std::vector<double> rows = {0.1, 0.2, 0.3, 0.4, 0.7, 0.1, 0.1, 0.1};
  auto bagged = law.PredictMixturesBagged(rows, 2);
  auto full = law.PredictMixtures(rows, 2);
  REQUIRE(bagged.ok());
  REQUIRE(full.ok());
  for (size_t r = 0; r < 2; ++r) {
    double sum = (*full)[r];
    for (size_t b = 0; b < law.bootstrap_size(); ++b)
      sum += law.PredictMixturesByRefit(b, rows, 2)->at(r);
    CHECK((*bagged)[r] == doctest::Approx(sum / (law.bootstrap_size() + 1)).epsilon(1e-12));
    // The refits differ from the fit (noisy runs), so the mean is not the fit's prediction.
    CHECK((*bagged)[r] != (*full)[r]);
  }
}

TEST_CASE("recommend --bagged picks the candidate best by the bagged mean") {
  auto bagged = Recommend(Fits(), SimulateRequest(true));
  auto single = Recommend(Fits(), SimulateRequest(false));
  REQUIRE_MESSAGE(bagged.ok(), bagged.status().message());
  REQUIRE_MESSAGE(single.ok(), single.status().message());
  CHECK(bagged->details.at("bagged") == true);
  CHECK(single->details.at("bagged") == false);
  // The same seed draws the same candidates: each choice is best under its own objective.
  CHECK(Bagged(bagged->mixture) <= Bagged(single->mixture) + 1e-9);
  CHECK(bagged->details.at("best_candidate_objective").get<double>() ==
        doctest::Approx(Bagged(bagged->mixture)).epsilon(1e-6));
  // And the bagged choice is still a good one on the planted surface.
  CHECK(kPlanted.Loss(bagged->mixture) <= kPlanted.BestOfRandom(5000, 3) + 0.01);
}

TEST_CASE("suggest's exploit slots follow the bagged fit with --bagged") {
  SuggestRequest request;
  request.count = 1;
  request.explore = 0;
  request.candidates = 3000;
  request.recommend.bagged = true;
  auto bagged = Suggest(Fits(), request);
  request.recommend.bagged = false;
  auto single = Suggest(Fits(), request);
  REQUIRE(bagged.ok());
  REQUIRE(single.ok());
  // Each exploit pick is valued under its own model: the bagged mean, or the fit alone.
  const Mixture& pick = bagged->suggestions[0].mixture;
  CHECK(bagged->suggestions[0].chosen_under == doctest::Approx(Bagged(pick)).epsilon(1e-12));
  const Mixture& own = single->suggestions[0].mixture;
  auto full = Fits()[0].fitted->PredictMixtures(ToWeights(own, kPlanted.domains), 1);
  REQUIRE(full.ok());
  CHECK(single->suggestions[0].chosen_under == doctest::Approx((*full)[0]).epsilon(1e-12));
  CHECK(single->suggestions[0].chosen_under != doctest::Approx(Bagged(own)).epsilon(1e-12));
}

TEST_CASE("recommend --bagged refuses a fit without bootstrap refits, naming --bootstrap") {
  const std::vector<LoadedFit> plain = [] {
    std::vector<LoadedFit> one;
    one.push_back(NoisyFit(0));
    return one;
  }();
  auto refused = Recommend(plain, SimulateRequest(true));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Status::Code::kInvalidInput);
  CHECK(refused.status().message().find("--bootstrap") != std::string::npos);
  CHECK(Recommend(plain, SimulateRequest(false)).ok());
}

}  // namespace mixrun
