// Store: runs, their mixtures and their metrics.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "common/run_settings.h"
#include "store/run_state.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace mixrun {
namespace {

constexpr std::string_view kRunColumns =
    "SELECT r.id, r.experiment_id, e.name, r.run_key, r.status, r.source, r.model_json, "
    "r.n_params, r.n_params_nonembed, r.n_tokens, r.flops, r.seed, r.host, r.started_at, "
    "r.finished_at, r.wall_s, r.error, r.attempts, r.label, r.pid, r.spec_json, r.settings_json, "
    "r.settings_id "
    "FROM runs AS r JOIN experiments AS e ON e.id = r.experiment_id";

// A filter's status as runs.status spells it; a filter without one binds NULL.
std::optional<std::string_view> StatusText(const std::optional<RunStatus>& status) {
  if (!status) return std::nullopt;
  return RunStatusName(*status);
}

RunRow ReadRun(const Statement& row) {
  RunRow run;
  run.id = row.Int(0);
  run.experiment_id = row.Int(1);
  run.experiment = row.Text(2);
  run.spec.run_key = row.Text(3);
  run.spec.status = RunStatusFromColumn(row.Text(4));
  run.spec.source = row.Text(5);
  run.spec.model_json = row.Text(6);
  run.spec.n_params = row.Double(7);
  run.spec.n_params_nonembed = row.Double(8);
  run.spec.n_tokens = row.Double(9);
  run.spec.flops = row.Double(10);
  if (!row.IsNull(11)) run.spec.seed = row.Int(11);
  run.host = row.Text(12);
  run.started_at = row.Text(13);
  run.finished_at = row.Text(14);
  run.wall_s = row.Double(15);
  run.error = row.Text(16);
  run.attempts = row.Int(17);
  run.spec.label = row.Text(18);
  run.pid = row.IsNull(19) ? 0 : row.Int(19);
  run.spec.spec_json = row.Text(20);
  run.spec.settings_json = row.Text(21);
  run.spec.settings_id = row.Text(22);
  return run;
}

// Fills run.spec.weights for every run, in one pass over run_weights.
Status AttachWeights(Database& db, std::vector<RunRow>& runs) {
  if (runs.empty()) return Status::Ok();
  std::map<int64_t, RunRow*> by_id;
  for (auto& run : runs) by_id[run.id] = &run;
  MIXRUN_ASSIGN_OR_RETURN(Statement query,
                          db.Prepare("SELECT run_id, domain, weight FROM run_weights "
                                     "WHERE run_id BETWEEN ?1 AND ?2"));
  query.Bind(1, by_id.begin()->first).Bind(2, by_id.rbegin()->first);
  while (query.Step()) {
    auto found = by_id.find(query.Int(0));
    if (found != by_id.end()) found->second->spec.weights[query.Text(1)] = query.Double(2);
  }
  return query.status();
}

}  // namespace

namespace {

// A run registered under its key from before keys were content-based takes its new key (and so
// is not planned again); a no-op when there is no such run or the new key is taken.
Status AdoptPreviousKey(Database& db, int64_t experiment_id, const RunSpec& run) {
  if (run.previous_key.empty() || run.previous_key == run.run_key) return Status::Ok();
  MIXRUN_ASSIGN_OR_RETURN(
      Statement rekey,
      db.Prepare("UPDATE runs SET run_key = ?1 WHERE run_key = ?2 AND experiment_id = ?3 AND "
                 "NOT EXISTS (SELECT 1 FROM runs WHERE run_key = ?1)"));
  return rekey.Bind(1, run.run_key).Bind(2, run.previous_key).Bind(3, experiment_id).Run();
}

// The label a new run gets: its own, unless another run of the experiment already carries it
// with other settings — then the settings id tells the two apart ("mix0-t-40K-s0@1a2b3c").
Result<std::string> DistinctLabel(Database& db, int64_t experiment_id, const RunSpec& run) {
  if (run.label.empty() || run.settings_id.empty()) return run.label;
  MIXRUN_ASSIGN_OR_RETURN(
      Statement clash, db.Prepare("SELECT 1 FROM runs WHERE experiment_id = ?1 AND label = ?2 AND "
                                  "settings_id IS NOT ?3"));
  clash.Bind(1, experiment_id).Bind(2, run.label).Bind(3, run.settings_id);
  const bool taken = clash.Step();
  MIXRUN_RETURN_IF_ERROR(clash.status());
  return taken ? run.label + "@" + run.settings_id.substr(0, 6) : run.label;
}

}  // namespace

