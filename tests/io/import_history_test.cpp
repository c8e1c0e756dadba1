// The eval-history form of import (one row per run and step, grouped by --on): metrics at every
// step, final values at the last step, re-import and --update, faults named by FILE:line with
// nothing stored, a mixture file joined to a history, and runs read as of a step (max_step).
#include <doctest/doctest.h>

#include <string>

#include "io/import.h"
#include "testing/temp_dir.h"

using namespace mixrun;

namespace {

struct TempStore {
  testing::TempDir dir;
  std::string path = (dir.path() / "s.db").string();
  std::unique_ptr<Store> store = std::move(Store::Open(path).value());
};

// Two runs, interleaved: run a (70M, 3 steps) and run b (160M, 2 steps).
constexpr char kHistory[] =
    "run,n,step,w_x,w_y,m_loss\n"
    "a,7e7,100,0.25,0.75,3.0\n"
    "b,1.6e8,100,0.5,0.5,2.9\n"
    "a,7e7,200,0.25,0.75,2.5\n"
    "a,7e7,300,0.25,0.75,2.25\n"
    "b,1.6e8,200,0.5,0.5,2.4\n";

ImportOptions History(const std::string& file) {
  ImportOptions options;
  options.experiment = std::string("h");
  options.files.push_back(file);
  options.on = std::string("run");
  options.step_column = std::string("step");
  options.n_column = std::string("n");
  options.weights_prefix = std::string("w_");
  options.metrics_prefix = std::string("m_");
  return options;
}

int64_t Experiment(Store& store) { return store.FindExperiment("h").value()->id; }

}  // namespace

TEST_CASE("history rows of one run become one run with its metric at every step") {
  TempStore t;
  ImportOptions options = History(t.dir.Write("h.csv", kHistory));
  options.tokens_per_step = 1000;
  auto summary = ImportCsv(*t.store, options);
  REQUIRE_MESSAGE(summary.ok(), summary.status().message());
  CHECK(summary->rows == 5);
  CHECK(summary->runs == 2);
  CHECK(summary->added == 2);
  auto points = t.store->LoadRunPoints(Experiment(*t.store), {"loss"}).value();
  REQUIRE(points.size() == 2);
  const RunPoint& a = points[0];
  CHECK(a.n_params == 7e7);
  CHECK(a.weights.at("x") == 0.25);
  CHECK(a.metrics.at("loss") == 2.25);  // the value at the last step
  CHECK(a.n_tokens == 300000);          // D: the tokens at the last step
  REQUIRE(a.history.at("loss").size() == 3);
  CHECK(a.history.at("loss")[1].step == 200);
  CHECK(a.history.at("loss")[1].tokens == 200000);
  CHECK(points[1].metrics.at("loss") == 2.4);

  SUBCASE("as of a step: final values and histories end there") {
    auto early = t.store->LoadRunPoints(Experiment(*t.store), {"loss"}, 250).value();
    CHECK(early[0].metrics.at("loss") == 2.5);
    CHECK(early[0].history.at("loss").size() == 2);
    CHECK(early[1].metrics.at("loss") == 2.4);
  }
  SUBCASE("re-importing adds nothing; a changed value is kept unless --update") {
    auto again = ImportCsv(*t.store, options).value();
    CHECK(again.added == 0);
    CHECK(again.existing == 2);
    CHECK(again.differing == 0);
    std::string changed = kHistory;
    changed.replace(changed.find("2.25"), 4, "2.20");
    ImportOptions update = History(t.dir.Write("h2.csv", changed));
    update.tokens_per_step = 1000;
    auto kept = ImportCsv(*t.store, update).value();
    CHECK(kept.differing == 1);
    CHECK(t.store->LoadRunPoints(Experiment(*t.store)).value()[0].metrics.at("loss") == 2.25);
    update.update = true;
    auto replaced = ImportCsv(*t.store, update).value();
    CHECK(replaced.updated == 1);
    auto points2 = t.store->LoadRunPoints(Experiment(*t.store), {"loss"}).value();
    CHECK(points2[0].metrics.at("loss") == 2.20);
    CHECK(points2[0].history.at("loss").size() == 3);
  }
}

