#include "store/store.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/schema.h"
#include "store/sqlite.h"
#include "testing/temp_dir.h"

namespace mixrun {
// The store's own connection, for the settings (pragmas) and views no method exposes.
class StoreTestPeer {
 public:
  static Database& Connection(Store& store) { return *store.db_; }
};
}  // namespace mixrun

namespace fs = std::filesystem;
using mixrun::MetricRow;
using mixrun::RunSpec;
using mixrun::Store;

namespace {

// A scratch directory with a helper naming files inside it.
struct TempDir : mixrun::testing::TempDir {
  std::string File(const std::string& name) const { return (path() / name).string(); }
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

RunSpec MakeRun(const std::string& key, double code_weight) {
  RunSpec run;
  run.run_key = key;
  run.status = mixrun::RunStatus::kDone;
  run.source = "import";
  run.n_params = 1e6;
  run.n_tokens = 2e7;
  run.weights = {{"code", code_weight}, {"web", 1 - code_weight}};
  return run;
}

}  // namespace

TEST_CASE("a new store has the schema, WAL and the application id") {
  TempDir dir;
  auto store = Store::Open(dir.File("a.db"));
  REQUIRE(store.ok());
  CHECK((*store)->schema_version() == mixrun::StoreSchemaVersion());
  auto mode = mixrun::StoreTestPeer::Connection(**store).Prepare("PRAGMA journal_mode");
  REQUIRE(mode.ok());
  REQUIRE(mode->Step());
  CHECK(mode->Text(0) == "wal");
  auto keys = mixrun::StoreTestPeer::Connection(**store).Prepare("PRAGMA foreign_keys");
  REQUIRE(keys->Step());
  CHECK(keys->Int(0) == 1);
  store->reset();
  // Reopening an existing store works and keeps the version.
  auto again = Store::Open(dir.File("a.db"), Store::Mode::kMustExist);
  REQUIRE(again.ok());
  CHECK((*again)->schema_version() == mixrun::StoreSchemaVersion());
}

TEST_CASE("a missing store with kMustExist is NotFound and creates nothing") {
  TempDir dir;
  auto store = Store::Open(dir.File("none.db"), Store::Mode::kMustExist);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == mixrun::Status::Code::kNotFound);
  CHECK_FALSE(fs::exists(dir.File("none.db")));
}

TEST_CASE("files that are not mixrun stores are refused untouched") {
  TempDir dir;
  std::string text_file = dir.File("notes.db");
  std::ofstream(text_file) << "precious notes, not a database\n";
  auto refused = Store::Open(text_file);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("not a mixrun store") != std::string::npos);
  CHECK(ReadFile(text_file) == "precious notes, not a database\n");

  std::string other_db = dir.File("other.db");
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(other_db.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1);", nullptr, nullptr,
                       nullptr) == SQLITE_OK);
  sqlite3_close(db);
  std::string before = ReadFile(other_db);
  auto foreign = Store::Open(other_db);
  REQUIRE_FALSE(foreign.ok());
  CHECK(foreign.status().message().find("another program") != std::string::npos);
  CHECK(ReadFile(other_db) == before);
  CHECK_FALSE(fs::exists(other_db + "-wal"));
}

TEST_CASE("a store from a newer mixrun is refused with a clear message") {
  TempDir dir;
  std::string path = dir.File("new.db");
  { REQUIRE(Store::Open(path).ok()); }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  auto store = Store::Open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().message().find("newer mixrun") != std::string::npos);
  CHECK(store.status().message().find("v99") != std::string::npos);
}

TEST_CASE("runs are idempotent by run key and carry mixtures and final metrics") {
  TempDir dir;
  auto store = std::move(Store::Open(dir.File("runs.db")).value());
  auto experiment = store->PutExperiment("study", "{}");
  REQUIRE(experiment.ok());
  std::vector<RunSpec> runs = {MakeRun("k1", 0.25), MakeRun("k2", 0.75)};
  std::vector<std::vector<MetricRow>> metrics = {
      {{"eval/code/loss", 0, 0, 3.0}, {"eval/code/loss", 10, 100, 2.0}},
      {{"eval/code/loss", 10, 100, 1.5}, {"train/loss", 10, 100, 1.7}}};
  auto added = store->AddRuns(*experiment, runs, metrics);
  REQUIRE(added.ok());
  CHECK(added->added == 2);
  auto again = store->AddRuns(*experiment, runs, metrics);
  REQUIRE(again.ok());
  CHECK(again->added == 0);
  CHECK(again->existing == 2);
  CHECK(again->run_ids == added->run_ids);

  auto points = store->LoadRunPoints(*experiment, {"eval/code/loss"});
  REQUIRE(points.ok());
  REQUIRE(points->size() == 2);
  CHECK((*points)[0].weights.at("code") == 0.25);
  CHECK((*points)[0].metrics.at("eval/code/loss") == 2.0);
  CHECK((*points)[0].history.at("eval/code/loss").size() == 2);
  CHECK((*points)[1].metrics.at("train/loss") == 1.7);
  CHECK((*points)[1].n_tokens == 2e7);

  auto eval = mixrun::StoreTestPeer::Connection(*store).Prepare(
      "SELECT domain, loss FROM final_eval WHERE run_id = ?1");
  eval->Bind(1, added->run_ids[0]);
  REQUIRE(eval->Step());
  CHECK(eval->Text(0) == "code");
  CHECK(eval->Double(1) == 2.0);
  auto wide = mixrun::StoreTestPeer::Connection(*store).Prepare(
      "SELECT weights, final_metrics FROM runs_wide WHERE run_id = ?1");
  wide->Bind(1, added->run_ids[1]);
  REQUIRE(wide->Step());
  CHECK(wide->Text(0) == R"({"code":0.75,"web":0.25})");
  CHECK(wide->Text(1).find(R"("train/loss":1.7)") != std::string::npos);
}