Result<AddRunsResult> Store::AddRuns(int64_t experiment_id, const std::vector<RunSpec>& runs,
                                     const std::vector<std::vector<MetricRow>>& metrics,
                                     ExistingRuns existing) {
  if (!metrics.empty() && metrics.size() != runs.size()) {
    return Status::Failed("AddRuns: metrics must be given for every run or for none");
  }
  Transaction transaction(*db_);
  MIXRUN_RETURN_IF_ERROR(transaction.begin_status());
  MIXRUN_ASSIGN_OR_RETURN(
      Statement insert,
      db_->Prepare(
          "INSERT INTO runs (experiment_id, run_key, status, source, model_json, "
          "n_params, n_params_nonembed, n_tokens, flops, seed, label, finished_at, spec_json, "
          "settings_json, settings_id) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULLIF(?11, ''), CASE WHEN ?3 = 'done' "
          "THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now') END, NULLIF(?12, ''), NULLIF(?13, ''), "
          "NULLIF(?14, '')) "
          "ON CONFLICT (run_key) DO NOTHING"));
  MIXRUN_ASSIGN_OR_RETURN(Statement find,
                          db_->Prepare("SELECT id, experiment_id FROM runs WHERE run_key = ?1"));
  // A run registered before schema v2 learns its spec when its config is planned again.
  MIXRUN_ASSIGN_OR_RETURN(
      Statement backfill,
      db_->Prepare("UPDATE runs SET spec_json = ?2, settings_json = ?3, settings_id = ?4 "
                   "WHERE id = ?1 AND spec_json IS NULL AND ?2 <> ''"));
  MIXRUN_ASSIGN_OR_RETURN(
      Statement insert_weight,
      db_->Prepare("INSERT INTO run_weights (run_id, domain, weight) VALUES (?1, ?2, ?3)"));
  MIXRUN_ASSIGN_OR_RETURN(Statement delete_metrics,
                          db_->Prepare("DELETE FROM metrics WHERE run_id = ?1"));
  AddRunsResult result;
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunSpec& run = runs[i];
    MIXRUN_RETURN_IF_ERROR(AdoptPreviousKey(*db_, experiment_id, run));
    MIXRUN_ASSIGN_OR_RETURN(std::string label, DistinctLabel(*db_, experiment_id, run));
    insert.Bind(1, experiment_id).Bind(2, run.run_key).Bind(3, RunStatusName(run.status));
    insert.Bind(4, run.source);
    insert.Bind(5, run.model_json).Bind(6, run.n_params).Bind(7, run.n_params_nonembed);
    insert.Bind(8, run.n_tokens).Bind(9, run.flops).Bind(10, run.seed).Bind(11, label);
    insert.Bind(12, run.spec_json).Bind(13, run.settings_json).Bind(14, run.settings_id);
    MIXRUN_RETURN_IF_ERROR(insert.Run());
    if (db_->Changes() == 0) {
      find.Bind(1, run.run_key);
      if (!find.Step()) return db_->Error("run key vanished: " + run.run_key);
      int64_t id = find.Int(0), owner = find.Int(1);
      find.Reset();
      if (owner != experiment_id) {
        return Status::InvalidInput(path() + ": run " + run.run_key.substr(0, 12) +
                                    " already belongs to another experiment");
      }
      backfill.Bind(1, id).Bind(2, run.spec_json).Bind(3, run.settings_json);
      MIXRUN_RETURN_IF_ERROR(backfill.Bind(4, run.settings_id).Run());
      result.run_ids.push_back(id);
      ++result.existing;
      if (metrics.empty()) continue;
      MIXRUN_ASSIGN_OR_RETURN(std::optional<StoredDifference> difference,
                              CompareMetrics(id, metrics[i]));
      if (!difference) continue;
      difference->run = i;
      result.differing.push_back(std::move(*difference));
      if (existing == ExistingRuns::kReplaceMetrics) {
        MIXRUN_RETURN_IF_ERROR(delete_metrics.Bind(1, id).Run());
        MIXRUN_RETURN_IF_ERROR(InsertMetrics(id, metrics[i]));
        ++result.replaced;
      }
      continue;
    }
    int64_t run_id = db_->LastInsertId();
    result.run_ids.push_back(run_id);
    ++result.added;
    for (const auto& [domain, weight] : run.weights) {
      MIXRUN_RETURN_IF_ERROR(insert_weight.Bind(1, run_id).Bind(2, domain).Bind(3, weight).Run());
    }
    if (!metrics.empty()) MIXRUN_RETURN_IF_ERROR(InsertMetrics(run_id, metrics[i]));
  }
  MIXRUN_RETURN_IF_ERROR(transaction.Commit());
  return result;
}

