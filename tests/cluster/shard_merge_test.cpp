#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "cluster/collect.h"
#include "store/sqlite.h"
#include "testing/temp_dir.h"

using mixrun::MetricRow;
using mixrun::RunSpec;
using mixrun::Store;

namespace {

struct Dir : mixrun::testing::TempDir {
  std::string File(const std::string& name) const { return (path() / name).string(); }
};

RunSpec Spec(const std::string& key, double code) {
  RunSpec run;
  run.run_key = key;
  run.label = "run-" + key;
  run.model_json = R"({"name":"tiny"})";
  run.n_params = 1e5;
  run.n_tokens = 1e6;
  run.seed = 0;
  run.weights = {{"code", code}, {"web", 1 - code}};
  return run;
}

// A store with experiment "exp" and pending runs a, b, c, d (as `mixrun train` registers them).
std::unique_ptr<Store> MakeStore(const std::string& path) {
  auto store = Store::Open(path);
  REQUIRE(store.ok());
  auto id = (*store)->PutExperiment("exp", R"({"name":"exp"})");
  REQUIRE(id.ok());
  REQUIRE((*store)->SetDomainTokens(*id, {{"code", 100}, {"web", 200}}).ok());
  auto added =
      (*store)->AddRuns(*id, {Spec("a", 0.1), Spec("b", 0.2), Spec("c", 0.3), Spec("d", 0.4)});
  REQUIRE(added.ok());
  return std::move(*store);
}

mixrun::RunRow Find(Store& store, const std::string& key) {
  auto runs = store.ListRuns({});
  REQUIRE(runs.ok());
  for (const auto& run : *runs) {
    if (run.spec.run_key == key) return run;
  }
  FAIL("no run " << key);
  return {};
}

// Trains run `key` "to" `steps` steps: claims it, writes train/loss = scale * step, finishes.
void Train(Store& store, const std::string& key, int steps, double scale, bool finish = true,
           bool succeed = true) {
  auto run = Find(store, key);
  auto claimed = store.ClaimRun(run, "node1", 1234);
  REQUIRE(claimed.ok());
  REQUIRE(*claimed);
  std::vector<MetricRow> rows;
  for (int step = 1; step <= steps; ++step)
    rows.push_back({"train/loss", step, step * 10.0, scale * step});
  REQUIRE(store.WriteMetrics(run.id, rows).ok());
  if (finish) REQUIRE(store.FinishRun(run.id, succeed, succeed ? "" : "nan loss", 1.5).ok());
}

// A second connection to the store's file, for what its API does not do (raw rows, timestamps).
std::unique_ptr<mixrun::Database> Connect(const Store& store) {
  auto db = mixrun::Database::Open(store.path(), mixrun::Database::OpenMode::kReadWrite);
  REQUIRE(db.ok());
  return std::move(*db);
}

void SetFinishedAt(Store& store, const std::string& key, const std::string& when) {
  auto db = Connect(store);
  auto update = db->Prepare("UPDATE runs SET finished_at = ?1 WHERE run_key = ?2");
  REQUIRE(update.ok());
  update->Bind(1, when).Bind(2, key);
  REQUIRE(update->Run().ok());
}

// Every row of runs, run_weights and metrics as text, keyed by run_key (ids may differ).
std::string Dump(Store& store) {
  std::string text;
  auto db = Connect(store);
  auto query = db->Prepare(
      "SELECT r.run_key || '|' || r.status || '|' || ifnull(r.host, '') || '|' || "
      "ifnull(r.finished_at, '') || '|' || r.attempts || '|' || ifnull(r.label, '') || '|' || "
      "(SELECT ifnull(group_concat(domain || '=' || weight), '') FROM run_weights w "
      " WHERE w.run_id = r.id) || '|' || (SELECT ifnull(group_concat(name || '@' || step || '=' "
      "|| value), '') FROM (SELECT * FROM metrics m WHERE m.run_id = r.id ORDER BY name, step)) "
      "FROM runs r ORDER BY r.run_key");
  REQUIRE(query.ok());
  while (query->Step()) text += query->Text(0) + "\n";
  return text;
}

std::vector<double> Losses(Store& store, const std::string& key) {
  auto history = store.MetricHistory(Find(store, key).id);
  REQUIRE(history.ok());
  std::vector<double> values;
  for (const auto& row : *history) values.push_back(row.value);
  return values;
}

}  // namespace

