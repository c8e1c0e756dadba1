#include "io/import.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "common/names.h"
#include "common/sha256.h"
#include "csv/csv.h"

namespace mixrun {
namespace {

// Where a column of the joined table comes from.
struct ColumnRef {
  size_t file = 0;
  size_t column = 0;
};

// The files joined on the key column: for each row of the first file, the matching row of
// every other file.
struct JoinedTable {
  std::vector<CsvTable> files;
  std::vector<std::vector<size_t>> rows;  // rows[r][f] = row index in files[f]

  std::optional<ColumnRef> Find(const std::string& name) const {
    for (size_t f = 0; f < files.size(); ++f) {
      if (auto column = files[f].Column(name)) return ColumnRef{f, *column};
    }
    return std::nullopt;
  }
  const std::string& Text(size_t row, ColumnRef ref) const {
    return files[ref.file].rows[rows[row][ref.file]][ref.column];
  }
  Result<double> Number(size_t row, ColumnRef ref) const {
    return files[ref.file].Number(rows[row][ref.file], ref.column);
  }
  std::string Where(size_t row) const { return files[0].Where(rows[row][0]); }
};

Result<JoinedTable> ReadAndJoin(const ImportOptions& options) {
  JoinedTable table;
  for (const std::string& path : options.files) {
    MIXRUN_ASSIGN_OR_RETURN(CsvTable file, ReadCsv(path));
    table.files.push_back(std::move(file));
  }
  if (table.files.empty()) return Status::InvalidInput("import: no CSV file given");
  if (table.files.size() > 1 && options.on.empty()) {
    return Status::InvalidInput("import: several files need --on COLUMN to join them");
  }
  std::vector<std::map<std::string, size_t>> by_key(table.files.size());
  if (!options.on.empty()) {
    for (size_t f = 0; f < table.files.size(); ++f) {
      const CsvTable& file = table.files[f];
      auto column = file.Column(options.on);
      if (!column) {
        return Status::InvalidInput(file.path + ": no column '" + options.on + "' to join on");
      }
      for (size_t r = 0; r < file.rows.size(); ++r) {
        if (!by_key[f].emplace(file.rows[r][*column], r).second) {
          return Status::InvalidInput(file.Where(r) + ": duplicate " + options.on + " '" +
                                      file.rows[r][*column] + "'");
        }
      }
    }
  }
  const CsvTable& first = table.files[0];
  size_t on_column = options.on.empty() ? 0 : *first.Column(options.on);
  for (size_t r = 0; r < first.rows.size(); ++r) {
    std::vector<size_t> joined = {r};
    for (size_t f = 1; f < table.files.size(); ++f) {
      const std::string& key = first.rows[r][on_column];
      auto match = by_key[f].find(key);
      if (match == by_key[f].end()) {
        return Status::InvalidInput(table.files[f].path + ": no row with " + options.on + " '" +
                                    key + "' (needed by " + first.Where(r) + ")");
      }
      joined.push_back(match->second);
    }
    table.rows.push_back(std::move(joined));
  }
  for (size_t f = 1; f < table.files.size(); ++f) {
    if (table.files[f].rows.size() != first.rows.size()) {
      spdlog::warn("{}: {} rows have no match in {} and are not imported", table.files[f].path,
                   table.files[f].rows.size() - first.rows.size(), first.path);
    }
  }
  return table;
}

// Columns by prefix across all files (the join column excluded), in file order.
std::vector<std::pair<std::string, ColumnRef>> PrefixedColumns(const JoinedTable& table,
                                                               const std::string& prefix,
                                                               const std::string& on) {
  std::vector<std::pair<std::string, ColumnRef>> columns;
  if (prefix.empty()) return columns;
  for (size_t f = 0; f < table.files.size(); ++f) {
    const auto& header = table.files[f].header;
    for (size_t c = 0; c < header.size(); ++c) {
      if (header[c] != on && header[c].size() > prefix.size() &&
          header[c].compare(0, prefix.size(), prefix) == 0) {
        columns.emplace_back(header[c].substr(prefix.size()), ColumnRef{f, c});
      }
    }
  }
  return columns;
}

Result<std::optional<ColumnRef>> OptionalColumn(const JoinedTable& table, const std::string& name,
                                                const std::string& flag) {
  if (name.empty()) return std::optional<ColumnRef>();
  auto ref = table.Find(name);
  if (!ref) {
    return Status::InvalidInput(flag + ": no column '" + name + "' in " + table.files[0].path +
                                (table.files.size() > 1 ? " or the files joined to it" : ""));
  }
  return std::optional<ColumnRef>(ref);
}

}  // namespace

Result<ImportSummary> ImportCsv(Store& store, const ImportOptions& options) {
  if (options.experiment.empty()) return Status::InvalidInput("import: --experiment is required");
  if (options.experiment.size() > kMaxNameLength) {
    return Status::InvalidInput(
        "import: --experiment is " + std::to_string(options.experiment.size()) +
        " characters long; names are at most " + std::to_string(kMaxNameLength));
  }
  MIXRUN_ASSIGN_OR_RETURN(JoinedTable table, ReadAndJoin(options));

  auto weight_columns = PrefixedColumns(table, options.weights_prefix, options.on);
  auto metric_columns = PrefixedColumns(table, options.metrics_prefix, options.on);
  for (const auto& [name, column] : options.metrics) {
    MIXRUN_ASSIGN_OR_RETURN(auto ref, OptionalColumn(table, column, "--metric " + name));
    metric_columns.emplace_back(name, *ref);
  }
  for (const auto& [domain, ref] : weight_columns) {
    if (domain.size() <= kMaxNameLength) continue;
    return Status::InvalidInput(table.files[ref.file].path + ": column '" + options.weights_prefix +
                                domain.substr(0, 20) + "…' names a domain of " +
                                std::to_string(domain.size()) + " characters; names are at most " +
                                std::to_string(kMaxNameLength));
  }
  if (!options.weights_prefix.empty() && weight_columns.empty()) {
    return Status::InvalidInput("--weights-prefix: no column starts with '" +
                                options.weights_prefix + "'");
  }
  if (!options.metrics_prefix.empty() && metric_columns.empty()) {
    return Status::InvalidInput("--metrics-prefix: no column starts with '" +
                                options.metrics_prefix + "'");
  }
  if (metric_columns.empty()) {
    return Status::InvalidInput("import: no metric to import (give --metrics-prefix or --metric)");
  }
  std::set<std::string> metric_names;
  for (const auto& [name, ref] : metric_columns) {
    if (!metric_names.insert(name).second) {
      return Status::InvalidInput("import: metric '" + name + "' comes from two columns");
    }
  }
  MIXRUN_ASSIGN_OR_RETURN(auto n_ref, OptionalColumn(table, options.n_column, "--n"));
  MIXRUN_ASSIGN_OR_RETURN(auto d_ref, OptionalColumn(table, options.d_column, "--d"));
  MIXRUN_ASSIGN_OR_RETURN(auto c_ref, OptionalColumn(table, options.c_column, "--c"));
  std::optional<ColumnRef> on_ref;
  if (!options.on.empty()) on_ref = table.Find(options.on);

  ImportSummary summary;
  std::vector<RunSpec> runs;
  std::vector<std::vector<MetricRow>> metrics;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    RunSpec run;
    run.status = RunStatus::kDone;
    run.source = "import";
    nlohmann::json identity = {{"experiment", options.experiment}, {"source", "import"}};
    double weight_sum = 0;
    for (const auto& [domain, ref] : weight_columns) {
      MIXRUN_ASSIGN_OR_RETURN(double weight, table.Number(r, ref));
      if (weight < 0) {
        return Status::InvalidInput(table.files[ref.file].Where(table.rows[r][ref.file]) +
                                    ": negative weight for domain '" + domain + "'");
      }
      run.weights[domain] = weight;
      weight_sum += weight;
    }
    if (!weight_columns.empty() && std::abs(weight_sum - 1) > 0.01) ++summary.weight_sums_off;
    if (n_ref) {
      MIXRUN_ASSIGN_OR_RETURN(run.n_params, table.Number(r, *n_ref));
    }
    if (d_ref) {
      MIXRUN_ASSIGN_OR_RETURN(run.n_tokens, table.Number(r, *d_ref));
      // Runs train on whole tokens: a fraction means the column holds another unit (billions?).
      if (run.n_tokens != std::floor(run.n_tokens)) {
        return Status::InvalidInput(table.files[d_ref->file].Where(table.rows[r][d_ref->file]) +
                                    ": column '" + options.d_column +
                                    "' (--d): a token count must be a whole number, found '" +
                                    table.Text(r, *d_ref) + "'");
      }
    }
    if (c_ref) {
      MIXRUN_ASSIGN_OR_RETURN(run.flops, table.Number(r, *c_ref));
    }
    if (std::isnan(run.n_tokens) && !std::isnan(run.flops) && !std::isnan(run.n_params)) {
      run.n_tokens = run.flops / (6 * run.n_params);
    }
    if (std::isnan(run.flops) && !std::isnan(run.n_tokens) && !std::isnan(run.n_params)) {
      run.flops = 6 * run.n_params * run.n_tokens;
    }
    std::vector<MetricRow> row_metrics;
    for (const auto& [name, ref] : metric_columns) {
      if (table.Text(r, ref).empty()) continue;  // a metric this run does not have
      MIXRUN_ASSIGN_OR_RETURN(double value, table.Number(r, ref));
      row_metrics.push_back({name, 0, std::isnan(run.n_tokens) ? 0.0 : run.n_tokens, value});
    }
    run.label = on_ref ? table.Text(r, *on_ref) : table.Where(r);
    if (on_ref) identity["row"] = run.label;
    identity["weights"] = run.weights;
    for (const auto& [key, value] :
         {std::pair{"n", run.n_params}, {"d", run.n_tokens}, {"c", run.flops}}) {
      if (!std::isnan(value)) identity[key] = value;
    }
    if (!on_ref) {  // without a row id, the row's values are its identity
      for (const auto& metric : row_metrics) identity["metrics"][metric.name] = metric.value;
    }
    run.run_key = Sha256Hex(identity.dump());
    runs.push_back(std::move(run));
    metrics.push_back(std::move(row_metrics));
  }
  summary.rows = static_cast<int>(runs.size());
  if (summary.weight_sums_off > 0) {
    spdlog::warn("{} of {} rows have weights summing further than 1% from 1; stored as given",
                 summary.weight_sums_off, summary.rows);
  }
  MIXRUN_ASSIGN_OR_RETURN(std::optional<ExperimentRow> existing,
                          store.FindExperiment(options.experiment));
  int64_t experiment_id = 0;
  if (existing) {
    experiment_id = existing->id;
  } else {
    nlohmann::json config = {{"name", options.experiment}, {"imported_from", options.files}};
    MIXRUN_ASSIGN_OR_RETURN(experiment_id, store.PutExperiment(options.experiment, config.dump()));
  }
  MIXRUN_ASSIGN_OR_RETURN(AddRunsResult added, store.AddRuns(experiment_id, runs, metrics));
  summary.added = added.added;
  summary.existing = added.existing;
  for (const auto& [domain, ref] : weight_columns) summary.domains.push_back(domain);
  for (const auto& [name, ref] : metric_columns) summary.metrics.push_back(name);
  return summary;
}

}  // namespace mixrun
