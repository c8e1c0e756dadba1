#include "io/import.h"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "common/metric_names.h"
#include "common/names.h"
#include "common/sha256.h"
#include "csv/csv.h"

namespace mixrun {
namespace {

// Where a column of the joined rows comes from.
struct ColumnRef {
  size_t file = 0;
  size_t column = 0;
};

// The files joined on the key column, read one joined row at a time: the first file in order,
// and for it the matching row of every other file, found through an index of where each of that
// file's rows starts (so only the keys are held, never the files).
class JoinedRows {
 public:
  static Result<std::unique_ptr<JoinedRows>> Open(const ImportOptions& options) {
    auto rows = std::unique_ptr<JoinedRows>(new JoinedRows(options.on));
    for (const std::string& path : options.files) {
      MIXRUN_ASSIGN_OR_RETURN(auto reader, CsvReader::Open(path));
      rows->files_.push_back(std::move(reader));
    }
    if (rows->files_.empty()) return Status::InvalidInput("import: no CSV file given");
    if (rows->files_.size() > 1 && options.on.empty()) {
      return Status::InvalidInput("import: several files need --on COLUMN to join them");
    }
    rows->rows_.resize(rows->files_.size());
    rows->index_.resize(rows->files_.size());
    if (options.on.empty()) return rows;
    for (size_t f = 0; f < rows->files_.size(); ++f) {
      CsvReader& file = *rows->files_[f];
      auto column = file.Column(options.on);
      if (!column) {
        return Status::InvalidInput(file.path() + ": no column '" + options.on + "' to join on");
      }
      rows->on_columns_.push_back(*column);
      if (f > 0) MIXRUN_RETURN_IF_ERROR(rows->Index(f));
    }
    return rows;
  }

  size_t file_count() const { return files_.size(); }
  const CsvReader& file(size_t f) const { return *files_[f]; }
  // Rows of file f (f > 0) that the join can reach.
  size_t indexed_rows(size_t f) const { return index_[f].size(); }

  std::optional<ColumnRef> Find(const std::string& name) const {
    for (size_t f = 0; f < files_.size(); ++f) {
      if (auto column = files_[f]->Column(name)) return ColumnRef{f, *column};
    }
    return std::nullopt;
  }

  // The next row of the first file joined to its matches; false at the end.
  Result<bool> Next() {
    MIXRUN_ASSIGN_OR_RETURN(bool more, files_[0]->Next(rows_[0]));
    if (!more || on_.empty()) return more;
    const std::string& key = rows_[0].fields[on_columns_[0]];
    if (!first_keys_.insert(key).second) {
      return Status::InvalidInput(Where() + ": duplicate " + on_ + " '" + key + "'");
    }
    for (size_t f = 1; f < files_.size(); ++f) {
      auto match = index_[f].find(key);
      if (match == index_[f].end()) {
        return Status::InvalidInput(files_[f]->path() + ": no row with " + on_ + " '" + key +
                                    "' (needed by " + Where() + ")");
      }
      MIXRUN_RETURN_IF_ERROR(files_[f]->Seek(match->second));
      MIXRUN_ASSIGN_OR_RETURN(bool found, files_[f]->Next(rows_[f]));
      if (!found) return Status::Failed(files_[f]->path() + ": changed while it was read");
    }
    return true;
  }

  // Back to the first row, for another pass.
  Status Rewind() {
    first_keys_.clear();
    for (auto& file : files_) MIXRUN_RETURN_IF_ERROR(file->Rewind());
    return Status::Ok();
  }

  const std::string& Text(ColumnRef ref) const { return rows_[ref.file].fields[ref.column]; }
  Result<double> Number(ColumnRef ref) const {
    return files_[ref.file]->Number(rows_[ref.file], ref.column);
  }
  std::string Where(ColumnRef ref) const { return files_[ref.file]->Where(rows_[ref.file]); }
  std::string Where() const { return Where({0, 0}); }

 private:
  explicit JoinedRows(std::string on) : on_(std::move(on)) {}

  Status Index(size_t f) {
    CsvReader& file = *files_[f];
    CsvRow row;
    while (true) {
      MIXRUN_ASSIGN_OR_RETURN(bool more, file.Next(row));
      if (!more) break;
      const std::string& key = row.fields[on_columns_[f]];
      if (!index_[f].emplace(key, row.position).second) {
        return Status::InvalidInput(file.Where(row) + ": duplicate " + on_ + " '" + key + "'");
      }
    }
    return Status::Ok();
  }

