// Store: the SQLite file holding experiments, runs, mixtures, metrics, fits and recommendations.
// Opening never alters a file that is not a mixrun store; every write is one transaction.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/run_spec.h"
#include "common/status.h"

namespace mixrun {

struct ExperimentRow {
  int64_t id = 0;
  std::string name;
  std::string config_json;
  std::string config_sha256;
  std::string created_at;
};

// One round of a study: the fit on the runs finished so far, the recommendation under it, and
// the batch suggested next (a JSON array of mixtures), or why the study stopped there.
struct StudyRoundRow {
  int64_t experiment_id = 0;
  int round = 0;
  int runs = 0;
  std::optional<int64_t> fit_id, recommendation_id;
  double predicted_loss = std::numeric_limits<double>::quiet_NaN();
  double interval_low = std::numeric_limits<double>::quiet_NaN();
  double interval_high = std::numeric_limits<double>::quiet_NaN();
  std::string suggestions_json = "[]";
  std::string stop_reason;  // empty: the study went on
  std::string created_at;
};

// A registered run with its bookkeeping.
struct RunRow {
  int64_t id = 0;
  int64_t experiment_id = 0;
  std::string experiment;
  RunSpec spec;
  std::string host;
  int64_t pid = 0;  // the process that claimed the run last
  std::string started_at;
  std::string finished_at;
  double wall_s = std::numeric_limits<double>::quiet_NaN();
  std::string error;
  int64_t attempts = 0;
};

struct RunFilter {
  std::optional<std::string> experiment;
  std::optional<RunStatus> status;
};

struct FitRow {
  int64_t id = 0;
  std::optional<int64_t> experiment_id;
  std::string law;
  std::string options_json;
  std::string params_json;
  std::string stats_json;
  std::string created_at;
};

// A stored recommendation (mixrun recommend): its mixture and the options it was made with, as
// JSON text.
struct RecommendationRow {
  int64_t id = 0;
  int64_t fit_id = 0;
  std::string mixture_json;
  double predicted_loss = 0;
  std::string options_json;
  std::string created_at;
};

// What merging another store into this one did (Store::MergeFrom).
struct MergeCounts {
  std::string path;  // the store merged
  // Its runs by status.
  int runs = 0, done = 0, failed = 0, running = 0, pending = 0;
  // What the merge did to this store.
  int added = 0;      // runs it did not have
  int updated = 0;    // runs whose state (and metric history) the other's newer state replaced
  int unchanged = 0;  // runs this store had in the same or a newer state
  int64_t metric_rows = 0;  // metric rows copied
};

// A run AddRuns found stored with other metrics than those given: its first differing metric.
struct StoredDifference {
  size_t run = 0;  // index of the run in AddRuns' input
  std::string metric;
  double stored = std::numeric_limits<double>::quiet_NaN();  // NaN: not stored
  double given = std::numeric_limits<double>::quiet_NaN();   // NaN: not given
};

// What AddRuns does with a run whose key is stored already, when metrics are given with it.
enum class ExistingRuns {
  kKeep,            // the stored run and metrics stay; differences are reported
  kReplaceMetrics,  // a run whose stored metrics differ takes the given ones (all of them)
};

struct AddRunsResult {
  int added = 0;
  int existing = 0;              // run keys already in the store
  std::vector<int64_t> run_ids;  // one per input run, new or existing
  // Existing runs whose stored metrics differ from the given ones (kept or replaced).
  std::vector<StoredDifference> differing;
  int replaced = 0;  // of those, the runs whose metrics were replaced (kReplaceMetrics)
};

// How long a store waits for another connection's write lock. A writer holding it longer than
// busy_timeout fails a write; metric and run-state writes (a trainer's) are tried again, backing
// off, until metric_write_retry has passed, so a long import or merge does not fail a run.
struct LockWaits {
  std::chrono::milliseconds busy_timeout{30'000};
  std::chrono::milliseconds metric_write_retry{15 * 60'000};
};

enum class RunRelease { kInterrupted, kAbandoned };

class Database;  // store/sqlite.h: the SQLite connection, which no one outside lib/store touches

class Store {
 public:
  enum class Mode {
    kCreateIfMissing,
    kMustExist,
    // For commands that only read: the store must exist, and nothing writes to it (writes
    // fail); where it or its folder cannot be written (a read-only folder or medium), it is
    // read without creating files next to it. A store of an older schema is migrated first,
    // which needs write access.
    kReadOnly,
  };

  // Opens a store, creating or migrating it as needed. Fails without writing on a file that is
  // not a mixrun store or was written by a newer mixrun.
  static Result<std::unique_ptr<Store>> Open(const std::string& path,
                                             Mode mode = Mode::kCreateIfMissing);
  const std::string& path() const;
  int schema_version() const;
  // Changes how long writes wait for other connections' locks (tests shorten them).
  Status SetLockWaits(const LockWaits& waits);

  // Experiments.
  // Registers the experiment, or updates its config; returns its id.
  Result<int64_t> PutExperiment(const std::string& name, const std::string& config_json);
  Result<std::optional<ExperimentRow>> FindExperiment(const std::string& name);
  // The experiment's id, or NotFound naming the experiments the store has.
  Result<int64_t> ExperimentId(const std::string& name);
  Result<std::vector<ExperimentRow>> ListExperiments();
  Status SetDomainTokens(int64_t experiment_id, const std::map<std::string, int64_t>& tokens);
  Result<std::map<std::string, int64_t>> DomainTokens(int64_t experiment_id);

  // Runs. Adding is idempotent by run_key, in one transaction; metrics given with a new run are
  // stored with it, and compared with an existing run's (`existing` says what to do then).
  Result<AddRunsResult> AddRuns(int64_t experiment_id, const std::vector<RunSpec>& runs,
                                const std::vector<std::vector<MetricRow>>& metrics = {},
                                ExistingRuns existing = ExistingRuns::kKeep);
  // Registers a planned experiment as `mixrun plan` does: the experiment (or its new config), its
  // domains' token counts and its runs, idempotently by run key.
  Result<AddRunsResult> RegisterRuns(const std::string& experiment, const std::string& config_json,
                                     const std::map<std::string, int64_t>& domain_tokens,
                                     const std::vector<RunSpec>& runs);
  Result<std::vector<RunRow>> ListRuns(const RunFilter& filter);
  Result<RunRow> GetRun(int64_t run_id);
  // Runs with status done as the laws see them: scale, mixture, final metrics (each metric's
  // value at its last step), and the full history of the metrics named in `history`. With
  // `max_step`, the runs as they were at that step: final values are the last at steps ≤ max_step
  // and histories end there.
  Result<std::vector<RunPoint>> LoadRunPoints(int64_t experiment_id,
                                              const std::set<std::string>& history = {},
                                              std::optional<int64_t> max_step = std::nullopt);

  // Marks the run as running by this process if it is still as `seen` left it (same status and
  // attempts): a compare-and-set, so two processes never both claim one run.
  Result<bool> ClaimRun(const RunRow& seen, const std::string& host, int64_t pid);
  // Waits out another writer's lock as WriteMetrics does: a trained run's outcome is not lost.
  Status FinishRun(int64_t run_id, bool succeeded, const std::string& error, double wall_s);
  // Returns a running run to pending (its checkpoint lets the next claimant resume): one this
  // process interrupted cleanly (its attempt is not counted), or one left running by a process
  // that is gone (its attempt counts: it may have crashed).
  Status ReleaseRun(int64_t run_id, RunRelease release);
  // Returns a failed run to pending with its attempts reset, for `train --retry-failed`.
  Status RetryFailedRun(int64_t run_id);

  // Metrics: one transaction per call; rewriting a (run, name, step) replaces it. Waits out
  // another writer's lock for up to LockWaits::metric_write_retry.
  Status WriteMetrics(int64_t run_id, const std::vector<MetricRow>& rows);
  Result<std::vector<MetricRow>> MetricHistory(int64_t run_id);
  // The last value of every metric of the runs the filter selects: run id -> name -> value.
  Result<std::map<int64_t, std::map<std::string, double>>> FinalMetrics(const RunFilter& filter);
  // Every metric row of the selected runs, ordered by run, name and step; calls `row` for each.
  Status ForEachMetric(const RunFilter& filter,
                       const std::function<void(int64_t run_id, const MetricRow&)>& row);

  // Fits and recommendations.
  Result<int64_t> AddFit(std::optional<int64_t> experiment_id, const std::string& law,
                         const std::string& options_json, const std::string& params_json,
                         const std::string& stats_json);
  Result<FitRow> GetFit(int64_t fit_id);
  Result<std::vector<FitRow>> ListFits(std::optional<int64_t> experiment_id);
  Result<int64_t> AddRecommendation(int64_t fit_id, const std::string& mixture_json,
                                    double predicted_loss, double interval_low,
                                    double interval_high, const std::string& options_json);
  // The latest recommendation stored under fit `fit_id`; nullopt when there is none.
  Result<std::optional<RecommendationRow>> LatestRecommendation(int64_t fit_id);

  // Sequential design (`mixrun study`): one row per round of an experiment's study, replaced
  // when a round is written again; listed by round.
  Status PutStudyRound(const StudyRoundRow& row);
  Result<std::vector<StudyRoundRow>> ListStudyRounds(int64_t experiment_id);

  // Merging: the stores at `paths` (e.g. a Slurm array's shards) merged into this one by run_key,
  // all in one transaction: all or nothing. A run new to this store is copied whole; a known run
  // takes the other's state and metric history when they are newer (store/run_state.h), so
  // merging the same store again changes nothing. Every store is validated first: a missing,
  // empty or foreign file, one of a newer mixrun or another schema, or this store itself is an
  // error naming it (every bad one), and this store is left as it was — as it is when a store
  // fails while it is merged.
  Result<std::vector<MergeCounts>> MergeFrom(const std::vector<std::string>& paths);
  Result<MergeCounts> MergeFrom(const std::string& path);

  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

 private:
  friend class StoreTestPeer;  // tests/store read the connection's own settings
  explicit Store(std::unique_ptr<Database> db);
  Status Migrate();
  Status InsertMetrics(int64_t run_id, const std::vector<MetricRow>& rows);
  Result<std::optional<StoredDifference>> CompareMetrics(int64_t run_id,
                                                         const std::vector<MetricRow>& given);
  // Runs `write` (one transaction) again while another connection's lock fails it, backing off,
  // for up to lock_waits_.metric_write_retry.
  Status RetryWhileLocked(std::string_view what, const std::function<Status()>& write);
  std::unique_ptr<Database> db_;
  LockWaits lock_waits_;
};

}  // namespace mixrun
