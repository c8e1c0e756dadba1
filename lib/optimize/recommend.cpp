#include "optimize/recommend.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "common/text_table.h"
#include "mixture/mixture.h"

namespace mixrun {
namespace {

constexpr double kAtBound = 1e-6;

Result<std::string> ChooseMethod(const std::vector<LoadedFit>& fits, const std::string& method) {
  bool smooth = true;
  std::string rough;
  for (const LoadedFit& fit : fits) {
    if (!fit.Smooth()) {
      smooth = false;
      rough = "fit " + std::to_string(fit.id) + " (" + fit.Describe() + ")";
    }
  }
  // auto: RegMix's simulate-and-rank for every regression (a linear model optimised inside the
  // observed ranges lands on a corner no run ever had: four tiny domains at their maxima), the
  // gradient search for the parametric mixing law.
  if (method == "auto") {
    bool regression = std::any_of(fits.begin(), fits.end(),
                                  [](const LoadedFit& fit) { return fit.law == "regmix"; });
    return std::string(smooth && !regression ? "optimize" : "simulate");
  }
  if (method == "optimize" && !smooth) {
    return Status::InvalidInput("--method optimize: " + rough +
                                " is piecewise constant, with no gradient to follow; use "
                                "--method simulate");
  }
  if (method != "optimize" && method != "simulate") {
    return Status::InvalidInput("--method must be auto, optimize or simulate, not '" + method +
                                "'");
  }
  return method;
}

// The run with the lowest observed combined target (every fit's target measured).
std::optional<std::pair<const RunPoint*, double>> BestObservedRun(
    const std::vector<LoadedFit>& fits, const std::vector<RunPoint>& runs) {
  std::optional<std::pair<const RunPoint*, double>> best;
  for (const RunPoint& run : runs) {
    double total = 0;
    bool complete = true;
    for (const LoadedFit& fit : fits) {
      const auto value = fit.ObservedTarget(run);
      complete = complete && value.has_value();
      if (value) total += fit.weight * *value;
    }
    if (complete && (!best || total < best->second)) best = std::make_pair(&run, total);
  }
  return best;
}

void FindActive(Recommendation& out, const std::vector<double>& w) {
  const Constraints& c = out.constraints;
  for (size_t j = 0; j < w.size(); ++j) {
    if (c.fixed[j]) {
      out.active.push_back(
          {c.domains[j], "fixed", c.lo[j], BoundSourceName(BoundSource::kFixed, false)});
      continue;
    }
    if (w[j] <= c.lo[j] + kAtBound) {
      out.active.push_back(
          {c.domains[j], "lower", c.lo[j], BoundSourceName(c.lo_source[j], false)});
    } else if (w[j] >= c.hi[j] - kAtBound) {
      out.active.push_back({c.domains[j], "upper", c.hi[j], BoundSourceName(c.hi_source[j], true)});
    }
  }
}

// Weights at (within 2% of) or beyond the edge of the range the fit saw: where its predictions
// rest on few runs. Low edges are reported only above 0 (weight 0 is no extrapolation).
void FindEdges(Recommendation& out, const std::vector<double>& w,
               const std::map<std::string, std::pair<double, double>>& observed) {
  for (size_t j = 0; j < w.size(); ++j) {
    auto range = observed.find(out.constraints.domains[j]);
    if (range == observed.end()) continue;
    const auto [low, high] = range->second;
    RangeEdge edge{out.constraints.domains[j], w[j], low, high, ""};
    if (w[j] > high + 1e-9) {
      edge.where = "above the observed max";
    } else if (w[j] >= high - std::max(kAtBound, 0.02 * high)) {
      edge.where = "at the observed max";
    } else if (low > 0 && w[j] < low - 1e-9) {
      edge.where = "below the observed min";
    } else if (low > 0 && w[j] <= low + std::max(kAtBound, 0.02 * low)) {
      edge.where = "at the observed min";
    }
    if (!edge.where.empty()) out.edges.push_back(edge);
  }
}

std::string ScaleText(const ModelScale& scale) {
  return "N " + HumanCount(scale.n_params) + ", D " + HumanCount(scale.n_tokens);
}

// The mixture minimising the fits' prediction at `scale` by `method`; `details` receives the
// method's statistics.
Result<std::vector<double>> Optimum(const std::vector<LoadedFit>& fits,
                                    const RecommendRequest& request,
                                    const std::vector<double>& prior,
                                    const std::optional<ModelScale>& scale,
                                    const Constraints& constraints, const std::string& method,
                                    nlohmann::json* details) {
  const std::vector<std::string>& domains = constraints.domains;
  std::vector<WeightedFit> weighted;
  for (const LoadedFit& fit : fits) weighted.push_back({fit.fitted.get(), fit.weight});
  MIXRUN_ASSIGN_OR_RETURN(Objective objective, Objective::Create(weighted, prior, request.kl_reg,
                                                                 request.threads, scale));
  if (method == "simulate") {
    MIXRUN_ASSIGN_OR_RETURN(SimulateResult simulated,
                            Simulate(objective, constraints, prior, request.simulate));
    *details = {{"samples", simulated.accepted},
                {"drawn", simulated.drawn},
                {"top_k", simulated.top_k},
                {"strength", request.simulate.strength},
                {"seed", request.simulate.seed},
                {"best_candidate_objective", simulated.best_objective},
                {"top_k_spread", ToMixture(domains, simulated.top_spread)}};
    return simulated.mixture;
  }
  std::vector<std::vector<double>> anchors;
  if (!prior.empty()) anchors.push_back(prior);
  anchors.push_back(std::vector<double>(domains.size(), 1.0 / domains.size()));
  const auto best_run = BestObservedRun(fits, request.runs);
  if (best_run) {
    anchors.push_back(ToWeights(NormalisedOver(best_run->first->weights, domains), domains));
  }
  MIXRUN_ASSIGN_OR_RETURN(GradientSearchResult searched,
                          GradientSearch(objective, constraints, anchors, request.search));
  *details = {{"starts", searched.starts},
              {"converged_starts", searched.converged},
              {"agreeing_starts", searched.agreeing_starts},
              {"iterations", searched.iterations},
              {"seed", request.search.seed}};
  return searched.mixture;
}

// The proxies' scale: --proxy-at, else the training run of the largest compute.
Result<std::pair<ModelScale, std::string>> ProxyScale(const RecommendRequest& request) {
  if (request.proxy_at) return std::make_pair(*request.proxy_at, std::string("--proxy-at"));
  auto largest = LargestTrainingScale(request.runs);
  if (!largest) {
    return Status::InvalidInput(
        "recommend --at: the fit's training runs are unknown, so is the proxy scale: give "
        "--proxy-at N,D");
  }
  return *largest;
}

// Where the target lies beyond every training run, in N and in D.
std::vector<std::string> Extrapolation(const ModelScale& target,
                                       const std::vector<RunPoint>& runs) {
  double n = 0, d = 0;
  for (const RunPoint& run : runs) {
    if (std::isfinite(run.n_params)) n = std::max(n, run.n_params);
    if (std::isfinite(run.TokensOrFromCompute())) d = std::max(d, run.TokensOrFromCompute());
  }
  std::vector<std::string> notes;
  if (n > 0 && target.n_params > n) {
    notes.push_back("N is " + FormatSignificant(target.n_params / n, 3) +
                    "× the largest training run's (" + HumanCount(n) + ")");
  }
  if (d > 0 && target.n_tokens > d) {
    notes.push_back("D is " + FormatSignificant(target.n_tokens / d, 3) +
                    "× the largest training run's (" + HumanCount(d) + ")");
  }
  return notes;
}

// The optimum at the proxy scale under the same bounds (so the move is the scale's alone), added
// as a baseline predicted at the target scale, and how far the target-scale optimum moved from it.
template <typename AddBaseline>
Result<ScaleShift> ShiftFromProxy(const std::vector<LoadedFit>& fits,
                                  const RecommendRequest& request, const std::vector<double>& prior,
                                  const Recommendation& out,
                                  const std::vector<std::string>& domains,
                                  AddBaseline& add_baseline) {
  ScaleShift shift;
  shift.target = *request.at;
  MIXRUN_ASSIGN_OR_RETURN(auto proxy, ProxyScale(request));
  std::tie(shift.proxy, shift.proxy_source) = proxy;
  nlohmann::json details;
  MIXRUN_ASSIGN_OR_RETURN(std::vector<double> w, Optimum(fits, request, prior, shift.proxy,
                                                         out.constraints, out.method, &details));
  w = CleanWeights(std::move(w), out.constraints);
  shift.proxy_mixture = ToMixture(domains, w);
  MIXRUN_ASSIGN_OR_RETURN(shift.proxy_at_proxy,
                          PredictWithInterval(fits, shift.proxy_mixture, shift.proxy));
  MIXRUN_RETURN_IF_ERROR(add_baseline("proxy-scale optimum", shift.proxy_mixture, std::nullopt,
                                      "optimum at " + ScaleText(shift.proxy)));
  const std::vector<double> recommended = ToWeights(out.mixture, domains);
  for (size_t j = 0; j < w.size(); ++j) shift.l1 += std::abs(recommended[j] - w[j]);
  shift.loss_gap = out.baselines.back().predicted.prediction - out.predicted.prediction;
  shift.extrapolation = Extrapolation(shift.target, request.runs);
  return shift;
}

}  // namespace

std::map<std::string, std::pair<double, double>> ObservedRanges(
    const std::vector<RunPoint>& runs, const std::vector<std::string>& domains) {
  std::map<std::string, std::pair<double, double>> ranges;
  for (const RunPoint& run : runs) {
    double total = 0;
    for (const auto& [domain, weight] : run.weights) total += weight;
    if (!(total > 0)) continue;
    for (const std::string& domain : domains) {
      auto found = run.weights.find(domain);
      const double w = found == run.weights.end() ? 0.0 : found->second / total;
      auto [it, inserted] = ranges.try_emplace(domain, w, w);
      if (!inserted) {
        it->second.first = std::min(it->second.first, w);
        it->second.second = std::max(it->second.second, w);
      }
    }
  }
  return ranges;
}

std::optional<std::pair<ModelScale, std::string>> LargestTrainingScale(
    const std::vector<RunPoint>& runs) {
  const RunPoint* largest = nullptr;
  for (const RunPoint& run : runs) {
    const double d = run.TokensOrFromCompute();
    if (!(run.n_params > 0 && d > 0)) continue;
    if (!largest || run.n_params * d > largest->n_params * largest->TokensOrFromCompute())
      largest = &run;
  }
  if (!largest) return std::nullopt;
  return std::make_pair(
      ModelScale{largest->n_params, largest->TokensOrFromCompute()},
      "run " + std::to_string(largest->run_id) + ", the training run of the largest compute");
}

Result<std::vector<Baseline>> PredictBaselines(const std::vector<LoadedFit>& fits,
                                               const std::optional<Prior>& prior,
                                               const std::vector<RunPoint>& runs,
                                               const std::optional<ModelScale>& at) {
  if (fits.empty()) return Status::InvalidInput("recommend: no fit");
  const std::vector<std::string> domains = fits[0].fitted->domains();
  std::vector<Baseline> baselines;
  auto add = [&](std::string name, Mixture mixture, std::optional<double> seen,
                 std::string note) -> Status {
    MIXRUN_ASSIGN_OR_RETURN(PredictionInterval predicted, PredictWithInterval(fits, mixture, at));
    baselines.push_back({std::move(name), std::move(mixture), predicted, seen, std::move(note)});
    return Status::Ok();
  };
  MIXRUN_RETURN_IF_ERROR(
      add("uniform", ToMixture(domains, std::vector<double>(domains.size(), 1.0 / domains.size())),
          std::nullopt, ""));
  if (prior && prior->source != "uniform") {
    MIXRUN_RETURN_IF_ERROR(
        add("natural", prior->shares, std::nullopt,
            prior->source == "tokens" ? "token shares" : "prior " + prior->source));
  }
  if (const auto best_run = BestObservedRun(fits, runs)) {
    const RunPoint& run = *best_run->first;
    std::string note = "run " + std::to_string(run.run_id);
    if (at) note += ", observed at " + ScaleText({run.n_params, run.TokensOrFromCompute()});
    MIXRUN_RETURN_IF_ERROR(
        add("best observed", NormalisedOver(run.weights, domains), best_run->second, note));
  }
  return baselines;
}

Status CheckMixtureFits(const std::vector<LoadedFit>& fits, const std::string& command) {
  if (fits.empty()) return Status::InvalidInput(command + ": give --fit ID or --experiment NAME");
  for (const LoadedFit& fit : fits) {
    if (fit.fitted->domains().empty()) {
      return Status::InvalidInput("fit " + std::to_string(fit.id) + " is a " + fit.Describe() +
                                  " fit, which does not read mixtures: " + command +
                                  " needs a mixing, mixscale or regmix fit");
    }
  }
  return Status::Ok();
}

Result<Constraints> SearchConstraints(const std::vector<LoadedFit>& fits, RecommendRequest& request,
                                      const std::string& command) {
  const std::vector<std::string> domains = fits.at(0).fitted->domains();
  if (request.prior) request.constraints.prior = request.prior->shares;
  request.constraints.domains = domains;
  request.constraints.observed = ObservedRanges(request.runs, domains);
  if (request.runs.empty() && !request.constraints.allow_extrapolation) {
    spdlog::info("{}: the fit's training runs are unknown: no extrapolation guard", command);
  }
  return BuildConstraints(request.constraints);
}

Result<Recommendation> Recommend(const std::vector<LoadedFit>& fits, RecommendRequest request) {
  MIXRUN_RETURN_IF_ERROR(CheckMixtureFits(fits, "recommend"));
  const std::vector<std::string> domains = fits[0].fitted->domains();
  Recommendation out;
  MIXRUN_ASSIGN_OR_RETURN(out.method, ChooseMethod(fits, request.method));
  const bool needs_prior = out.method == "simulate" || request.kl_reg > 0;
  if (needs_prior && !request.prior) {
    if (!request.prior_error.ok()) return request.prior_error;
    return Status::InvalidInput("recommend: simulate and --kl-reg need a prior (--prior)");
  }
  const std::vector<double> prior =
      request.prior ? ToWeights(request.prior->shares, domains) : std::vector<double>();
  const auto observed = ObservedRanges(request.runs, domains);
  MIXRUN_ASSIGN_OR_RETURN(out.constraints, SearchConstraints(fits, request, "recommend"));
  MIXRUN_ASSIGN_OR_RETURN(
      std::vector<double> w,
      Optimum(fits, request, prior, request.at, out.constraints, out.method, &out.details));
  w = CleanWeights(std::move(w), out.constraints);
  out.mixture = ToMixture(domains, w);
  MIXRUN_ASSIGN_OR_RETURN(out.predicted, PredictWithInterval(fits, out.mixture, request.at));
  if (auto doubt =
          ImplausibleInterval(out.predicted.prediction, out.predicted.prediction_interval())) {
    out.warnings.push_back("predicted loss: " + *doubt);
  }
  out.kl_to_prior = prior.empty() ? NAN : KlDivergence(w.data(), prior);
  out.objective =
      out.predicted.prediction + (request.kl_reg > 0 ? request.kl_reg * out.kl_to_prior : 0.0);
  out.prior = request.prior;
  FindActive(out, w);
  FindEdges(out, w, observed);

  // Baselines, each predicted the same way; flagged when they break the constraints.
  auto flag_outside = [&](Baseline& baseline) {
    if (!out.constraints.Contains(ToWeights(baseline.mixture, domains), 1e-6)) {
      baseline.note += std::string(baseline.note.empty() ? "" : "; ") + "outside the bounds";
    }
  };
  MIXRUN_ASSIGN_OR_RETURN(out.baselines,
                          PredictBaselines(fits, request.prior, request.runs, request.at));
  for (Baseline& baseline : out.baselines) flag_outside(baseline);
  auto add_baseline = [&](std::string name, Mixture mixture, std::optional<double> seen,
                          std::string note) -> Status {
    MIXRUN_ASSIGN_OR_RETURN(PredictionInterval predicted,
                            PredictWithInterval(fits, mixture, request.at));
    out.baselines.push_back({std::move(name), std::move(mixture), predicted, seen, note});
    flag_outside(out.baselines.back());
    return Status::Ok();
  };
  if (request.at) {
    MIXRUN_ASSIGN_OR_RETURN(out.scale_shift,
                            ShiftFromProxy(fits, request, prior, out, domains, add_baseline));
  }
  return out;
}

nlohmann::json IntervalJson(const PredictionInterval& interval) {
  return {{"predicted_loss", interval.prediction},
          {"prediction_interval", {interval.low, interval.high}},
          {"interval", {interval.low, interval.high}},
          {"interval_source", interval.source},
          {"mean_interval", interval.mean ? nlohmann::json{interval.mean->low, interval.mean->high}
                                          : nlohmann::json(nullptr)},
          {"mean_interval_source", interval.mean_source}};
}

nlohmann::json Recommendation::MixtureJson() const {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [domain, weight] : mixture) json[domain] = weight;
  return json;
}

