// Import in batches (short transactions a trainer can slip between), validation before writing,
// re-imports whose values changed (--update), and the reserved domain name.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "io/import.h"
#include "testing/temp_dir.h"

using namespace mixrun;
using namespace std::chrono_literals;

namespace {

struct TempStore {
  testing::TempDir dir;
  std::string path = (dir.path() / "s.db").string();
  std::unique_ptr<Store> store = std::move(Store::Open(path).value());
};

// `rows` rows "id,w_a,w_b,m_loss" with loss = base + id / 1000; row `bad` (1-based) has "oops".
std::string Rows(int rows, double base, int bad = 0) {
  std::string text = "id,w_a,w_b,m_loss\n";
  for (int id = 1; id <= rows; ++id) {
    text.append(std::to_string(id)).append(",0.25,0.75,");
    text.append(id == bad ? std::string("oops") : std::to_string(base + id / 1000.0)).append("\n");
  }
  return text;
}

ImportOptions Options(const std::string& file) {
  ImportOptions options;
  options.experiment = std::string("e");  // a move: GCC 12 warns falsely on assigning "e"
  options.files.push_back(file);
  options.on = "id";
  options.weights_prefix = "w_";
  options.metrics_prefix = "m_";
  return options;
}

}  // namespace

TEST_CASE("import commits in batches, and another writer gets the lock between them") {
  TempStore t;
  ImportOptions options = Options(t.dir.Write("runs.csv", Rows(35, 2.0)));
  options.batch_rows = 10;
  // A second connection, as a trainer's: it must not wait for the import's lock at all.
  auto trainer = std::move(Store::Open(t.path).value());
  REQUIRE(trainer->SetLockWaits({.busy_timeout = 0ms, .metric_write_retry = 0ms}).ok());
  const int64_t experiment = trainer->PutExperiment("training", "{}").value();
  RunSpec training;
  training.run_key = "training-run";
  training.source = "builtin";
  const int64_t run = trainer->AddRuns(experiment, {training}).value().run_ids.at(0);

  std::vector<int> committed, visible;
  int step = 0;
  options.batch_committed = [&](int rows_written) {
    committed.push_back(rows_written);
    // Committed, so another connection sees the batch; and the write lock is free.
    visible.push_back(static_cast<int>(trainer->ListRuns({"e", std::nullopt}).value().size()));
    Status written = trainer->WriteMetrics(run, {{"train/loss", ++step, 0, 1.0}});
    CHECK_MESSAGE(written.ok(), written.message());
  };
  auto summary = ImportCsv(*t.store, options);
  REQUIRE_MESSAGE(summary.ok(), summary.status().message());
  CHECK(summary->added == 35);
  CHECK(committed == std::vector<int>{10, 20, 30, 35});
  CHECK(visible == committed);
  CHECK(trainer->MetricHistory(run).value().size() == 4);
}

TEST_CASE("a bad row after several batches' worth of rows writes nothing") {
  TempStore t;
  ImportOptions options = Options(t.dir.Write("runs.csv", Rows(35, 2.0, /*bad=*/33)));
  options.batch_rows = 10;
  auto result = ImportCsv(*t.store, options);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().exit_code() == 2);
  CHECK(result.status().message() ==
        options.files[0] + ":34: column 'm_loss': not a finite number: 'oops'");
  CHECK(t.store->ListRuns({}).value().empty());
  CHECK_FALSE(t.store->FindExperiment("e").value().has_value());
}

TEST_CASE("re-importing changed values says so and keeps the stored ones, --update replaces them") {
  TempStore t;
  REQUIRE(ImportCsv(*t.store, Options(t.dir.Write("a.csv", Rows(5, 2.0)))).ok());
  // Rows 2 and 4 changed their loss; the others are as before.
  std::string changed = Rows(5, 2.0);
  changed.replace(changed.find("2,0.25,0.75,2.002"), 17, "2,0.25,0.75,2.502");
  changed.replace(changed.find("4,0.25,0.75,2.004"), 17, "4,0.25,0.75,2.904");
  ImportOptions options = Options(t.dir.Write("b.csv", changed));
  options.batch_rows = 2;

  auto kept = ImportCsv(*t.store, options);
  REQUIRE_MESSAGE(kept.ok(), kept.status().message());
  CHECK(kept->added == 0);
  CHECK(kept->existing == 5);
  CHECK(kept->differing == 2);
  CHECK(kept->updated == 0);
  CHECK(kept->differing_examples == std::vector<std::string>{"2: loss stored 2.002, file 2.502",
                                                             "4: loss stored 2.004, file 2.904"});
  auto losses = [&] {
    const auto finals = t.store->FinalMetrics({}).value();
    std::vector<double> values;
    for (const auto& [run, metrics] : finals) values.push_back(metrics.at("loss"));
    return values;
  };
  CHECK(losses() == std::vector<double>{2.001, 2.002, 2.003, 2.004, 2.005});

  options.update = true;
  auto updated = ImportCsv(*t.store, options);
  REQUIRE(updated.ok());
  CHECK(updated->differing == 2);
  CHECK(updated->updated == 2);
  CHECK(losses() == std::vector<double>{2.001, 2.502, 2.003, 2.904, 2.005});
  CHECK(t.store->ListRuns({}).value().size() == 5);

  auto again = ImportCsv(*t.store, options);
  REQUIRE(again.ok());
  CHECK(again->differing == 0);
  CHECK(again->existing == 5);
}

TEST_CASE("a weight column naming the domain 'target' is refused, naming file and column") {
  TempStore t;
  ImportOptions options =
      Options(t.dir.Write("t.csv", "id,w_code,w_target,m_loss\n1,0.5,0.5,2.0\n"));
  auto refused = ImportCsv(*t.store, options);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().exit_code() == 2);
  CHECK(refused.status().message() ==
        options.files[0] +
            ": column 'w_target' (--weights-prefix): 'target' is a reserved name "
            "(eval/target/loss is the target mixture's loss); rename the column");
  CHECK(t.store->ListRuns({}).value().empty());
}
