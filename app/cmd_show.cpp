// mixrun show RUN: one run whole — what was trained, how it went, its final metrics and its
// curves (a sparkline each; --json gives every history point).
#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/run_settings.h"
#include "common/sparkline.h"
#include "common/subprocess.h"
#include "common/text_table.h"
#include "io/export.h"
#include "io/run_lookup.h"
#include "train/sweep.h"

namespace mixrun {
namespace {

using nlohmann::json;

constexpr size_t kSparklineWidth = 40;

json NumberOrNull(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }

// A stored JSON column: parsed, or null when empty (imported runs have no spec).
json ParsedOrNull(const std::string& text) {
  if (text.empty()) return nullptr;
  json parsed = json::parse(text, nullptr, false);
  return parsed.is_discarded() ? json(text) : parsed;
}

// By name, each in step order (as MetricHistory returns them).
using Histories = std::map<std::string, std::vector<MetricRow>>;

// The export's row of the run (io/export.h: spec, settings, weights, final metrics) with what
// only `show` gives: its bookkeeping, its full spec and every history point.
json ShowJson(const RunRow& run, bool interrupted, const Histories& histories) {
  std::map<std::string, double> finals;
  json curves = json::object();
  for (const auto& [name, rows] : histories) {
    finals[name] = rows.back().value;
    json points = json::array();
    for (const MetricRow& row : rows) {
      points.push_back({{"step", row.step},
                        {"tokens", NumberOrNull(row.tokens)},
                        {"value", NumberOrNull(row.value)}});
    }
    curves[name] = points;
  }
  json shown = RunJson(run, finals);
  shown["interrupted"] = interrupted;
  shown["spec"] = ParsedOrNull(run.spec.spec_json);
  shown["host"] = run.host;
  shown["started_at"] = run.started_at;
  shown["finished_at"] = run.finished_at;
  shown["attempts"] = run.attempts;
  shown["histories"] = curves;
  return shown;
}

void PrintRun(const RunRow& run, bool interrupted, const Histories& histories, std::ostream& out) {
  std::string status(RunStatusName(run.spec.status));
  if (interrupted) status += " (interrupted: its process is gone; train resumes it)";
  out << "run         " << run.id << '\n'
      << "experiment  " << run.experiment << '\n'
      << "label       " << run.spec.label << '\n'
      << "key         " << run.spec.run_key << '\n'
      << "status      " << status << '\n';
  if (!run.error.empty()) out << "error       " << run.error << '\n';
  out << "N           " << HumanCount(run.spec.n_params) << '\n'
      << "D           " << HumanCount(run.spec.n_tokens) << '\n'
      << "C           " << FormatSignificant(run.spec.flops, 3) << '\n'
      << "seed        " << (run.spec.seed ? std::to_string(*run.spec.seed) : "-") << '\n';
  if (std::isfinite(run.wall_s))
    out << "wall        " << FormatSignificant(run.wall_s, 3) << " s\n";
  out << "mixture    ";
  for (const auto& [domain, weight] : run.spec.weights) {
    out << ' ' << domain << ' ' << FormatSignificant(weight, 4);
  }
  out << '\n';
  // Flat KEY value lines; the spec's settings are shown once, under settings.
  const std::map<std::string, std::string> settings = FlattenSettings(run.spec.settings_json);
  if (!settings.empty()) out << "settings\n";
  for (const auto& [key, value] : settings) out << "  " << key << "  " << value << '\n';
  bool spec_heading = false;
  for (const auto& [key, value] : FlattenSettings(run.spec.spec_json)) {
    if (settings.count(key)) continue;
    if (!spec_heading) out << "spec (besides the settings)\n";
    spec_heading = true;
    out << "  " << key << "  " << value << '\n';
  }
  if (histories.empty()) {
    out << "\nno metrics\n";
    return;
  }
  out << '\n';
  TextTable finals({"metric", "final", "step"});
  for (const auto& [name, rows] : histories) {
    finals.AddRow(
        {name, FormatSignificant(rows.back().value, 6), std::to_string(rows.back().step)});
  }
  finals.Print(out);
  TextTable curves({"curve", "over steps", "first", "min", "last", "points"});
  for (const auto& [name, rows] : histories) {
    if (rows.size() < 2) continue;
    std::vector<std::pair<double, double>> points;
    double lowest = rows.front().value;
    for (const MetricRow& row : rows) {
      points.emplace_back(static_cast<double>(row.step), row.value);
      lowest = std::min(lowest, row.value);
    }
    curves.AddRow({name, Sparkline(points, kSparklineWidth), FormatSignificant(rows.front().value),
                   FormatSignificant(lowest), FormatSignificant(rows.back().value),
                   std::to_string(rows.size()) + " (steps " + std::to_string(rows.front().step) +
                       "–" + std::to_string(rows.back().step) + ")"});
  }
  if (curves.size() > 0) {
    out << '\n';
    curves.Print(out);
  }
}

}  // namespace

Status RunShow(const GlobalOptions& global, const ShowOptions& options) {
  MIXRUN_ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                          Store::Open(ChooseStorePath(global, ""), Store::Mode::kReadOnly));
  MIXRUN_ASSIGN_OR_RETURN(RunRow run, FindRun(*store, options.run));
  MIXRUN_ASSIGN_OR_RETURN(std::vector<MetricRow> rows, store->MetricHistory(run.id));
  Histories histories;
  for (MetricRow& row : rows) histories[row.name].push_back(std::move(row));
  const bool interrupted = IsInterruptedRun(run, HostName());
  if (global.json) {
    std::cout << ShowJson(run, interrupted, histories).dump(2) << '\n';
  } else {
    PrintRun(run, interrupted, histories, std::cout);
  }
  return Status::Ok();
}

}  // namespace mixrun
