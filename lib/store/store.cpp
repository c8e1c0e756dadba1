#include "store/store.h"

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/sha256.h"
#include "store/schema.h"
#include "store/sqlite.h"

namespace mixrun {
namespace {

// Checks the file's SQLite header without opening it through SQLite, so that a file of another
// program is never touched (SQLite would write a journal or change its mode).
Status CheckExistingFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidInput(path + ": cannot read the file");
  unsigned char header[100] = {};
  in.read(reinterpret_cast<char*>(header), sizeof header);
  if (in.gcount() < static_cast<std::streamsize>(sizeof header) ||
      std::memcmp(header, "SQLite format 3", 16) != 0) {
    return Status::InvalidInput(path +
                                ": not a mixrun store (not an SQLite database); "
                                "refusing to touch it");
  }
  int32_t application_id = (int32_t(header[68]) << 24) | (int32_t(header[69]) << 16) |
                           (int32_t(header[70]) << 8) | int32_t(header[71]);
  if (application_id != kStoreApplicationId) {
    return Status::InvalidInput(path +
                                ": not a mixrun store (an SQLite database of another "
                                "program); refusing to touch it");
  }
  return Status::Ok();
}

Result<int64_t> QueryInt(Database& db, std::string_view sql) {
  MIXRUN_ASSIGN_OR_RETURN(Statement statement, db.Prepare(sql));
  if (!statement.Step()) {
    return statement.status().ok() ? db.Error("no result") : statement.status();
  }
  return statement.Int(0);
}

// Whether this process may write the file and create files next to it (-wal, -shm).
bool CanWrite(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return ::access(path.c_str(), W_OK) == 0 &&
         ::access(parent.empty() ? "." : parent.c_str(), W_OK) == 0;
}

// Opens an existing store for reading only (Store::Mode::kReadOnly). Where we may write, a
// read-write connection whose statements cannot write (query_only): a read-only one would leave
// -wal and -shm files behind, since only a writer removes them. Elsewhere a read-only connection;
// SQLite reads a WAL store through its -shm file, which it cannot create in a folder we cannot
// write: when that is why the read fails and no -wal file holds changes the main file lacks, the
// file is read as immutable instead (see Database::OpenMode::kImmutable).
Result<std::unique_ptr<Database>> OpenForReading(const std::string& path) {
  if (CanWrite(path)) {
    MIXRUN_ASSIGN_OR_RETURN(auto db, Database::Open(path, Database::OpenMode::kReadWrite));
    MIXRUN_RETURN_IF_ERROR(db->Execute("PRAGMA busy_timeout = 30000; PRAGMA query_only = 1"));
    return db;
  }
  MIXRUN_ASSIGN_OR_RETURN(auto db, Database::Open(path, Database::OpenMode::kReadOnly));
  MIXRUN_RETURN_IF_ERROR(db->Execute("PRAGMA busy_timeout = 30000"));
  auto probe = QueryInt(*db, "PRAGMA user_version");
  if (probe.ok()) return db;
  const int primary = db->last_error() & 0xFF;
  if (primary != SQLITE_READONLY && primary != SQLITE_CANTOPEN) return probe.status();
  std::error_code error;
  const std::string wal = path + "-wal";
  if (std::filesystem::exists(wal, error) && std::filesystem::file_size(wal, error) > 0) {
    return Status::Failed(path + ": cannot read the store: its write-ahead log " + wal +
                          " holds changes that only a process allowed to write in its folder "
                          "can read (" +
                          probe.status().message() + ")");
  }
  MIXRUN_ASSIGN_OR_RETURN(db, Database::Open(path, Database::OpenMode::kImmutable));
  MIXRUN_RETURN_IF_ERROR(QueryInt(*db, "PRAGMA user_version").status());
  return db;
}

}  // namespace

Store::Store(std::unique_ptr<Database> db) : db_(std::move(db)) {}
Store::~Store() = default;

