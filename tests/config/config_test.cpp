#include "config/config.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using mixrun::ParseExperiment;

namespace {

const std::string kExamples = std::string(MIXRUN_SOURCE_DIR) + "/configs/examples";

// A config anchored in the examples folder, so that its data paths resolve.
mixrun::Result<mixrun::Experiment> Parse(const std::string& text) {
  return ParseExperiment(text, kExamples + "/inline.json");
}

const char* kValid = R"({
  "name": "ok",
  "domains": [{"name": "code", "paths": ["data/code/*.txt"]},
              {"name": "web", "paths": ["data/web/*.jsonl"], "format": "jsonl"}],
  "target": {"weights": {"code": 0.25, "web": 0.75}},
  "mixtures": {"design": "explicit", "include": [{"code": 0.5, "web": 0.5}]},
  "models": [{"name": "m", "layers": 2, "d_model": 32, "heads": 4}],
  "train": {"tokens": [1e5, 2e5], "seeds": [3, 4]}
})";

}  // namespace

TEST_CASE("a valid config becomes typed structs with resolved paths") {
  auto experiment = Parse(kValid);
  REQUIRE_MESSAGE(experiment.ok(), experiment.status().message());
  CHECK(experiment->name == "ok");
  REQUIRE(experiment->domains.size() == 2);
  CHECK(experiment->domains[0].files.size() == 2);
  CHECK(fs::path(experiment->domains[0].files[0]).is_absolute());
  CHECK(experiment->domains[0].files[0] < experiment->domains[0].files[1]);
  CHECK(experiment->domains[1].format == mixrun::CorpusFormat::kJsonl);
  CHECK(experiment->target.weights.at("web") == 0.75);
  CHECK(experiment->mixtures.include.size() == 1);
  CHECK(experiment->models[0].d_ff == 128);
  CHECK(experiment->models[0].context == experiment->train.context);
  CHECK(experiment->train.tokens == std::vector<double>{1e5, 2e5});
  CHECK(experiment->train.seeds == std::vector<uint64_t>{3, 4});
  CHECK(experiment->backend.kind == "builtin");
}

TEST_CASE("comments are allowed and the stored JSON is canonical") {
  std::string with_comments = std::string("// leading comment\n") + kValid;
  with_comments.insert(with_comments.find("\"domains\""), "/* block */ ");
  auto a = Parse(kValid);
  auto b = Parse(with_comments);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->config_json == b->config_json);
  CHECK(a->config_json.find("comment") == std::string::npos);
}

TEST_CASE("every fault is reported with its JSON pointer") {
  auto experiment = Parse(R"({
    "name": "bad name!",
    "domians": [],
    "domains": [{"name": "code", "paths": ["data/nothing-here/*.txt"]},
                {"name": "code", "paths": ["data/web/*.jsonl"], "format": "jsnol"}],
    "target": {"weights": {"code": 0.5, "webb": 0.5}},
    "mixtures": {"design": "explicit", "include": [{"code": 0.7}], "sed": 1},
    "models": [{"name": "m", "layers": 0, "d_model": 30, "heads": 4}],
    "train": {"tokens": -5, "lr": "fast", "schedule": "cosin"}
  })");
  REQUIRE_FALSE(experiment.ok());
  CHECK(experiment.status().exit_code() == 2);
  const std::string& message = experiment.status().message();
  const std::string file = kExamples + "/inline.json: ";
  for (const std::string& expected : {
           file + "/name: 'bad name!' is not a valid name",
           file + "/domians: unknown key 'domians' (did you mean 'domains'?)",
           file + "/domains/0/paths/0: 'data/nothing-here/*.txt' matches no file",
           file + "/domains/1/name: duplicate domain name 'code'",
           file + "/domains/1/format: 'jsnol' is not one of: text, jsonl, tokens-u16 (did you mean "
                  "'jsonl'?)",
           file + "/target/weights/webb: unknown domain 'webb'",
           file + "/mixtures/sed: unknown key 'sed' (did you mean 'seed'?)",
           file + "/mixtures/include/0: weights sum to 0.7, not 1",
           file + "/models/0/layers: 0 is out of range [1, 256]",
           file + "/models/0/heads: d_model (30) must be divisible by heads (4)",
           file + "/train/tokens: -5 is out of range",
           file + "/train/lr: expected a number, found a string",
           file + "/train/schedule: 'cosin' is not one of: cosine, constant (did you mean "
                  "'cosine'?)",
       }) {
    CHECK_MESSAGE(message.find(expected) != std::string::npos, expected, "\n--- got:\n", message);
  }
}