TEST_CASE("a run key of another experiment is an error, not a silent share") {
  TempDir dir;
  auto store = std::move(Store::Open(dir.File("two.db")).value());
  int64_t first = store->PutExperiment("a", "{}").value();
  int64_t second = store->PutExperiment("b", "{}").value();
  REQUIRE(store->AddRuns(first, {MakeRun("same", 0.5)}).ok());
  auto clash = store->AddRuns(second, {MakeRun("same", 0.5)});
  REQUIRE_FALSE(clash.ok());
  CHECK(store->ListRuns({}).value().size() == 1);
}

TEST_CASE("claiming a run is exclusive and finishing records the outcome") {
  TempDir dir;
  auto store = std::move(Store::Open(dir.File("claim.db")).value());
  int64_t experiment = store->PutExperiment("s", "{}").value();
  RunSpec pending = MakeRun("p", 0.5);
  pending.status = mixrun::RunStatus::kPending;
  int64_t run = store->AddRuns(experiment, {pending}).value().run_ids[0];
  auto seen = store->GetRun(run).value();
  CHECK(store->ClaimRun(seen, "host", 1).value());
  CHECK_FALSE(store->ClaimRun(seen, "host", 2).value());  // the run changed since it was seen
  auto running = store->GetRun(run).value();
  CHECK(running.spec.status == mixrun::RunStatus::kRunning);
  CHECK(running.pid == 1);
  REQUIRE(store->FinishRun(run, false, "loss is NaN at step 7", 1.5).ok());
  auto row = store->GetRun(run).value();
  CHECK(row.spec.status == mixrun::RunStatus::kFailed);
  CHECK(row.error == "loss is NaN at step 7");
  CHECK(row.attempts == 1);
  CHECK(store->ClaimRun(row, "host", 3).value());
  CHECK(store->GetRun(run).value().attempts == 2);
}

TEST_CASE("100,000 metric rows are written in one batch and read back") {
  TempDir dir;
  auto store = std::move(Store::Open(dir.File("big.db")).value());
  int64_t experiment = store->PutExperiment("s", "{}").value();
  int64_t run = store->AddRuns(experiment, {MakeRun("r", 0.5)}).value().run_ids[0];
  std::vector<MetricRow> rows;
  for (int step = 0; step < 50000; ++step) {
    rows.push_back({"train/loss", step, step * 2048.0, 5.0 / (1 + step)});
    rows.push_back({"train/lr", step, step * 2048.0, 1e-3});
  }
  REQUIRE(store->WriteMetrics(run, rows).ok());
  REQUIRE(store->WriteMetrics(run, rows).ok());  // rewriting replaces, never duplicates
  auto history = store->MetricHistory(run);
  REQUIRE(history.ok());
  CHECK(history->size() == 100000);
  auto points = store->LoadRunPoints(experiment);
  CHECK(points.value()[0].metrics.at("train/loss") == doctest::Approx(5.0 / 50000));
}

TEST_CASE("runs read as of a step: each metric's last value at or before it, histories cut there") {
  TempDir dir;
  auto store = std::move(Store::Open(dir.File("steps.db")).value());
  int64_t experiment = store->PutExperiment("s", "{}").value();
  int64_t run = store->AddRuns(experiment, {MakeRun("r", 0.5)}).value().run_ids[0];
  // eval/a/loss at 100, 200, 300; eval/b/loss only at 100 and 400.
  REQUIRE(store
              ->WriteMetrics(run, {{"eval/a/loss", 100, 0, 3.0},
                                   {"eval/a/loss", 200, 0, 2.5},
                                   {"eval/a/loss", 300, 0, 2.25},
                                   {"eval/b/loss", 100, 0, 4.0},
                                   {"eval/b/loss", 400, 0, 3.0}})
              .ok());
  auto finished = store->LoadRunPoints(experiment, {"eval/a/loss"}).value()[0];
  CHECK(finished.metrics.at("eval/a/loss") == 2.25);
  CHECK(finished.metrics.at("eval/b/loss") == 3.0);
  auto early = store->LoadRunPoints(experiment, {"eval/a/loss"}, 250).value()[0];
  CHECK(early.metrics.at("eval/a/loss") == 2.5);
  CHECK(early.metrics.at("eval/b/loss") == 4.0);
  CHECK(early.history.at("eval/a/loss").size() == 2);
  CHECK(store->LoadRunPoints(experiment, {}, 50).value()[0].metrics.empty());
}