const std::string& Store::path() const { return db_->path(); }

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, Mode mode) {
  std::error_code error;
  bool exists = std::filesystem::exists(path, error);
  bool empty = exists && std::filesystem::file_size(path, error) == 0;
  if (mode == Mode::kReadOnly) {
    if (!exists) return Open(path, Mode::kMustExist);  // the same message
    if (empty) return Status::InvalidInput(path + ": empty file, not a mixrun store (yet)");
    MIXRUN_RETURN_IF_ERROR(CheckExistingFile(path));
    MIXRUN_ASSIGN_OR_RETURN(auto db, OpenForReading(path));
    MIXRUN_ASSIGN_OR_RETURN(int64_t version, QueryInt(*db, "PRAGMA user_version"));
    if (version > StoreSchemaVersion()) return Open(path, Mode::kMustExist);  // its message
    if (version < StoreSchemaVersion()) {
      db.reset();
      auto migrated = Open(path, Mode::kMustExist);
      if (migrated.ok()) return migrated;
      return migrated.status().WithContext(
          path + ": this store (schema v" + std::to_string(version) + ") must be migrated to v" +
          std::to_string(StoreSchemaVersion()) +
          " before this mixrun reads it, which needs write access to it and its folder");
    }
    return std::unique_ptr<Store>(new Store(std::move(db)));
  }
  if (!exists && mode == Mode::kMustExist) {
    return Status::NotFound(path +
                            ": no such store (create it with 'mixrun import' or "
                            "'mixrun plan')");
  }
  if (exists && !empty) MIXRUN_RETURN_IF_ERROR(CheckExistingFile(path));
  if (!exists) {
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, error);
  }

  MIXRUN_ASSIGN_OR_RETURN(auto db, Database::Open(path, Database::OpenMode::kCreate));
  MIXRUN_RETURN_IF_ERROR(db->Execute("PRAGMA busy_timeout = 30000"));
  MIXRUN_ASSIGN_OR_RETURN(int64_t version, QueryInt(*db, "PRAGMA user_version"));
  if (version > StoreSchemaVersion()) {
    return Status::InvalidInput(path + ": this store was written by a newer mixrun (schema v" +
                                std::to_string(version) + "; this mixrun knows up to v" +
                                std::to_string(StoreSchemaVersion()) + "); upgrade mixrun");
  }
  std::unique_ptr<Store> store(new Store(std::move(db)));
  MIXRUN_RETURN_IF_ERROR(store->Migrate());
  MIXRUN_RETURN_IF_ERROR(store->db_->Execute("PRAGMA foreign_keys = ON"));
  // WAL only after the schema exists: the header then carries the application id in the main
  // file itself, which is what CheckExistingFile reads.
  MIXRUN_RETURN_IF_ERROR(store->db_->Execute("PRAGMA journal_mode = WAL"));
  MIXRUN_RETURN_IF_ERROR(store->db_->Execute("PRAGMA synchronous = NORMAL"));
  return store;
}

Status Store::SetLockWaits(const LockWaits& waits) {
  MIXRUN_RETURN_IF_ERROR(
      db_->Execute("PRAGMA busy_timeout = " + std::to_string(waits.busy_timeout.count())));
  lock_waits_ = waits;
  return Status::Ok();
}

int Store::schema_version() const {
  auto version = QueryInt(*db_, "PRAGMA user_version");
  return version.ok() ? static_cast<int>(*version) : -1;
}

Status Store::Migrate() {
  MIXRUN_ASSIGN_OR_RETURN(int64_t version, QueryInt(*db_, "PRAGMA user_version"));
  if (version == StoreSchemaVersion()) return Status::Ok();
  if (version == 0) {
    MIXRUN_RETURN_IF_ERROR(
        db_->Execute("PRAGMA application_id = " + std::to_string(kStoreApplicationId)));
  }
  Transaction transaction(*db_);
  MIXRUN_RETURN_IF_ERROR(transaction.begin_status());
  // Another process may have migrated while we waited for the write lock.
  MIXRUN_ASSIGN_OR_RETURN(version, QueryInt(*db_, "PRAGMA user_version"));
  const auto& migrations = StoreMigrations();
  for (int64_t v = version; v < static_cast<int64_t>(migrations.size()); ++v) {
    MIXRUN_RETURN_IF_ERROR(
        db_->Execute(migrations[v])
            .WithContext("migrating the store to schema v" + std::to_string(v + 1)));
  }
  MIXRUN_RETURN_IF_ERROR(
      db_->Execute("PRAGMA user_version = " + std::to_string(migrations.size())));
  return transaction.Commit();
}

