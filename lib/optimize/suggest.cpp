#include "optimize/suggest.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "common/format.h"
#include "common/random.h"
#include "common/text_table.h"
#include "optimize/simulate.h"

namespace mixrun {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Each pick is refined by draws concentrated on it, wide then narrow.
constexpr double kRefineConcentrations[] = {60, 600};
constexpr int64_t kRefineDraws = 512;
// Streams of the seed's generator: the pool, each slot's refinement, the refits' order.
constexpr uint64_t kPoolStream = 1, kRefitOrderStream = 2, kRefineStream = 100;

// One model a slot ranks candidates under: the fits themselves (refit −1) or bootstrap refit
// `refit` of each (modulo its number of refits), combined as recommend combines fits —
// Σ weight · prediction, plus λ·KL to the prior with --kl-reg.
struct Model {
  const std::vector<LoadedFit>* fits;
  int refit = -1;
  std::optional<ModelScale> scale;
  const std::vector<double>* prior;
  double kl_reg = 0;

  // Values of `count` rows; a row any fit cannot predict (not finite) is +∞: never chosen.
  Result<std::vector<double>> Evaluate(const std::vector<double>& rows, size_t count) const {
    std::vector<double> total(count, 0.0);
    for (const LoadedFit& fit : *fits) {
      const size_t refits = fit.fitted->bootstrap_size();
      Result<std::vector<double>> predicted =
          refit < 0 ? fit.fitted->PredictMixtures(rows, count, scale)
                    : fit.fitted->PredictMixturesByRefit(static_cast<size_t>(refit) % refits, rows,
                                                         count, scale);
      if (!predicted.ok()) return predicted.status();
      for (size_t i = 0; i < count; ++i) total[i] += fit.weight * (*predicted)[i];
    }
    const size_t m = count ? rows.size() / count : 0;
    for (size_t i = 0; i < count; ++i) {
      if (kl_reg > 0) total[i] += kl_reg * KlDivergence(&rows[i * m], *prior);
      if (!std::isfinite(total[i])) total[i] = kInfinity;
    }
    return total;
  }
};

double L1(const double* a, const double* b, size_t m) {
  double sum = 0;
  for (size_t j = 0; j < m; ++j) sum += std::abs(a[j] - b[j]);
  return sum;
}

// Whether row `x` keeps min_distance from every mixture of `others` (row-major).
bool FarFrom(const double* x, const std::vector<double>& others, size_t m, double min_distance) {
  for (size_t k = 0; k + m <= others.size(); k += m) {
    if (L1(x, &others[k], m) < min_distance) return false;
  }
  return true;
}

// Draws `count` mixtures of `dirichlet` (rejections not counted) from stream `stream`; fewer
// when the bounds reject almost every draw.
std::vector<double> Draw(const BoundedDirichlet& dirichlet, int64_t count, uint64_t seed,
                         uint64_t stream) {
  const size_t m = dirichlet.alpha.size();
  Rng rng(seed, stream);
  std::vector<double> rows, w(m);
  rows.reserve(static_cast<size_t>(count) * m);
  for (int64_t drawn = 0, kept = 0; kept < count && drawn < 100 * count + 1000; ++drawn) {
    if (!DrawBoundedDirichlet(rng, dirichlet.alpha, dirichlet.box, w.data())) continue;
    rows.insert(rows.end(), w.begin(), w.end());
    ++kept;
  }
  return rows;
}

// Dirichlet concentrated on `center` (κ·(center − lo)/mass over the free domains) in the same box.
BoundedDirichlet Around(const BoundedDirichlet& pool, const double* center, double kappa) {
  BoundedDirichlet local = pool;
  for (size_t j = 0; j < local.alpha.size(); ++j) {
    if (pool.alpha[j] <= 0) continue;  // pinned by its bounds
    const double share = (center[j] - pool.box.lo[j]) / pool.box.mass;
    local.alpha[j] = kappa * std::max(share, 1e-3);
  }
  return local;
}

// The admissible row of lowest value, or −1.
int64_t Best(const std::vector<double>& rows, const std::vector<double>& values, size_t m,
             const std::vector<double>& taken, double min_distance) {
  int64_t best = -1;
  for (size_t i = 0; i < values.size(); ++i) {
    if (!(values[i] < kInfinity)) continue;
    if (best >= 0 && !(values[i] < values[static_cast<size_t>(best)])) continue;
    if (!FarFrom(&rows[i * m], taken, m, min_distance)) continue;
    best = static_cast<int64_t>(i);
  }
  return best;
}

// The standard deviation over refits of the combined prediction at each of `rows`.
Result<std::vector<double>> RefitSpread(Model model, size_t refits, const std::vector<double>& rows,
                                        size_t count) {
  std::vector<double> sum(count, 0.0), squares(count, 0.0);
  for (size_t b = 0; b < refits; ++b) {
    model.refit = static_cast<int>(b);
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> values, model.Evaluate(rows, count));
    for (size_t i = 0; i < count; ++i) {
      sum[i] += values[i];
      squares[i] += values[i] * values[i];
    }
  }
  std::vector<double> spread(count);
  const double n = static_cast<double>(refits);
  for (size_t i = 0; i < count; ++i) {
    const double mean = sum[i] / n;
    spread[i] = std::sqrt(std::max(0.0, squares[i] / n - mean * mean));
  }
  return spread;
}

