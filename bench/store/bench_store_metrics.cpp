// Times writing 100,000 metric rows into a store in one batch (issue: "well under a second"),
// against the naive reference of one transaction per row (SQLite's autocommit), on the same disk.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "common/metric_names.h"
#include "store/sqlite.h"
#include "store/store.h"

using namespace mixrun;

int main() {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("mixrun-bench-store-" + std::to_string(getpid()));
  fs::create_directories(dir);
  auto store = std::move(Store::Open((dir / "bench.db").string()).value());
  int64_t experiment = store->PutExperiment("bench", "{}").value();
  RunSpec spec;
  spec.run_key = "bench";
  int64_t run = store->AddRuns(experiment, {spec}).value().run_ids[0];
  std::vector<MetricRow> rows;
  for (int step = 0; step < 50000; ++step) {
    rows.push_back({kTrainLossMetric, step, step * 2048.0, 5.0 / (1 + step)});
    rows.push_back({kTrainLrMetric, step, step * 2048.0, 1e-3});
  }
  auto start = std::chrono::steady_clock::now();
  Status status = store->WriteMetrics(run, rows);
  double batched = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", status.message().c_str());
    return 1;
  }
  // Reference: the same rows as autocommitted single-row transactions (first 2,000, scaled).
  // A second connection to the file, set up as the store's own (the store only writes batches).
  auto connection = Database::Open(store->path(), Database::OpenMode::kReadWrite).value();
  (void)connection->Execute("PRAGMA synchronous = NORMAL");
  auto insert = connection
                    ->Prepare(
                        "INSERT OR REPLACE INTO metrics (run_id, name, step, tokens, value) "
                        "VALUES (?1, ?2, ?3, ?4, ?5)")
                    .value();
  const int sample = 2000;
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < sample; ++i) {
    insert.Bind(1, run).Bind(2, "ref/loss").Bind(3, int64_t{i}).Bind(4, 0.0).Bind(5, 1.0);
    (void)insert.Run();
  }
  double per_row =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / sample;
  double naive = per_row * rows.size();
  std::printf(
      "100,000 metric rows: batched %.3f s (%.0f rows/s); one transaction per row "
      "(extrapolated from %d) %.1f s; ratio %.0fx\n",
      batched, rows.size() / batched, sample, naive, naive / batched);
  connection.reset();
  store.reset();
  fs::remove_all(dir);
  return 0;
}