TEST_CASE("fits and recommendations round-trip") {
  TempDir dir;
  auto store = std::move(Store::Open(dir.File("fits.db")).value());
  int64_t experiment = store->PutExperiment("s", "{}").value();
  int64_t fit = store->AddFit(experiment, "chinchilla", "{\"a\":1}", "{\"E\":1.8}", "{}").value();
  auto row = store->GetFit(fit);
  REQUIRE(row.ok());
  CHECK(row->law == "chinchilla");
  CHECK(row->params_json == "{\"E\":1.8}");
  CHECK(store->ListFits(experiment).value().size() == 1);
  CHECK(store->GetFit(fit + 1).status().code() == mixrun::Status::Code::kNotFound);
  CHECK_FALSE(store->LatestRecommendation(fit).value().has_value());
  CHECK(store->AddRecommendation(fit, "{\"code\":1}", 2.0, 1.9, 2.1, "{}").ok());
  CHECK_FALSE(store->AddRecommendation(fit + 7, "{}", 2.0, 1.9, 2.1, "{}").ok());  // foreign key
  const int64_t later =
      store->AddRecommendation(fit, "{\"code\":0.5}", 1.5, 1.4, 1.6, "{\"at\":1}").value();
  auto latest = store->LatestRecommendation(fit);
  REQUIRE(latest.ok());
  REQUIRE(latest->has_value());
  CHECK((*latest)->id == later);
  CHECK((*latest)->fit_id == fit);
  CHECK((*latest)->mixture_json == "{\"code\":0.5}");
  CHECK((*latest)->predicted_loss == 1.5);
  CHECK((*latest)->options_json == "{\"at\":1}");
  CHECK_FALSE((*latest)->created_at.empty());
}

TEST_CASE("a store of schema v1 migrates to v2 with no run lost, and its runs are re-keyed") {
  TempDir dir;
  const std::string path = dir.File("v1.db");
  {  // A v1 store as mixrun wrote it: its schema, one experiment, two runs with a metric each.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    const std::string v1 =
        std::string(mixrun::StoreMigrations()[0]) +
        "INSERT INTO experiments (name, config_json, config_sha256) VALUES "
        "('study', '{\"lr\": 1}', 'abc');"
        "INSERT INTO runs (experiment_id, run_key, label, status, source) VALUES "
        "(1, 'old-key-1', 'mix0', 'done', 'builtin'),"
        "(1, 'old-key-2', 'mix1', 'pending', 'builtin');"
        "INSERT INTO metrics VALUES (1, 'eval/target/loss', 10, 100, 2.5);"
        "PRAGMA application_id = " +
        std::to_string(mixrun::kStoreApplicationId) + "; PRAGMA user_version = 1;";
    REQUIRE(sqlite3_exec(db, v1.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = std::move(Store::Open(path).value());
  CHECK(store->schema_version() == mixrun::StoreSchemaVersion());
  auto runs = store->ListRuns({});
  REQUIRE(runs.ok());
  REQUIRE(runs->size() == 2);
  CHECK((*runs)[0].spec.spec_json.empty());  // unknown until planned again
  auto finals = store->FinalMetrics({});
  REQUIRE(finals.ok());
  CHECK(finals->at((*runs)[0].id).at("eval/target/loss") == 2.5);
  {
    mixrun::Statement configs =
        std::move(mixrun::StoreTestPeer::Connection(*store)
                      .Prepare("SELECT config_json FROM experiment_configs WHERE experiment_id = 1")
                      .value());
    REQUIRE(configs.Step());
    CHECK(configs.Text(0) == "{\"lr\": 1}");
  }

  // Planned again, a run found under its previous (path-based) key takes its new key and learns
  // its spec; it is not added a second time.
  RunSpec planned = MakeRun("new-key-1", 0.5);
  planned.status = mixrun::RunStatus::kPending;
  planned.previous_key = "old-key-1";
  planned.spec_json = "{\"train\": {\"lr\": 1}}";
  planned.settings_json = "{\"train\": {\"lr\": 1}}";
  planned.settings_id = "0123456789ab";
  auto added = store->AddRuns(1, {planned});
  REQUIRE(added.ok());
  CHECK(added->added == 0);
  CHECK(added->existing == 1);
  auto rekeyed = store->GetRun((*runs)[0].id);
  REQUIRE(rekeyed.ok());
  CHECK(rekeyed->spec.run_key == "new-key-1");
  CHECK(rekeyed->spec.status == mixrun::RunStatus::kDone);
  CHECK(rekeyed->spec.settings_id == "0123456789ab");
  CHECK(store->ListRuns({})->size() == 2);
}
