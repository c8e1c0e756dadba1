// mixrun report: a stored fit's predictions next to what an experiment's runs actually measured
// — the check that closes the loop (did the recommended mixture do as predicted?), with how often
// the measured loss fell inside each kind of interval; or, with --transfer, whether a small
// scale's ranking of mixtures holds at a large scale (is the proxy big enough?).
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "catalog/stored_fit.h"
#include "commands.h"
#include "common/text_table.h"
#include "fit/fit_print.h"
#include "fit/held_out.h"
#include "fit/rank_transfer.h"
#include "mixture/mixture.h"
#include "report/html_report.h"
#include "report/report_page.h"

namespace mixrun {
namespace {

using nlohmann::json;

// The finished runs of an experiment as the laws see them, and their labels by run id.
struct ExperimentRuns {
  std::vector<RunPoint> points;
  std::map<int64_t, std::string> labels;
};

Result<ExperimentRuns> LoadExperimentRuns(Store& store, const std::string& experiment) {
  auto experiment_id = store.ExperimentId(experiment);
  if (!experiment_id.ok()) return experiment_id.status();
  auto points = store.LoadRunPoints(*experiment_id);
  if (!points.ok()) return points.status();
  auto listed = store.ListRuns({experiment, RunStatus::kDone});
  if (!listed.ok()) return listed.status();
  ExperimentRuns runs{std::move(*points), {}};
  for (const RunRow& run : *listed) runs.labels[run.id] = run.spec.label;
  return runs;
}

// The labels of runs (a run without one: its id).
std::vector<std::string> Labels(const std::vector<int64_t>& run_ids,
                                const std::map<int64_t, std::string>& labels) {
  std::vector<std::string> named;
  for (int64_t id : run_ids) {
    auto found = labels.find(id);
    named.push_back(found == labels.end() ? std::to_string(id) : found->second);
  }
  return named;
}

// A paired mixture's runs at one scale: the first one's label, and how many were averaged.
std::string RunsLabel(const std::vector<int64_t>& run_ids,
                      const std::map<int64_t, std::string>& labels) {
  std::string text = Labels({run_ids.front()}, labels).front();
  if (run_ids.size() > 1) text.append(" (" + std::to_string(run_ids.size()) + " runs)");
  return text;
}

void PrintSides(const RankTransfer& transfer) {
  TextTable sides({"experiment", "runs", "with metric", "mixtures", "seeds averaged", "paired runs",
                   "unpaired runs", "unpaired mixtures"});
  for (const RankTransferSide* side : {&transfer.small, &transfer.large}) {
    sides.AddRow({side->name, std::to_string(side->runs), std::to_string(side->runs_with_metric),
                  std::to_string(side->mixtures), std::to_string(side->repeated_mixtures),
                  std::to_string(side->paired_runs), std::to_string(side->unpaired_runs),
                  std::to_string(side->unpaired_mixtures)});
  }
  sides.Print(std::cout);
  for (const RankTransferSide* side : {&transfer.small, &transfer.large}) {
    if (side->repeated_mixtures > 0) {
      std::cout << side->name << ": " << side->repeated_mixtures
                << " mixtures have several runs (seeds); each one's metric is their mean\n";
    }
  }
}

void PrintTopMixtures(const RankTransfer& transfer, const ExperimentRuns& small,
                      const ExperimentRuns& large) {
  const std::string& s = transfer.small.name;
  const std::string& l = transfer.large.name;
  std::cout << "top " << transfer.top_k << " at " << s << ":\n";
  TextTable top({"rank " + s, "rank " + l, "label " + s, "label " + l, "mixture", s, l});
  for (size_t i = 0; i < transfer.top_k; ++i) {
    const PairedMixture& pair = transfer.pairs[i];
    top.AddRow({std::to_string(pair.small_rank), std::to_string(pair.large_rank),
                RunsLabel(pair.small_run_ids, small.labels),
                RunsLabel(pair.large_run_ids, large.labels), HeaviestDomains(pair.weights, 4),
                FormatSignificant(pair.small, 5), FormatSignificant(pair.large, 5)});
  }
  top.Print(std::cout);
}

void PrintTransferSummary(const RankTransfer& transfer) {
  const std::string& s = transfer.small.name;
  const std::string& l = transfer.large.name;
  const std::string n = std::to_string(transfer.n());
  const std::vector<std::pair<std::string, std::string>> lines = {
      {"paired mixtures", n},
      {"Spearman rho", FormatSignificant(transfer.spearman, 4) +
                           (transfer.n() < 5 ? " (fewer than 5 mixtures: means little)" : "")},
      {"Kendall tau-b", FormatSignificant(transfer.kendall_tau_b, 4)},
      {"top-" + std::to_string(transfer.top_k) + " overlap",
       std::to_string(transfer.top_k_shared) + " of " + std::to_string(transfer.top_k) + " (" +
           FormatSignificant(transfer.top_k_overlap, 3) + ")"},
      {s + "'s best, at " + l,
       "rank " + std::to_string(transfer.small_best_rank_large) + " of " + n},
      {l + "'s best, at " + s,
       "rank " + std::to_string(transfer.large_best_rank_small) + " of " + n},
      {s + "'s pick, worse at " + l + " by", FormatSignificant(transfer.large_gap, 4) + " (" +
                                                 FormatPercent(transfer.large_gap_relative) + ")"},
      {"best mixture still best", transfer.best_still_best ? "yes" : "no"},
  };
  size_t width = 0;
  for (const auto& line : lines) width = std::max(width, line.first.size());
  for (const auto& [name, value] : lines) {
    std::cout << std::left << std::setw(static_cast<int>(width) + 2) << name << value << '\n';
  }
}

Status ReportRankTransfer(const GlobalOptions& global, const RankTransferRequest& request) {
  auto store = Store::Open(ChooseStorePath(global, ""), Store::Mode::kReadOnly);
  if (!store.ok()) return store.status();
  auto small = LoadExperimentRuns(**store, request.small_name);
  if (!small.ok()) return small.status();
  auto large = LoadExperimentRuns(**store, request.large_name);
  if (!large.ok()) return large.status();
  auto transfer = MeasureRankTransfer(small->points, large->points, request);
  if (!transfer.ok()) return transfer.status();
  if (global.json) {
    json out = transfer->ToJson();
    for (size_t i = 0; i < transfer->n(); ++i) {
      out["pairs"][i]["small_labels"] = Labels(transfer->pairs[i].small_run_ids, small->labels);
      out["pairs"][i]["large_labels"] = Labels(transfer->pairs[i].large_run_ids, large->labels);
    }
    std::cout << out.dump(2) << '\n';
    return Status::Ok();
  }
  std::cout << "rank transfer of " << transfer->metric << " ("
            << (transfer->higher_is_better ? "higher" : "lower") << " is better) from "
            << transfer->small.name << " to " << transfer->large.name << "\n\n";
  PrintSides(*transfer);
  std::cout << '\n';
  PrintTopMixtures(*transfer, *small, *large);
  std::cout << '\n';
  PrintTransferSummary(*transfer);
  std::cout << '\n' << transfer->Verdict() << '\n';
  return Status::Ok();
}

// --out: the figures that apply, as a page with their data beside it; prints the page's path.
Status WriteReport(const GlobalOptions& global, const ReportOptions& options) {
  auto store = Store::Open(ChooseStorePath(global, ""), Store::Mode::kReadOnly);
  if (!store.ok()) return store.status();
  ReportRequest request{options.fit_id, options.experiment, options.transfer_experiments,
                        options.transfer};
  auto page = BuildReportPage(**store, request);
  if (!page.ok()) return page.status();
  auto written = WriteHtmlReport(options.out, *page, GnuplotRenderer());
  if (!written.ok()) return written.status();
  if (global.json) {
    std::cout << json{{"index", written->index_path},
                      {"figures", written->figures},
                      {"drawn", written->drawn},
                      {"notes", written->notes}}
                     .dump(2)
              << '\n';
    return Status::Ok();
  }
  for (const std::string& note : written->notes) std::cerr << "report: " << note << '\n';
  std::cout << written->index_path << '\n';
  return Status::Ok();
}

}  // namespace

Status RunReport(const GlobalOptions& global, const ReportOptions& options) {
  if (!options.out.empty()) return WriteReport(global, options);
  if (!options.transfer_experiments.empty()) {
    if (options.transfer_experiments.size() != 2) {
      return Status::InvalidInput("report --transfer takes two experiments, EXP_SMALL EXP_LARGE");
    }
    RankTransferRequest request = options.transfer;
    request.small_name = options.transfer_experiments[0];
    request.large_name = options.transfer_experiments[1];
    return ReportRankTransfer(global, request);
  }
  auto store = Store::Open(ChooseStorePath(global, ""), Store::Mode::kReadOnly);
  if (!store.ok()) return store.status();
  auto fit = LoadStoredFit(**store, *options.fit_id);
  if (!fit.ok()) return fit.status();
  auto runs_and_labels = LoadExperimentRuns(**store, options.experiment);
  if (!runs_and_labels.ok()) return runs_and_labels.status();
  const std::vector<RunPoint>& runs = runs_and_labels->points;
  std::map<int64_t, std::string>& labels = runs_and_labels->labels;

  const std::string metric = fit->TargetMetric();
  json rows = json::array();
  std::vector<PointPrediction> predictions;
  std::vector<double> actual;
  std::string method;
  TextTable table(
      {"run", "label", "mixture", "predicted", "mean 95%", "prediction 95%", "actual", "error"});
  for (const RunPoint& run : runs) {
    const std::optional<double> observed = fit->ObservedTarget(run);
    if (!observed) continue;
    auto prediction = fit->fitted->PredictWithIntervals(run);
    if (!prediction.ok()) return prediction.status();
    predictions.push_back(*prediction);
    actual.push_back(*observed);
    if (prediction->prediction_interval) method = prediction->interval_method;
    json entry = prediction->ToJson();
    entry.erase("prediction");
    entry.update({{"run_id", run.run_id},
                  {"label", labels[run.run_id]},
                  {"weights", run.weights},
                  {"predicted", prediction->value},
                  {"actual", *observed},
                  {"error", prediction->value - *observed}});
    rows.push_back(entry);
    table.AddRow(
        {std::to_string(run.run_id), labels[run.run_id], HeaviestDomains(run.weights, 4),
         FormatSignificant(prediction->value, 5), FormatInterval(prediction->mean_interval, 4),
         FormatInterval(prediction->prediction_interval, 4), FormatSignificant(*observed, 5),
         FormatSignificant(prediction->value - *observed, 3)});
  }
  if (rows.empty()) {
    return Status::InvalidInput("experiment '" + options.experiment +
                                "' has no finished run with metric '" + metric + "'");
  }
  const HeldOut held_out = MeasureHeldOut(predictions, actual);
  if (global.json) {
    std::cout << json{{"fit_id", fit->id},
                      {"law", fit->law},
                      {"metric", metric},
                      {"runs", rows},
                      {"accuracy", held_out.ToJson()},
                      {"interval_method", method},
                      {"fit_warnings", fit->stats.warnings}}
                     .dump(2)
              << '\n';
    return Status::Ok();
  }
  std::cout << "fit " << fit->id << " (" << fit->Describe() << ") on " << options.experiment << ", "
            << metric << "\n";
  for (const std::string& warning : fit->stats.warnings) {
    std::cout << "(!) the fit warned: " << warning << '\n';
  }
  std::cout << '\n';
  table.Print(std::cout);
  std::cout << '\n';
  PrintHeldOut(std::cout, "accuracy", held_out);
  std::cout << "mean 95%: the law's expected loss (bootstrap refits); prediction 95%: one run's "
               "loss";
  if (!method.empty()) std::cout << " (" << method << ")";
  std::cout << '\n';
  if (!fit->fitted->calibration()) {
    std::cout << "this fit was stored without a calibration: refit it for prediction intervals\n";
  }
  return Status::Ok();
}

}  // namespace mixrun