TEST_CASE("weights must be non-negative and sum to 1 within 1e-6") {
  std::string text = kValid;
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string copy = text;
    copy.replace(copy.find(from), from.size(), to);
    return Parse(copy);
  };
  CHECK(replace("\"web\": 0.75}", "\"web\": 0.7500005}").ok());
  auto off = replace("\"web\": 0.75}", "\"web\": 0.7501}");
  REQUIRE_FALSE(off.ok());
  CHECK(off.status().message().find("/target/weights: weights sum to 1.0001, not 1") !=
        std::string::npos);
  auto negative = replace("{\"code\": 0.5, \"web\": 0.5}", "{\"code\": -0.5, \"web\": 1.5}");
  REQUIRE_FALSE(negative.ok());
  INFO(negative.status().message());
  CHECK(negative.status().message().find("/mixtures/include/0/code: a weight must be a "
                                         "non-negative") != std::string::npos);
}

TEST_CASE("JSON syntax errors name the line and column") {
  auto experiment = Parse("{\n  \"name\": \"x\",\n  \"domains\": [,]\n}");
  REQUIRE_FALSE(experiment.ok());
  CHECK(experiment.status().message().find(kExamples + "/inline.json:3:") == 0);
  CHECK(experiment.status().message().find("invalid JSON") != std::string::npos);
}

TEST_CASE("a number out of range and a key given twice are input errors naming the place") {
  std::string text = kValid;
  text.replace(text.find("[1e5, 2e5]"), 10, "[1e5, 1e400]");
  auto overflow = Parse(text);
  REQUIRE_FALSE(overflow.ok());
  CHECK(overflow.status().code() == mixrun::Status::Code::kInvalidInput);
  CHECK(overflow.status().message().find("number overflow parsing '1e400'") != std::string::npos);

  text = kValid;
  text.replace(text.find("\"seeds\""), 0, "\"lr\": 1e-3, \"lr\": 3e-3, ");
  auto duplicate = Parse(text);
  REQUIRE_FALSE(duplicate.ok());
  CHECK(duplicate.status().message() ==
        kExamples + "/inline.json: /train/lr: key 'lr' appears twice in one object");
}

TEST_CASE("missing sections and a missing file are reported") {
  auto empty = Parse("{}");
  REQUIRE_FALSE(empty.ok());
  for (const char* key : {"name", "domains", "mixtures", "models", "train"}) {
    CHECK(empty.status().message().find(std::string("missing required key '") + key + "'") !=
          std::string::npos);
  }
  auto missing = mixrun::LoadExperiment("/nonexistent/config.json");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message() == "/nonexistent/config.json: cannot read the config file");
}

TEST_CASE("every example in configs/ and experiments/ loads") {
  int loaded = 0;
  for (const char* folder : {"/configs", "/experiments"}) {
    fs::path root = std::string(MIXRUN_SOURCE_DIR) + folder;
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.path().extension() != ".json" ||
          entry.path().string().find("/schema/") != std::string::npos) {
        continue;
      }
      auto experiment = mixrun::LoadExperiment(entry.path().string());
      CHECK_MESSAGE(experiment.ok(), entry.path().string(), ": ", experiment.status().message());
      ++loaded;
    }
  }
  CHECK(loaded >= 2);
}

TEST_CASE("model ladders expand into models, one per rung") {
  std::string text = kValid;
  const std::string models = R"([{"name": "m", "layers": 2, "d_model": 32, "heads": 4}])";
  text.replace(text.find(models), models.size(),
               R"([{"ladder": {"layers": [1, 2], "d_model": [32, 64], "heads": 4}},
                   {"name": "m", "layers": 2, "d_model": 32, "heads": 4}])");
  auto experiment = Parse(text);
  REQUIRE_MESSAGE(experiment.ok(), experiment.status().message());
  REQUIRE(experiment->models.size() == 3);
  CHECK(experiment->models[0].name == "l1-d32");
  CHECK(experiment->models[1].name == "l2-d64");
  CHECK(experiment->models[1].d_ff == 256);
  CHECK(experiment->models[1].context == experiment->train.context);
  CHECK(experiment->models[2].name == "m");
}

