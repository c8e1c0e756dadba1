#include "report/study_figure.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/metric_names.h"

namespace mixrun {

std::optional<Figure> StudyProgressFigure(const std::string& experiment,
                                          const std::vector<StudyRoundRow>& rounds,
                                          const std::vector<RunPoint>& runs) {
  if (rounds.empty()) return std::nullopt;
  std::vector<const RunPoint*> ordered;
  for (const RunPoint& run : runs) ordered.push_back(&run);
  std::sort(ordered.begin(), ordered.end(),
            [](const RunPoint* a, const RunPoint* b) { return a->run_id < b->run_id; });
  Figure figure;
  figure.name = "study_progress";
  figure.title = "Study of " + experiment + ": the decision over runs spent";
  figure.columns = {"round", "runs", "predicted", "pi_low", "pi_high", "width", "best_observed"};
  bool observed_any = false;
  for (const StudyRoundRow& round : rounds) {
    double best = std::numeric_limits<double>::quiet_NaN();
    for (size_t i = 0; i < ordered.size() && static_cast<int>(i) < round.runs; ++i) {
      auto found = ordered[i]->metrics.find(kTargetLossMetric);
      if (found == ordered[i]->metrics.end() || !std::isfinite(found->second)) continue;
      if (!(found->second >= best)) best = found->second;  // NaN compares false: the first
    }
    observed_any = observed_any || std::isfinite(best);
    figure.AddRow({double(round.round), double(round.runs), round.predicted_loss,
                   round.interval_low, round.interval_high,
                   round.interval_high - round.interval_low, best});
  }
  const StudyRoundRow& last = rounds.back();
  figure.caption =
      "Each round of the study fits the runs finished so far (x) and recommends a mixture: its "
      "predicted target loss (dot) with the 95% prediction interval (bar: where one run of it "
      "will lie; its width is how sure the decision is)" +
      std::string(observed_any ? "; the line is the lowest target loss measured so far" : "") +
      ". " + std::to_string(rounds.size()) + " rounds, " + std::to_string(last.runs) + " runs" +
      (last.stop_reason.empty() ? " (going on)." : "; stopped: " + last.stop_reason + ".");
  figure.plot =
      "set xlabel 'finished runs'\nset ylabel 'target loss'\nset key below\nplot "
      "data using 2:3:4:5 with yerrorbars pt 7 ps 0.9 lc rgb '#08519c' "
      "title 'recommended: predicted, 95% prediction interval'";
  if (observed_any) {
    figure.plot +=
        ", \\\n  data using 2:7 with linespoints pt 13 lc rgb '#d62728' "
        "title 'best measured so far'";
  }
  figure.plot += "\n";
  return figure;
}

}  // namespace mixrun
