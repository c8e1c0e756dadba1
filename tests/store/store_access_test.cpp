// The store shared with other processes: a writer's lock waited out, read-only opening, and
// runs added again with other metric values.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "store/sqlite.h"
#include "store/store.h"
#include "testing/temp_dir.h"

namespace fs = std::filesystem;
using mixrun::Database;
using mixrun::MetricRow;
using mixrun::RunSpec;
using mixrun::Store;
using namespace std::chrono_literals;

namespace {

struct TempDir : mixrun::testing::TempDir {
  std::string File(const std::string& name) const { return (path() / name).string(); }
};

RunSpec DoneRun(const std::string& key) {
  RunSpec run;
  run.run_key = key;
  run.label = "row-" + key;
  run.status = mixrun::RunStatus::kDone;
  run.source = "import";
  run.weights = {{"code", 0.5}, {"web", 0.5}};
  return run;
}

// A store with one experiment and one run; returns the run's id.
int64_t AddOneRun(Store& store) {
  const int64_t experiment = store.PutExperiment("s", "{}").value();
  return store.AddRuns(experiment, {DoneRun("r")}).value().run_ids.at(0);
}

// Another connection holding the store's write lock (an open write transaction) until Release.
class LockHolder {
 public:
  explicit LockHolder(const std::string& path)
      : db_(std::move(Database::Open(path, Database::OpenMode::kReadWrite).value())) {
    REQUIRE(db_->Execute("BEGIN IMMEDIATE").ok());
  }
  // Commits after `delay`, from another thread, as a long import's transaction would end.
  void ReleaseAfter(std::chrono::milliseconds delay) {
    thread_ = std::thread([this, delay] {
      std::this_thread::sleep_for(delay);
      (void)db_->Execute("COMMIT");
    });
  }
  ~LockHolder() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::unique_ptr<Database> db_;
  std::thread thread_;
};

}  // namespace

TEST_CASE("a metric write waits out another writer's lock held past the busy timeout") {
  TempDir dir;
  auto store = std::move(Store::Open(dir.File("s.db")).value());
  const int64_t run = AddOneRun(*store);
  const std::vector<MetricRow> rows = {{"train/loss", 1, 100, 3.5}};

  // Without retrying (as before), the write fails once the busy timeout has passed.
  REQUIRE(store->SetLockWaits({.busy_timeout = 50ms, .metric_write_retry = 0ms}).ok());
  {
    LockHolder holder(store->path());
    auto failed = store->WriteMetrics(run, rows);
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.message().find("database is locked") != std::string::npos);
    CHECK(failed.message().find("gave up after 0 s waiting for another writer's lock") !=
          std::string::npos);
  }

  // A lock held 20 times longer than the busy timeout: the write waits, then succeeds.
  REQUIRE(store->SetLockWaits({.busy_timeout = 50ms, .metric_write_retry = 30s}).ok());
  {
    LockHolder holder(store->path());
    holder.ReleaseAfter(1000ms);
    const auto began = std::chrono::steady_clock::now();
    auto written = store->WriteMetrics(run, rows);
    REQUIRE_MESSAGE(written.ok(), written.message());
    CHECK(std::chrono::steady_clock::now() - began >= 900ms);
  }
  CHECK(store->MetricHistory(run).value().size() == 1);
  // So does recording the run's outcome.
  {
    LockHolder holder(store->path());
    holder.ReleaseAfter(300ms);
    REQUIRE(store->FinishRun(run, true, "", 1.0).ok());
  }
}

TEST_CASE("a store opened read-only reads, writes nothing and refuses writes") {
  TempDir dir;
  const std::string path = dir.File("s.db");
  {
    auto store = std::move(Store::Open(path).value());
    AddOneRun(*store);
  }
  REQUIRE_FALSE(fs::exists(path + "-wal"));  // closed cleanly: the log was checkpointed away
  const auto modified = fs::last_write_time(path);
  auto store = Store::Open(path, Store::Mode::kReadOnly);
  REQUIRE_MESSAGE(store.ok(), store.status().message());
  CHECK((*store)->ListRuns({}).value().size() == 1);
  CHECK_FALSE((*store)->PutExperiment("t", "{}").ok());
  store->reset();
  CHECK(fs::last_write_time(path) == modified);

  auto missing = Store::Open(dir.File("none.db"), Store::Mode::kReadOnly);
  CHECK(missing.status().code() == mixrun::Status::Code::kNotFound);
  dir.Write("empty.db", "");
  auto empty = Store::Open(dir.File("empty.db"), Store::Mode::kReadOnly);
  CHECK(empty.status().message() ==
        dir.File("empty.db") + ": empty file, not a mixrun store (yet)");
  CHECK(fs::file_size(dir.File("empty.db")) == 0);
}

TEST_CASE("adding a stored run again with other metrics reports it, and replaces them if asked") {
  TempDir dir;
  auto store = std::move(Store::Open(dir.File("s.db")).value());
  const int64_t experiment = store->PutExperiment("s", "{}").value();
  const std::vector<RunSpec> runs = {DoneRun("a"), DoneRun("b"), DoneRun("c")};
  const std::vector<std::vector<MetricRow>> first = {
      {{"loss", 0, 0, 2.5}}, {{"loss", 0, 0, 3.0}}, {{"loss", 0, 0, 4.0}, {"acc", 0, 0, 0.5}}};
  REQUIRE(store->AddRuns(experiment, runs, first).ok());
  const int64_t b = store->ListRuns({}).value().at(1).id;
  const int64_t c = store->ListRuns({}).value().at(2).id;

  // b's loss changed, c lost its acc; a is the same.
  const std::vector<std::vector<MetricRow>> second = {
      {{"loss", 0, 0, 2.5}}, {{"loss", 0, 0, 3.25}}, {{"loss", 0, 0, 4.0}}};
  auto kept = store->AddRuns(experiment, runs, second);
  REQUIRE(kept.ok());
  CHECK(kept->existing == 3);
  CHECK(kept->replaced == 0);
  REQUIRE(kept->differing.size() == 2);
  CHECK(kept->differing[0].run == 1);
  CHECK(kept->differing[0].metric == "loss");
  CHECK(kept->differing[0].stored == 3.0);
  CHECK(kept->differing[0].given == 3.25);
  CHECK(kept->differing[1].run == 2);
  CHECK(kept->differing[1].metric == "acc");
  CHECK(std::isnan(kept->differing[1].given));
  CHECK(store->MetricHistory(b).value().at(0).value == 3.0);

  auto replaced = store->AddRuns(experiment, runs, second, mixrun::ExistingRuns::kReplaceMetrics);
  REQUIRE(replaced.ok());
  CHECK(replaced->differing.size() == 2);
  CHECK(replaced->replaced == 2);
  CHECK(store->MetricHistory(b).value().at(0).value == 3.25);
  CHECK(store->MetricHistory(c).value().size() == 1);
  auto again = store->AddRuns(experiment, runs, second);
  REQUIRE(again.ok());
  CHECK(again->differing.empty());
  CHECK(store->ListRuns({}).value().size() == 3);
}