Result<AddRunsResult> Store::RegisterRuns(const std::string& experiment,
                                          const std::string& config_json,
                                          const std::map<std::string, int64_t>& domain_tokens,
                                          const std::vector<RunSpec>& runs) {
  MIXRUN_ASSIGN_OR_RETURN(int64_t experiment_id, PutExperiment(experiment, config_json));
  MIXRUN_RETURN_IF_ERROR(SetDomainTokens(experiment_id, domain_tokens));
  return AddRuns(experiment_id, runs);
}

Result<std::vector<RunRow>> Store::ListRuns(const RunFilter& filter) {
  MIXRUN_ASSIGN_OR_RETURN(
      Statement query,
      db_->Prepare(std::string(kRunColumns) + " WHERE (?1 IS NULL OR e.name = ?1) AND "
                                              "(?2 IS NULL OR r.status = ?2) ORDER BY r.id"));
  query.Bind(1, filter.experiment).Bind(2, StatusText(filter.status));
  std::vector<RunRow> runs;
  while (query.Step()) runs.push_back(ReadRun(query));
  MIXRUN_RETURN_IF_ERROR(query.status());
  MIXRUN_RETURN_IF_ERROR(AttachWeights(*db_, runs));
  return runs;
}

Result<RunRow> Store::GetRun(int64_t run_id) {
  MIXRUN_ASSIGN_OR_RETURN(Statement query,
                          db_->Prepare(std::string(kRunColumns) + " WHERE r.id = ?1"));
  query.Bind(1, run_id);
  if (!query.Step()) {
    MIXRUN_RETURN_IF_ERROR(query.status());
    return Status::NotFound(path() + ": no run with id " + std::to_string(run_id));
  }
  std::vector<RunRow> runs = {ReadRun(query)};
  MIXRUN_RETURN_IF_ERROR(AttachWeights(*db_, runs));
  return runs[0];
}