// The combined fits' noise: the SD of one run's loss around the law (calibration), as the
// weighted sum of independent fits.
double RunNoise(const std::vector<LoadedFit>& fits) {
  double variance = 0;
  for (const LoadedFit& fit : fits) {
    const auto& calibration = fit.fitted->calibration();
    const double sd = calibration ? calibration->residual_sd : fit.stats.in_sample.rmse;
    variance += fit.weight * fit.weight * sd * sd;
  }
  return std::sqrt(variance);
}

// Each suggestion's fidelity: its refits' predictions at --at and at each proxy scale.
Status ChooseScales(const Model& fitted, size_t refits, const std::vector<ModelScale>& scales,
                    double noise_sd, const std::vector<double>& picked, size_t m,
                    std::vector<Suggestion>& suggestions) {
  for (size_t i = 0; i < suggestions.size(); ++i) {
    const std::vector<double> row(picked.begin() + static_cast<int64_t>(i * m),
                                  picked.begin() + static_cast<int64_t>((i + 1) * m));
    std::vector<double> target(refits);
    std::vector<std::vector<double>> at_scale(scales.size(), std::vector<double>(refits));
    for (size_t b = 0; b < refits; ++b) {
      Model model = fitted;
      model.refit = static_cast<int>(b);
      MIXRUN_ASSIGN_OR_RETURN(std::vector<double> value, model.Evaluate(row, 1));
      target[b] = value[0];
      for (size_t s = 0; s < scales.size(); ++s) {
        model.scale = scales[s];
        MIXRUN_ASSIGN_OR_RETURN(value, model.Evaluate(row, 1));
        at_scale[s][b] = value[0];
      }
    }
    suggestions[i].fidelity = ChooseFidelity(target, at_scale, scales, noise_sd);
  }
  return Status::Ok();
}

}  // namespace

