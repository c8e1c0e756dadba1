// Store: merging another store (a Slurm task's shard) into this one by run_key.
#include <filesystem>
#include <map>

#include "store/run_state.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace mixrun {
namespace {

namespace fs = std::filesystem;

// The other store is attached to this connection as "shard" (the SQL below names it so).
// Detaches the shard when the merge is over, whatever happened (statements on it must be gone).
class AttachedShard {
 public:
  explicit AttachedShard(Database& db) : db_(db) {}
  ~AttachedShard() {
    if (attached_) (void)db_.Execute("DETACH DATABASE shard");
  }
  Status Attach(const std::string& path) {
    MIXRUN_ASSIGN_OR_RETURN(Statement attach, db_.Prepare("ATTACH DATABASE ?1 AS shard"));
    attach.Bind(1, path);
    MIXRUN_RETURN_IF_ERROR(attach.Run());
    attached_ = true;
    return Status::Ok();
  }

 private:
  Database& db_;
  bool attached_ = false;
};

// Maps every experiment of the shard to the main store's (by name), adding those it lacks with
// their config and domains.
Result<std::map<int64_t, int64_t>> MergeExperiments(Database& db) {
  std::map<int64_t, int64_t> ids;
  MIXRUN_ASSIGN_OR_RETURN(Statement shard_experiments,
                          db.Prepare("SELECT id, name FROM shard.experiments ORDER BY id"));
  MIXRUN_ASSIGN_OR_RETURN(Statement find,
                          db.Prepare("SELECT id FROM main.experiments WHERE name = ?1"));
  MIXRUN_ASSIGN_OR_RETURN(
      Statement insert,
      db.Prepare("INSERT INTO main.experiments (name, config_json, config_sha256, created_at) "
                 "SELECT name, config_json, config_sha256, created_at FROM shard.experiments "
                 "WHERE id = ?1"));
  MIXRUN_ASSIGN_OR_RETURN(
      Statement domains,
      db.Prepare("INSERT OR IGNORE INTO main.domains (experiment_id, name, tokens) "
                 "SELECT ?1, name, tokens FROM shard.domains WHERE experiment_id = ?2"));
  while (shard_experiments.Step()) {
    int64_t shard_id = shard_experiments.Int(0);
    find.Reset();
    find.Bind(1, shard_experiments.Text(1));
    int64_t main_id = 0;
    if (find.Step()) {
      main_id = find.Int(0);
    } else {
      MIXRUN_RETURN_IF_ERROR(find.status());
      insert.Bind(1, shard_id);
      MIXRUN_RETURN_IF_ERROR(insert.Run());
      main_id = db.LastInsertId();
    }
    find.Reset();
    domains.Bind(1, main_id).Bind(2, shard_id);
    MIXRUN_RETURN_IF_ERROR(domains.Run());
    ids[shard_id] = main_id;
  }
  MIXRUN_RETURN_IF_ERROR(shard_experiments.status());
  return ids;
}

Status MergeRuns(Database& db, const std::map<int64_t, int64_t>& experiment_ids,
                 MergeCounts& counts) {
  MIXRUN_ASSIGN_OR_RETURN(Statement shard_runs,
                          db.Prepare("SELECT id, experiment_id, run_key, status, finished_at, "
                                     "started_at, attempts FROM shard.runs ORDER BY id"));
  MIXRUN_ASSIGN_OR_RETURN(Statement find,
                          db.Prepare("SELECT id, status, finished_at, started_at, attempts "
                                     "FROM main.runs WHERE run_key = ?1"));
  MIXRUN_ASSIGN_OR_RETURN(
      Statement insert_run,
      db.Prepare("INSERT INTO main.runs (experiment_id, run_key, label, status, model_json, "
                 "n_params, n_params_nonembed, n_tokens, flops, seed, source, host, pid, "
                 "started_at, finished_at, wall_s, error, attempts, created_at, spec_json, "
                 "settings_json, settings_id) "
                 "SELECT ?1, run_key, label, status, model_json, n_params, n_params_nonembed, "
                 "n_tokens, flops, seed, source, host, pid, started_at, finished_at, wall_s, "
                 "error, attempts, created_at, spec_json, settings_json, settings_id "
                 "FROM shard.runs WHERE id = ?2"));
  MIXRUN_ASSIGN_OR_RETURN(
      Statement insert_weights,
      db.Prepare("INSERT OR IGNORE INTO main.run_weights (run_id, domain, weight) "
                 "SELECT ?1, domain, weight FROM shard.run_weights WHERE run_id = ?2"));
  MIXRUN_ASSIGN_OR_RETURN(
      Statement update_run,
      db.Prepare("UPDATE main.runs SET (status, host, pid, started_at, finished_at, wall_s, "
                 "error, attempts) = (SELECT status, host, pid, started_at, finished_at, wall_s, "
                 "error, attempts FROM shard.runs WHERE id = ?2) WHERE id = ?1"));
  MIXRUN_ASSIGN_OR_RETURN(Statement delete_metrics,
                          db.Prepare("DELETE FROM main.metrics WHERE run_id = ?1"));
  MIXRUN_ASSIGN_OR_RETURN(
      Statement copy_metrics,
      db.Prepare("INSERT INTO main.metrics (run_id, name, step, tokens, value) "
                 "SELECT ?1, name, step, tokens, value FROM shard.metrics WHERE run_id = ?2"));

  auto copy_history = [&](int64_t main_id, int64_t shard_id) -> Status {
    copy_metrics.Bind(1, main_id).Bind(2, shard_id);
    MIXRUN_RETURN_IF_ERROR(copy_metrics.Run());
    counts.metric_rows += db.Changes();
    return Status::Ok();
  };

  while (shard_runs.Step()) {
    int64_t shard_id = shard_runs.Int(0);
    RunState shard_state{RunStatusFromColumn(shard_runs.Text(3)), shard_runs.Text(4),
                         shard_runs.Text(5), shard_runs.Int(6)};
    ++counts.runs;
    switch (shard_state.status) {
      case RunStatus::kDone:
        ++counts.done;
        break;
      case RunStatus::kFailed:
        ++counts.failed;
        break;
      case RunStatus::kRunning:
        ++counts.running;
        break;
      case RunStatus::kPending:
        ++counts.pending;
        break;
    }
    find.Reset();
    find.Bind(1, shard_runs.Text(2));
    if (!find.Step()) {
      MIXRUN_RETURN_IF_ERROR(find.status());
      find.Reset();
      auto experiment = experiment_ids.find(shard_runs.Int(1));
      if (experiment == experiment_ids.end()) {
        return Status::Failed("run " + shard_runs.Text(2) + " names an unknown experiment");
      }
      insert_run.Bind(1, experiment->second).Bind(2, shard_id);
      MIXRUN_RETURN_IF_ERROR(insert_run.Run());
      int64_t main_id = db.LastInsertId();
      insert_weights.Bind(1, main_id).Bind(2, shard_id);
      MIXRUN_RETURN_IF_ERROR(insert_weights.Run());
      MIXRUN_RETURN_IF_ERROR(copy_history(main_id, shard_id));
      ++counts.added;
      continue;
    }
    int64_t main_id = find.Int(0);
    RunState main_state{RunStatusFromColumn(find.Text(1)), find.Text(2), find.Text(3), find.Int(4)};
    find.Reset();
    if (!IsNewerRunState(shard_state, main_state)) {
      ++counts.unchanged;
      continue;
    }
    // The winning copy's whole history replaces the old one: a resumed run's rows after its
    // checkpoint differ from those the interrupted attempt wrote.
    update_run.Bind(1, main_id).Bind(2, shard_id);
    MIXRUN_RETURN_IF_ERROR(update_run.Run());
    delete_metrics.Bind(1, main_id);
    MIXRUN_RETURN_IF_ERROR(delete_metrics.Run());
    MIXRUN_RETURN_IF_ERROR(copy_history(main_id, shard_id));
    ++counts.updated;
  }
  return shard_runs.status();
}

}  // namespace

