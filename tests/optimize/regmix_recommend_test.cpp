// recommend on RegMix's released runs (Liu et al. 2024), through the store as the CLI uses it:
// import the 512 train runs of 1M models, fit linear and gbdt on Pile-CC loss, recommend.
#include <doctest/doctest.h>

#include <chrono>
#include <map>

#include "io/import.h"
#include "optimize/recommend.h"
#include "optimize/store_inputs.h"
#include "catalog/catalog.h"
#include "testing/temp_dir.h"

namespace mixrun {
namespace {

const std::string kRegMix = std::string(MIXRUN_SHARED_DATA) + "/regmix/";

// One store with the runs, and each fit made the first time a test asks for it (ctest runs every
// test case in its own process; only the gbdt cases pay for the gbdt fit's CV).
struct RegmixStore {
  testing::TempDir dir;
  std::unique_ptr<Store> store;
  int64_t experiment = 0;
  std::map<std::string, int64_t> fit_ids;

  RegmixStore() {
    store = std::move(Store::Open((dir.path() / "s.db").string()).value());
    ImportOptions import;
    import.experiment = "regmix-1m";
    import.files = {kRegMix + "train_mixture_1m.csv", kRegMix + "train_pile_loss_1m.csv"};
    import.on = "index";
    import.weights_prefix = "train_the_pile_";
    import.metrics_prefix = "metric/the_pile_";
    REQUIRE(ImportCsv(*store, import).ok());
    experiment = store->ExperimentId("regmix-1m").value();
  }