TEST_CASE("merging a shard takes its finished runs, with their metrics, idempotently") {
  Dir dir;
  auto main = MakeStore(dir.File("main.db"));
  {
    auto shard = MakeStore(dir.File("0.db"));
    Train(*shard, "a", 5, 1.0);
    Train(*shard, "c", 3, 2.0, /*finish=*/true, /*succeed=*/false);
  }
  auto merged = main->MergeFrom(dir.File("0.db"));
  REQUIRE_MESSAGE(merged.ok(), merged.status().message());
  CHECK(merged->runs == 4);
  CHECK(merged->done == 1);
  CHECK(merged->failed == 1);
  CHECK(merged->pending == 2);
  CHECK(merged->added == 0);
  CHECK(merged->updated == 2);
  CHECK(merged->unchanged == 2);
  CHECK(merged->metric_rows == 8);
  auto a = Find(*main, "a");
  CHECK(a.spec.status == mixrun::RunStatus::kDone);
  CHECK(a.host == "node1");
  CHECK(a.attempts == 1);
  CHECK(Losses(*main, "a") == std::vector<double>{1, 2, 3, 4, 5});
  CHECK(Find(*main, "c").spec.status == mixrun::RunStatus::kFailed);
  CHECK(Find(*main, "c").error == "nan loss");

  const std::string before = Dump(*main);
  auto again = main->MergeFrom(dir.File("0.db"));
  REQUIRE(again.ok());
  CHECK(again->updated == 0);
  CHECK(again->added == 0);
  CHECK(again->unchanged == 4);
  CHECK(Dump(*main) == before);
}

TEST_CASE("the newest state wins: done over failed, running, pending, then the later finish") {
  Dir dir;
  auto main = MakeStore(dir.File("main.db"));
  {
    auto first = MakeStore(dir.File("1.db"));
    Train(*first, "a", 4, 1.0);                    // done
    Train(*first, "b", 2, 1.0, true, false);       // failed
    Train(*first, "c", 2, 1.0, /*finish=*/false);  // running (interrupted)
    SetFinishedAt(*first, "a", "2024-01-01T00:00:00.000Z");
    auto second = MakeStore(dir.File("2.db"));
    Train(*second, "a", 4, 3.0);  // done later, other losses
    Train(*second, "b", 6, 5.0);  // done after a failure elsewhere
    SetFinishedAt(*second, "a", "2024-01-02T00:00:00.000Z");
  }
  // In either order, the same winners.
  for (bool reverse : {false, true}) {
    auto target = MakeStore(dir.File(reverse ? "r.db" : "f.db"));
    std::vector<std::string> order = {dir.File("1.db"), dir.File("2.db")};
    if (reverse) std::swap(order[0], order[1]);
    for (const auto& shard : order) REQUIRE(target->MergeFrom(shard).ok());
    CHECK(Find(*target, "a").finished_at == "2024-01-02T00:00:00.000Z");
    CHECK(Losses(*target, "a") == std::vector<double>{3, 6, 9, 12});
    CHECK(Find(*target, "b").spec.status == mixrun::RunStatus::kDone);
    CHECK(Losses(*target, "b").size() == 6);
    CHECK(Find(*target, "c").spec.status == mixrun::RunStatus::kRunning);
    CHECK(Find(*target, "d").spec.status == mixrun::RunStatus::kPending);
    const std::string merged = Dump(*target);
    for (const auto& shard : order) REQUIRE(target->MergeFrom(shard).ok());
    CHECK(Dump(*target) == merged);
  }
  (void)main;
}

TEST_CASE("a finished run replaces a partial history and a stale shard changes nothing") {
  Dir dir;
  auto main = MakeStore(dir.File("main.db"));
  Train(*main, "a", 7, 9.0, /*finish=*/false);  // an interrupted attempt left rows 1..7
  {
    auto shard = MakeStore(dir.File("0.db"));
    Train(*shard, "a", 3, 1.0);
  }
  REQUIRE(main->MergeFrom(dir.File("0.db")).ok());
  CHECK(Losses(*main, "a") == std::vector<double>{1, 2, 3});
  {
    auto stale = MakeStore(dir.File("1.db"));  // knows run a only as pending
  }
  auto stale = main->MergeFrom(dir.File("1.db"));
  REQUIRE(stale.ok());
  CHECK(stale->unchanged == 4);
  CHECK(Find(*main, "a").spec.status == mixrun::RunStatus::kDone);
}

TEST_CASE("runs and experiments the main store lacks are copied whole") {
  Dir dir;
  auto main = Store::Open(dir.File("main.db"));
  REQUIRE(main.ok());
  {
    auto shard = MakeStore(dir.File("0.db"));
    Train(*shard, "b", 2, 1.0);
  }
  auto merged = (*main)->MergeFrom(dir.File("0.db"));
  REQUIRE_MESSAGE(merged.ok(), merged.status().message());
  CHECK(merged->added == 4);
  auto experiment = (*main)->FindExperiment("exp");
  REQUIRE(experiment.ok());
  REQUIRE(experiment->has_value());
  CHECK((*experiment)->config_json == R"({"name":"exp"})");
  auto tokens = (*main)->DomainTokens((*experiment)->id);
  REQUIRE(tokens.ok());
  CHECK(tokens->at("web") == 200);
  auto b = Find(**main, "b");
  CHECK(b.spec.status == mixrun::RunStatus::kDone);
  CHECK(b.spec.weights.at("code") == doctest::Approx(0.2));
  CHECK(b.spec.label == "run-b");
  CHECK(Losses(**main, "b") == std::vector<double>{1, 2});
}