Result<MergeCounts> Store::MergeFrom(const std::string& shard_path) {
  std::error_code error;
  if (!fs::exists(shard_path, error)) return Status::NotFound(shard_path + ": no such shard store");
  if (fs::file_size(shard_path, error) == 0) {
    return Status::InvalidInput(shard_path + ": empty file, not a shard store (yet)");
  }
  if (fs::equivalent(shard_path, path(), error)) {
    return Status::InvalidInput(shard_path + ": this is the main store itself");
  }
  {
    // Opening checks that it is a mixrun store of a schema this mixrun reads (and migrates an
    // older one) before the main store's connection ever reads it.
    auto shard = Store::Open(shard_path, Store::Mode::kMustExist);
    if (!shard.ok()) return shard.status();
    if ((*shard)->schema_version() != schema_version()) {
      return Status::InvalidInput(shard_path + ": schema v" +
                                  std::to_string((*shard)->schema_version()) +
                                  " differs from the main store's");
    }
  }
  Database& db = *db_;
  AttachedShard attached(db);
  MIXRUN_RETURN_IF_ERROR(attached.Attach(shard_path).WithContext(shard_path));
  MergeCounts counts;
  counts.path = shard_path;
  {
    Transaction transaction(db);
    MIXRUN_RETURN_IF_ERROR(transaction.begin_status());
    auto experiment_ids = MergeExperiments(db);
    if (!experiment_ids.ok()) return experiment_ids.status().WithContext("merging " + shard_path);
    MIXRUN_RETURN_IF_ERROR(
        MergeRuns(db, *experiment_ids, counts).WithContext("merging " + shard_path));
    MIXRUN_RETURN_IF_ERROR(transaction.Commit().WithContext("merging " + shard_path));
  }
  return counts;
}

}  // namespace mixrun
