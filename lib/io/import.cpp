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
#include "io/joined_rows.h"

namespace mixrun {
namespace {

// Columns by prefix across all files (the join and step columns excluded), in file order.
std::vector<std::pair<std::string, ColumnRef>> PrefixedColumns(const JoinedRows& rows,
                                                               const std::string& prefix,
                                                               const std::string& on,
                                                               const std::string& step) {
  std::vector<std::pair<std::string, ColumnRef>> columns;
  if (prefix.empty()) return columns;
  for (size_t f = 0; f < rows.file_count(); ++f) {
    const auto& header = rows.file(f).header();
    for (size_t c = 0; c < header.size(); ++c) {
      if (header[c] != on && header[c] != step && header[c].size() > prefix.size() &&
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
  std::optional<ColumnRef> n, d, c, m, on, step, tokens;
};

Result<ImportColumns> FindColumns(const JoinedRows& rows, const ImportOptions& options) {
  ImportColumns columns;
  columns.weights = PrefixedColumns(rows, options.weights_prefix, options.on, options.step_column);
  columns.metrics = PrefixedColumns(rows, options.metrics_prefix, options.on, options.step_column);
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
  MIXRUN_ASSIGN_OR_RETURN(columns.m, OptionalColumn(rows, options.m_column, "--m"));
  if (columns.m && !columns.n) {
    return Status::InvalidInput("import: --m (tokens per parameter) needs --n: D = M·N");
  }
  MIXRUN_ASSIGN_OR_RETURN(columns.step, OptionalColumn(rows, options.step_column, "--step"));
  MIXRUN_ASSIGN_OR_RETURN(columns.tokens, OptionalColumn(rows, options.tokens_column, "--tokens"));
  if ((columns.tokens || options.tokens_per_step > 0) && !columns.step) {
    return Status::InvalidInput("--tokens and --tokens-per-step need --step (the history form)");
  }
  if (columns.tokens && options.tokens_per_step > 0) {
    return Status::InvalidInput("give --tokens or --tokens-per-step, not both");
  }
  if (!options.on.empty()) columns.on = rows.Find(options.on);
  return columns;
}

// One row of the files as a finished run with its final metrics (or, in the history form, its
// metrics at the row's step).
struct ImportedRun {
  RunSpec spec;
  std::vector<MetricRow> metrics;
  bool weight_sum_off = false;  // weights summing further than 1% from 1
};

// A whole number of the column (steps, tokens), or an error naming the cell.
Result<double> WholeNumber(const JoinedRows& rows, ColumnRef ref, const std::string& flag,
                           const std::string& what) {
  MIXRUN_ASSIGN_OR_RETURN(double value, rows.Number(ref));
  if (value < 0 || value != std::floor(value)) {
    return Status::InvalidInput(
        rows.Where(ref) + ": column '" + rows.file(ref.file).header()[ref.column] + "' (" + flag +
        "): " + what + " must be a whole number ≥ 0, found '" + rows.Text(ref) + "'");
  }
  return value;
}

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
  if (columns.m && !columns.d) {
    MIXRUN_ASSIGN_OR_RETURN(double per_param, rows.Number(*columns.m));
    if (!(per_param > 0)) {
      return Status::InvalidInput(rows.Where(*columns.m) + ": column '" + options.m_column +
                                  "' (--m): tokens per parameter must be positive, found '" +
                                  rows.Text(*columns.m) + "'");
    }
    run.n_tokens = per_param * run.n_params;
  }
  if (std::isnan(run.n_tokens) && !std::isnan(run.flops) && !std::isnan(run.n_params)) {
    run.n_tokens = run.flops / (6 * run.n_params);
  }
  if (std::isnan(run.flops) && !std::isnan(run.n_tokens) && !std::isnan(run.n_params)) {
    run.flops = 6 * run.n_params * run.n_tokens;
  }
  int64_t step = 0;
  double tokens = std::isnan(run.n_tokens) ? 0.0 : run.n_tokens;
  if (columns.step) {
    MIXRUN_ASSIGN_OR_RETURN(double steps, WholeNumber(rows, *columns.step, "--step", "a step"));
    step = static_cast<int64_t>(steps);
    tokens = options.tokens_per_step > 0 ? steps * options.tokens_per_step : 0.0;
    if (columns.tokens) {
      MIXRUN_ASSIGN_OR_RETURN(tokens,
                              WholeNumber(rows, *columns.tokens, "--tokens", "a token count"));
    }
  }
  for (const auto& [name, ref] : columns.metrics) {
    if (rows.Text(ref).empty()) continue;  // a metric this run does not have
    MIXRUN_ASSIGN_OR_RETURN(double value, rows.Number(ref));
    imported.metrics.push_back({name, step, tokens, value});
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

// The history form's runs in order of first appearance: where each run's rows start in the first
// file, and its first row's mixture and scale (every row of the run must agree with them).
struct HistoryRuns {
  struct Run {
    std::vector<CsvPosition> rows;
    RunSpec first;
    std::string first_where;
  };
  std::vector<Run> runs;
  std::unordered_map<std::string, size_t> index;  // --on value -> runs[]

  Status Add(const JoinedRows& rows, const ImportedRun& row) {
    auto [found, added] = index.emplace(row.spec.label, runs.size());
    if (added) {
      runs.push_back({{rows.position()}, row.spec, rows.Where()});
      return Status::Ok();
    }
    Run& run = runs[found->second];
    run.rows.push_back(rows.position());
    auto same = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
    const RunSpec& first = run.first;
    std::string differs;
    if (first.weights != row.spec.weights) differs = "mixture";
    if (!same(first.n_params, row.spec.n_params)) differs = "N";
    if (!same(first.n_tokens, row.spec.n_tokens)) differs = "D";
    if (!same(first.flops, row.spec.flops)) differs = "C";
    if (differs.empty()) return Status::Ok();
    return Status::InvalidInput(rows.Where() + ": run '" + row.spec.label + "' has another " +
                                differs + " than on its first row (" + run.first_where +
                                "); the rows of one run must agree on its mixture and scale");
  }
};

// Reads every row of one history run back (pass two) as one run with its metrics at each step.
Result<ImportedRun> ReadHistoryRun(JoinedRows& rows, const ImportColumns& columns,
                                   const ImportOptions& options, const HistoryRuns::Run& run) {
  ImportedRun whole;
  bool first = true;
  int64_t last_step = -1;
  double last_tokens = 0;
  for (const CsvPosition& position : run.rows) {
    MIXRUN_ASSIGN_OR_RETURN(bool found, rows.ReadAt(position));
    if (!found) return Status::Failed(rows.file(0).path() + ": changed while it was read");
    MIXRUN_ASSIGN_OR_RETURN(ImportedRun row, ReadRun(rows, columns, options, /*keyed=*/true));
    if (first) whole.spec = row.spec;
    first = false;
    for (MetricRow& metric : row.metrics) {
      if (metric.step > last_step) {
        last_step = metric.step;
        last_tokens = metric.tokens;
      }
      whole.metrics.push_back(std::move(metric));
    }
  }
  RunSpec& spec = whole.spec;
  if (std::isnan(spec.n_tokens) && last_tokens > 0) {  // D: the tokens seen at the last step
    spec.n_tokens = last_tokens;
    if (std::isnan(spec.flops) && !std::isnan(spec.n_params)) {
      spec.flops = 6 * spec.n_params * spec.n_tokens;
    }
  }
  return whole;
}

}  // namespace

Result<ImportSummary> ImportCsv(Store& store, const ImportOptions& options) {
  if (options.experiment.empty()) return Status::InvalidInput("import: --experiment is required");
  if (options.experiment.size() > kMaxNameLength) {
    return Status::InvalidInput(
        "import: --experiment is " + std::to_string(options.experiment.size()) +
        " characters long; names are at most " + std::to_string(kMaxNameLength));
  }
  if (!(options.tokens_per_step >= 0 && std::isfinite(options.tokens_per_step))) {
    return Status::InvalidInput("--tokens-per-step must be a positive number");
  }
  MIXRUN_ASSIGN_OR_RETURN(std::unique_ptr<JoinedRows> rows,
                          JoinedRows::Open(options.files, options.on, options.step_column));
  MIXRUN_ASSIGN_OR_RETURN(ImportColumns columns, FindColumns(*rows, options));
  const bool history = columns.step.has_value();

  // First pass: every row checked, nothing kept but, in the history form, where each run's rows
  // are (import.h: a fault writes nothing).
  ImportSummary summary;
  HistoryRuns runs_of_history;
  while (true) {
    MIXRUN_ASSIGN_OR_RETURN(bool more, rows->Next());
    if (!more) break;
    MIXRUN_ASSIGN_OR_RETURN(ImportedRun run, ReadRun(*rows, columns, options, /*keyed=*/false));
    ++summary.rows;
    if (history) {
      MIXRUN_RETURN_IF_ERROR(runs_of_history.Add(*rows, run));
      if (runs_of_history.runs.back().rows.size() > 1) continue;
    }
    if (run.weight_sum_off) ++summary.weight_sums_off;
  }
  summary.runs = history ? static_cast<int>(runs_of_history.runs.size()) : summary.rows;
  for (size_t f = 1; f < rows->file_count(); ++f) {
    const size_t rows_in_file = rows->indexed_rows(f);
    const int expected = rows->keyed_by_step(f) ? summary.rows : summary.runs;
    if (rows_in_file != static_cast<size_t>(expected)) {
      spdlog::warn("{}: {} rows have no match in {} and are not imported", rows->file(f).path(),
                   rows_in_file - expected, rows->file(0).path());
    }
  }
  if (summary.weight_sums_off > 0) {
    spdlog::warn("{} of {} runs have weights summing further than 1% from 1; stored as given",
                 summary.weight_sums_off, summary.runs);
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
  size_t next_history_run = 0;
  while (true) {
    ImportedRun run;
    if (history) {
      if (next_history_run == runs_of_history.runs.size()) break;
      MIXRUN_ASSIGN_OR_RETURN(
          run, ReadHistoryRun(*rows, columns, options, runs_of_history.runs[next_history_run++]));
    } else {
      MIXRUN_ASSIGN_OR_RETURN(bool more, rows->Next());
      if (!more) break;
      MIXRUN_ASSIGN_OR_RETURN(run, ReadRun(*rows, columns, options, /*keyed=*/true));
    }
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