  // As `mixrun fit-law regmix --model MODEL` stores it (linear with 200 bootstrap refits).
  int64_t FitId(const std::string& model) {
    if (fit_ids.count(model)) return fit_ids[model];
    const auto runs = store->LoadRunPoints(experiment).value();
    REQUIRE(runs.size() == 512);
    FitRequest request;
    request.law = "regmix";
    request.model = model;
    request.metric = "pile_cc_val_loss";
    if (model == "linear") request.bootstrap = 200;
    auto report = FitLaw(request, runs, {});
    REQUIRE_MESSAGE(report.ok(), report.status().message());
    return fit_ids[model] = store
                                ->AddFit(experiment, report->law, report->options.dump(),
                                         report->ParamsJson().dump(), report->StatsJson().dump())
                                .value();
  }
};

RegmixStore& Shared() {
  static RegmixStore shared;
  return shared;
}

struct Inputs {
  std::vector<LoadedFit> fits;
  RecommendRequest request;
};

Inputs Load(int64_t fit_id, const std::string& prior) {
  Store& store = *Shared().store;
  Inputs in;
  auto fits = LoadFits(store, {{std::to_string(fit_id)}, "", ""});
  REQUIRE_MESSAGE(fits.ok(), fits.status().message());
  in.fits = std::move(*fits);
  in.request.runs = LoadTrainingRuns(store, in.fits).value();
  auto resolved = ResolvePrior(store, prior, in.fits);
  if (resolved.ok()) {
    in.request.prior = *resolved;
  } else {
    in.request.prior_error = resolved.status();
  }
  in.request.threads = 2;
  return in;
}

void CheckInsideObservedRange(const Recommendation& r, const std::vector<RunPoint>& runs) {
  const auto observed = ObservedRanges(runs, r.constraints.domains);
  for (const auto& [domain, weight] : r.mixture) {
    CHECK_MESSAGE(weight >= observed.at(domain).first - 1e-12, domain);
    CHECK_MESSAGE(weight <= observed.at(domain).second + 1e-12, domain);
  }
}

TEST_CASE("gbdt, simulated as RegMix's notebook: pile_cc 0.85-0.95, ubuntu_irc 0.02-0.10") {
  Inputs in = Load(Shared().FitId("gbdt"), kRegMix + "pile_token_prior.json");
  in.request.simulate.samples = 100000;
  in.request.simulate.top_k = 128;
  const auto start = std::chrono::steady_clock::now();
  auto got = Recommend(in.fits, in.request);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE_MESSAGE(got.ok(), got.status().message());
  CHECK(got->method == "simulate");
  const double pile_cc = got->mixture.at("pile_cc"), ubuntu_irc = got->mixture.at("ubuntu_irc");
  MESSAGE("gbdt simulate: pile_cc " << pile_cc << ", ubuntu_irc " << ubuntu_irc << ", predicted "
                                    << got->predicted.prediction << " [" << got->predicted.low
                                    << ", " << got->predicted.high << "] (" << got->predicted.source
                                    << "), " << seconds << " s");
  CHECK(pile_cc >= 0.85);
  CHECK(pile_cc <= 0.95);
  CHECK(ubuntu_irc >= 0.02);
  CHECK(ubuntu_irc <= 0.10);
  CheckInsideObservedRange(*got, in.request.runs);
  CHECK(got->predicted.low < got->predicted.prediction);
  CHECK(got->predicted.prediction < got->predicted.high);
  // Better than uniform and the natural mixture. (Not necessarily than the best observed run:
  // the mean of 128 candidates can fall between a piecewise-constant model's steps.)
  REQUIRE(got->baselines.size() == 3);
  for (const auto& baseline : got->baselines) {
    MESSAGE(baseline.name << ": " << baseline.predicted.prediction);
    if (baseline.name != "best observed") {
      CHECK(got->predicted.prediction < baseline.predicted.prediction);
    }
  }
}

TEST_CASE("linear, simulated: pile_cc ≥ 0.80 and every weight within the observed range") {
  Inputs in = Load(Shared().FitId("linear"), kRegMix + "pile_token_prior.json");
  in.request.method = "simulate";
  in.request.simulate.samples = 100000;
  in.request.simulate.top_k = 128;
  auto got = Recommend(in.fits, in.request);
  REQUIRE_MESSAGE(got.ok(), got.status().message());
  MESSAGE("linear simulate: pile_cc "
          << got->mixture.at("pile_cc") << ", predicted " << got->predicted.prediction << " ["
          << got->predicted.low << ", " << got->predicted.high << "] (" << got->predicted.source
          << ")");
  CHECK(got->mixture.at("pile_cc") >= 0.80);
  CheckInsideObservedRange(*got, in.request.runs);
  CHECK(got->predicted.source.find("bootstrap") != std::string::npos);
}

TEST_CASE("linear, optimized: a vertex of the observed box, its edges reported") {
  Inputs in = Load(Shared().FitId("linear"), kRegMix + "pile_token_prior.json");
  in.request.method = "optimize";  // auto simulates for regressions
  auto got = Recommend(in.fits, in.request);
  REQUIRE_MESSAGE(got.ok(), got.status().message());
  CHECK(got->method == "optimize");
  MESSAGE("linear optimize: " << got->MixtureJson().dump() << ", predicted "
                              << got->predicted.prediction);
  CheckInsideObservedRange(*got, in.request.runs);
  // A linear objective's minimum over the box is a vertex: every weight but one at a bound.
  CHECK(got->active.size() >= got->mixture.size() - 1);
  size_t at_observed_max = 0;
  for (const auto& edge : got->edges) at_observed_max += edge.where == "at the observed max";
  CHECK(at_observed_max >= 1);
  for (const auto& baseline : got->baselines) {
    CHECK(got->predicted.prediction <= baseline.predicted.prediction);
  }
}

TEST_CASE("without the guard, linear runs off to a domain it barely saw") {
  Inputs in = Load(Shared().FitId("linear"), "uniform");
  in.request.constraints.allow_extrapolation = true;
  auto got = Recommend(in.fits, in.request);
  REQUIRE_MESSAGE(got.ok(), got.status().message());
  bool outside = false;
  for (const auto& edge : got->edges) outside = outside || edge.where.find("above") == 0;
  CHECK(outside);
}

TEST_CASE("simulate is seeded and independent of the thread count") {
  Inputs in = Load(Shared().FitId("linear"), kRegMix + "pile_token_prior.json");
  in.request.method = "simulate";
  in.request.simulate.samples = 30000;
  in.request.threads = 1;
  auto one = Recommend(in.fits, in.request);
  in.request.threads = 3;
  auto three = Recommend(in.fits, in.request);
  REQUIRE(one.ok());
  REQUIRE(three.ok());
  CHECK(one->mixture == three->mixture);
  in.request.simulate.seed = 7;
  auto other = Recommend(in.fits, in.request);
  REQUIRE(other.ok());
  CHECK(other->mixture != one->mixture);
}

TEST_CASE("imported runs have no token counts: --prior tokens says so when simulate needs it") {
  Inputs in = Load(Shared().FitId("linear"), "tokens");
  in.request.method = "simulate";
  auto got = Recommend(in.fits, in.request);
  REQUIRE(!got.ok());
  CHECK(got.status().code() == Status::Code::kInvalidInput);
  CHECK(got.status().message().find("--prior FILE.json") != std::string::npos);
  // optimize needs no prior: the linear fit recommends without one (no natural baseline).
  Inputs linear = Load(Shared().FitId("linear"), "tokens");
  linear.request.method = "optimize";
  auto optimized = Recommend(linear.fits, linear.request);
  REQUIRE_MESSAGE(optimized.ok(), optimized.status().message());
  CHECK(optimized->baselines.size() == 2);
}

TEST_CASE("two fits combined: the objective is the weighted sum of their predictions") {
  Store& store = *Shared().store;
  const std::string a = std::to_string(Shared().FitId("linear"));
  auto fits = LoadFits(store, {{a + ":0.25", a + ":0.75"}, "", ""});
  REQUIRE(fits.ok());
  Inputs single = Load(Shared().FitId("linear"), "uniform");
  RecommendRequest request = single.request;
  auto combined = Recommend(*fits, request);
  auto alone = Recommend(single.fits, single.request);
  REQUIRE(combined.ok());
  REQUIRE(alone.ok());
  CHECK(combined->predicted.prediction == doctest::Approx(alone->predicted.prediction));
  for (const auto& [domain, weight] : alone->mixture) {
    CHECK(combined->mixture.at(domain) == doctest::Approx(weight).epsilon(1e-6));
  }
  CHECK(!LoadFits(store, {{"abc"}, "", ""}).ok());
  CHECK(!LoadFits(store, {{a + ":-1"}, "", ""}).ok());
  auto latest = LoadFits(store, {{}, "regmix-1m", ""});
  REQUIRE(latest.ok());
  CHECK(latest->at(0).law == "regmix");
  auto none = LoadFits(store, {{}, "regmix-1m", "chinchilla"});
  REQUIRE(!none.ok());
  CHECK(none.status().code() == Status::Code::kNotFound);
}

}  // namespace
}  // namespace mixrun
