#include "fit/fit_print.h"

#include <cmath>

#include "common/text_table.h"

namespace mixrun {

// Strings are built with append: GCC 12 reports -Wrestrict false positives on "literal" + string.
std::string FormatPercent(double fraction) {
  return FormatSignificant(100 * fraction, 3).append("%");
}

std::string FormatInterval(const std::optional<Interval>& interval, int digits) {
  if (!interval) return "-";
  std::string text("[");
  return text.append(FormatSignificant(interval->low, digits))
      .append(", ")
      .append(FormatSignificant(interval->high, digits))
      .append("]");
}

void PrintHeldOut(std::ostream& out, const std::string& title, const HeldOut& held_out) {
  const Accuracy& a = held_out.accuracy;
  out << title << ": n " << a.n << ", Spearman " << FormatSignificant(a.spearman, 4) << ", Pearson "
      << FormatSignificant(a.pearson, 4) << ", MAE " << FormatSignificant(a.mae, 4) << ", MRE "
      << FormatSignificant(a.mre, 4) << '\n';
  if (a.n > 0 && a.n < 5) {
    out << "  (" << a.n << " runs: the correlations mean little)\n";
  }
  if (held_out.coverage_95) {
    out << "  95% prediction interval covers " << FormatPercent(*held_out.coverage_95)
        << " of these runs (mean width " << FormatSignificant(*held_out.mean_prediction_width, 3)
        << ")";
    if (held_out.mean_interval_coverage) {
      out << "; the mean interval covers " << FormatPercent(*held_out.mean_interval_coverage)
          << " (mean width " << FormatSignificant(*held_out.mean_mean_width, 3) << ")";
    }
    out << '\n';
  }
}

void PrintFitReport(std::ostream& out, int64_t fit_id, const FitReport& report,
                    const std::string& experiment) {
  const FitStats& stats = report.stats;
  out << "fit " << fit_id << ": " << report.law << " on " << experiment << " (" << stats.in_sample.n
      << " runs)\n\n";
  TextTable table({"parameter", "value", "SE", "95% interval"});
  for (const auto& [name, value] : report.params) {
    auto se = report.standard_errors.find(name);
    auto interval = report.intervals.find(name);
    table.AddRow({name, FormatSignificant(value, 6),
                  se == report.standard_errors.end() ? "-" : FormatSignificant(se->second, 3),
                  interval == report.intervals.end()
                      ? "-"
                      : FormatInterval(Interval{interval->second.first, interval->second.second})});
  }
  table.Print(out);
  if (!report.derived.empty()) {
    out << '\n';
    TextTable derived({"derived", "value", "95% interval"});
    for (const auto& [name, value] : report.derived) {
      auto interval = report.intervals.find(name);
      derived.AddRow(
          {name, FormatSignificant(value, 6),
           interval == report.intervals.end()
               ? "-"
               : FormatInterval(Interval{interval->second.first, interval->second.second})});
    }
    derived.Print(out);
  }
  if (!report.intervals.empty()) {
    out << "(parameter intervals: 2.5–97.5% percentiles of " << stats.bootstrap
        << " bootstrap refits)\n";
  }
  out << "\nin-sample: objective " << FormatSignificant(stats.objective, 6) << ", RMSE "
      << FormatSignificant(stats.in_sample.rmse, 4) << ", MRE "
      << FormatSignificant(stats.in_sample.mre, 4) << '\n';
  if (stats.kfold) PrintHeldOut(out, std::to_string(stats.kfold->k) + "-fold", *stats.kfold);
  if (stats.test) PrintHeldOut(out, "held-out", *stats.test);
  if (stats.calibration) out << "prediction interval: " << stats.calibration->Describe() << '\n';
  for (const std::string& warning : stats.warnings) out << "warning: " << warning << '\n';
  // A chain's earlier stages (pipeline): each stored as its own fit, with its own accuracy.
  const nlohmann::json ids = stats.extra.value("stages", nlohmann::json::array());
  for (size_t i = 0; i < report.stages.size(); ++i) {
    const FitStats& stage = report.stages[i].stats;
    out << "stage " << report.stages[i].law;
    if (i < ids.size()) out << " (fit " << ids[i].value("fit_id", int64_t{0}) << ")";
    out << ": " << stage.in_sample.n << " points, in-sample MRE "
        << FormatSignificant(stage.in_sample.mre, 4);
    for (const char* key : {"held_out_steps", "leave_one_size_out"}) {
      if (!stage.extra.contains(key) || stage.extra[key].is_null()) continue;
      const nlohmann::json& held =
          stage.extra[key].contains("accuracy") ? stage.extra[key]["accuracy"] : stage.extra[key];
      const bool steps = std::string(key) == "held_out_steps";
      out << "; " << (steps ? "held-out last steps" : "leave one size out") << " MRE "
          << FormatSignificant(held.value("mre", 0.0), 4) << " (n " << held.value("n", 0) << ")";
    }
    out << '\n';
  }
}

void PrintPredictions(std::ostream& out,
                      const std::vector<std::pair<std::string, PointPrediction>>& predictions) {
  TextTable table({"point", "prediction", "mean 95%", "prediction 95%"});
  std::string method;
  std::vector<std::string> warnings;
  for (const auto& [point, prediction] : predictions) {
    table.AddRow({point, FormatSignificant(prediction.value, 6),
                  FormatInterval(prediction.mean_interval),
                  FormatInterval(prediction.prediction_interval) + (prediction.warning ? " (!)" : "")});
    if (method.empty()) method = prediction.interval_method;
    if (prediction.warning) warnings.push_back(point + ": " + *prediction.warning);
  }
  out << '\n';
  table.Print(out);
  for (const std::string& warning : warnings) out << "(!) " << warning << '\n';
  out << "mean 95%: where the law's expected value lies (bootstrap refits); prediction 95%: where "
         "one new run's value will lie";
  if (!method.empty()) out << " (" << method << ")";
  out << '\n';
}

}  // namespace mixrun
