#include "report/report_page.h"

#include <set>

#include "catalog/stored_fit.h"
#include "common/version.h"
#include "report/fit_figures.h"
#include "report/loss_curve_figures.h"
#include "report/mixture_figures.h"
#include "report/mixture_reference.h"
#include "report/scaling_figures.h"
#include "report/study_figure.h"
#include "report/transfer_figure.h"

namespace mixrun {
namespace {

void Append(std::vector<Figure>& figures, std::vector<Figure> more) {
  for (Figure& figure : more) figures.push_back(std::move(figure));
}

Result<std::vector<RunPoint>> ExperimentRuns(Store& store, const std::string& experiment,
                                             const std::set<std::string>& history = {}) {
  MIXRUN_ASSIGN_OR_RETURN(int64_t id, store.ExperimentId(experiment));
  return store.LoadRunPoints(id, history);
}

// The fit's training runs: its experiment's runs that it recorded fitting (all, if unrecorded).
Result<std::vector<RunPoint>> TrainingRuns(Store& store, const StoredFit& fit) {
  if (!fit.experiment_id) return std::vector<RunPoint>{};
  MIXRUN_ASSIGN_OR_RETURN(std::vector<RunPoint> runs, store.LoadRunPoints(*fit.experiment_id));
  if (fit.run_ids.empty()) return runs;
  const std::set<int64_t> fitted(fit.run_ids.begin(), fit.run_ids.end());
  std::erase_if(runs, [&](const RunPoint& run) { return !fitted.contains(run.run_id); });
  return runs;
}

// Adds the fit's figures; the experiment it was fitted to, whose loss curves come next.
Result<std::string> AddFitFigures(Store& store, const ReportRequest& request, ReportPage& page) {
  MIXRUN_ASSIGN_OR_RETURN(StoredFit fit, LoadStoredFit(store, *request.fit_id));
  FitFigureRuns runs;
  MIXRUN_ASSIGN_OR_RETURN(runs.training, TrainingRuns(store, fit));
  runs.held_out_name =
      request.experiment.empty() ? fit.request.test_experiment : request.experiment;
  if (runs.held_out_name == fit.request.experiment) runs.held_out_name.clear();
  if (!runs.held_out_name.empty()) {
    MIXRUN_ASSIGN_OR_RETURN(runs.held_out, ExperimentRuns(store, runs.held_out_name));
  }
  page.title = "mixrun report: fit " + std::to_string(fit.id) + " (" + fit.Describe() + ")";
  page.summary.push_back(
      "Fit " + std::to_string(fit.id) + ": law " + fit.Describe() + " of " + fit.TargetMetric() +
      (fit.request.experiment.empty() ? "" : " on experiment " + fit.request.experiment) + ", " +
      std::to_string(runs.training.size()) + " training runs, " +
      std::to_string(fit.fitted->bootstrap_size()) + " bootstrap refits" +
      (runs.held_out_name.empty() ? "; no held-out runs."
                                  : "; held-out: " + std::to_string(runs.held_out.size()) +
                                        " runs of " + runs.held_out_name + "."));
  page.summary.push_back(
      "Two kinds of interval, always named: the mean interval is where the law's expected value "
      "lies (2.5–97.5% of the bootstrap refits); the prediction interval is where one new run's "
      "value will lie (calibrated on cross-validated residuals).");
  Append(page.figures, FitAccuracyFigures(fit, runs));
  if (ReadsModelAndTokens(fit)) {
    MIXRUN_ASSIGN_OR_RETURN(std::vector<Figure> scaling, ScalingFigures(fit, runs.training));
    Append(page.figures, std::move(scaling));
  }
  if (!fit.fitted->domains().empty()) {
    MIXRUN_ASSIGN_OR_RETURN(MixtureContext context, LoadMixtureContext(store, fit, runs.training));
    AddMeasuredValues(context, fit, runs.held_out, runs.held_out_name);
    for (const std::string& note : context.notes) page.summary.push_back(note);
    MIXRUN_ASSIGN_OR_RETURN(std::vector<Figure> mixture, MixtureFigures(fit, context));
    Append(page.figures, std::move(mixture));
  }
  return fit.request.experiment;
}

Status AddLossCurves(Store& store, const std::string& experiment, ReportPage& page) {
  MIXRUN_ASSIGN_OR_RETURN(std::vector<RunPoint> finals, ExperimentRuns(store, experiment));
  const std::vector<std::string> metrics = LossCurveMetrics(finals);
  if (metrics.empty()) return Status::Ok();
  MIXRUN_ASSIGN_OR_RETURN(
      std::vector<RunPoint> runs,
      ExperimentRuns(store, experiment, std::set<std::string>(metrics.begin(), metrics.end())));
  for (const std::string& metric : metrics) {
    if (auto figure = LossCurveFigure(runs, metric, experiment)) {
      page.figures.push_back(std::move(*figure));
    }
  }
  return Status::Ok();
}

// A study's rounds (`mixrun study`), when the experiment has any.
Status AddStudyProgress(Store& store, const std::string& experiment, ReportPage& page) {
  MIXRUN_ASSIGN_OR_RETURN(int64_t id, store.ExperimentId(experiment));
  MIXRUN_ASSIGN_OR_RETURN(std::vector<StudyRoundRow> rounds, store.ListStudyRounds(id));
  if (rounds.empty()) return Status::Ok();
  MIXRUN_ASSIGN_OR_RETURN(std::vector<RunPoint> runs, store.LoadRunPoints(id));
  if (auto figure = StudyProgressFigure(experiment, rounds, runs)) {
    page.figures.push_back(std::move(*figure));
  }
  return Status::Ok();
}

Status AddRankTransfer(Store& store, const ReportRequest& request, ReportPage& page) {
  if (request.transfer_experiments.size() != 2) {
    return Status::InvalidInput("report --transfer takes two experiments, EXP_SMALL EXP_LARGE");
  }
  RankTransferRequest transfer_request = request.transfer;
  transfer_request.small_name = request.transfer_experiments[0];
  transfer_request.large_name = request.transfer_experiments[1];
  MIXRUN_ASSIGN_OR_RETURN(std::vector<RunPoint> small,
                          ExperimentRuns(store, transfer_request.small_name));
  MIXRUN_ASSIGN_OR_RETURN(std::vector<RunPoint> large,
                          ExperimentRuns(store, transfer_request.large_name));
  MIXRUN_ASSIGN_OR_RETURN(RankTransfer transfer,
                          MeasureRankTransfer(small, large, transfer_request));
  page.title = "mixrun report: rank transfer " + transfer.small.name + " → " + transfer.large.name;
  page.summary.push_back(transfer.Verdict());
  page.figures.push_back(RankTransferFigure(transfer));
  return Status::Ok();
}

}  // namespace

Result<ReportPage> BuildReportPage(Store& store, const ReportRequest& request) {
  ReportPage page;
  page.title = "mixrun report";
  if (!request.transfer_experiments.empty()) {
    MIXRUN_RETURN_IF_ERROR(AddRankTransfer(store, request, page));
  }
  std::string curves_experiment = request.experiment;
  if (request.fit_id) {
    MIXRUN_ASSIGN_OR_RETURN(std::string fitted_experiment, AddFitFigures(store, request, page));
    if (curves_experiment.empty()) curves_experiment = fitted_experiment;
  } else if (!request.experiment.empty()) {
    page.title = "mixrun report: experiment " + request.experiment;
  }
  if (!curves_experiment.empty()) {
    MIXRUN_RETURN_IF_ERROR(AddLossCurves(store, curves_experiment, page));
    MIXRUN_RETURN_IF_ERROR(AddStudyProgress(store, curves_experiment, page));
  }
  page.summary.push_back("Written by mixrun " + std::string(kMixrunVersion) +
                         "; each figure's data (CSV) and gnuplot script are beside this page.");
  return page;
}

}  // namespace mixrun