Result<int64_t> Store::PutExperiment(const std::string& name, const std::string& config_json) {
  MIXRUN_ASSIGN_OR_RETURN(Statement upsert,
                          db_->Prepare("INSERT INTO experiments (name, config_json, config_sha256) "
                                       "VALUES (?1, ?2, ?3) ON CONFLICT (name) DO UPDATE SET "
                                       "config_json = ?2, config_sha256 = ?3 RETURNING id"));
  upsert.Bind(1, name).Bind(2, config_json).Bind(3, Sha256Hex(config_json));
  if (!upsert.Step()) return upsert.status().ok() ? db_->Error("upsert failed") : upsert.status();
  int64_t id = upsert.Int(0);
  while (upsert.Step()) {
  }
  MIXRUN_RETURN_IF_ERROR(upsert.status());
  // Every config the experiment had stays: runs of an older version keep their provenance.
  MIXRUN_ASSIGN_OR_RETURN(Statement version,
                          db_->Prepare("INSERT OR IGNORE INTO experiment_configs (experiment_id, "
                                       "config_sha256, config_json) VALUES (?1, ?2, ?3)"));
  MIXRUN_RETURN_IF_ERROR(
      version.Bind(1, id).Bind(2, Sha256Hex(config_json)).Bind(3, config_json).Run());
  return id;
}

Result<std::optional<ExperimentRow>> Store::FindExperiment(const std::string& name) {
  MIXRUN_ASSIGN_OR_RETURN(Statement query,
                          db_->Prepare("SELECT id, name, config_json, config_sha256, created_at "
                                       "FROM experiments WHERE name = ?1"));
  query.Bind(1, name);
  if (!query.Step()) {
    MIXRUN_RETURN_IF_ERROR(query.status());
    return std::optional<ExperimentRow>();
  }
  return std::optional<ExperimentRow>(
      ExperimentRow{query.Int(0), query.Text(1), query.Text(2), query.Text(3), query.Text(4)});
}

Result<int64_t> Store::ExperimentId(const std::string& name) {
  MIXRUN_ASSIGN_OR_RETURN(auto found, FindExperiment(name));
  if (found) return found->id;
  MIXRUN_ASSIGN_OR_RETURN(auto all, ListExperiments());
  std::string names;
  for (const auto& experiment : all) names += (names.empty() ? "" : ", ") + experiment.name;
  return Status::NotFound(path() + ": no experiment named '" + name +
                          "' (the store has: " + (names.empty() ? "none" : names) + ")");
}

Result<std::vector<ExperimentRow>> Store::ListExperiments() {
  MIXRUN_ASSIGN_OR_RETURN(Statement query,
                          db_->Prepare("SELECT id, name, config_json, config_sha256, created_at "
                                       "FROM experiments ORDER BY id"));
  std::vector<ExperimentRow> rows;
  while (query.Step()) {
    rows.push_back({query.Int(0), query.Text(1), query.Text(2), query.Text(3), query.Text(4)});
  }
  MIXRUN_RETURN_IF_ERROR(query.status());
  return rows;
}

Status Store::SetDomainTokens(int64_t experiment_id, const std::map<std::string, int64_t>& tokens) {
  Transaction transaction(*db_);
  MIXRUN_RETURN_IF_ERROR(transaction.begin_status());
  MIXRUN_ASSIGN_OR_RETURN(Statement upsert,
                          db_->Prepare("INSERT INTO domains (experiment_id, name, tokens) "
                                       "VALUES (?1, ?2, ?3) ON CONFLICT (experiment_id, name) "
                                       "DO UPDATE SET tokens = ?3"));
  for (const auto& [name, count] : tokens) {
    MIXRUN_RETURN_IF_ERROR(upsert.Bind(1, experiment_id).Bind(2, name).Bind(3, count).Run());
  }
  return transaction.Commit();
}

Result<std::map<std::string, int64_t>> Store::DomainTokens(int64_t experiment_id) {
  MIXRUN_ASSIGN_OR_RETURN(Statement query,
                          db_->Prepare("SELECT name, tokens FROM domains WHERE experiment_id = ?1 "
                                       "AND tokens IS NOT NULL"));
  query.Bind(1, experiment_id);
  std::map<std::string, int64_t> tokens;
  while (query.Step()) tokens[query.Text(0)] = query.Int(1);
  MIXRUN_RETURN_IF_ERROR(query.status());
  return tokens;
}