Result<std::vector<RunPoint>> Store::LoadRunPoints(int64_t experiment_id,
                                                   const std::set<std::string>& history,
                                                   std::optional<int64_t> max_step) {
  const int64_t last_step = max_step.value_or(std::numeric_limits<int64_t>::max());
  MIXRUN_ASSIGN_OR_RETURN(std::vector<RunRow> runs, [&]() -> Result<std::vector<RunRow>> {
    MIXRUN_ASSIGN_OR_RETURN(
        Statement query,
        db_->Prepare(std::string(kRunColumns) +
                     " WHERE r.experiment_id = ?1 AND r.status = 'done' ORDER BY r.id"));
    query.Bind(1, experiment_id);
    std::vector<RunRow> rows;
    while (query.Step()) rows.push_back(ReadRun(query));
    MIXRUN_RETURN_IF_ERROR(query.status());
    MIXRUN_RETURN_IF_ERROR(AttachWeights(*db_, rows));
    return rows;
  }());
  std::vector<RunPoint> points;
  std::map<int64_t, size_t> index;
  for (const RunRow& run : runs) {
    RunPoint point;
    point.run_id = run.id;
    point.run_key = run.spec.run_key;
    point.n_params = run.spec.n_params;
    point.n_tokens = run.spec.n_tokens;
    point.flops = run.spec.flops;
    point.weights = run.spec.weights;
    point.settings_id = run.spec.settings_id;
    point.settings = FlattenSettings(run.spec.settings_json);
    index[run.id] = points.size();
    points.push_back(std::move(point));
  }
  MIXRUN_ASSIGN_OR_RETURN(
      Statement finals,
      db_->Prepare("SELECT m.run_id, m.name, m.value FROM metrics AS m "
                   "JOIN runs AS r ON r.id = m.run_id WHERE r.experiment_id = ?1 AND m.step = "
                   "(SELECT MAX(step) FROM metrics AS last WHERE last.run_id = m.run_id AND "
                   "last.name = m.name AND last.step <= ?2)"));
  finals.Bind(1, experiment_id).Bind(2, last_step);
  while (finals.Step()) {
    auto found = index.find(finals.Int(0));
    if (found != index.end()) points[found->second].metrics[finals.Text(1)] = finals.Double(2);
  }
  MIXRUN_RETURN_IF_ERROR(finals.status());
  MIXRUN_ASSIGN_OR_RETURN(
      Statement curves,
      db_->Prepare("SELECT m.run_id, m.step, m.tokens, m.value FROM metrics AS m JOIN runs AS r "
                   "ON r.id = m.run_id WHERE r.experiment_id = ?1 AND m.name = ?2 "
                   "AND m.step <= ?3 ORDER BY m.run_id, m.step"));
  for (const std::string& name : history) {
    curves.Bind(1, experiment_id).Bind(2, name).Bind(3, last_step);
    while (curves.Step()) {
      auto found = index.find(curves.Int(0));
      if (found == index.end()) continue;
      points[found->second].history[name].push_back(
          {curves.Int(1), curves.Double(2), curves.Double(3)});
    }
    MIXRUN_RETURN_IF_ERROR(curves.status());
    curves.Reset();
  }
  return points;
}

Result<bool> Store::ClaimRun(const RunRow& seen, const std::string& host, int64_t pid) {
  MIXRUN_ASSIGN_OR_RETURN(
      Statement claim,
      db_->Prepare("UPDATE runs SET status = 'running', host = ?2, pid = ?3, attempts = attempts "
                   "+ 1, started_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), error = NULL "
                   "WHERE id = ?1 AND status = ?4 AND attempts = ?5"));
  claim.Bind(1, seen.id).Bind(2, host).Bind(3, pid).Bind(4, RunStatusName(seen.spec.status));
  MIXRUN_RETURN_IF_ERROR(claim.Bind(5, seen.attempts).Run());
  return db_->Changes() == 1;
}

Status Store::FinishRun(int64_t run_id, bool succeeded, const std::string& error, double wall_s) {
  return RetryWhileLocked(
      "recording run " + std::to_string(run_id) + "'s outcome", [&]() -> Status {
        MIXRUN_ASSIGN_OR_RETURN(
            Statement finish,
            db_->Prepare("UPDATE runs SET status = ?2, error = ?3, wall_s = ?4, "
                         "finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1"));
        finish.Bind(1, run_id).Bind(
            2, RunStatusName(succeeded ? RunStatus::kDone : RunStatus::kFailed));
        if (error.empty()) {
          finish.BindNull(3);
        } else {
          finish.Bind(3, error);
        }
        return finish.Bind(4, wall_s).Run();
      });
}

