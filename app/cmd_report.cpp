// mixrun report: a stored fit's predictions next to what an experiment's runs actually measured
// — the check that closes the loop (did the recommended mixture do as predicted?).
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/percentile.h"
#include "common/text_table.h"
#include "laws/accuracy.h"
#include "regress/all_laws.h"

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

int RunReport(const GlobalOptions& global, const ReportOptions& options) {
  auto store = Store::Open(ChooseStorePath(global, ""), Store::Mode::kMustExist);
  if (!store.ok()) return ReportFailure(store.status());
  auto row = (*store)->GetFit(options.fit_id);
  if (!row.ok()) return ReportFailure(row.status());
  json fit_options = json::parse(row->options_json, nullptr, false);
  auto fit = LoadFit(row->law, fit_options, json::parse(row->params_json, nullptr, false));
  if (!fit.ok()) return ReportFailure(fit.status());
  std::string metric = fit_options.value("metric", "");
  if (metric.empty()) metric = "eval/target/loss";
  auto experiment_id = (*store)->ExperimentId(options.experiment);
  if (!experiment_id.ok()) return ReportFailure(experiment_id.status());
  auto runs = (*store)->LoadRunPoints(*experiment_id);
  if (!runs.ok()) return ReportFailure(runs.status());
  auto listed = (*store)->ListRuns({options.experiment, "done"});
  if (!listed.ok()) return ReportFailure(listed.status());
  std::map<int64_t, std::string> labels;
  for (const RunRow& run : *listed) labels[run.id] = run.spec.label;

  json rows = json::array();
  std::vector<double> predicted, actual;
  TextTable table({"run", "label", "mixture", "predicted", "95% interval", "actual", "error"});
  for (const RunPoint& run : *runs) {
    auto value = run.metrics.find(metric);
    if (value == run.metrics.end()) continue;
    auto prediction = (*fit)->Predict(run);
    if (!prediction.ok()) return ReportFailure(prediction.status());
    std::vector<double> bootstrap = (*fit)->PredictBootstrap(run);
    double low = Percentile(bootstrap, 0.025), high = Percentile(bootstrap, 0.975);
    predicted.push_back(*prediction);
    actual.push_back(value->second);
    json entry = {{"run_id", run.run_id},    {"label", labels[run.run_id]},
                  {"weights", run.weights},  {"predicted", *prediction},
                  {"actual", value->second}, {"error", *prediction - value->second}};
    if (!bootstrap.empty()) entry["interval"] = {low, high};
    rows.push_back(entry);
    table.AddRow({std::to_string(run.run_id), labels[run.run_id], TopWeights(run.weights),
                  FormatSignificant(*prediction, 5),
                  bootstrap.empty()
                      ? "-"
                      : "[" + FormatSignificant(low, 4) + ", " + FormatSignificant(high, 4) + "]",
                  FormatSignificant(value->second, 5),
                  FormatSignificant(*prediction - value->second, 3)});
  }
  if (rows.empty()) {
    return ReportFailure(Status::InvalidInput("experiment '" + options.experiment +
                                              "' has no finished run with metric '" + metric +
                                              "'"));
  }
  Accuracy accuracy = MeasureAccuracy(predicted, actual);
  if (global.json) {
    std::cout << json{{"fit_id", row->id},
                      {"law", row->law},
                      {"metric", metric},
                      {"runs", rows},
                      {"accuracy", HeldOutJson(accuracy)}}
                     .dump(2)
              << '\n';
    return 0;
  }
  std::cout << "fit " << row->id << " (" << row->law << ") on " << options.experiment << ", "
            << metric << "\n\n";
  table.Print(std::cout);
  std::cout << "\nMAE " << FormatSignificant(accuracy.mae, 4) << ", MRE "
            << FormatSignificant(accuracy.mre, 4) << ", Spearman "
            << FormatSignificant(accuracy.spearman, 4) << " over " << accuracy.n << " runs\n";
  return 0;
}

}  // namespace mixrun
