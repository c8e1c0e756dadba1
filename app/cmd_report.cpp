// mixrun report: a stored fit's predictions next to what an experiment's runs actually measured
// — the check that closes the loop (did the recommended mixture do as predicted?), with how often
// the measured loss fell inside each kind of interval.
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "catalog/stored_fit.h"
#include "commands.h"
#include "common/text_table.h"
#include "fit/fit_print.h"
#include "fit/held_out.h"

namespace mixrun {
namespace {

using nlohmann::json;

std::string TopWeights(const Mixture& weights) {
  std::vector<std::pair<double, std::string>> sorted;
  for (const auto& [domain, weight] : weights) sorted.emplace_back(weight, domain);
  std::sort(sorted.rbegin(), sorted.rend());
  std::string text;
  for (size_t i = 0; i < sorted.size() && i < 4; ++i) {
    text += (i ? " " : "") + sorted[i].second + ":" + FormatSignificant(sorted[i].first, 2);
  }
  return text;
}

}  // namespace

Status RunReport(const GlobalOptions& global, const ReportOptions& options) {
  auto store = Store::Open(ChooseStorePath(global, ""), Store::Mode::kReadOnly);
  if (!store.ok()) return store.status();
  auto fit = LoadStoredFit(**store, options.fit_id);
  if (!fit.ok()) return fit.status();
  auto experiment_id = (*store)->ExperimentId(options.experiment);
  if (!experiment_id.ok()) return experiment_id.status();
  auto runs = (*store)->LoadRunPoints(*experiment_id);
  if (!runs.ok()) return runs.status();
  auto listed = (*store)->ListRuns({options.experiment, RunStatus::kDone});
  if (!listed.ok()) return listed.status();
  std::map<int64_t, std::string> labels;
  for (const RunRow& run : *listed) labels[run.id] = run.spec.label;

  const std::string metric = fit->TargetMetric();
  json rows = json::array();
  std::vector<PointPrediction> predictions;
  std::vector<double> actual;
  std::string method;
  TextTable table(
      {"run", "label", "mixture", "predicted", "mean 95%", "prediction 95%", "actual", "error"});
  for (const RunPoint& run : *runs) {
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
        {std::to_string(run.run_id), labels[run.run_id], TopWeights(run.weights),
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
                      {"interval_method", method}}
                     .dump(2)
              << '\n';
    return Status::Ok();
  }
  std::cout << "fit " << fit->id << " (" << fit->Describe() << ") on " << options.experiment << ", "
            << metric << "\n\n";
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
