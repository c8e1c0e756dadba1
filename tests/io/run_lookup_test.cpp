// Finding a run by id, run key prefix or label; none or several matches are errors that name
// the candidates.
#include "io/run_lookup.h"

#include <doctest/doctest.h>

#include "testing/temp_dir.h"

namespace mixrun {
namespace {

struct StoreWithRuns {
  testing::TempDir dir;
  std::unique_ptr<Store> store = std::move(Store::Open((dir.path() / "s.db").string()).value());
  std::vector<int64_t> ids;

  StoreWithRuns() {
    const int64_t experiment = store->PutExperiment("e", "{}").value();
    std::vector<RunSpec> specs;
    for (const auto& [key, label] :
         std::vector<std::pair<std::string, std::string>>{{"abcdef0123", "small"},
                                                          {"abcdef4567", "large"},
                                                          {"123456ffff", "twin"},
                                                          {"9999990000", "twin"},
                                                          {"5555550000", "1"}}) {
      RunSpec spec;
      spec.run_key = key;
      spec.label = label;
      specs.push_back(spec);
    }
    ids = store->AddRuns(experiment, specs).value().run_ids;
  }
};

TEST_CASE("a run is found by id, by a key prefix of 6 hex digits or more, or by label") {
  StoreWithRuns s;
  auto by_id = FindRun(*s.store, std::to_string(s.ids[1]));
  REQUIRE(by_id.ok());
  CHECK(by_id->spec.label == "large");
  auto by_key = FindRun(*s.store, "ABCDEF01");
  REQUIRE(by_key.ok());
  CHECK(by_key->id == s.ids[0]);
  auto by_label = FindRun(*s.store, "small");
  REQUIRE(by_label.ok());
  CHECK(by_label->id == s.ids[0]);
}

TEST_CASE("a run id names its run even where another run's label is that number") {
  StoreWithRuns s;
  REQUIRE(s.ids[0] == 1);
  auto by_id = FindRun(*s.store, "1");
  REQUIRE(by_id.ok());
  CHECK(by_id->spec.label == "small");
  // A number that is no run's id is read as a key prefix (or label) as usual.
  auto by_label = FindRun(*s.store, "555555");
  REQUIRE(by_label.ok());
  CHECK(by_label->spec.label == "1");
}

TEST_CASE("several matches are an error naming each - none names some of the store's runs") {
  StoreWithRuns s;
  auto prefix = FindRun(*s.store, "abcdef");
  REQUIRE(!prefix.ok());
  CHECK(prefix.status().code() == Status::Code::kInvalidInput);
  CHECK(prefix.status().message().find("label small") != std::string::npos);
  CHECK(prefix.status().message().find("label large") != std::string::npos);
  auto label = FindRun(*s.store, "twin");
  REQUIRE(!label.ok());
  CHECK(label.status().message().find("names 2 runs") != std::string::npos);
  // A short prefix is no key prefix: "abcde" matches nothing.
  auto short_prefix = FindRun(*s.store, "abcde");
  REQUIRE(!short_prefix.ok());
  CHECK(short_prefix.status().code() == Status::Code::kNotFound);
  CHECK(short_prefix.status().message().find("no run 'abcde'") != std::string::npos);
  CHECK(short_prefix.status().message().find("label small") != std::string::npos);
  // A partial label: the runs whose label contains it are the candidates.
  auto partial = FindRun(*s.store, "lar");
  REQUIRE(!partial.ok());
  CHECK(partial.status().message().find("whose label contains it:\n  run 2 (label large") !=
        std::string::npos);
  CHECK(partial.status().message().find("label small") == std::string::npos);
}

}  // namespace
}  // namespace mixrun
