#include "report/loss_curve_figures.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "common/metric_names.h"

namespace mixrun {
namespace {

// The domain to colour by: the largest mean weight over the runs; empty without mixtures.
std::string ColourDomain(const std::vector<RunPoint>& runs) {
  std::map<std::string, double> total;
  for (const RunPoint& run : runs) {
    for (const auto& [domain, weight] : run.weights) total[domain] += weight;
  }
  std::string best;
  for (const auto& [domain, sum] : total) {
    if (best.empty() || sum > total[best]) best = domain;
  }
  return best;
}

std::string FileStem(const std::string& metric) {
  std::string stem;
  for (char c : metric) stem += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  return stem;
}

}  // namespace

std::vector<std::string> LossCurveMetrics(const std::vector<RunPoint>& runs) {
  std::set<std::string> domains;
  bool target = false;
  for (const RunPoint& run : runs) {
    for (const auto& [name, value] : run.metrics) {
      if (name == kTargetLossMetric) target = true;
      if (auto domain = DomainOfLossMetric(name)) domains.insert(name);
    }
  }
  std::vector<std::string> metrics;
  if (target) metrics.push_back(kTargetLossMetric);
  metrics.insert(metrics.end(), domains.begin(), domains.end());
  return metrics;
}

std::optional<Figure> LossCurveFigure(const std::vector<RunPoint>& runs, const std::string& metric,
                                      const std::string& experiment) {
  std::vector<const RunPoint*> drawn;
  bool tokens_known = true;
  for (const RunPoint& run : runs) {
    auto history = run.history.find(metric);
    if (history == run.history.end() || history->second.size() < 2) continue;
    drawn.push_back(&run);
    // The evaluation before the first step has seen no tokens: it says nothing of whether
    // the trainer counts them.
    for (const MetricSample& sample : history->second) {
      tokens_known &= sample.step == 0 || sample.tokens > 0;
    }
  }
  if (drawn.empty()) return std::nullopt;
  std::vector<RunPoint> drawn_runs;
  for (const RunPoint* run : drawn) drawn_runs.push_back(*run);
  const std::string domain = ColourDomain(drawn_runs);
  const std::string colour_name = domain.empty() ? "run index" : "weight of " + domain;

  Figure figure;
  figure.name = "loss_curves_" + FileStem(metric);
  figure.title = metric + " over training (" + experiment + ")";
  figure.columns = {"series", "run_id", domain.empty() ? "run_index" : "weight_" + domain,
                    "step",   "tokens", "value"};
  for (size_t i = 0; i < drawn.size(); ++i) {
    const RunPoint& run = *drawn[i];
    double colour = static_cast<double>(i);
    if (!domain.empty()) {
      auto weight = run.weights.find(domain);
      colour = weight == run.weights.end() ? 0 : weight->second;
    }
    for (const MetricSample& sample : run.history.at(metric)) {
      figure.AddRow({double(i), double(run.run_id), colour, double(sample.step), sample.tokens,
                     sample.value});
    }
  }
  figure.caption = "One line per run (" + std::to_string(drawn.size()) + " runs): its " + metric +
                   " at each evaluation over the " + (tokens_known ? "tokens" : "steps") +
                   " trained, coloured by its " + colour_name + " (scale at the right). " +
                   "Measured values: no interval.";
  const std::string x = tokens_known ? "$5" : "$4";
  figure.plot = "set xlabel '" + std::string(tokens_known ? "training tokens" : "step") +
                "'\nset ylabel " + GnuplotQuote(metric) + "\nset cblabel " +
                GnuplotQuote(colour_name) +
                "\n"
                // viridis's ends and middle: ordered in lightness, readable in grey
                "set palette defined (0 '#440154', 0.5 '#21918c', 1 '#fde725')\n" +
                "unset key\nplot for [i=0:" + std::to_string(drawn.size() - 1) +
                "] data using ($1==i ? " + x + " : 1/0):6:3 with lines lw 1.5 lc palette notitle\n";
  return figure;
}

}  // namespace mixrun