TEST_CASE("a history is written in batches of whole runs") {
  TempStore t;
  ImportOptions options = History(t.dir.Write("h.csv", kHistory));
  options.batch_rows = 1;
  std::vector<int> committed;
  options.batch_committed = [&](int runs_written) { committed.push_back(runs_written); };
  REQUIRE(ImportCsv(*t.store, options).ok());
  CHECK(committed == std::vector<int>{1, 2});
}

TEST_CASE("a mixture file of one row per run joins a history on the run alone") {
  TempStore t;
  ImportOptions options = History(
      t.dir.Write("h.csv", "run,n,step,m_loss\na,7e7,100,3.0\na,7e7,200,2.5\nb,7e7,100,2.9\n"));
  options.files.push_back(t.dir.Write("mix.csv", "run,w_x,w_y\na,0.25,0.75\nb,0.5,0.5\n"));
  options.tokens_column = "";
  auto summary = ImportCsv(*t.store, options);
  REQUIRE_MESSAGE(summary.ok(), summary.status().message());
  CHECK(summary->runs == 2);
  auto points = t.store->LoadRunPoints(Experiment(*t.store)).value();
  CHECK(points[0].weights.at("y") == 0.75);
  CHECK(points[1].weights.at("x") == 0.5);
}

TEST_CASE("faults in a history name FILE:line and store nothing") {
  TempStore t;
  auto fails = [&](const std::string& text, const std::string& message,
                   void (*adjust)(ImportOptions&) = nullptr) {
    const std::string file = t.dir.Write("bad.csv", text);
    ImportOptions options = History(file);
    if (adjust) adjust(options);
    auto result = ImportCsv(*t.store, options);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().exit_code() == 2);
    CHECK_MESSAGE(result.status().message().find(message) != std::string::npos,
                  result.status().message());
    CHECK_FALSE(t.store->FindExperiment("h").value().has_value());
  };
  // Appended, not added: GCC 12 warns falsely (-Wrestrict) on std::string + "...".
  auto csv = [](const char* rows) {
    return std::string("run,n,step,w_x,w_y,m_loss\n").append(rows);
  };
  fails(csv("a,7e7,100,0.25,0.75,3\na,7e7,100,0.25,0.75,2.9\n"),
        "bad.csv:3: duplicate run 'a' at step '100'");
  fails(csv("a,7e7,100,0.25,0.75,3\na,7e7,200,0.5,0.5,2.9\n"),
        std::string("bad.csv:3: run 'a' has another mixture than on its first row (")
            .append((t.dir.path() / "bad.csv").string())
            .append(":2)"));
  fails(csv("a,7e7,100,0.25,0.75,3\na,1.6e8,200,0.25,0.75,2.9\n"), "another N");
  fails(csv("a,7e7,1.5,0.25,0.75,3\n"),
        "bad.csv:2: column 'step' (--step): a step must be a whole number");
  fails(csv("a,7e7,100,0.25,0.75,3\na,7e7,200,0.25,0.75,oops\n"), "bad.csv:3");
  fails(csv("a,7e7,100,0.25,0.75,3\n"), "--step needs --on",
        [](ImportOptions& options) { options.on.clear(); });
  fails(csv("a,7e7,100,0.25,0.75,3\n"), "no column 'steps' (--step)",
        [](ImportOptions& options) { options.step_column = std::string("steps"); });
  fails(csv("a,7e7,100,0.25,0.75,3\n"), "--tokens and --tokens-per-step need --step",
        [](ImportOptions& options) {
          options.step_column.clear();
          options.tokens_per_step = 10;
        });
}