Result<SuggestResult> Suggest(const std::vector<LoadedFit>& fits, SuggestRequest request) {
  MIXRUN_RETURN_IF_ERROR(CheckMixtureFits(fits, "suggest"));
  if (request.count < 1) return Status::InvalidInput("suggest: --count must be at least 1");
  if (!(request.explore >= 0 && request.explore <= 1)) {
    return Status::InvalidInput("suggest: --explore must be in [0, 1]");
  }
  if (request.candidates < 1) return Status::InvalidInput("suggest: --candidates must be positive");
  if (!(request.min_distance >= 0 && request.min_distance < 2)) {
    return Status::InvalidInput("suggest: --min-distance must be in [0, 2) (an L1 distance)");
  }
  size_t refits = std::numeric_limits<size_t>::max();
  for (const LoadedFit& fit : fits) refits = std::min(refits, fit.fitted->bootstrap_size());
  if (refits == 0) {
    return Status::InvalidInput(
        "suggest: fit " + std::to_string(fits[0].id) +
        " has no bootstrap refits; refit it with --bootstrap (e.g. 100): its refits are the "
        "uncertainty the suggestions are drawn from");
  }
  for (const LoadedFit& fit : fits) {
    if (fit.fitted->reads_scale() && !request.recommend.at) {
      return Status::InvalidInput("suggest: fit " + std::to_string(fit.id) +
                                  " predicts at a scale: give the decision's scale with --at N,D");
    }
  }
  const std::vector<std::string> domains = fits[0].fitted->domains();
  const size_t m = domains.size();
  SuggestResult result;
  MIXRUN_ASSIGN_OR_RETURN(result.constraints,
                          SearchConstraints(fits, request.recommend, "suggest"));
  std::vector<double> prior;
  if (request.recommend.prior) {
    prior = ToWeights(request.recommend.prior->shares, domains);
  } else {
    prior.assign(m, 1.0 / static_cast<double>(m));
    result.notes.push_back("no prior known: candidates drawn from a uniform Dirichlet");
  }
  const BoundedDirichlet dirichlet =
      MakeBoundedDirichlet(result.constraints, prior, request.strength);
  if (dirichlet.pinned) {
    return Status::InvalidInput("suggest: the bounds pin every weight: there is nothing to choose");
  }
  const std::vector<double> pool = Draw(dirichlet, request.candidates, request.seed, kPoolStream);
  result.candidates = static_cast<int64_t>(pool.size() / m);
  if (result.candidates == 0) {
    return Status::InvalidInput(
        "suggest: no Dirichlet draw fell within the bounds; loosen --min/--max or "
        "--allow-extrapolation");
  }

  // The fit's runs are kept at a distance too: a suggestion teaches most where no run is.
  std::vector<double> taken;
  for (const RunPoint& run : request.recommend.runs) {
    WeightVector w = ToWeights(run.weights, domains);
    if (Normalise(w)) taken.insert(taken.end(), w.begin(), w.end());
  }
  const size_t runs_taken = taken.size();

  const int explore_slots = static_cast<int>(std::lround(request.explore * request.count));
  // The refits in a seeded order, each used once while there are enough.
  std::vector<size_t> order(refits);
  std::iota(order.begin(), order.end(), size_t{0});
  Rng shuffle(request.seed, kRefitOrderStream);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[shuffle.Below(i)]);
  if (static_cast<size_t>(explore_slots) > refits) {
    result.notes.push_back("only " + std::to_string(refits) + " bootstrap refits for " +
                           std::to_string(explore_slots) + " explore slots: refits reused");
  }

  const Model fitted{&fits, -1, request.recommend.at, &prior, request.recommend.kl_reg};
  MIXRUN_ASSIGN_OR_RETURN(const std::vector<double> pool_mean,
                          fitted.Evaluate(pool, static_cast<size_t>(result.candidates)));
  for (int slot = 0; slot < request.count; ++slot) {
    const bool explore = slot >= request.count - explore_slots;
    Model model = fitted;
    std::vector<double> values = pool_mean;
    if (explore) {
      const int index = slot - (request.count - explore_slots);
      model.refit = static_cast<int>(order[static_cast<size_t>(index) % refits]);
      MIXRUN_ASSIGN_OR_RETURN(values, model.Evaluate(pool, static_cast<size_t>(result.candidates)));
    }
    int64_t best = Best(pool, values, m, taken, request.min_distance);
    if (best < 0) {
      return Status::InvalidInput(
          "suggest: no candidate keeps --min-distance " + FormatDouble(request.min_distance) +
          " from the fit's runs and the other suggestions; lower it, or ask for fewer");
    }
    std::vector<double> chosen(pool.begin() + best * static_cast<int64_t>(m),
                               pool.begin() + (best + 1) * static_cast<int64_t>(m));
    double chosen_value = values[static_cast<size_t>(best)];
    // Refinement: draws around the pick, under the same model and the same distances.
    for (size_t round = 0; round < std::size(kRefineConcentrations); ++round) {
      const std::vector<double> local =
          Draw(Around(dirichlet, chosen.data(), kRefineConcentrations[round]), kRefineDraws,
               request.seed, kRefineStream + static_cast<uint64_t>(slot) * 8 + round);
      if (local.empty()) continue;
      MIXRUN_ASSIGN_OR_RETURN(std::vector<double> local_values,
                              model.Evaluate(local, local.size() / m));
      const int64_t better = Best(local, local_values, m, taken, request.min_distance);
      if (better >= 0 && local_values[static_cast<size_t>(better)] < chosen_value) {
        chosen.assign(local.begin() + better * static_cast<int64_t>(m),
                      local.begin() + (better + 1) * static_cast<int64_t>(m));
        chosen_value = local_values[static_cast<size_t>(better)];
      }
    }
    // A weight below 1e-4 teaches nothing and clutters a config: zeroed.
    chosen = CleanWeights(std::move(chosen), result.constraints, 1e-4);
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> cleaned_value, model.Evaluate(chosen, 1));
    chosen_value = cleaned_value[0];
    taken.insert(taken.end(), chosen.begin(), chosen.end());
    Suggestion suggestion;
    suggestion.mixture = ToMixture(domains, chosen);
    suggestion.explore = explore;
    suggestion.refit = model.refit;
    suggestion.chosen_under = chosen_value;
    MIXRUN_ASSIGN_OR_RETURN(suggestion.predicted,
                            PredictWithInterval(fits, suggestion.mixture, request.recommend.at));
    result.suggestions.push_back(std::move(suggestion));
  }

  const std::vector<double> picked(taken.begin() + static_cast<int64_t>(runs_taken), taken.end());
  MIXRUN_ASSIGN_OR_RETURN(std::vector<double> spread,
                          RefitSpread(fitted, refits, picked, result.suggestions.size()));
  const double best_predicted =
      std::min_element(result.suggestions.begin(), result.suggestions.end(),
                       [](const Suggestion& a, const Suggestion& b) {
                         return a.predicted.prediction < b.predicted.prediction;
                       })
          ->predicted.prediction;
  bool across_scale = false;
  for (const LoadedFit& fit : fits) across_scale = across_scale || fit.fitted->reads_scale();
  if (across_scale) {
    const std::vector<ModelScale> scales =
        request.scales.empty() ? ScalesOfRuns(request.recommend.runs) : request.scales;
    if (scales.empty()) {
      result.notes.push_back(
          "the fit's runs have no N and D: train the suggestions at a scale "
          "of your choosing");
    } else {
      MIXRUN_RETURN_IF_ERROR(
          ChooseScales(fitted, refits, scales, RunNoise(fits), picked, m, result.suggestions));
    }
  }
  for (size_t i = 0; i < result.suggestions.size(); ++i) {
    Suggestion& s = result.suggestions[i];
    s.spread = spread[i];
    const std::string gap = FormatSignificant(s.predicted.prediction - best_predicted, 3);
    s.reason = s.explore ? "explore: lowest under bootstrap refit " + std::to_string(s.refit) +
                               " (Thompson sampling); the fit predicts +" + gap +
                               " over the best suggestion, refits spread " +
                               FormatSignificant(s.spread, 3)
                         : "exploit: lowest loss the fit predicts" +
                               std::string(i > 0 ? " away from the earlier suggestions" : "");
    if (s.fidelity) s.reason += "; " + s.fidelity->reason;
  }
  return result;
}