nlohmann::json Recommendation::ToJson() const {
  nlohmann::json json = {{"method", method}, {"mixture", MixtureJson()}};
  json.update(IntervalJson(predicted));
  json["objective"] = objective;
  json["warnings"] = warnings;
  if (std::isfinite(kl_to_prior)) json["kl_to_prior"] = kl_to_prior;
  nlohmann::json active_json = nlohmann::json::array();
  for (const ActiveBound& bound : active) {
    active_json.push_back({{"domain", bound.domain},
                           {"side", bound.side},
                           {"bound", bound.bound},
                           {"source", bound.source}});
  }
  json["active_constraints"] = active_json;
  nlohmann::json edges_json = nlohmann::json::array();
  for (const RangeEdge& edge : edges) {
    edges_json.push_back({{"domain", edge.domain},
                          {"weight", edge.weight},
                          {"observed_range", {edge.seen_low, edge.seen_high}},
                          {"where", edge.where}});
  }
  json["observed_range_edges"] = edges_json;
  nlohmann::json baselines_json = nlohmann::json::array();
  for (const Baseline& baseline : baselines) {
    nlohmann::json row = {{"name", baseline.name}, {"mixture", baseline.mixture}};
    row.update(IntervalJson(baseline.predicted));
    if (baseline.observed) row["observed_loss"] = *baseline.observed;
    if (!baseline.note.empty()) row["note"] = baseline.note;
    baselines_json.push_back(row);
  }
  json["baselines"] = baselines_json;
  nlohmann::json bounds = nlohmann::json::object();
  for (size_t j = 0; j < constraints.size(); ++j) {
    bounds[constraints.domains[j]] = {
        {"min", constraints.lo[j]},
        {"max", constraints.hi[j]},
        {"min_source", BoundSourceName(constraints.lo_source[j], false)},
        {"max_source", BoundSourceName(constraints.hi_source[j], true)}};
  }
  json["bounds"] = bounds;
  json["notes"] = constraints.notes;
  if (prior) json["prior"] = {{"source", prior->source}, {"shares", prior->shares}};
  json[method] = details;
  if (scale_shift) {
    const ScaleShift& shift = *scale_shift;
    nlohmann::json proxy = {{"n_params", shift.proxy.n_params},
                            {"n_tokens", shift.proxy.n_tokens},
                            {"source", shift.proxy_source},
                            {"mixture", shift.proxy_mixture},
                            {"at_proxy_scale", IntervalJson(shift.proxy_at_proxy)}};
    json["at"] = {{"n_params", shift.target.n_params},
                  {"n_tokens", shift.target.n_tokens},
                  {"extrapolation", shift.extrapolation}};
    json["proxy"] = proxy;
    json["shift_from_proxy"] = {{"l1", shift.l1}, {"loss_gap", shift.loss_gap}};
  }
  return json;
}

}  // namespace mixrun
