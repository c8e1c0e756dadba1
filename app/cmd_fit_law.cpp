// mixrun fit-law: fit a law to an experiment's runs, store the fit, print it; or predict with a
// stored fit.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "commands.h"
#include "common/percentile.h"
#include "common/text_table.h"
#include "io/prediction_points.h"
#include "regress/all_laws.h"

namespace mixrun {
namespace {

using nlohmann::json;

// Mixing law defaults: every eval/<domain>/loss metric the runs have, and the experiment's target
// weights over them (from its config), so that a trained experiment needs no flags.
Status FillMixingDefaults(const ExperimentRow& experiment, const std::vector<RunPoint>& runs,
                          FitRequest& request) {
  if (request.domain_metrics.empty()) {
    std::set<std::string> names;
    for (const auto& run : runs) {
      for (const auto& [name, value] : run.metrics) {
        if (name.rfind("eval/", 0) == 0 && name.size() > 10 &&
            name.compare(name.size() - 5, 5, "/loss") == 0 && name != "eval/target/loss") {
          names.insert(name);
        }
      }
    }
    request.domain_metrics.assign(names.begin(), names.end());
    if (request.domain_metrics.empty()) {
      return Status::InvalidInput(
          "fit-law mixing: the runs have no eval/<domain>/loss metrics; "
          "name the per-domain metrics with --domain-metric");
    }
  }
  if (request.target_weights.empty() && request.metric.empty()) request.metric = "eval/target/loss";
  if (request.target_weights.empty() &&
      std::find(request.domain_metrics.begin(), request.domain_metrics.end(), request.metric) ==
          request.domain_metrics.end()) {
    json config = json::parse(experiment.config_json, nullptr, false);
    Mixture target;
    if (config.contains("target") && config["target"].contains("weights")) {
      target = config["target"]["weights"].get<Mixture>();
    } else if (config.contains("target") && config["target"].contains("domain")) {
      target[config["target"]["domain"].get<std::string>()] = 1.0;
    }
    for (const auto& [domain, weight] : target) {
      request.target_weights["eval/" + domain + "/loss"] = weight;
    }
  }
  return Status::Ok();
}

Result<FitRequest> BuildRequest(const FitLawOptions& options) {
  FitRequest request;
  request.law = options.law;
  request.metric = options.metric;
  request.domain_metrics = options.domain_metrics;
  for (const std::string& pair : options.target_pairs) {
    size_t equals = pair.rfind('=');
    char* end = nullptr;
    double weight = equals == std::string::npos ? 0 : std::strtod(pair.c_str() + equals + 1, &end);
    if (equals == std::string::npos || equals == 0 || !end || *end != '\0' || weight < 0) {
      return Status::InvalidInput("--target '" + pair + "': expected METRIC=WEIGHT");
    }
    request.target_weights[pair.substr(0, equals)] = weight;
  }
  request.x = options.x;
  request.model = options.model;
  request.ridge = options.ridge;
  request.bootstrap = options.bootstrap;
  request.kfold = options.kfold;
  request.seed = options.seed;
  request.threads = options.threads;
  request.huber_delta = options.huber_delta;
  request.compute = options.compute;
  if (request.law != "mixing" && request.metric.empty()) {
    return Status::InvalidInput("fit-law " + request.law + ": --metric is required");
  }
  return request;
}

// Removes the `count` runs with the highest value of `metric` (Epoch's protocol drops 5).
void DropHighest(std::vector<RunPoint>& runs, const std::string& metric, int count) {
  if (count <= 0) return;
  std::stable_sort(runs.begin(), runs.end(), [&](const RunPoint& a, const RunPoint& b) {
    auto va = a.metrics.find(metric), vb = b.metrics.find(metric);
    double x = va == a.metrics.end() ? -INFINITY : va->second;
    double y = vb == b.metrics.end() ? -INFINITY : vb->second;
    return x > y;
  });
  runs.erase(runs.begin(), runs.begin() + std::min<size_t>(count, runs.size()));
  std::sort(runs.begin(), runs.end(),
            [](const RunPoint& a, const RunPoint& b) { return a.run_id < b.run_id; });
}

Result<json> Predict(const FittedLaw& fit, const std::string& source, const std::string& x) {
  MIXRUN_ASSIGN_OR_RETURN(std::vector<RunPoint> points, ReadPredictionPoints(source, x));
  json predictions = json::array();
  for (const RunPoint& point : points) {
    MIXRUN_ASSIGN_OR_RETURN(double value, fit.Predict(point));
    json row = {{"point", DescribePoint(point)}, {"prediction", value}};
    std::vector<double> bootstrap = fit.PredictBootstrap(point);
    if (!bootstrap.empty()) {
      row["interval"] = {Percentile(bootstrap, 0.025), Percentile(bootstrap, 0.975)};
    }
    predictions.push_back(row);
  }
  return predictions;
}

void PrintPredictions(const json& predictions) {
  TextTable table({"point", "prediction", "95% interval"});
  for (const auto& row : predictions) {
    std::string interval = row.contains("interval")
                               ? "[" + FormatSignificant(row["interval"][0].get<double>(), 5) +
                                     ", " + FormatSignificant(row["interval"][1].get<double>(), 5) +
                                     "]"
                               : "-";
    table.AddRow({row["point"], FormatSignificant(row["prediction"].get<double>(), 6), interval});
  }
  std::cout << '\n';
  table.Print(std::cout);
}

double NumberOr(const json& object, const char* key) {
  return object.contains(key) && object[key].is_number() ? object[key].get<double>() : NAN;
}

void PrintAccuracy(const std::string& title, const json& stats) {
  std::cout << title << ": n " << stats.value("n", 0) << ", Spearman "
            << FormatSignificant(NumberOr(stats, "spearman"), 4) << ", Pearson "
            << FormatSignificant(NumberOr(stats, "pearson"), 4) << ", MAE "
            << FormatSignificant(NumberOr(stats, "mae"), 4) << ", MRE "
            << FormatSignificant(NumberOr(stats, "mre"), 4) << '\n';
}

void PrintReport(int64_t fit_id, const FitReport& report, const std::string& experiment) {
  std::cout << "fit " << fit_id << ": " << report.law << " on " << experiment << " ("
            << report.stats.value("n", 0) << " runs)\n\n";
  TextTable table({"parameter", "value", "SE", "95% interval"});
  for (const auto& [name, value] : report.params) {
    auto se = report.standard_errors.find(name);
    auto interval = report.intervals.find(name);
    table.AddRow({name, FormatSignificant(value, 6),
                  se == report.standard_errors.end() ? "-" : FormatSignificant(se->second, 3),
                  interval == report.intervals.end()
                      ? "-"
                      : "[" + FormatSignificant(interval->second.first, 5) + ", " +
                            FormatSignificant(interval->second.second, 5) + "]"});
  }
  table.Print(std::cout);
  if (!report.derived.empty()) {
    std::cout << '\n';
    TextTable derived({"derived", "value"});
    for (const auto& [name, value] : report.derived) {
      derived.AddRow({name, FormatSignificant(value, 6)});
    }
    derived.Print(std::cout);
  }
  std::cout << "\nin-sample: objective "
            << FormatSignificant(NumberOr(report.stats, "objective"), 6) << ", RMSE "
            << FormatSignificant(NumberOr(report.stats, "rmse"), 4) << ", MRE "
            << FormatSignificant(NumberOr(report.stats, "mre"), 4) << '\n';
  if (report.stats.contains("kfold")) PrintAccuracy("k-fold", report.stats["kfold"]);
  // With --kfold alone, stats.test repeats the k-fold figures: print them once.
  if (report.stats.contains("test") &&
      !(report.stats.contains("kfold") && report.stats["kfold"] == report.stats["test"])) {
    PrintAccuracy("held-out", report.stats["test"]);
  }
}

int PredictWithStoredFit(Store& store, const GlobalOptions& global, const FitLawOptions& options) {
  auto row = store.GetFit(*options.fit_id);
  if (!row.ok()) return ReportFailure(row.status());
  if (options.predict.empty()) {
    return ReportFailure(Status::InvalidInput("--fit needs --predict POINTS"));
  }
  json stored_options = json::parse(row->options_json, nullptr, false);
  json stored_params = json::parse(row->params_json, nullptr, false);
  auto fit = LoadFit(row->law, stored_options, stored_params);
  if (!fit.ok()) return ReportFailure(fit.status());
  auto predictions = Predict(**fit, options.predict, stored_options.value("x", "n"));
  if (!predictions.ok()) return ReportFailure(predictions.status());
  if (global.json) {
    std::cout << json{{"fit_id", row->id}, {"law", row->law}, {"predictions", *predictions}}.dump(2)
              << '\n';
  } else {
    std::cout << "fit " << row->id << " (" << row->law << ")\n";
    PrintPredictions(*predictions);
  }
  return 0;
}

}  // namespace

int RunFitLaw(const GlobalOptions& global, const FitLawOptions& options) {
  auto store = Store::Open(ChooseStorePath(global, ""), Store::Mode::kMustExist);
  if (!store.ok()) return ReportFailure(store.status());
  if (options.fit_id) return PredictWithStoredFit(**store, global, options);

  auto request = BuildRequest(options);
  if (!request.ok()) return ReportFailure(request.status());
  auto experiment = (*store)->FindExperiment(options.experiment);
  if (!experiment.ok()) return ReportFailure(experiment.status());
  if (!*experiment) return ReportFailure((*store)->ExperimentId(options.experiment).status());
  std::set<std::string> history;
  if (request->law == "power" && request->x == "step") history.insert(request->metric);
  auto train = (*store)->LoadRunPoints((*experiment)->id, history);
  if (!train.ok()) return ReportFailure(train.status());
  if (train->empty()) {
    return ReportFailure(Status::InvalidInput("experiment '" + options.experiment +
                                              "' has no finished runs to fit"));
  }
  if (request->law == "mixing") {
    Status status = FillMixingDefaults(**experiment, *train, *request);
    if (!status.ok()) return ReportFailure(status);
  }
  DropHighest(*train, request->metric, options.drop_highest);
  std::vector<RunPoint> test;
  if (!options.test_experiment.empty()) {
    auto test_id = (*store)->ExperimentId(options.test_experiment);
    if (!test_id.ok()) return ReportFailure(test_id.status());
    auto test_runs = (*store)->LoadRunPoints(*test_id, history);
    if (!test_runs.ok()) return ReportFailure(test_runs.status());
    test = std::move(*test_runs);
  }

  spdlog::info("fitting {} to {} runs of {}{}", request->law, train->size(), options.experiment,
               test.empty() ? "" : " (" + std::to_string(test.size()) + " held out)");
  auto report = FitLaw(*request, *train, test);
  if (!report.ok()) return ReportFailure(report.status());
  auto fit_id = (*store)->AddFit((*experiment)->id, report->law, report->options.dump(),
                                 report->ParamsJson().dump(), report->StatsJson().dump());
  if (!fit_id.ok()) return ReportFailure(fit_id.status());

  json predictions;
  if (!options.predict.empty()) {
    auto loaded = LoadFit(report->law, report->options, report->ParamsJson());
    if (!loaded.ok()) return ReportFailure(loaded.status());
    auto predicted = Predict(**loaded, options.predict, request->x);
    if (!predicted.ok()) return ReportFailure(predicted.status());
    predictions = *predicted;
  }
  if (global.json) {
    json output = report->ToJson();
    output["fit_id"] = *fit_id;
    if (!predictions.is_null()) output["predictions"] = predictions;
    std::cout << output.dump(2) << '\n';
  } else {
    PrintReport(*fit_id, *report, options.experiment);
    if (!predictions.is_null()) PrintPredictions(predictions);
  }
  return 0;
}

}  // namespace mixrun