Status Store::ReleaseRun(int64_t run_id, RunRelease release) {
  // An attempt that stopped cleanly (a checkpoint, then pending) is not one that failed: it is
  // taken back, so that only crashes count towards giving up on a run.
  MIXRUN_ASSIGN_OR_RETURN(
      Statement statement,
      db_->Prepare(release == RunRelease::kInterrupted
                       ? "UPDATE runs SET status = 'pending', pid = NULL, attempts = "
                         "MAX(attempts - 1, 0) WHERE id = ?1 AND status = 'running'"
                       : "UPDATE runs SET status = 'pending', pid = NULL WHERE id = ?1 AND "
                         "status = 'running'"));
  return statement.Bind(1, run_id).Run();
}

Status Store::RetryFailedRun(int64_t run_id) {
  MIXRUN_ASSIGN_OR_RETURN(Statement retry,
                          db_->Prepare("UPDATE runs SET status = 'pending', pid = NULL, error = "
                                       "NULL, attempts = 0 WHERE id = ?1 AND status = 'failed'"));
  return retry.Bind(1, run_id).Run();
}

Status Store::InsertMetrics(int64_t run_id, const std::vector<MetricRow>& rows) {
  MIXRUN_ASSIGN_OR_RETURN(Statement insert,
                          db_->Prepare("INSERT OR REPLACE INTO metrics (run_id, name, step, "
                                       "tokens, value) VALUES (?1, ?2, ?3, ?4, ?5)"));
  for (const MetricRow& row : rows) {
    insert.Bind(1, run_id).Bind(2, row.name).Bind(3, row.step).Bind(4, row.tokens);
    MIXRUN_RETURN_IF_ERROR(insert.Bind(5, row.value).Run());
  }
  return Status::Ok();
}

Status Store::WriteMetrics(int64_t run_id, const std::vector<MetricRow>& rows) {
  return RetryWhileLocked("writing run " + std::to_string(run_id) + "'s metrics", [&]() -> Status {
    Transaction transaction(*db_);
    MIXRUN_RETURN_IF_ERROR(transaction.begin_status());
    MIXRUN_RETURN_IF_ERROR(InsertMetrics(run_id, rows));
    return transaction.Commit();
  });
}

Status Store::RetryWhileLocked(std::string_view what, const std::function<Status()>& write) {
  using Clock = std::chrono::steady_clock;
  const auto began = Clock::now();
  const auto deadline = began + lock_waits_.metric_write_retry;
  // Short first pauses catch a batch boundary of an import; longer ones wait out a long writer
  // without spinning on the lock.
  std::chrono::milliseconds pause{20};
  for (int attempt = 1;; ++attempt) {
    db_->ClearLastError();
    Status status = write();
    if (status.ok() || !db_->LastErrorIsLock()) return status;
    const auto now = Clock::now();
    const double waited = std::chrono::duration<double>(now - began).count();
    if (now >= deadline) {
      return Status::Failed(status.message() + " (" + std::string(what) + ": gave up after " +
                            std::to_string(static_cast<int>(waited)) +
                            " s waiting for another writer's lock on the store)");
    }
    if (attempt == 1) {
      spdlog::warn(
          "{}: another process holds the store's write lock; {} waits for it (up to {} s)", path(),
          what,
          std::chrono::duration_cast<std::chrono::seconds>(lock_waits_.metric_write_retry).count());
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, std::chrono::milliseconds(2000));
  }
}

