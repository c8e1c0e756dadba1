// The mixture figures on a planted data mixing law (each domain's loss falls with its own weight):
// the sweep moves one weight while the others keep the reference's proportions and passes through
// the reference, and the baselines figure holds each mixture's prediction with both intervals.
#include "report/mixture_figures.h"

#include <doctest/doctest.h>

#include <cmath>

#include "catalog/catalog.h"

namespace mixrun {
namespace {

const std::vector<std::string> kDomains = {"code", "prose", "web"};

// Target Σ_i (1/3)(c_i + k_i·exp(−s_i r_i)) in the law's stored form (the last domain the
// reference, its exponent written over the others' weights).
StoredFit PlantedMixingFit() {
  const std::vector<double> c = {1.0, 1.2, 0.8}, k = {2.0, 1.0, 1.5}, s = {3.0, 2.0, 4.0};
  std::vector<std::string> metrics;
  std::vector<std::vector<double>> fit;
  for (size_t i = 0; i < kDomains.size(); ++i) {
    metrics.push_back("eval/" + kDomains[i] + "/loss");
    std::vector<double> p = {std::log(c[i]), std::log(k[i]), 0.0, 0.0};
    if (i + 1 < kDomains.size()) {
      p[2 + i] = -s[i];
    } else {
      p[1] -= s[i];
      p[2] = p[3] = s[i];
    }
    fit.push_back(p);
  }
  const nlohmann::json state = {{"domains", kDomains},
                                {"target_weights", {1.0 / 3, 1.0 / 3, 1.0 / 3}},
                                {"metrics", metrics},
                                {"fit", fit}};
  StoredFit stored;
  stored.id = 7;
  stored.law = "mixing";
  stored.options = {{"law", "mixing"}, {"metric", ""}};
  stored.stats.in_sample.rmse = 0.01;
  for (const std::string& metric : metrics) stored.request.target_weights[metric] = 1.0 / 3;
  auto fitted = LoadFit("mixing", stored.options, {{"state", state}});
  REQUIRE_MESSAGE(fitted.ok(), fitted.status().message());
  stored.fitted = std::move(*fitted);
  return stored;
}

double PredictAt(const StoredFit& fit, const Mixture& mixture) {
  RunPoint point;
  point.weights = mixture;
  auto value = fit.fitted->Predict(point);
  REQUIRE(value.ok());
  return *value;
}

MixtureContext Context(const StoredFit& fit) {
  LoadedFit loaded;
  static_cast<StoredFit&>(loaded) = fit;
  MixtureContext context;
  context.recommended = true;
  context.reference_text = "the recommended mixture (recommendation 3)";
  context.reference = {{"code", 0.5}, {"prose", 0.3}, {"web", 0.2}};
  auto predicted = PredictWithInterval({loaded}, context.reference);
  REQUIRE(predicted.ok());
  context.reference_predicted = *predicted;
  RunPoint run;
  run.run_id = 11;
  run.weights = {{"code", 0.2}, {"prose", 0.2}, {"web", 0.6}};
  for (const std::string& domain : kDomains) run.metrics["eval/" + domain + "/loss"] = 1.5;
  const Prior natural{"tokens", {{"code", 0.1}, {"prose", 0.3}, {"web", 0.6}}};
  auto baselines = PredictBaselines({loaded}, natural, {run});
  REQUIRE(baselines.ok());
  context.baselines = *baselines;
  return context;
}

TEST_CASE("the sweep moves one weight, keeps the others' proportions and meets the reference") {
  const StoredFit fit = PlantedMixingFit();
  const MixtureContext context = Context(fit);
  auto figures = MixtureFigures(fit, context);
  REQUIRE(figures.ok());
  REQUIRE(figures->size() == 2);
  const Figure& sweep = (*figures)[0];
  CHECK(sweep.name == "mixture_sweep");
  CHECK(sweep.rows.size() == 3 * 102);
  CHECK(sweep.caption.find("recommendation 3") != std::string::npos);
  CHECK(sweep.caption.find("without bootstrap refits: no band") != std::string::npos);
  const double reference = context.reference_predicted.prediction;
  for (const auto& row : sweep.rows) {
    const std::string& domain = row[1];
    const double w = std::stod(row[2]), predicted = std::stod(row[3]);
    CHECK(row[4].empty());  // no refits, no band
    // The others share 1 − w in the reference's proportions.
    Mixture mixture;
    double others = 0;
    for (const auto& [name, weight] : context.reference) others += name == domain ? 0 : weight;
    for (const auto& [name, weight] : context.reference) {
      mixture[name] = name == domain ? w : weight * (1 - w) / others;
    }
    CHECK(predicted == doctest::Approx(PredictAt(fit, mixture)).epsilon(1e-12));
    if (row[6] == "1") {
      CHECK(w == doctest::Approx(context.reference.at(domain)));
      CHECK(predicted == doctest::Approx(reference).epsilon(1e-12));
    }
  }
}

TEST_CASE("the baselines figure: recommended, uniform, natural, best observed, both intervals") {
  const StoredFit fit = PlantedMixingFit();
  const MixtureContext context = Context(fit);
  auto figures = MixtureFigures(fit, context);
  REQUIRE(figures.ok());
  const Figure& bars = (*figures)[1];
  CHECK(bars.name == "mixture_baselines");
  REQUIRE(bars.rows.size() == 4);
  const std::vector<std::string> names = {"recommended", "uniform", "natural", "best observed"};
  for (size_t i = 0; i < names.size(); ++i) {
    CHECK(bars.rows[i][1] == names[i]);
    const double predicted = std::stod(bars.rows[i][2]);
    CHECK(std::stod(bars.rows[i][3]) < predicted);
    CHECK(predicted < std::stod(bars.rows[i][4]));
  }
  CHECK(std::stod(bars.rows[1][2]) ==
        doctest::Approx(PredictAt(fit, {{"code", 1.0 / 3}, {"prose", 1.0 / 3}, {"web", 1.0 / 3}})));
  CHECK(bars.rows[3][7] == "1.5");  // the best observed run's measured target
  CHECK(bars.caption.find("95% mean interval") != std::string::npos);
  CHECK(bars.caption.find("95% prediction interval") != std::string::npos);
}

TEST_CASE("a context that cannot be drawn gives no figures") {
  const StoredFit fit = PlantedMixingFit();
  MixtureContext context;
  context.drawable = false;
  auto figures = MixtureFigures(fit, context);
  REQUIRE(figures.ok());
  CHECK(figures->empty());
}

}  // namespace
}  // namespace mixrun
