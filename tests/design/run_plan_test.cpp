// Experiments expanded into mixtures and runs: designs with their include lists, model ladders,
// tokens-per-parameter budgets and run keys.
#include "design/run_plan.h"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "common/sha256.h"
#include "config/config.h"
#include "model/parameter_layout.h"
#include "testing/temp_dir.h"

namespace {

using mixrun::Experiment;
using mixrun::Mixture;
using nlohmann::json;

const std::string kExamples = std::string(MIXRUN_SOURCE_DIR) + "/configs/examples";
const mixrun::DomainTokens kTokens = {{"code", 30000}, {"web", 10000}};

// A two-domain config (data of configs/examples) with the given mixtures, models and train keys.
Experiment Config(const std::string& mixtures,
                  const std::string& models = R"([{"name": "m", "layers": 1, "d_model": 32,
                                                   "heads": 4}])",
                  const std::string& train = R"({"tokens": [1e5, 2e5], "seeds": [0, 1]})") {
  const std::string text = R"({"name": "plan", "domains": [
      {"name": "code", "paths": ["data/code/*.txt"]},
      {"name": "web", "paths": ["data/web/*.jsonl"], "format": "jsonl"}],
    "mixtures": )" + mixtures +
                           R"(, "models": )" + models + R"(, "train": )" + train + "}";
  auto experiment = mixrun::ParseExperiment(text, kExamples + "/inline.json");
  REQUIRE_MESSAGE(experiment.ok(), experiment.status().message());
  return *experiment;
}

std::vector<Mixture> Mixtures(const Experiment& experiment) {
  auto mixtures = mixrun::ExpandMixtures(experiment, kTokens);
  REQUIRE_MESSAGE(mixtures.ok(), mixtures.status().message());
  return *mixtures;
}

std::vector<mixrun::PlannedRun> Runs(const Experiment& experiment) {
  auto runs = mixrun::ExpandRuns(experiment, kTokens);
  REQUIRE_MESSAGE(runs.ok(), runs.status().message());
  return *runs;
}

}  // namespace

TEST_CASE("explicit designs keep their mixtures, order and run keys") {
  const Experiment experiment =
      Config(R"({"design": "explicit", "include": [{"code": 0.2, "web": 0.8}, {"web": 1}]})");
  const auto mixtures = Mixtures(experiment);
  REQUIRE(mixtures.size() == 2);
  CHECK(mixtures[0] == Mixture{{"code", 0.2}, {"web", 0.8}});
  CHECK(mixtures[1] == Mixture{{"code", 0.0}, {"web", 1.0}});  // every domain named

  const auto runs = Runs(experiment);
  REQUIRE(runs.size() == 2 * 1 * 2 * 2);
  // The key format of stores before schema v2: SHA-256 of this path-based spec, with the mixture
  // as written (zeros aside). It is kept as the previous key, under which a stored run is found
  // and re-keyed instead of trained again.
  const mixrun::TrainSpec& t = experiment.train;
  json domains = json::array();
  for (const auto& d : experiment.domains) {
    domains.push_back({{"name", d.name},
                       {"patterns", d.patterns},
                       {"format", static_cast<int>(d.format)},
                       {"field", d.field},
                       {"vocab", d.vocab}});
  }
  const json spec = {{"experiment", "plan"},
                     {"domains", domains},
                     {"target", experiment.target.weights},
                     {"mixture", {{"code", 0.2}, {"web", 0.8}}},
                     {"model", json::parse(mixrun::ModelJson(experiment.models[0]))},
                     {"tokens", 1e5},
                     {"seed", 0},
                     {"train",
                      {{"context", t.context},
                       {"batch", t.batch},
                       {"lr", t.lr},
                       {"schedule", t.schedule},
                       {"warmup", t.warmup},
                       {"weight_decay", t.weight_decay},
                       {"grad_clip", t.grad_clip},
                       {"eval_every", t.eval_every},
                       {"eval_tokens", t.eval_tokens},
                       {"val_fraction", t.val_fraction}}},
                     {"backend", {{"kind", "builtin"}, {"command", json::array()}}}};
  CHECK(runs[0].spec.previous_key == mixrun::Sha256Hex(spec.dump()));
  CHECK(runs[0].spec.label == "mix0-m-100K-s0");
  // Today's key hashes the spec stored with the run: data by content, settings, no path.
  CHECK(runs[0].spec.run_key == mixrun::Sha256Hex(runs[0].spec.spec_json));
  CHECK(runs[0].spec.spec_json.find(kExamples) == std::string::npos);
  const json stored = json::parse(runs[0].spec.spec_json);
  CHECK(stored["train"]["lr"] == t.lr);
  CHECK(stored["mixture"] == json{{"code", 0.2}, {"web", 0.8}});
  CHECK(stored["domains"][0]["data"].get<std::string>().size() == 64);
  CHECK(runs[0].spec.settings_id.size() == 12);
  CHECK(runs[0].spec.settings_id == runs[7].spec.settings_id);

  // {"web": 1} and {"code": 0, "web": 1} train the same: one key.
  const auto zero =
      Runs(Config(R"({"include": [{"code": 0.2, "web": 0.8}, {"code": 0, "web": 1}]})"));
  CHECK(zero[4].spec.run_key == runs[4].spec.run_key);
}

