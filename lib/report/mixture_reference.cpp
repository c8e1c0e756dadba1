#include "report/mixture_reference.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/text_table.h"
#include "mixture/mixture.h"
#include "optimize/store_inputs.h"

namespace mixrun {
namespace {

// The stored recommendation's mixture over the fit's domains, normalised; `where` names it.
Result<Mixture> ParseMixture(const std::string& json_text, const std::vector<std::string>& domains,
                             const std::string& where) {
  const nlohmann::json json = nlohmann::json::parse(json_text, nullptr, false);
  if (!json.is_object()) return Status::InvalidInput(where + ": its mixture is not a JSON object");
  Mixture mixture;
  for (const std::string& domain : domains) {
    if (!json.contains(domain) || !json[domain].is_number()) {
      return Status::InvalidInput(where + ": its mixture has no weight for domain '" + domain +
                                  "' of the fit");
    }
    mixture[domain] = json[domain].get<double>();
  }
  WeightVector weights = ToWeights(mixture, domains);
  if (!Normalise(weights)) return Status::InvalidInput(where + ": its mixture weighs nothing");
  return ToMixture(domains, weights);
}

// How many fits the recommendation's objective combined (recommend --fit A --fit B), from its
// recorded options; 1 when unrecorded.
size_t CombinedFits(const std::string& options_json) {
  const nlohmann::json options = nlohmann::json::parse(options_json, nullptr, false);
  if (!options.is_object() || !options.contains("fits") || !options["fits"].is_array()) return 1;
  return std::max<size_t>(1, options["fits"].size());
}

// The scale recommend predicted at (--at, recorded in its options), if any.
std::optional<ModelScale> RecordedScale(const std::string& options_json) {
  const nlohmann::json options = nlohmann::json::parse(options_json, nullptr, false);
  if (!options.is_object() || !options.contains("at") || !options["at"].is_object()) return {};
  const nlohmann::json& at = options["at"];
  if (!at.contains("n_params") || !at.contains("n_tokens")) return {};
  if (!at["n_params"].is_number() || !at["n_tokens"].is_number()) return {};
  return ModelScale{at["n_params"].get<double>(), at["n_tokens"].get<double>()};
}

std::string ScaleText(const ModelScale& scale, const std::string& source) {
  return "N " + HumanCount(scale.n_params) + ", D " + HumanCount(scale.n_tokens) + " (" + source +
         ")";
}

}  // namespace

Result<MixtureContext> LoadMixtureContext(Store& store, const StoredFit& fit,
                                          const std::vector<RunPoint>& training) {
  MixtureContext context;
  LoadedFit loaded;
  static_cast<StoredFit&>(loaded) = fit;
  const std::vector<LoadedFit> fits = {loaded};
  const std::vector<std::string> domains = fit.fitted->domains();
  MIXRUN_ASSIGN_OR_RETURN(std::optional<RecommendationRow> recommendation,
                          store.LatestRecommendation(fit.id));
  if (fit.fitted->reads_scale()) {
    if (recommendation) context.scale = RecordedScale(recommendation->options_json);
    if (context.scale) {
      context.scale_text = ScaleText(
          *context.scale, "the --at of recommendation " + std::to_string(recommendation->id));
    } else if (auto largest = LargestTrainingScale(training)) {
      context.scale = largest->first;
      context.scale_text = ScaleText(largest->first, largest->second);
    } else {
      context.drawable = false;
      context.notes.push_back("The mixture figures are left out: fit " + std::to_string(fit.id) +
                              " predicts a mixture at a scale, and no training run gives one.");
      return context;
    }
  }

  // Natural: the token shares, as recommend's default prior; runs imported from another trainer
  // have no token counts, which is a note, not an error.
  std::optional<Prior> prior;
  auto tokens = ResolvePrior(store, "tokens", fits);
  if (tokens.ok()) {
    prior = std::move(*tokens);
  } else if (tokens.status().code() == Status::Code::kInvalidInput) {
    context.notes.push_back("No natural mixture: " + tokens.status().message());
  } else {
    return tokens.status();
  }
  MIXRUN_ASSIGN_OR_RETURN(context.baselines,
                          PredictBaselines(fits, prior, training, context.scale));

  if (recommendation) {
    const std::string where = "recommendation " + std::to_string(recommendation->id);
    MIXRUN_ASSIGN_OR_RETURN(context.reference,
                            ParseMixture(recommendation->mixture_json, domains, where));
    MIXRUN_ASSIGN_OR_RETURN(context.reference_predicted,
                            PredictWithInterval(fits, context.reference, context.scale));
    context.recommended = true;
    const size_t combined = CombinedFits(recommendation->options_json);
    // A mixture chosen for several fits together is not this fit's optimum: say so.
    context.reference_text =
        "the recommended mixture (" + where + ", stored " + recommendation->created_at +
        (combined > 1 ? ", chosen for " + std::to_string(combined) +
                            " fits combined and predicted here by this fit alone"
                      : std::string()) +
        ")";
    return context;
  }
  for (const Baseline& baseline : context.baselines) {
    if (baseline.name != "best observed") continue;
    context.reference = baseline.mixture;
    context.reference_predicted = baseline.predicted;
    context.reference_text = "the best observed training run's mixture (" + baseline.note +
                             "; no recommendation of fit " + std::to_string(fit.id) + " is stored)";
    return context;
  }
  context.drawable = false;
  context.notes.push_back("The mixture figures are left out: fit " + std::to_string(fit.id) +
                          " has no stored recommendation and no training run with its target.");
  return context;
}

void AddMeasuredValues(MixtureContext& context, const StoredFit& fit,
                       const std::vector<RunPoint>& held_out, const std::string& held_out_name) {
  const std::vector<std::string> domains = fit.fitted->domains();
  const auto normalised = [&](const Mixture& mixture) { return NormalisedOver(mixture, domains); };
  // The mean measured target of the held-out runs of `mixture`, and how many there were.
  const auto measured = [&](const Mixture& mixture) -> std::pair<std::optional<double>, int> {
    const Mixture wanted = normalised(mixture);
    double sum = 0;
    int count = 0;
    for (const RunPoint& run : held_out) {
      const std::optional<double> value = fit.ObservedTarget(run);
      if (!value || L1Distance(normalised(run.weights), wanted) > kDuplicateL1) continue;
      sum += *value;
      ++count;
    }
    if (count == 0) return {std::nullopt, 0};
    return {sum / count, count};
  };
  int found = 0;
  if (context.recommended) {
    const auto [value, count] = measured(context.reference);
    context.reference_observed = value;
    found += count > 0;
  }
  for (Baseline& baseline : context.baselines) {
    if (baseline.observed) continue;
    const auto [value, count] = measured(baseline.mixture);
    baseline.observed = value;
    found += count > 0;
  }
  if (found > 0) {
    context.observed_text = "for the other mixtures, the mean measured value of " + held_out_name +
                            "'s runs of that mixture";
  }
}

}  // namespace mixrun
