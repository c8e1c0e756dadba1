// A thin RAII layer over SQLite: a connection, prepared statements and transactions.
// Every SQL failure becomes a Status naming the database file and SQLite's message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mixrun {

class Database;

// A prepared statement. Bind with 1-based indices, then Step() until it returns false.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, int64_t{value}); }
  Statement& Bind(int index, double value);  // NaN binds as NULL
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);
  // Binds column `column` of `source`'s current row as it is (type and value), e.g. from another
  // connection's statement.
  Statement& BindColumn(int index, const Statement& source, int column);
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  // Advances; true when a row is available. Errors end up in status().
  bool Step();
  // Runs the statement to completion and resets it; returns the status.
  Status Run();
  Status status() const { return status_; }
  void Reset();

  bool IsNull(int column) const;
  int64_t Int(int column) const;
  double Double(int column) const;  // NULL reads as NaN
  std::string Text(int column) const;

 private:
  friend class Database;
  Statement(Database* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Database* db_;
  sqlite3_stmt* stmt_;
  Status status_;
};

class Database {
 public:
  enum class OpenMode {
    kCreate,     // read-write, creating the file if missing
    kReadWrite,  // read-write, the file must exist
    kReadOnly,   // SQLITE_OPEN_READONLY: reads, still sharing WAL locks with writers (-shm)
    // Read-only and trusting the file not to change (URI immutable=1): no locks, no -shm or
    // -wal, so it works where those cannot be created (a read-only directory). It ignores a WAL
    // file's content and sees a concurrent writer's checkpoint mid-way: only for a store no one
    // writes, with no -wal file.
    kImmutable,
  };
  // Opens the file. Nothing is written by opening.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, OpenMode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Result<Statement> Prepare(std::string_view sql);
  // Runs one or more statements without parameters (schema, pragmas).
  Status Execute(std::string_view sql);
  int64_t LastInsertId() const;
  int Changes() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_; }
  // A Status naming the file, `what` and SQLite's message; remembers the error's code.
  Status Error(std::string_view what) const;
  // The (extended) result code of the last failure seen through this connection.
  int last_error() const { return last_error_; }
  // Whether the last failure was another connection's lock outlasting the busy timeout.
  bool LastErrorIsLock() const;
  void ClearLastError() { last_error_ = SQLITE_OK; }

 private:
  Database(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  std::string path_;
  sqlite3* db_;
  mutable int last_error_ = SQLITE_OK;
};

// BEGIN IMMEDIATE on construction; rolls back unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Status begin_status() const { return begin_status_; }
  Status Commit();

 private:
  Database& db_;
  Status begin_status_;
  bool open_ = false;
};

}  // namespace mixrun
