// RegMix fits survive the store: loaded back they predict as in the fit (gbdt from its serialised
// booster), singly and in batches; and they are reproducible for a seed.
#include <doctest/doctest.h>

#include "fit/run_inputs.h"
#include "regmix_fits.h"
#include "regress/base64.h"
#include "testing/reference_data.h"

namespace mixrun {
namespace {

const std::vector<RunPoint>& Train() {
  static const std::vector<RunPoint> runs = [] {
    auto loaded = testing::LoadRegmix("train", "1m");
    REQUIRE(loaded.ok());
    return *loaded;
  }();
  return runs;
}

FitRequest Regmix(const std::string& model) {
  FitRequest request;
  request.law = "regmix";
  request.metric = "pile_cc_val_loss";
  request.model = model;
  return request;
}

// Loads the report's fit through JSON text and checks Predict against PredictMixtures, and the
// in-sample RMSE against the report's.
void CheckRoundTrip(const FitReport& report) {
  auto fitted = testing::LoadRegmixFit(nlohmann::json::parse(report.options.dump()),
                                       nlohmann::json::parse(report.ParamsJson().dump()));
  REQUIRE(fitted.ok());
  const auto domains = (*fitted)->domains();
  REQUIRE(domains.size() == 17);
  auto rows = MixtureMatrix(Train(), domains, "train", false);
  REQUIRE(rows.ok());
  auto batch = (*fitted)->PredictMixtures(*rows, Train().size());
  REQUIRE(batch.ok());
  double squares = 0;
  for (size_t r = 0; r < Train().size(); ++r) {
    const double single = (*fitted)->Predict(Train()[r]).value();
    CHECK(single == doctest::Approx((*batch)[r]).epsilon(1e-12));
    const double error = single - Train()[r].metrics.at("pile_cc_val_loss");
    squares += error * error;
  }
  CHECK(std::sqrt(squares / Train().size()) ==
        doctest::Approx(report.stats.in_sample.rmse).epsilon(1e-9));
}

TEST_CASE("regmix linear and loglinear: round trip, bootstrap sets, ridge shrinks") {
  FitRequest request = Regmix("linear");
  request.bootstrap = 200;
  request.kfold = 5;
  auto linear = testing::FitRegmix(request, Train(), {});
  REQUIRE(linear.ok());
  CHECK(linear->stats.kfold->accuracy.spearman > 0.85);
  CHECK(linear->intervals.count("w[pile_cc]") == 1);
  CheckRoundTrip(*linear);
  auto fitted = testing::LoadRegmixFit(linear->options, linear->ParamsJson());
  REQUIRE(fitted.ok());
  CHECK((*fitted)->PredictBootstrap(Train()[0]).size() == 200);

  request = Regmix("loglinear");
  auto loglinear = testing::FitRegmix(request, Train(), {});
  REQUIRE(loglinear.ok());
  CheckRoundTrip(*loglinear);

  request = Regmix("linear");
  request.ridge = 1e9;  // shrinks every weight to ~0, leaving the mean loss as intercept
  auto ridge = testing::FitRegmix(request, Train(), {});
  REQUIRE(ridge.ok());
  double mean = 0;
  for (const RunPoint& run : Train()) mean += run.metrics.at("pile_cc_val_loss") / Train().size();
  CHECK(std::abs(ridge->params.at("w[pile_cc]")) < 1e-5);
  CHECK(ridge->params.at("intercept") == doctest::Approx(mean).epsilon(1e-4));
}

TEST_CASE("regmix gbdt: the serialised booster predicts as the fit did, same seed, same model") {
  auto first = testing::FitRegmix(Regmix("gbdt"), Train(), {});
  REQUIRE(first.ok());
  CheckRoundTrip(*first);
  FitRequest request = Regmix("gbdt");
  request.threads = 1;
  auto second = testing::FitRegmix(request, Train(), {});
  REQUIRE(second.ok());
  CHECK(first->state["fit"] == second->state["fit"]);
  CHECK(first->stats.extra["cv"]["rmse"] == second->stats.extra["cv"]["rmse"]);
}

TEST_CASE("regmix errors: unknown model, missing metric, corrupt stored booster") {
  CHECK_FALSE(testing::FitRegmix(Regmix("forest"), Train(), {}).ok());
  FitRequest request = Regmix("linear");
  request.metric = "no_such_loss";
  auto missing = testing::FitRegmix(request, Train(), {});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("missing on 512 of 512") != std::string::npos);
  nlohmann::json params = {
      {"state", {{"model", "gbdt"}, {"domains", {"a"}}, {"fit", Base64Encode("not a model")}}}};
  CHECK_FALSE(testing::LoadRegmixFit(nlohmann::json::object(), params).ok());
  CHECK_FALSE(testing::LoadRegmixFit(nlohmann::json::object(), nlohmann::json::object()).ok());
}

TEST_CASE("base64 round trip and rejection") {
  const std::vector<std::string> texts = {"",    "a",    "ab",
                                          "abc", "abcd", std::string("\0\xff\x10", 3)};
  for (const std::string& text : texts) {
    CHECK(Base64Decode(Base64Encode(text)).value() == text);
  }
  CHECK(Base64Encode("abcd") == "YWJjZA==");
  CHECK_FALSE(Base64Decode("YW*j").ok());
  CHECK_FALSE(Base64Decode("YWJ").ok());
}

}  // namespace
}  // namespace mixrun