TEST_CASE("a bad shard file is an error naming it, and the main store is untouched") {
  Dir dir;
  auto main = MakeStore(dir.File("main.db"));
  Train(*main, "d", 2, 1.0);
  const std::string before = Dump(*main);

  auto missing = main->MergeFrom(dir.File("missing.db"));
  CHECK(missing.status().code() == mixrun::Status::Code::kNotFound);
  CHECK(missing.status().message().find("missing.db") != std::string::npos);

  dir.Write("text.db",
            "this is not a database at all, but long enough to have a header ......"
            "...............................................................");
  auto text = main->MergeFrom(dir.File("text.db"));
  CHECK(text.status().message().find("text.db") != std::string::npos);
  dir.Write("empty.db", "");
  auto empty = main->MergeFrom(dir.File("empty.db"));
  CHECK(empty.status().message().find("empty.db") != std::string::npos);
  auto itself = main->MergeFrom(dir.File("main.db"));
  CHECK(itself.status().message().find("main store itself") != std::string::npos);

  // A shard whose pages after the header are garbage: SQLite finds out while reading.
  {
    auto shard = MakeStore(dir.File("broken.db"));
    Train(*shard, "a", 50, 1.0);
    REQUIRE(Connect(*shard)->Execute("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  }
  {
    std::fstream file(dir.File("broken.db"), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(4096);
    std::string garbage(8192, '\x5a');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  auto broken = main->MergeFrom(dir.File("broken.db"));
  CHECK_FALSE(broken.ok());
  CHECK(broken.status().message().find("broken.db") != std::string::npos);

  CHECK(Dump(*main) == before);
  // The main store still works: a good shard merges after the failures.
  {
    auto good = MakeStore(dir.File("good.db"));
    Train(*good, "a", 2, 1.0);
  }
  REQUIRE(main->MergeFrom(dir.File("good.db")).ok());
  CHECK(Find(*main, "a").spec.status == mixrun::RunStatus::kDone);
}

// Overwrites the pages after the header of a checkpointed store: SQLite finds out while reading.
void Damage(const std::string& path) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(4096);
  std::string garbage(8192, '\x5a');
  file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
}

TEST_CASE("collect is all or nothing: a bad shard among good ones changes nothing, and is named") {
  Dir dir;
  auto main = MakeStore(dir.File("main.db"));
  {
    auto zero = MakeStore(dir.File("0.db"));
    Train(*zero, "a", 2, 1.0);
    Train(*zero, "c", 2, 1.0);
    auto one = MakeStore(dir.File("1.db"));
    Train(*one, "b", 2, 1.0);
    // A shard that opens as a store and is found damaged only while it is merged, after the
    // good shard before it has been merged.
    auto damaged = MakeStore(dir.File("3.db"));
    Train(*damaged, "d", 50, 1.0);
    REQUIRE(Connect(*damaged)->Execute("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  }
  Damage(dir.File("3.db"));
  dir.Write("2.db",
            "garbage garbage garbage garbage garbage garbage garbage garbage garbage "
            "garbage garbage garbage garbage garbage garbage garbage");
  const std::string before = Dump(*main);

  // Every bad shard found before merging is named, and nothing is merged.
  auto garbage = mixrun::CollectShards(
      *main, {dir.File("0.db"), dir.File("2.db"), dir.File("1.db"), dir.File("missing.db")}, "exp");
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.status().exit_code() == 2);
  CHECK(garbage.status().message().find(dir.File("2.db") + ": not a mixrun store") !=
        std::string::npos);
  CHECK(garbage.status().message().find(dir.File("missing.db") + ": no such shard store") !=
        std::string::npos);
  CHECK(garbage.status().message().find("nothing was merged") != std::string::npos);
  CHECK(Dump(*main) == before);

  // A shard failing mid-merge rolls back the shards merged before it.
  auto damaged =
      mixrun::CollectShards(*main, {dir.File("0.db"), dir.File("1.db"), dir.File("3.db")}, "exp");
  REQUIRE_FALSE(damaged.ok());
  CHECK(damaged.status().exit_code() == 2);
  CHECK(damaged.status().message().find("merging " + dir.File("3.db")) != std::string::npos);
  CHECK(Dump(*main) == before);

  auto report = mixrun::CollectShards(*main, {dir.File("0.db"), dir.File("1.db")}, "exp");
  REQUIRE_MESSAGE(report.ok(), report.status().message());
  CHECK(report->merged.size() == 2);
  REQUIRE(report->unfinished.size() == 1);
  CHECK(report->unfinished[0].spec.run_key == "d");
}
