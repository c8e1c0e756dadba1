#include <doctest/doctest.h>

#include "config/config.h"
#include "testing/temp_dir.h"

namespace {

std::string Config(const std::string& include) {
  return R"({"name": "inc", "domains": [{"name": "a", "paths": ["a.txt"]},
                                        {"name": "b", "paths": ["b.txt"]}],
             "mixtures": {"design": "explicit", "include": )" +
         include + R"(}, "models": [{"name": "m", "layers": 1, "d_model": 8, "heads": 1}],
             "train": {"tokens": 1000}})";
}

}  // namespace

TEST_CASE("mixtures.include takes mixture files and \"uniform\"") {
  mixrun::testing::TempDir dir;
  dir.Write("a.txt", "aaaa");
  dir.Write("b.txt", "bbbb");
  dir.Write("recommended.json", R"({"a": 0.75, "b": 0.25})");
  dir.Write("bad.json", R"({"a": 0.75, "c": 0.25})");
  std::string path = (dir.path() / "inc.json").string();

  auto experiment = mixrun::ParseExperiment(Config(R"(["recommended.json", "uniform"])"), path);
  REQUIRE_MESSAGE(experiment.ok(), experiment.status().message());
  REQUIRE(experiment->mixtures.include.size() == 2);
  CHECK(experiment->mixtures.include[0].at("a") == 0.75);
  CHECK(experiment->mixtures.include[1].at("b") == 0.5);

  auto bad = mixrun::ParseExperiment(Config(R"(["bad.json", "missing.json"])"), path);
  REQUIRE_FALSE(bad.ok());
  const std::string& message = bad.status().message();
  CHECK(message.find("/mixtures/include/0 (bad.json)/c: unknown domain 'c'") != std::string::npos);
  CHECK(message.find("/mixtures/include/1: 'missing.json' is neither \"uniform\" nor a readable "
                     "JSON file") != std::string::npos);
}