TEST_CASE("run keys follow data content and settings, not where the study sits") {
  const std::string mixtures = R"({"include": [{"code": 0.2, "web": 0.8}]})";
  const auto here = Runs(Config(mixtures));
  // The same config and data in another folder: the same keys, other previous (path) keys.
  const mixrun::testing::TempDir dir;
  const std::string moved = dir.path().string();
  std::filesystem::copy(kExamples + "/data", moved + "/data",
                        std::filesystem::copy_options::recursive);
  const std::string text = R"({"name": "plan", "domains": [
      {"name": "code", "paths": ["data/code/*.txt"]},
      {"name": "web", "paths": ["data/web/*.jsonl"], "format": "jsonl"}],
    "mixtures": )" + mixtures +
                           R"(, "models": [{"name": "m", "layers": 1, "d_model": 32,
    "heads": 4}], "train": {"tokens": [1e5, 2e5], "seeds": [0, 1]}})";
  auto elsewhere = mixrun::ParseExperiment(text, moved + "/inline.json");
  REQUIRE(elsewhere.ok());
  auto there = mixrun::ExpandRuns(*elsewhere, kTokens);
  REQUIRE(there.ok());
  REQUIRE(there->size() == here.size());
  for (size_t i = 0; i < here.size(); ++i) {
    CHECK((*there)[i].spec.run_key == here[i].spec.run_key);
    CHECK((*there)[i].spec.previous_key != here[i].spec.previous_key);
  }
  // A training setting or the data's content changes the settings and the key.
  const auto other_lr =
      Runs(Config(mixtures, R"([{"name": "m", "layers": 1, "d_model": 32, "heads": 4}])",
                  R"({"tokens": [1e5, 2e5], "seeds": [0, 1], "lr": 1e-3})"));
  CHECK(other_lr[0].spec.run_key != here[0].spec.run_key);
  CHECK(other_lr[0].spec.settings_id != here[0].spec.settings_id);
  std::ofstream(moved + "/data/code/extra.txt") << "more code";
  auto grown = mixrun::ExpandRuns(*mixrun::ParseExperiment(text, moved + "/inline.json"), kTokens);
  REQUIRE(grown.ok());
  CHECK((*grown)[0].spec.run_key != here[0].spec.run_key);
}

TEST_CASE("every design also trains include, without near-duplicates") {
  const auto onehot = Mixtures(Config(R"({"design": "onehot", "include": [
      {"code": 1}, {"code": 0.5, "web": 0.5}, {"code": 0.500001, "web": 0.499999},
      {"code": 0.25, "web": 0.75}]})"));
  CHECK(onehot == std::vector<Mixture>{{{"code", 1.0}, {"web", 0.0}},
                                       {{"code", 0.0}, {"web", 1.0}},
                                       {{"code", 0.5}, {"web", 0.5}},
                                       {{"code", 0.25}, {"web", 0.75}}});
  const auto grid = Mixtures(Config(R"({"design": "grid", "grid_steps": 4,
                                        "include": [{"code": 0.3, "web": 0.7}]})"));
  REQUIRE(grid.size() == 5 + 1);
  CHECK(grid[1] == Mixture{{"code", 0.75}, {"web", 0.25}});
  const auto loo = Mixtures(Config(R"({"design": "leave-one-out", "prior": "uniform"})"));
  CHECK(loo == std::vector<Mixture>{{{"code", 0.0}, {"web", 1.0}}, {{"code", 1.0}, {"web", 0.0}}});
}

