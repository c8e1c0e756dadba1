// Store: merging other stores (a Slurm array's shards) into this one by run_key, all in one
// transaction. Each shard is read through its own connection rather than ATTACHed: SQLite
// refuses ATTACH inside a transaction and attaches at most 10 databases, and an array has more.
#include <filesystem>
#include <map>

#include "store/run_state.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace mixrun {
namespace {

namespace fs = std::filesystem;

// Copies the experiments of `shard` that `main` lacks (by name), with their configs and domains;
// returns the shard's experiment ids mapped to main's.
Result<std::map<int64_t, int64_t>> MergeExperiments(Database& main, Database& shard) {
  std::map<int64_t, int64_t> ids;
  MIXRUN_ASSIGN_OR_RETURN(
      Statement experiments,
      shard.Prepare("SELECT id, name, config_json, config_sha256, created_at FROM experiments "
                    "ORDER BY id"));
  MIXRUN_ASSIGN_OR_RETURN(Statement find,
                          main.Prepare("SELECT id FROM experiments WHERE name = ?1"));
  MIXRUN_ASSIGN_OR_RETURN(
      Statement insert,
      main.Prepare("INSERT INTO experiments (name, config_json, config_sha256, created_at) "
                   "VALUES (?1, ?2, ?3, ?4)"));
  MIXRUN_ASSIGN_OR_RETURN(
      Statement shard_configs,
      shard.Prepare("SELECT config_sha256, config_json, created_at FROM experiment_configs "
                    "WHERE experiment_id = ?1"));
  MIXRUN_ASSIGN_OR_RETURN(
      Statement insert_config,
      main.Prepare("INSERT OR IGNORE INTO experiment_configs (experiment_id, config_sha256, "
                   "config_json, created_at) VALUES (?1, ?2, ?3, ?4)"));
  MIXRUN_ASSIGN_OR_RETURN(
      Statement shard_domains,
      shard.Prepare("SELECT name, tokens FROM domains WHERE experiment_id = ?1"));
  MIXRUN_ASSIGN_OR_RETURN(
      Statement insert_domain,
      main.Prepare("INSERT OR IGNORE INTO domains (experiment_id, name, tokens) "
                   "VALUES (?1, ?2, ?3)"));
  while (experiments.Step()) {
    const int64_t shard_id = experiments.Int(0);
    find.Bind(1, experiments.Text(1));
    int64_t main_id = 0;
    if (find.Step()) {
      main_id = find.Int(0);
    } else {
      MIXRUN_RETURN_IF_ERROR(find.status());
      insert.BindColumn(1, experiments, 1).BindColumn(2, experiments, 2);
      MIXRUN_RETURN_IF_ERROR(
          insert.BindColumn(3, experiments, 3).BindColumn(4, experiments, 4).Run());
      main_id = main.LastInsertId();
    }
    find.Reset();
    // Every config version the shard knows: runs it trained under one keep their provenance.
    shard_configs.Bind(1, shard_id);
    while (shard_configs.Step()) {
      insert_config.Bind(1, main_id).BindColumn(2, shard_configs, 0);
      MIXRUN_RETURN_IF_ERROR(
          insert_config.BindColumn(3, shard_configs, 1).BindColumn(4, shard_configs, 2).Run());
    }
    MIXRUN_RETURN_IF_ERROR(shard_configs.status());
    shard_configs.Reset();
    shard_domains.Bind(1, shard_id);
    while (shard_domains.Step()) {
      insert_domain.Bind(1, main_id).BindColumn(2, shard_domains, 0);
      MIXRUN_RETURN_IF_ERROR(insert_domain.BindColumn(3, shard_domains, 1).Run());
    }
    MIXRUN_RETURN_IF_ERROR(shard_domains.status());
    shard_domains.Reset();
    ids[shard_id] = main_id;
  }
  MIXRUN_RETURN_IF_ERROR(experiments.status());
  return ids;
}

// The runs columns a merge copies, in this order; the shard's query reads id, experiment_id and
// then these (so column c of the list is column c + 2 of a shard row).
constexpr std::string_view kRunColumns =
    "run_key, label, status, model_json, n_params, n_params_nonembed, n_tokens, flops, seed, "
    "source, host, pid, started_at, finished_at, wall_s, error, attempts, created_at, spec_json, "
    "settings_json, settings_id";
constexpr int kRunColumnCount = 21;
enum ShardRunColumn {  // indices in a shard row
  kId = 0,
  kExperimentId = 1,
  kRunKey = 2,
  kStatus = 4,
  kHost = 12,
  kPid = 13,
  kStartedAt = 14,
  kFinishedAt = 15,
  kWallS = 16,
  kError = 17,
  kAttempts = 18,
};

Status MergeRuns(Database& main, Database& shard, const std::map<int64_t, int64_t>& experiment_ids,
                 MergeCounts& counts) {
  MIXRUN_ASSIGN_OR_RETURN(Statement shard_runs,
                          shard.Prepare("SELECT id, experiment_id, " + std::string(kRunColumns) +
                                        " FROM runs ORDER BY id"));
  MIXRUN_ASSIGN_OR_RETURN(Statement find,
                          main.Prepare("SELECT id, status, finished_at, started_at, attempts "
                                       "FROM runs WHERE run_key = ?1"));
  std::string placeholders = "?1";
  for (int i = 2; i <= kRunColumnCount + 1; ++i) placeholders += ", ?" + std::to_string(i);
  MIXRUN_ASSIGN_OR_RETURN(Statement insert_run, main.Prepare("INSERT INTO runs (experiment_id, " +
                                                             std::string(kRunColumns) +
                                                             ") VALUES (" + placeholders + ")"));
  MIXRUN_ASSIGN_OR_RETURN(
      Statement shard_weights,
      shard.Prepare("SELECT domain, weight FROM run_weights WHERE run_id = ?1"));
  MIXRUN_ASSIGN_OR_RETURN(Statement insert_weight,
                          main.Prepare("INSERT OR IGNORE INTO run_weights (run_id, domain, weight) "
                                       "VALUES (?1, ?2, ?3)"));
  MIXRUN_ASSIGN_OR_RETURN(
      Statement update_run,
      main.Prepare("UPDATE runs SET status = ?2, host = ?3, pid = ?4, started_at = ?5, "
                   "finished_at = ?6, wall_s = ?7, error = ?8, attempts = ?9 WHERE id = ?1"));
  MIXRUN_ASSIGN_OR_RETURN(Statement delete_metrics,
                          main.Prepare("DELETE FROM metrics WHERE run_id = ?1"));
  MIXRUN_ASSIGN_OR_RETURN(
      Statement shard_metrics,
      shard.Prepare("SELECT name, step, tokens, value FROM metrics WHERE run_id = ?1"));
  MIXRUN_ASSIGN_OR_RETURN(Statement insert_metric,
                          main.Prepare("INSERT INTO metrics (run_id, name, step, tokens, value) "
                                       "VALUES (?1, ?2, ?3, ?4, ?5)"));

  auto copy_history = [&](int64_t main_id, int64_t shard_id) -> Status {
    shard_metrics.Bind(1, shard_id);
    while (shard_metrics.Step()) {
      insert_metric.Bind(1, main_id);
      for (int c = 0; c < 4; ++c) insert_metric.BindColumn(c + 2, shard_metrics, c);
      MIXRUN_RETURN_IF_ERROR(insert_metric.Run());
      ++counts.metric_rows;
    }
    MIXRUN_RETURN_IF_ERROR(shard_metrics.status());
    shard_metrics.Reset();
    return Status::Ok();
  };

  while (shard_runs.Step()) {
    const int64_t shard_id = shard_runs.Int(kId);
    RunState shard_state{RunStatusFromColumn(shard_runs.Text(kStatus)),
                         shard_runs.Text(kFinishedAt), shard_runs.Text(kStartedAt),
                         shard_runs.Int(kAttempts)};
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
    find.Bind(1, shard_runs.Text(kRunKey));
    if (!find.Step()) {
      MIXRUN_RETURN_IF_ERROR(find.status());
      find.Reset();
      auto experiment = experiment_ids.find(shard_runs.Int(kExperimentId));
      if (experiment == experiment_ids.end()) {
        return Status::InvalidInput("run " + shard_runs.Text(kRunKey) +
                                    " names an unknown experiment");
      }
      insert_run.Bind(1, experiment->second);
      for (int c = 0; c < kRunColumnCount; ++c) insert_run.BindColumn(c + 2, shard_runs, c + 2);
      MIXRUN_RETURN_IF_ERROR(insert_run.Run());
      const int64_t main_id = main.LastInsertId();
      shard_weights.Bind(1, shard_id);
      while (shard_weights.Step()) {
        insert_weight.Bind(1, main_id).BindColumn(2, shard_weights, 0);
        MIXRUN_RETURN_IF_ERROR(insert_weight.BindColumn(3, shard_weights, 1).Run());
      }
      MIXRUN_RETURN_IF_ERROR(shard_weights.status());
      shard_weights.Reset();
      MIXRUN_RETURN_IF_ERROR(copy_history(main_id, shard_id));
      ++counts.added;
      continue;
    }
    const int64_t main_id = find.Int(0);
    RunState main_state{RunStatusFromColumn(find.Text(1)), find.Text(2), find.Text(3), find.Int(4)};
    find.Reset();
    if (!IsNewerRunState(shard_state, main_state)) {
      ++counts.unchanged;
      continue;
    }
    // The winning copy's whole history replaces the old one: a resumed run's rows after its
    // checkpoint differ from those the interrupted attempt wrote.
    update_run.Bind(1, main_id);
    const int state_columns[] = {kStatus,     kHost,  kPid,   kStartedAt,
                                 kFinishedAt, kWallS, kError, kAttempts};
    for (int i = 0; i < 8; ++i) update_run.BindColumn(i + 2, shard_runs, state_columns[i]);
    MIXRUN_RETURN_IF_ERROR(update_run.Run());
    MIXRUN_RETURN_IF_ERROR(delete_metrics.Bind(1, main_id).Run());
    MIXRUN_RETURN_IF_ERROR(copy_history(main_id, shard_id));
    ++counts.updated;
  }
  return shard_runs.status();
}

// Opens a store to merge, checking first that it is one: a mixrun store of this store's schema
// (an older one is migrated), and not this store itself.
Result<std::unique_ptr<Store>> OpenShard(const std::string& shard_path, const Store& main) {
  std::error_code error;
  if (!fs::exists(shard_path, error)) return Status::NotFound(shard_path + ": no such shard store");
  if (fs::file_size(shard_path, error) == 0) {
    return Status::InvalidInput(shard_path + ": empty file, not a shard store (yet)");
  }
  if (fs::equivalent(shard_path, main.path(), error)) {
    return Status::InvalidInput(shard_path + ": this is the main store itself");
  }
  MIXRUN_ASSIGN_OR_RETURN(auto shard, Store::Open(shard_path, Store::Mode::kMustExist));
  if (shard->schema_version() != main.schema_version()) {
    return Status::InvalidInput(shard_path + ": schema v" +
                                std::to_string(shard->schema_version()) +
                                " differs from the main store's");
  }
  return shard;
}

}  // namespace