nlohmann::json SuggestResult::MixturesJson() const {
  nlohmann::json mixtures = nlohmann::json::array();
  for (const Suggestion& suggestion : suggestions) mixtures.push_back(suggestion.mixture);
  return mixtures;
}

std::vector<std::pair<ModelScale, nlohmann::json>> SuggestResult::MixturesByScale() const {
  std::vector<std::pair<ModelScale, nlohmann::json>> groups;
  for (const Suggestion& s : suggestions) {
    if (!s.fidelity) continue;
    const ModelScale& scale = s.fidelity->options[s.fidelity->chosen].scale;
    auto group = std::find_if(groups.begin(), groups.end(), [&](const auto& g) {
      return g.first.n_params == scale.n_params && g.first.n_tokens == scale.n_tokens;
    });
    if (group == groups.end()) {
      groups.emplace_back(scale, nlohmann::json::array());
      group = groups.end() - 1;
    }
    group->second.push_back(s.mixture);
  }
  return groups;
}

nlohmann::json SuggestResult::ToJson() const {
  nlohmann::json rows = nlohmann::json::array();
  for (const Suggestion& s : suggestions) {
    nlohmann::json row = {
        {"mixture", s.mixture},
        {"kind", s.explore ? "explore" : "exploit"},
        {"refit", s.refit >= 0 ? nlohmann::json(s.refit) : nlohmann::json(nullptr)},
        {"chosen_under", s.chosen_under},
        {"refit_spread", s.spread},
        {"reason", s.reason}};
    row.update(IntervalJson(s.predicted));
    if (s.fidelity) {
      nlohmann::json options = nlohmann::json::array();
      for (const FidelityOption& o : s.fidelity->options) {
        options.push_back({{"n_params", o.scale.n_params},
                           {"n_tokens", o.scale.n_tokens},
                           {"flops", o.cost},
                           {"variance_removed", o.gain},
                           {"share_removed", o.explained}});
      }
      const ModelScale& scale = s.fidelity->options[s.fidelity->chosen].scale;
      row["train_at"] = {{"n_params", scale.n_params}, {"n_tokens", scale.n_tokens}};
      row["fidelity"] = {{"target_variance", s.fidelity->target_variance}, {"options", options}};
    }
    rows.push_back(row);
  }
  return {{"suggestions", rows}, {"candidates", candidates}, {"notes", notes}};
}

}  // namespace mixrun