TEST_CASE("a Dirichlet design from the config: token prior, count, seed, stable keys") {
  const std::string design = R"({"design": "dirichlet", "count": 12, "prior": "tokens",
      "temperature": 0.5, "max_epochs": 15, "min_weight": 0.01, "seed": 5,
      "include": [{"code": 0.5, "web": 0.5}]})";
  const Experiment experiment = Config(design);
  const auto mixtures = Mixtures(experiment);
  CHECK(mixtures.size() == 13);
  for (const Mixture& mixture : mixtures) {
    CHECK(mixture.size() == 2);
    CHECK(std::abs(mixture.at("code") + mixture.at("web") - 1) <= 1e-9);
  }
  const auto runs = Runs(experiment);
  CHECK(runs.size() == 13 * 2 * 2);
  std::set<std::string> keys;
  for (const auto& run : runs) keys.insert(run.spec.run_key);
  CHECK(keys.size() == runs.size());
  const auto again = Runs(Config(design));  // re-planning an unchanged config
  REQUIRE(again.size() == runs.size());
  for (size_t i = 0; i < runs.size(); ++i) CHECK(again[i].spec.run_key == runs[i].spec.run_key);

  // Token counts come from the corpora: a domain without one is an error naming the file.
  auto missing = mixrun::ExpandMixtures(experiment, {{"code", 100}});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message() == kExamples +
                                          "/inline.json: /mixtures/prior: the token prior has no "
                                          "token count for domain 'web'");
}

TEST_CASE("model ladders and tokens-per-parameter budgets") {
  const Experiment experiment =
      Config(R"({"include": [{"code": 0.5, "web": 0.5}]})",
             R"([{"ladder": {"layers": [1, 2, 3], "d_model": [32, 48, 64], "heads": 4}},
          {"ladder": {"layers": 2, "d_model": [16, 32], "heads": [2, 4], "d_ff": 64,
                      "names": ["tiny", "small"]}}])",
             R"({"tokens_per_param": [10, 20], "seeds": [0]})");
  REQUIRE(experiment.models.size() == 5);
  CHECK(experiment.models[0].name == "l1-d32");
  CHECK(experiment.models[1].layers == 2);
  CHECK(experiment.models[1].d_model == 48);
  CHECK(experiment.models[1].d_ff == 4 * 48);
  CHECK(experiment.models[2].name == "l3-d64");
  CHECK(experiment.models[3].name == "tiny");
  CHECK(experiment.models[3].heads == 2);
  CHECK(experiment.models[4].d_ff == 64);
  CHECK(experiment.models[4].heads == 4);

  const auto runs = Runs(experiment);
  REQUIRE(runs.size() == 5 * 2);
  for (size_t i = 0; i < runs.size(); ++i) {
    const auto& model = experiment.models[i / 2];
    const double n = double(mixrun::CountParameters(model).total);
    CHECK(runs[i].model.name == model.name);
    CHECK(runs[i].tokens == std::round((i % 2 == 0 ? 10 : 20) * n));
    CHECK(runs[i].spec.n_tokens == runs[i].tokens);
    CHECK(runs[i].spec.flops ==
          doctest::Approx(mixrun::TrainingFlopsPerToken(model) * runs[i].tokens));
  }
  // Bigger rungs get bigger budgets.
  CHECK(runs[0].tokens < runs[2].tokens);
  CHECK(runs[2].tokens < runs[4].tokens);

  const Experiment nonembed = Config(R"({"include": [{"code": 1}]})",
                                     R"([{"name": "m", "layers": 2, "d_model": 32, "heads": 4}])",
                                     R"({"tokens_per_param": 20, "param_count": "non_embedding"})");
  const auto counted = mixrun::CountParameters(nonembed.models[0]);
  CHECK(mixrun::TokenBudgets(nonembed.train, nonembed.models[0]) ==
        std::vector<double>{20.0 * double(counted.non_embedding)});
  CHECK(counted.non_embedding < counted.total);
}

TEST_CASE("budgets and runs that coincide are planned once") {
  mixrun::TrainSpec train;
  train.tokens = {1e5, 2e5, 1e5};
  CHECK(mixrun::TokenBudgets(train, mixrun::ModelSpec{}) == std::vector<double>{1e5, 2e5});
  const auto runs = Runs(Config(R"({"include": [{"code": 1}]})",
                                R"([{"name": "m", "layers": 1, "d_model": 32, "heads": 4}])",
                                R"({"tokens_per_param": [20, 20.0000001]})"));
  CHECK(runs.size() == 1);
}
