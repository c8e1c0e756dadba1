#include "optimize/print.h"

#include <algorithm>
#include <cmath>

#include "common/text_table.h"
#include "mixture/mixture.h"

namespace mixrun {
namespace {

// Strings are built with append: GCC 12 reports -Wrestrict false positives on "literal" + string.
std::string Bracket(double low, double high, int digits) {
  std::string text("[");
  return text.append(FormatSignificant(low, digits))
      .append(", ")
      .append(FormatSignificant(high, digits))
      .append("]");
}

std::string MeanBracket(const PredictionInterval& interval) {
  return interval.mean ? Bracket(interval.mean->low, interval.mean->high, 5) : std::string("-");
}

}  // namespace

std::string PredictionBracket(const PredictionInterval& interval) {
  return Bracket(interval.low, interval.high, 5);
}

namespace {

std::string Signed(double value) {
  std::string text(value > 0 ? "+" : "");
  return text.append(FormatSignificant(value, 3));
}

// recommend --at: where the proxies' optimum was, and what keeping it would cost at the target.
void PrintScaleShift(const Recommendation& r, std::ostream& out) {
  const ScaleShift& shift = *r.scale_shift;
  out << "\nat the proxy scale (" << ScaleText(shift.proxy) << "; " << shift.proxy_source
      << ") the optimum is\n  ";
  for (const auto& [domain, weight] : shift.proxy_mixture) {
    out << domain << " " << FormatSignificant(weight, 3) << "  ";
  }
  out << "\n  predicted there " << FormatSignificant(shift.proxy_at_proxy.prediction, 6)
      << ", 95% prediction interval " << PredictionBracket(shift.proxy_at_proxy) << '\n'
      << "the optimum moved by L1 " << FormatSignificant(shift.l1, 3) << " from the proxy scale to "
      << ScaleText(shift.target) << "; there the proxy-scale optimum is predicted "
      << Signed(shift.loss_gap) << " worse (mean predictions; see the baselines' intervals)\n";
  for (const std::string& note : shift.extrapolation) {
    out << "extrapolating: " << note
        << " — the intervals are calibrated on runs of the fit's scales\n";
  }
}

}  // namespace

void PrintRecommendation(const Recommendation& r, const std::vector<LoadedFit>& fits,
                         int64_t recommendation_id, std::ostream& out) {
  out << "recommendation " << recommendation_id << " (" << r.method << ") from ";
  for (size_t f = 0; f < fits.size(); ++f) {
    out << (f ? " + " : "") << "fit " << fits[f].id << " (" << fits[f].Describe();
    if (fits.size() > 1) out << ", weight " << FormatSignificant(fits[f].weight, 4);
    out << ")";
  }
  out << "\n\n";

  std::vector<std::pair<std::string, double>> sorted(r.mixture.begin(), r.mixture.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  TextTable mixture({"domain", "weight", "bounds", "note"});
  for (const auto& [domain, weight] : sorted) {
    const size_t j = static_cast<size_t>(
        std::find(r.constraints.domains.begin(), r.constraints.domains.end(), domain) -
        r.constraints.domains.begin());
    std::string note;
    for (const auto& bound : r.active) {
      if (bound.domain != domain || bound.source == "simplex") continue;
      note = bound.side == "fixed" ? std::string("fixed")
                                   : std::string("at ")
                                         .append(bound.side)
                                         .append(" bound (")
                                         .append(bound.source)
                                         .append(")");
    }
    for (const auto& edge : r.edges) {
      if (edge.domain != domain || note.find("observed") != std::string::npos) continue;
      const bool low = edge.where.find("min") != std::string::npos;
      if (!note.empty()) note.append("; ");
      note.append(edge.where)
          .append(" ")
          .append(FormatSignificant(low ? edge.seen_low : edge.seen_high, 3));
    }
    mixture.AddRow({domain, FormatSignificant(weight, 4),
                    Bracket(r.constraints.lo[j], r.constraints.hi[j], 3), note});
  }
  mixture.Print(out);
  out << "\npredicted loss " << FormatSignificant(r.predicted.prediction, 6);
  if (r.scale_shift) out << " at " << ScaleText(r.scale_shift->target);
  out << '\n'
      << "  95% mean interval       " << MeanBracket(r.predicted) << "  (the law's expected loss; "
      << r.predicted.mean_source << ")\n"
      << "  95% prediction interval " << PredictionBracket(r.predicted) << "  (one run's loss; "
      << r.predicted.source << ")\n";
  for (const std::string& warning : r.warnings) out << "  (!) " << warning << '\n';
  if (std::isfinite(r.kl_to_prior)) {
    out << "KL to the prior (" << r.prior->source << "): " << FormatSignificant(r.kl_to_prior, 4)
        << " nats\n";
  }

  out << '\n';
  TextTable baselines(
      {"baseline", "predicted", "mean 95%", "prediction 95%", "vs recommended", "note"});
  for (const Baseline& baseline : r.baselines) {
    std::string note = baseline.note;
    if (baseline.observed) {
      note.append(", observed ").append(FormatSignificant(*baseline.observed, 5));
    }
    baselines.AddRow({baseline.name, FormatSignificant(baseline.predicted.prediction, 6),
                      MeanBracket(baseline.predicted), PredictionBracket(baseline.predicted),
                      Signed(r.predicted.prediction - baseline.predicted.prediction), note});
  }
  baselines.Print(out);
  if (r.scale_shift) PrintScaleShift(r, out);

  out << '\n';
  if (r.method == "simulate") {
    out << "simulate: " << r.details.value("samples", 0) << " candidates within the bounds ("
        << r.details.value("drawn", 0) << " drawn), mean of the best "
        << r.details.value("top_k", 0) << "\n";
  } else {
    out << "optimize: best of " << r.details.value("starts", 0) << " starts ("
        << r.details.value("agreeing_starts", 0) << " reached the same mixture)\n";
  }
  for (const std::string& note : r.constraints.notes) out << note << '\n';
  size_t at_zero = 0;
  for (const auto& bound : r.active) at_zero += bound.source == "simplex" ? 1 : 0;
  if (at_zero > 0) out << at_zero << " domains at weight 0\n";
  if (r.edges.empty()) {
    out << "no weight at the edge of the range the fit saw\n";
  } else {
    out << r.edges.size() << " weight(s) at the edge of the range the fit saw: predictions there "
        << "rest on few runs\n";
  }
}

void PrintSuggestions(const SuggestResult& result, const std::vector<LoadedFit>& fits,
                      std::ostream& out) {
  out << result.suggestions.size() << " suggestions from fit";
  for (const LoadedFit& fit : fits) out << ' ' << fit.id << " (" << fit.Describe() << ")";
  out << ", " << result.candidates << " candidates inside the bounds\n\n";
  const bool scales = !result.suggestions.empty() && result.suggestions[0].fidelity;
  std::vector<std::string> header = {"#",        "kind",           "predicted",
                                     "mean 95%", "prediction 95%", "refit spread"};
  if (scales) header.push_back("train at");
  header.push_back("mixture");
  TextTable table(header);
  for (size_t i = 0; i < result.suggestions.size(); ++i) {
    const Suggestion& s = result.suggestions[i];
    std::vector<std::string> row = {std::to_string(i + 1),
                                    s.explore ? "explore" : "exploit",
                                    FormatSignificant(s.predicted.prediction, 5),
                                    MeanBracket(s.predicted),
                                    PredictionBracket(s.predicted),
                                    FormatSignificant(s.spread, 3)};
    if (scales) row.push_back(ScaleText(s.fidelity->options[s.fidelity->chosen].scale));
    row.push_back(HeaviestDomains(s.mixture, 4));
    table.AddRow(row);
  }
  table.Print(out);
  out << '\n';
  for (size_t i = 0; i < result.suggestions.size(); ++i) {
    out << (i + 1) << ". " << result.suggestions[i].reason << '\n';
  }
  for (const std::string& note : result.notes) out << "note: " << note << '\n';
  if (!result.suggestions.empty()) {
    out << "mean 95%: the law's expected loss (" << result.suggestions[0].predicted.mean_source
        << "); prediction 95%: one run's loss (" << result.suggestions[0].predicted.source << ")\n";
  }
}

}  // namespace mixrun