TEST_CASE("tokens_per_param replaces tokens, ladder and budget faults are reported") {
  std::string text = kValid;
  auto replace = [&](std::vector<std::pair<std::string, std::string>> edits) {
    std::string copy = text;
    for (const auto& [from, to] : edits) {
      REQUIRE(copy.find(from) != std::string::npos);
      copy.replace(copy.find(from), from.size(), to);
    }
    return Parse(copy);
  };
  const std::string tokens = R"("tokens": [1e5, 2e5])";
  auto relative = replace({{tokens, R"("tokens_per_param": [10, 20], "param_count": "total")"}});
  REQUIRE_MESSAGE(relative.ok(), relative.status().message());
  CHECK(relative->train.tokens.empty());
  CHECK(relative->train.tokens_per_param == std::vector<double>{10, 20});

  auto faults = replace(
      {{tokens, R"("tokens": 1e5, "tokens_per_param": 20)"},
       {R"([{"name": "m", "layers": 2, "d_model": 32, "heads": 4}])",
        R"([{"ladder": {"layers": [1, 2, 3], "d_model": [32, 64], "heads": [4, 5]}},
            {"ladder": {"layers": 1, "d_model": 8, "heads": 2, "widths": 3}},
            {"ladder": {"layers": [1.5], "d_model": 8, "heads": 2}}])"},
       {R"("design": "explicit")", R"("design": "dirichlet", "count": 4, "min_weight": 3e-4)"}});
  REQUIRE_FALSE(faults.ok());
  const std::string& message = faults.status().message();
  const std::string file = kExamples + "/inline.json: ";
  for (const std::string& expected : {
           file + "/train: give only one of 'tokens' and 'tokens_per_param'",
           file + "/models/0/ladder/d_model: has 2 values but 'layers' has 3 (one per rung)",
           file + "/models/1/ladder/widths: unknown key 'widths'",
           file + "/models/2/ladder/layers/0: expected an integer",
           file + "/mixtures/min_weight: must be 1/K for an integer K",
       }) {
    CHECK_MESSAGE(message.find(expected) != std::string::npos, expected, "\n--- got:\n", message);
  }
  auto neither = replace({{tokens, R"("seeds": [0])"}, {R"(, "seeds": [3, 4])", ""}});
  REQUIRE_FALSE(neither.ok());
  CHECK(neither.status().message().find(file + "/train: missing 'tokens' (token budgets) or "
                                               "'tokens_per_param'") != std::string::npos);
  auto stray = replace({{tokens, R"("tokens": 1e5, "param_count": "non_embedding")"}});
  REQUIRE_FALSE(stray.ok());
  CHECK(stray.status().message().find(
            file + "/train/param_count: 'param_count' applies only with 'tokens_per_param'") !=
        std::string::npos);
  auto indivisible =
      replace({{R"([{"name": "m", "layers": 2, "d_model": 32, "heads": 4}])",
                R"([{"ladder": {"layers": 1, "d_model": [32, 48], "heads": [4, 5]}}])"}});
  REQUIRE_FALSE(indivisible.ok());
  CHECK(indivisible.status().message().find(
            file + "/models/0/ladder/heads/1: d_model (48) must be divisible by heads (5)") !=
        std::string::npos);
}

TEST_CASE("a domain named 'target' is refused: eval/target/loss is the target mixture's loss") {
  std::string text = kValid;
  for (std::string from : {R"({"name": "code")", R"("code": 0.25)", R"("code": 0.5)"}) {
    std::string to = from;
    to.replace(to.find("code"), 4, "target");
    text.replace(text.find(from), from.size(), to);
  }
  auto experiment = Parse(text);
  REQUIRE_FALSE(experiment.ok());
  CHECK(experiment.status().exit_code() == 2);
  CHECK_MESSAGE(experiment.status().message().find(
                    kExamples + "/inline.json: /domains/0/name: 'target' is a reserved name") !=
                    std::string::npos,
                experiment.status().message());
}

TEST_CASE("a fractional token budget and names over 128 characters are refused") {
  std::string text = kValid;
  text.replace(text.find("[1e5, 2e5]"), 10, "[1e5, 2500.5]");
  auto fractional = Parse(text);
  REQUIRE_FALSE(fractional.ok());
  CHECK(fractional.status().message() ==
        kExamples +
            "/inline.json: /train/tokens/1: a token count must be a whole number, found "
            "2500.5");

  const std::string long_name(129, 'x');
  text = kValid;
  text.replace(text.find(R"("name": "ok")"), 12, R"("name": ")" + long_name + "\"");
  text.replace(text.find(R"({"name": "code")"), 15, R"({"name": ")" + long_name + "\"");
  auto too_long = Parse(text);
  REQUIRE_FALSE(too_long.ok());
  const std::string& message = too_long.status().message();
  const std::string file = kExamples + "/inline.json: ";
  for (const std::string& expected : {
           file + "/name: 'xxxxxxxxxxxxxxxxxxxx…' is 129 characters long; names are at most 128",
           file + "/domains/0/name: 'xxxxxxxxxxxxxxxxxxxx…' is 129 characters long",
       }) {
    CHECK_MESSAGE(message.find(expected) != std::string::npos, expected, "\n--- got:\n", message);
  }
  text = kValid;
  text.replace(text.find(R"("name": "ok")"), 12, R"("name": ")" + std::string(128, 'x') + "\"");
  CHECK(Parse(text).ok());
}
