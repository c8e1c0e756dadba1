#include "io/joined_rows.h"

namespace mixrun {

Result<std::unique_ptr<JoinedRows>> JoinedRows::Open(const std::vector<std::string>& files,
                                                     const std::string& on,
                                                     const std::string& step) {
  auto rows = std::unique_ptr<JoinedRows>(new JoinedRows(on, step));
  for (const std::string& path : files) {
    MIXRUN_ASSIGN_OR_RETURN(auto reader, CsvReader::Open(path));
    rows->files_.push_back(std::move(reader));
  }
  if (rows->files_.empty()) return Status::InvalidInput("import: no CSV file given");
  if (rows->files_.size() > 1 && on.empty()) {
    return Status::InvalidInput("import: several files need --on COLUMN to join them");
  }
  if (!step.empty() && on.empty()) {
    return Status::InvalidInput(
        "import: --step needs --on RUN_COLUMN (the rows of one run share its value)");
  }
  rows->rows_.resize(rows->files_.size());
  rows->index_.resize(rows->files_.size());
  if (on.empty()) return rows;
  for (size_t f = 0; f < rows->files_.size(); ++f) {
    CsvReader& file = *rows->files_[f];
    auto column = file.Column(on);
    if (!column) {
      return Status::InvalidInput(file.path() + ": no column '" + on + "' to join on");
    }
    rows->on_columns_.push_back(*column);
    rows->step_columns_.push_back(step.empty() ? std::nullopt : file.Column(step));
    if (f == 0 && !step.empty() && !rows->step_columns_[0]) {
      return Status::InvalidInput(file.path() + ": no column '" + step +
                                  "' (--step); the first file must hold the steps");
    }
    if (f > 0) MIXRUN_RETURN_IF_ERROR(rows->Index(f));
  }
  return rows;
}

std::optional<ColumnRef> JoinedRows::Find(const std::string& name) const {
  for (size_t f = 0; f < files_.size(); ++f) {
    if (auto column = files_[f]->Column(name)) return ColumnRef{f, *column};
  }
  return std::nullopt;
}

std::string JoinedRows::Key(size_t f, const CsvRow& row) const {
  std::string key = row.fields[on_columns_[f]];
  if (step_columns_[f]) key += '\x1f' + row.fields[*step_columns_[f]];
  return key;
}

std::string JoinedRows::Describe(const std::string& key) const {
  const size_t split = key.find('\x1f');
  if (split == std::string::npos) return on_ + " '" + key + "'";
  return on_ + " '" + key.substr(0, split) + "' at " + step_ + " '" + key.substr(split + 1) + "'";
}

Result<bool> JoinedRows::Next() {
  MIXRUN_ASSIGN_OR_RETURN(bool more, files_[0]->Next(rows_[0]));
  return Join(more);
}

Result<bool> JoinedRows::ReadAt(const CsvPosition& position) {
  MIXRUN_RETURN_IF_ERROR(files_[0]->Seek(position));
  MIXRUN_ASSIGN_OR_RETURN(bool found, files_[0]->Next(rows_[0]));
  if (!found) return Status::Failed(files_[0]->path() + ": changed while it was read");
  return Join(true);
}

Result<bool> JoinedRows::Join(bool more) {
  if (!more || on_.empty()) return more;
  const std::string key = Key(0, rows_[0]);
  if (!first_keys_.insert(key).second) {
    return Status::InvalidInput(Where() + ": duplicate " + Describe(key));
  }
  const std::string& run = rows_[0].fields[on_columns_[0]];
  for (size_t f = 1; f < files_.size(); ++f) {
    const std::string& wanted = step_columns_[f] ? key : run;
    auto match = index_[f].find(wanted);
    if (match == index_[f].end()) {
      return Status::InvalidInput(files_[f]->path() + ": no row with " + Describe(wanted) +
                                  " (needed by " + Where() + ")");
    }
    MIXRUN_RETURN_IF_ERROR(files_[f]->Seek(match->second));
    MIXRUN_ASSIGN_OR_RETURN(bool found, files_[f]->Next(rows_[f]));
    if (!found) return Status::Failed(files_[f]->path() + ": changed while it was read");
  }
  return true;
}

Status JoinedRows::Rewind() {
  first_keys_.clear();
  for (auto& file : files_) MIXRUN_RETURN_IF_ERROR(file->Rewind());
  return Status::Ok();
}

Status JoinedRows::Index(size_t f) {
  CsvReader& file = *files_[f];
  CsvRow row;
  while (true) {
    MIXRUN_ASSIGN_OR_RETURN(bool more, file.Next(row));
    if (!more) break;
    const std::string key = Key(f, row);
    if (!index_[f].emplace(key, row.position).second) {
      return Status::InvalidInput(file.Where(row) + ": duplicate " + Describe(key));
    }
  }
  return Status::Ok();
}

}  // namespace mixrun