Result<std::vector<MergeCounts>> Store::MergeFrom(const std::vector<std::string>& paths) {
  const std::string unchanged = "nothing was merged: " + path() + " is unchanged";
  // Every shard is checked before anything is written, so all the bad ones are named at once.
  std::vector<std::unique_ptr<Store>> shards;
  std::vector<Status> errors;
  for (const std::string& shard_path : paths) {
    auto shard = OpenShard(shard_path, *this);
    if (shard.ok()) {
      shards.push_back(std::move(*shard));
    } else {
      errors.push_back(shard.status());
    }
  }
  if (!errors.empty()) {
    std::string message;
    for (const Status& error : errors) message += error.message() + "\n";
    message += unchanged;
    return errors.front().code() == Status::Code::kNotFound ? Status::NotFound(message)
                                                            : Status::InvalidInput(message);
  }
  std::vector<MergeCounts> merged;
  Transaction transaction(*db_);
  MIXRUN_RETURN_IF_ERROR(transaction.begin_status());
  for (auto& shard : shards) {
    MergeCounts counts;
    counts.path = shard->path();
    Status status = [&]() -> Status {
      MIXRUN_ASSIGN_OR_RETURN(auto experiment_ids, MergeExperiments(*db_, *shard->db_));
      return MergeRuns(*db_, *shard->db_, experiment_ids, counts);
    }();
    if (!status.ok()) {
      // The transaction rolls back: no shard's rows stay. A shard damaged past its header is
      // found only here, and is as much bad input as one that is not a store at all.
      const int shard_error = shard->db_->last_error() & 0xFF;
      const bool damaged = shard_error == SQLITE_CORRUPT || shard_error == SQLITE_NOTADB;
      std::string message = "merging " + shard->path() + ": " + status.message() + "\n" + unchanged;
      if (damaged) return Status::InvalidInput(std::move(message));
      return status.code() == Status::Code::kFailed ? Status::Failed(std::move(message))
                                                    : Status::InvalidInput(std::move(message));
    }
    merged.push_back(std::move(counts));
  }
  MIXRUN_RETURN_IF_ERROR(transaction.Commit());
  return merged;
}

Result<MergeCounts> Store::MergeFrom(const std::string& shard_path) {
  MIXRUN_ASSIGN_OR_RETURN(std::vector<MergeCounts> merged,
                          MergeFrom(std::vector<std::string>{shard_path}));
  return std::move(merged.front());
}

}  // namespace mixrun