  std::string on_;
  std::vector<std::unique_ptr<CsvReader>> files_;
  std::vector<size_t> on_columns_;                                   // per file, with --on
  std::vector<std::unordered_map<std::string, CsvPosition>> index_;  // files after the first
  std::unordered_set<std::string> first_keys_;  // the first file's keys read in this pass
  std::vector<CsvRow> rows_;                    // the current joined row, one per file
};

// Columns by prefix across all files (the join column excluded), in file order.
std::vector<std::pair<std::string, ColumnRef>> PrefixedColumns(const JoinedRows& rows,
                                                               const std::string& prefix,
                                                               const std::string& on) {
  std::vector<std::pair<std::string, ColumnRef>> columns;
  if (prefix.empty()) return columns;
  for (size_t f = 0; f < rows.file_count(); ++f) {
    const auto& header = rows.file(f).header();
    for (size_t c = 0; c < header.size(); ++c) {
      if (header[c] != on && header[c].size() > prefix.size() &&
          header[c].compare(0, prefix.size(), prefix) == 0) {
        columns.emplace_back(header[c].substr(prefix.size()), ColumnRef{f, c});
      }
    }
  }
  return columns;
}

Result<std::optional<ColumnRef>> OptionalColumn(const JoinedRows& rows, const std::string& name,
                                                const std::string& flag) {
  if (name.empty()) return std::optional<ColumnRef>();
  auto ref = rows.Find(name);
  if (!ref) {
    return Status::InvalidInput(flag + ": no column '" + name + "' in " + rows.file(0).path() +
                                (rows.file_count() > 1 ? " or the files joined to it" : ""));
  }
  return std::optional<ColumnRef>(ref);
}

// Which columns hold what, checked against the headers before any row is read.
struct ImportColumns {
  std::vector<std::pair<std::string, ColumnRef>> weights;  // domain -> column
  std::vector<std::pair<std::string, ColumnRef>> metrics;  // metric name -> column
  std::optional<ColumnRef> n, d, c, on;
};

Result<ImportColumns> FindColumns(const JoinedRows& rows, const ImportOptions& options) {
  ImportColumns columns;
  columns.weights = PrefixedColumns(rows, options.weights_prefix, options.on);
  columns.metrics = PrefixedColumns(rows, options.metrics_prefix, options.on);
  for (const auto& [name, column] : options.metrics) {
    MIXRUN_ASSIGN_OR_RETURN(auto ref, OptionalColumn(rows, column, "--metric " + name));
    columns.metrics.emplace_back(name, *ref);
  }
  for (const auto& [domain, ref] : columns.weights) {
    const std::string& path = rows.file(ref.file).path();
    if (IsReservedDomainName(domain)) {
      return Status::InvalidInput(path + ": column '" + options.weights_prefix + domain +
                                  "' (--weights-prefix): " + ReservedDomainNameReason(domain) +
                                  "; rename the column");
    }
    if (domain.size() <= kMaxNameLength) continue;
    return Status::InvalidInput(path + ": column '" + options.weights_prefix +
                                domain.substr(0, 20) + "…' names a domain of " +
                                std::to_string(domain.size()) + " characters; names are at most " +
                                std::to_string(kMaxNameLength));
  }
  if (!options.weights_prefix.empty() && columns.weights.empty()) {
    return Status::InvalidInput("--weights-prefix: no column starts with '" +
                                options.weights_prefix + "'");
  }
  if (!options.metrics_prefix.empty() && columns.metrics.empty()) {
    return Status::InvalidInput("--metrics-prefix: no column starts with '" +
                                options.metrics_prefix + "'");
  }
  if (columns.metrics.empty()) {
    return Status::InvalidInput("import: no metric to import (give --metrics-prefix or --metric)");
  }
  std::set<std::string> metric_names;
  for (const auto& [name, ref] : columns.metrics) {
    if (!metric_names.insert(name).second) {
      return Status::InvalidInput("import: metric '" + name + "' comes from two columns");
    }
  }
  MIXRUN_ASSIGN_OR_RETURN(columns.n, OptionalColumn(rows, options.n_column, "--n"));
  MIXRUN_ASSIGN_OR_RETURN(columns.d, OptionalColumn(rows, options.d_column, "--d"));
  MIXRUN_ASSIGN_OR_RETURN(columns.c, OptionalColumn(rows, options.c_column, "--c"));
  if (!options.on.empty()) columns.on = rows.Find(options.on);
  return columns;
}

// One row of the files as a finished run with its final metrics.
struct ImportedRun {
  RunSpec spec;
  std::vector<MetricRow> metrics;
  bool weight_sum_off = false;  // weights summing further than 1% from 1
};

// Without `keyed`, the run key is left empty (checking rows needs no key).
Result<ImportedRun> ReadRun(const JoinedRows& rows, const ImportColumns& columns,
                            const ImportOptions& options, bool keyed) {
  ImportedRun imported;
  RunSpec& run = imported.spec;
  run.status = RunStatus::kDone;
  run.source = "import";
  double weight_sum = 0;
  for (const auto& [domain, ref] : columns.weights) {
    MIXRUN_ASSIGN_OR_RETURN(double weight, rows.Number(ref));
    if (weight < 0) {
      return Status::InvalidInput(rows.Where(ref) + ": negative weight for domain '" + domain +
                                  "'");
    }
    run.weights[domain] = weight;
    weight_sum += weight;
  }
  imported.weight_sum_off = !columns.weights.empty() && std::abs(weight_sum - 1) > 0.01;
  if (columns.n) {
    MIXRUN_ASSIGN_OR_RETURN(run.n_params, rows.Number(*columns.n));
  }
  if (columns.d) {
    MIXRUN_ASSIGN_OR_RETURN(run.n_tokens, rows.Number(*columns.d));
    // Runs train on whole tokens: a fraction means the column holds another unit (billions?).
    if (run.n_tokens != std::floor(run.n_tokens)) {
      return Status::InvalidInput(rows.Where(*columns.d) + ": column '" + options.d_column +
                                  "' (--d): a token count must be a whole number, found '" +
                                  rows.Text(*columns.d) + "'");
    }
  }
  if (columns.c) {
    MIXRUN_ASSIGN_OR_RETURN(run.flops, rows.Number(*columns.c));
  }
  if (std::isnan(run.n_tokens) && !std::isnan(run.flops) && !std::isnan(run.n_params)) {
    run.n_tokens = run.flops / (6 * run.n_params);
  }
  if (std::isnan(run.flops) && !std::isnan(run.n_tokens) && !std::isnan(run.n_params)) {
    run.flops = 6 * run.n_params * run.n_tokens;
  }
  for (const auto& [name, ref] : columns.metrics) {
    if (rows.Text(ref).empty()) continue;  // a metric this run does not have
    MIXRUN_ASSIGN_OR_RETURN(double value, rows.Number(ref));
    imported.metrics.push_back({name, 0, std::isnan(run.n_tokens) ? 0.0 : run.n_tokens, value});
  }
  run.label = columns.on ? rows.Text(*columns.on) : rows.Where();
  if (!keyed) return imported;
  nlohmann::json identity = {{"experiment", options.experiment}, {"source", "import"}};
  if (columns.on) identity["row"] = run.label;
  identity["weights"] = run.weights;
  for (const auto& [key, value] :
       {std::pair{"n", run.n_params}, {"d", run.n_tokens}, {"c", run.flops}}) {
    if (!std::isnan(value)) identity[key] = value;
  }
  if (!columns.on) {  // without a row id, the row's values are its identity
    for (const auto& metric : imported.metrics) identity["metrics"][metric.name] = metric.value;
  }
  run.run_key = Sha256Hex(identity.dump());
  return imported;
}

std::string DescribeValue(double value) {
  return std::isnan(value) ? std::string("none") : fmt::format("{}", value);
}

// Writes one batch of runs in one transaction and adds what happened to `summary`.
Status WriteBatch(Store& store, int64_t experiment_id, const ImportOptions& options,
                  std::vector<RunSpec>& runs, std::vector<std::vector<MetricRow>>& metrics,
                  ImportSummary& summary) {
  if (runs.empty()) return Status::Ok();
  MIXRUN_ASSIGN_OR_RETURN(
      AddRunsResult added,
      store.AddRuns(experiment_id, runs, metrics,
                    options.update ? ExistingRuns::kReplaceMetrics : ExistingRuns::kKeep));
  summary.added += added.added;
  summary.existing += added.existing;
  summary.differing += static_cast<int>(added.differing.size());
  summary.updated += added.replaced;
  constexpr size_t kExamples = 3;
  for (const StoredDifference& difference : added.differing) {
    if (summary.differing_examples.size() >= kExamples) break;
    summary.differing_examples.push_back(runs[difference.run].label + ": " + difference.metric +
                                         " stored " + DescribeValue(difference.stored) + ", file " +
                                         DescribeValue(difference.given));
  }
  runs.clear();
  metrics.clear();
  if (options.batch_committed) options.batch_committed(summary.added + summary.existing);
  return Status::Ok();
}

}  // namespace

Result<ImportSummary> ImportCsv(Store& store, const ImportOptions& options) {
  if (options.experiment.empty()) return Status::InvalidInput("import: --experiment is required");
  if (options.experiment.size() > kMaxNameLength) {
    return Status::InvalidInput(
        "import: --experiment is " + std::to_string(options.experiment.size()) +
        " characters long; names are at most " + std::to_string(kMaxNameLength));
  }
  MIXRUN_ASSIGN_OR_RETURN(std::unique_ptr<JoinedRows> rows, JoinedRows::Open(options));
  MIXRUN_ASSIGN_OR_RETURN(ImportColumns columns, FindColumns(*rows, options));

  // First pass: every row checked, nothing kept (import.h: a fault writes nothing).
  ImportSummary summary;
  while (true) {
    MIXRUN_ASSIGN_OR_RETURN(bool more, rows->Next());
    if (!more) break;
    MIXRUN_ASSIGN_OR_RETURN(ImportedRun run, ReadRun(*rows, columns, options, /*keyed=*/false));
    ++summary.rows;
    if (run.weight_sum_off) ++summary.weight_sums_off;
  }
  for (size_t f = 1; f < rows->file_count(); ++f) {
    const size_t rows_in_file = rows->indexed_rows(f);
    if (rows_in_file != static_cast<size_t>(summary.rows)) {
      spdlog::warn("{}: {} rows have no match in {} and are not imported", rows->file(f).path(),
                   rows_in_file - summary.rows, rows->file(0).path());
    }
  }
  if (summary.weight_sums_off > 0) {
    spdlog::warn("{} of {} rows have weights summing further than 1% from 1; stored as given",
                 summary.weight_sums_off, summary.rows);
  }

  // Second pass: the same rows again, written in batches.
  MIXRUN_ASSIGN_OR_RETURN(std::optional<ExperimentRow> existing,
                          store.FindExperiment(options.experiment));
  int64_t experiment_id = 0;
  if (existing) {
    experiment_id = existing->id;
  } else {
    nlohmann::json config = {{"name", options.experiment}, {"imported_from", options.files}};
    MIXRUN_ASSIGN_OR_RETURN(experiment_id, store.PutExperiment(options.experiment, config.dump()));
  }
  MIXRUN_RETURN_IF_ERROR(rows->Rewind());
  const size_t batch_rows = static_cast<size_t>(std::max(1, options.batch_rows));
  std::vector<RunSpec> runs;
  std::vector<std::vector<MetricRow>> metrics;
  while (true) {
    MIXRUN_ASSIGN_OR_RETURN(bool more, rows->Next());
    if (!more) break;
    MIXRUN_ASSIGN_OR_RETURN(ImportedRun run, ReadRun(*rows, columns, options, /*keyed=*/true));
    runs.push_back(std::move(run.spec));
    metrics.push_back(std::move(run.metrics));
    if (runs.size() >= batch_rows) {
      MIXRUN_RETURN_IF_ERROR(WriteBatch(store, experiment_id, options, runs, metrics, summary));
    }
  }
  MIXRUN_RETURN_IF_ERROR(WriteBatch(store, experiment_id, options, runs, metrics, summary));

  if (summary.differing > 0 && options.update) {
    spdlog::info("{} runs already stored with different values: replaced them with the file's",
                 summary.updated);
  } else if (summary.differing > 0) {
    std::string examples;
    for (const auto& example : summary.differing_examples) examples += "\n  " + example;
    spdlog::warn(
        "{} runs already stored with different values: kept the stored ones; pass --update to "
        "replace them, e.g.{}",
        summary.differing, examples);
  }
  for (const auto& [domain, ref] : columns.weights) summary.domains.push_back(domain);
  for (const auto& [name, ref] : columns.metrics) summary.metrics.push_back(name);
  return summary;
}

}  // namespace mixrun
