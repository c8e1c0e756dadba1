// JoinedRows: several CSV files joined on one column, read one joined row at a time — the first
// file in order, and for each of its rows the matching row of every other file, found through an
// index of where each of that file's rows starts (so only the keys are held, never the files).
// With a step column (eval histories) a file holding it is joined on (run, step), one without it
// on the run alone (e.g. a mixture file of one row per run beside a history of one row per step).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/status.h"
#include "csv/csv.h"

namespace mixrun {

// Where a column of the joined rows comes from.
struct ColumnRef {
  size_t file = 0;
  size_t column = 0;
};

class JoinedRows {
 public:
  // `on` may be empty for one file; `step` (may be empty) needs `on` and must be a column of the
  // first file.
  static Result<std::unique_ptr<JoinedRows>> Open(const std::vector<std::string>& files,
                                                  const std::string& on, const std::string& step);

  size_t file_count() const { return files_.size(); }
  const CsvReader& file(size_t f) const { return *files_[f]; }
  // Rows of file f (f > 0) that the join can reach.
  size_t indexed_rows(size_t f) const { return index_[f].size(); }
  std::optional<ColumnRef> Find(const std::string& name) const;
  // Whether file f is joined on (run, step) rather than on the run alone.
  bool keyed_by_step(size_t f) const {
    return f < step_columns_.size() && step_columns_[f].has_value();
  }

  // The next row of the first file joined to its matches; false at the end.
  Result<bool> Next();
  // The first file's row at `position` (as position() reported it) joined to its matches.
  Result<bool> ReadAt(const CsvPosition& position);
  // Where the current row of the first file starts.
  const CsvPosition& position() const { return rows_[0].position; }
  // Back to the first row, for another pass.
  Status Rewind();

  const std::string& Text(ColumnRef ref) const { return rows_[ref.file].fields[ref.column]; }
  Result<double> Number(ColumnRef ref) const {
    return files_[ref.file]->Number(rows_[ref.file], ref.column);
  }
  std::string Where(ColumnRef ref) const { return files_[ref.file]->Where(rows_[ref.file]); }
  std::string Where() const { return Where({0, 0}); }

 private:
  JoinedRows(std::string on, std::string step) : on_(std::move(on)), step_(std::move(step)) {}
  // The join key of a row of file f: its run, and its step when the file is keyed by step.
  std::string Key(size_t f, const CsvRow& row) const;
  std::string Describe(const std::string& key) const;
  Status Index(size_t f);
  Result<bool> Join(bool more);

  std::string on_, step_;
  std::vector<std::unique_ptr<CsvReader>> files_;
  std::vector<size_t> on_columns_;                   // per file, with --on
  std::vector<std::optional<size_t>> step_columns_;  // per file: keyed by (run, step) when set
  std::vector<std::unordered_map<std::string, CsvPosition>> index_;  // files after the first
  std::unordered_set<std::string> first_keys_;  // the first file's keys read in this pass
  std::vector<CsvRow> rows_;                    // the current joined row, one per file
};

}  // namespace mixrun