Result<int64_t> Store::AddFit(std::optional<int64_t> experiment_id, const std::string& law,
                              const std::string& options_json, const std::string& params_json,
                              const std::string& stats_json) {
  MIXRUN_ASSIGN_OR_RETURN(Statement insert,
                          db_->Prepare("INSERT INTO fits (experiment_id, law, options_json, "
                                       "params_json, stats_json) VALUES (?1, ?2, ?3, ?4, ?5)"));
  insert.Bind(1, experiment_id).Bind(2, law).Bind(3, options_json).Bind(4, params_json);
  MIXRUN_RETURN_IF_ERROR(insert.Bind(5, stats_json).Run());
  return db_->LastInsertId();
}

namespace {
constexpr std::string_view kFitColumns =
    "SELECT id, experiment_id, law, options_json, params_json, stats_json, created_at FROM fits";

FitRow ReadFit(const Statement& row) {
  FitRow fit;
  fit.id = row.Int(0);
  if (!row.IsNull(1)) fit.experiment_id = row.Int(1);
  fit.law = row.Text(2);
  fit.options_json = row.Text(3);
  fit.params_json = row.Text(4);
  fit.stats_json = row.Text(5);
  fit.created_at = row.Text(6);
  return fit;
}
}  // namespace

Result<FitRow> Store::GetFit(int64_t fit_id) {
  MIXRUN_ASSIGN_OR_RETURN(Statement query,
                          db_->Prepare(std::string(kFitColumns) + " WHERE id = ?1"));
  query.Bind(1, fit_id);
  if (!query.Step()) {
    MIXRUN_RETURN_IF_ERROR(query.status());
    return Status::NotFound(path() + ": no fit with id " + std::to_string(fit_id));
  }
  return ReadFit(query);
}

Result<std::vector<FitRow>> Store::ListFits(std::optional<int64_t> experiment_id) {
  MIXRUN_ASSIGN_OR_RETURN(Statement query,
                          db_->Prepare(std::string(kFitColumns) +
                                       " WHERE ?1 IS NULL OR experiment_id = ?1 ORDER BY id"));
  query.Bind(1, experiment_id);
  std::vector<FitRow> fits;
  while (query.Step()) fits.push_back(ReadFit(query));
  MIXRUN_RETURN_IF_ERROR(query.status());
  return fits;
}

Result<int64_t> Store::AddRecommendation(int64_t fit_id, const std::string& mixture_json,
                                         double predicted_loss, double interval_low,
                                         double interval_high, const std::string& options_json) {
  MIXRUN_ASSIGN_OR_RETURN(
      Statement insert,
      db_->Prepare("INSERT INTO recommendations (fit_id, mixture_json, predicted_loss, "
                   "interval_low, interval_high, options_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  insert.Bind(1, fit_id).Bind(2, mixture_json).Bind(3, predicted_loss).Bind(4, interval_low);
  MIXRUN_RETURN_IF_ERROR(insert.Bind(5, interval_high).Bind(6, options_json).Run());
  return db_->LastInsertId();
}

Result<std::optional<RecommendationRow>> Store::LatestRecommendation(int64_t fit_id) {
  MIXRUN_ASSIGN_OR_RETURN(
      Statement query,
      db_->Prepare("SELECT id, fit_id, mixture_json, predicted_loss, options_json, created_at "
                   "FROM recommendations WHERE fit_id = ?1 ORDER BY id DESC LIMIT 1"));
  query.Bind(1, fit_id);
  if (!query.Step()) {
    MIXRUN_RETURN_IF_ERROR(query.status());
    return std::optional<RecommendationRow>();
  }
  RecommendationRow row;
  row.id = query.Int(0);
  row.fit_id = query.Int(1);
  row.mixture_json = query.Text(2);
  row.predicted_loss = query.Double(3);
  row.options_json = query.Text(4);
  row.created_at = query.Text(5);
  return std::optional<RecommendationRow>(std::move(row));
}

}  // namespace mixrun
