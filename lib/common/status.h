// Status and Result<T>: errors a user can cause, carried as values with their message.
// A message names the place of the fault (file, JSON pointer, CSV line); callers pass it on
// unchanged.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace mixrun {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidInput,  // the user's input is wrong (config, CSV, flags): exit code 2
    kNotFound,      // a named thing (experiment, fit, file) does not exist: exit code 2
    kFailed,        // a run or fit failed, or the environment failed us: exit code 1
    kInterrupted,   // stopped by Ctrl-C or SIGTERM: exit code 130, as a shell reports SIGINT
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidInput(std::string message) {
    return Status(Code::kInvalidInput, std::move(message));
  }
  static Status NotFound(std::string message) {
    return Status(Code::kNotFound, std::move(message));
  }
  static Status Failed(std::string message) { return Status(Code::kFailed, std::move(message)); }
  static Status Interrupted(std::string message) {
    return Status(Code::kInterrupted, std::move(message));
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // The process exit code this status maps to (docs/ARCHITECTURE.md §1: 0 ok, 1 failure, 2 bad
  // input, 130 interrupted).
  int exit_code() const {
    switch (code_) {
      case Code::kOk:
        return 0;
      case Code::kFailed:
        return 1;
      case Code::kInterrupted:
        return 130;
      default:
        return 2;
    }
  }

  // Returns a status with the same code and "context: message".
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Either a value or a non-ok Status.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace mixrun

// Returns early from the enclosing function with the status of `expr` when it is not ok.
#define MIXRUN_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::mixrun::Status mixrun_status_ = (expr);        \
    if (!mixrun_status_.ok()) return mixrun_status_; \
  } while (0)

#define MIXRUN_CONCAT_INNER(a, b) a##b
#define MIXRUN_CONCAT(a, b) MIXRUN_CONCAT_INNER(a, b)
// MIXRUN_ASSIGN_OR_RETURN(auto x, F()): x = F().value(), or return its status.
#define MIXRUN_ASSIGN_OR_RETURN(lhs, expr) \
  MIXRUN_ASSIGN_OR_RETURN_IMPL(MIXRUN_CONCAT(mixrun_result_, __LINE__), lhs, expr)
#define MIXRUN_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
