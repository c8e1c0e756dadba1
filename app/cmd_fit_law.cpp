// mixrun fit-law: fit a law to an experiment's runs, store the fit, print it; or predict with a
// stored fit.
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "catalog/fit_experiment.h"
#include "catalog/stored_fit.h"
#include "commands.h"
#include "common/key_value.h"
#include "fit/fit_print.h"
#include "io/prediction_points.h"

namespace mixrun {
namespace {

using nlohmann::json;

Status ParseTargetPairs(const std::vector<std::string>& pairs, FitRequest& request) {
  const KeyValueSyntax syntax{
      .flag = "--target", .expected = "METRIC=WEIGHT", .split_at_last = true};
  for (const std::string& pair : pairs) {
    MIXRUN_ASSIGN_OR_RETURN(KeyValue target, SplitKeyValue(pair, syntax));
    const std::optional<double> weight = ParseNumber(target.value);
    if (!weight || *weight < 0) return KeyValueError(pair, syntax);
    request.target_weights[target.key] = *weight;
  }
  return Status::Ok();
}

// --step-window MIN:MAX, two whole numbers.
Result<std::pair<int64_t, int64_t>> ParseStepWindow(const std::string& text) {
  const KeyValueSyntax syntax{.flag = "--step-window", .expected = "MIN:MAX, e.g. 10000:30000"};
  const size_t colon = text.find(':');
  if (colon == std::string::npos) return KeyValueError(text, syntax);
  const std::optional<double> first = ParseNumber(text.substr(0, colon));
  const std::optional<double> last = ParseNumber(text.substr(colon + 1));
  if (!first || !last || *first != std::floor(*first) || *last != std::floor(*last)) {
    return KeyValueError(text, syntax);
  }
  return std::pair<int64_t, int64_t>(static_cast<int64_t>(*first), static_cast<int64_t>(*last));
}

using Predictions = std::vector<std::pair<std::string, PointPrediction>>;

// The points (as read) and their predictions, labelled as the table shows them.
struct PredictedPoints {
  std::vector<RunPoint> points;
  Predictions predictions;
  bool empty() const { return points.empty(); }
};

Result<PredictedPoints> Predict(const FittedLaw& fit, const std::string& source,
                                const std::string& x) {
  PredictedPoints out;
  MIXRUN_ASSIGN_OR_RETURN(out.points, ReadPredictionPoints(source, x));
  for (const RunPoint& point : out.points) {
    MIXRUN_ASSIGN_OR_RETURN(PointPrediction prediction, fit.PredictWithIntervals(point));
    out.predictions.emplace_back(DescribePoint(point), prediction);
  }
  return out;
}

// Each prediction with its point as fields ("at": {"N": ..., "D": ...}) and as text ("point").
json PredictionsJson(const PredictedPoints& predicted) {
  json rows = json::array();
  for (size_t i = 0; i < predicted.points.size(); ++i) {
    json row = predicted.predictions[i].second.ToJson();
    row["point"] = predicted.predictions[i].first;
    row["at"] = PointJson(predicted.points[i]);
    rows.push_back(row);
  }
  return rows;
}

Status PredictWithStoredFit(Store& store, const GlobalOptions& global,
                            const FitLawOptions& options) {
  if (options.predict.empty()) {
    return Status::InvalidInput("--fit needs --predict POINTS");
  }
  auto fit = LoadStoredFit(store, *options.fit_id);
  if (!fit.ok()) return fit.status();
  auto predictions = Predict(*fit->fitted, options.predict, PredictionVariable(fit->request));
  if (!predictions.ok()) return predictions.status();
  if (global.json) {
    std::cout << json{{"fit_id", fit->id},
                      {"law", fit->law},
                      {"predictions", PredictionsJson(*predictions)}}
                     .dump(2)
              << '\n';
  } else {
    std::cout << "fit " << fit->id << " (" << fit->Describe() << ")\n";
    PrintPredictions(std::cout, predictions->predictions);
  }
  return Status::Ok();
}

}  // namespace

Status RunFitLaw(const GlobalOptions& global, const FitLawOptions& options) {
  // Predicting with a stored fit only reads; fitting stores the fit.
  auto store = Store::Open(ChooseStorePath(global, ""),
                           options.fit_id ? Store::Mode::kReadOnly : Store::Mode::kMustExist);
  if (!store.ok()) return store.status();
  if (options.fit_id) return PredictWithStoredFit(**store, global, options);

  FitRequest request = options.request;
  Status parsed = ParseTargetPairs(options.target_pairs, request);
  if (!parsed.ok()) return parsed;
  if (!options.step_window.empty()) {
    auto window = ParseStepWindow(options.step_window);
    if (!window.ok()) return window.status();
    request.step_window = *window;
  }
  auto fit = FitExperiment(**store, request);
  if (!fit.ok()) return fit.status();

  PredictedPoints predictions;
  if (!options.predict.empty()) {
    auto stored = LoadStoredFit(**store, fit->fit_id);
    if (!stored.ok()) return stored.status();
    auto predicted = Predict(*stored->fitted, options.predict, PredictionVariable(fit->request));
    if (!predicted.ok()) return predicted.status();
    predictions = std::move(*predicted);
  }
  if (global.json) {
    json output = fit->report.ToJson();
    output["fit_id"] = fit->fit_id;
    if (!predictions.empty()) output["predictions"] = PredictionsJson(predictions);
    std::cout << output.dump(2) << '\n';
  } else {
    PrintFitReport(std::cout, fit->fit_id, fit->report, fit->request.experiment);
    if (!predictions.empty()) PrintPredictions(std::cout, predictions.predictions);
  }
  return Status::Ok();
}

}  // namespace mixrun
