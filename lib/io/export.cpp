#include "io/export.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "common/format.h"
#include "common/run_settings.h"
#include "csv/csv.h"

namespace mixrun {
namespace {

using nlohmann::json;

// JSON has no NaN: absent values are null.
json NumberOrNull(double value) { return std::isnan(value) ? json(nullptr) : json(value); }

std::string OptionalInt(const std::optional<int64_t>& value) {
  return value ? std::to_string(*value) : "";
}

Status ExportHistory(Store& store, const ExportOptions& options, std::ostream& out) {
  MIXRUN_ASSIGN_OR_RETURN(std::vector<RunRow> runs, store.ListRuns(options.filter));
  std::map<int64_t, const RunRow*> by_id;
  for (const RunRow& run : runs) by_id[run.id] = &run;
  if (options.format == "csv") out << "run_id,experiment,run_key,name,step,tokens,value\n";
  json rows = json::array();
  Status status = store.ForEachMetric(options.filter, [&](int64_t run_id, const MetricRow& m) {
    const RunRow& run = *by_id.at(run_id);
    if (options.format == "csv") {
      out << run_id << ',' << CsvEscape(run.experiment) << ',' << run.spec.run_key << ','
          << CsvEscape(m.name) << ',' << m.step << ',' << FormatDouble(m.tokens) << ','
          << FormatDouble(m.value) << '\n';
    } else {
      rows.push_back({{"run_id", run_id},
                      {"experiment", run.experiment},
                      {"run_key", run.spec.run_key},
                      {"name", m.name},
                      {"step", m.step},
                      {"tokens", NumberOrNull(m.tokens)},
                      {"value", NumberOrNull(m.value)}});
    }
  });
  MIXRUN_RETURN_IF_ERROR(status);
  if (options.format == "json") out << rows.dump(2) << '\n';
  return Status::Ok();
}

}  // namespace

json RunJson(const RunRow& run, const std::map<std::string, double>& final_metrics) {
  json metrics = json::object();
  for (const auto& [name, value] : final_metrics) metrics[name] = NumberOrNull(value);
  return {
      {"run_id", run.id},
      {"experiment", run.experiment},
      {"run_key", run.spec.run_key},
      {"label", run.spec.label},
      {"status", RunStatusName(run.spec.status)},
      {"source", run.spec.source},
      {"n_params", NumberOrNull(run.spec.n_params)},
      {"n_params_nonembed", NumberOrNull(run.spec.n_params_nonembed)},
      {"n_tokens", NumberOrNull(run.spec.n_tokens)},
      {"flops", NumberOrNull(run.spec.flops)},
      {"seed", run.spec.seed ? json(*run.spec.seed) : json(nullptr)},
      {"wall_s", NumberOrNull(run.wall_s)},
      {"error", run.error.empty() ? json(nullptr) : json(run.error)},
      {"settings_id", run.spec.settings_id.empty() ? json(nullptr) : json(run.spec.settings_id)},
      {"settings", FlattenSettings(run.spec.settings_json)},
      {"weights", run.spec.weights},
      {"metrics", metrics}};
}

Status ExportRuns(Store& store, const ExportOptions& options, std::ostream& out) {
  if (options.format != "csv" && options.format != "json") {
    return Status::InvalidInput("--format: '" + options.format + "' is not csv or json");
  }
  if (options.history) return ExportHistory(store, options, out);
  MIXRUN_ASSIGN_OR_RETURN(std::vector<RunRow> runs, store.ListRuns(options.filter));
  MIXRUN_ASSIGN_OR_RETURN(auto finals, store.FinalMetrics(options.filter));

  if (options.format == "json") {
    json rows = json::array();
    for (const RunRow& run : runs) rows.push_back(RunJson(run, finals[run.id]));
    out << rows.dump(2) << '\n';
    return Status::Ok();
  }

  // Columns: the union of domains and metric names over the exported runs, sorted, and the
  // training settings that differ between them (what tells runs of one experiment apart).
  std::set<std::string> domains, metric_names;
  std::vector<std::map<std::string, std::string>> settings;
  std::vector<const std::map<std::string, std::string>*> distinct_settings;
  std::set<std::string> seen_settings;
  for (const RunRow& run : runs) {
    for (const auto& [domain, weight] : run.spec.weights) domains.insert(domain);
    settings.push_back(FlattenSettings(run.spec.settings_json));
  }
  for (size_t i = 0; i < runs.size(); ++i) {
    if (seen_settings.insert(runs[i].spec.settings_id).second) {
      distinct_settings.push_back(&settings[i]);
    }
  }
  const std::vector<std::string> setting_columns = distinct_settings.size() > 1
                                                       ? DifferingSettings(distinct_settings)
                                                       : std::vector<std::string>{};
  for (const auto& [run_id, metrics] : finals) {
    for (const auto& [name, value] : metrics) metric_names.insert(name);
  }
  out << "run_id,experiment,run_key,label,status,source,n_params,n_params_nonembed,n_tokens,flops,"
         "seed,"
         "wall_s,error,settings_id";
  for (const auto& key : setting_columns) out << ',' << CsvEscape(kSettingColumnPrefix + key);
  for (const auto& domain : domains) out << ',' << CsvEscape(kWeightColumnPrefix + domain);
  for (const auto& name : metric_names) out << ',' << CsvEscape(kMetricColumnPrefix + name);
  out << '\n';
  for (size_t r = 0; r < runs.size(); ++r) {
    const RunRow& run = runs[r];
    out << run.id << ',' << CsvEscape(run.experiment) << ',' << run.spec.run_key << ','
        << CsvEscape(run.spec.label) << ',' << RunStatusName(run.spec.status) << ','
        << run.spec.source << ',' << FormatDouble(run.spec.n_params) << ','
        << FormatDouble(run.spec.n_params_nonembed) << ',' << FormatDouble(run.spec.n_tokens) << ','
        << FormatDouble(run.spec.flops) << ',' << OptionalInt(run.spec.seed) << ','
        << FormatDouble(run.wall_s) << ',' << CsvEscape(run.error) << ',' << run.spec.settings_id;
    for (const auto& key : setting_columns) {
      auto found = settings[r].find(key);
      out << ',' << (found == settings[r].end() ? "" : CsvEscape(found->second));
    }
    for (const auto& domain : domains) {
      auto found = run.spec.weights.find(domain);
      out << ',' << (found == run.spec.weights.end() ? "" : FormatDouble(found->second));
    }
    const auto& metrics = finals[run.id];
    for (const auto& name : metric_names) {
      auto found = metrics.find(name);
      out << ',' << (found == metrics.end() ? "" : FormatDouble(found->second));
    }
    out << '\n';
  }
  return Status::Ok();
}

}  // namespace mixrun