Result<std::optional<StoredDifference>> Store::CompareMetrics(int64_t run_id,
                                                              const std::vector<MetricRow>& given) {
  using Key = std::pair<std::string, int64_t>;                       // name, step
  std::map<Key, std::pair<double, double>> stored_rows, given_rows;  // tokens, value
  MIXRUN_ASSIGN_OR_RETURN(
      Statement query,
      db_->Prepare("SELECT name, step, tokens, value FROM metrics WHERE run_id = ?1"));
  query.Bind(1, run_id);
  while (query.Step()) {
    stored_rows[{query.Text(0), query.Int(1)}] = {query.Double(2), query.Double(3)};
  }
  MIXRUN_RETURN_IF_ERROR(query.status());
  for (const MetricRow& row : given) given_rows[{row.name, row.step}] = {row.tokens, row.value};
  auto same = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
  constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  auto stored = stored_rows.begin();
  auto fresh = given_rows.begin();
  while (stored != stored_rows.end() || fresh != given_rows.end()) {
    if (fresh == given_rows.end() ||
        (stored != stored_rows.end() && stored->first < fresh->first)) {
      return std::optional<StoredDifference>(
          {0, stored->first.first, stored->second.second, kNone});
    }
    if (stored == stored_rows.end() || fresh->first < stored->first) {
      return std::optional<StoredDifference>({0, fresh->first.first, kNone, fresh->second.second});
    }
    if (!same(stored->second.first, fresh->second.first) ||
        !same(stored->second.second, fresh->second.second)) {
      return std::optional<StoredDifference>(
          {0, fresh->first.first, stored->second.second, fresh->second.second});
    }
    ++stored;
    ++fresh;
  }
  return std::optional<StoredDifference>();
}

Result<std::vector<MetricRow>> Store::MetricHistory(int64_t run_id) {
  MIXRUN_ASSIGN_OR_RETURN(Statement query,
                          db_->Prepare("SELECT name, step, tokens, value FROM metrics WHERE "
                                       "run_id = ?1 ORDER BY name, step"));
  query.Bind(1, run_id);
  std::vector<MetricRow> rows;
  while (query.Step())
    rows.push_back({query.Text(0), query.Int(1), query.Double(2), query.Double(3)});
  MIXRUN_RETURN_IF_ERROR(query.status());
  return rows;
}

Result<std::map<int64_t, std::map<std::string, double>>> Store::FinalMetrics(
    const RunFilter& filter) {
  MIXRUN_ASSIGN_OR_RETURN(
      Statement query,
      db_->Prepare("SELECT f.run_id, f.name, f.value FROM final_metrics AS f JOIN runs AS r ON "
                   "r.id = f.run_id JOIN experiments AS e ON e.id = r.experiment_id WHERE "
                   "(?1 IS NULL OR e.name = ?1) AND (?2 IS NULL OR r.status = ?2)"));
  query.Bind(1, filter.experiment).Bind(2, StatusText(filter.status));
  std::map<int64_t, std::map<std::string, double>> values;
  while (query.Step()) values[query.Int(0)][query.Text(1)] = query.Double(2);
  MIXRUN_RETURN_IF_ERROR(query.status());
  return values;
}

Status Store::ForEachMetric(const RunFilter& filter,
                            const std::function<void(int64_t, const MetricRow&)>& row) {
  MIXRUN_ASSIGN_OR_RETURN(
      Statement query,
      db_->Prepare("SELECT m.run_id, m.name, m.step, m.tokens, m.value FROM metrics AS m JOIN "
                   "runs AS r ON r.id = m.run_id JOIN experiments AS e ON e.id = "
                   "r.experiment_id WHERE (?1 IS NULL OR e.name = ?1) AND (?2 IS NULL OR "
                   "r.status = ?2) ORDER BY m.run_id, m.name, m.step"));
  query.Bind(1, filter.experiment).Bind(2, StatusText(filter.status));
  while (query.Step()) {
    row(query.Int(0), {query.Text(1), query.Int(2), query.Double(3), query.Double(4)});
  }
  return query.status();
}

}  // namespace mixrun
