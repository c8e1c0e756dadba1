#include "design/run_plan.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "common/sha256.h"
#include "common/text_table.h"
#include "data/data_fingerprint.h"
#include "design/design_prior.h"
#include "design/dirichlet_design.h"
#include "design/simplex_designs.h"
#include "model/parameter_layout.h"

namespace mixrun {
namespace {

using nlohmann::json;

// The positive weights of a mixture: a zero weight and an absent domain train identically (the
// sampler skips both), so keys of explicit mixtures written without zeros stay the same.
Mixture TrainedWeights(const Mixture& mixture) {
  Mixture trained;
  for (const auto& [domain, weight] : mixture) {
    if (weight > 0) trained[domain] = weight;
  }
  return trained;
}

json TrainSettings(const TrainSpec& train) {
  return {{"context", train.context},
          {"batch", train.batch},
          {"lr", train.lr},
          {"schedule", train.schedule},
          {"warmup", train.warmup},
          {"weight_decay", train.weight_decay},
          {"grad_clip", train.grad_clip},
          {"eval_every", train.eval_every},
          {"eval_tokens", train.eval_tokens},
          {"val_fraction", train.val_fraction}};
}

json BackendSettings(const Experiment& experiment) {
  return {{"kind", experiment.backend.kind}, {"command", experiment.backend.command}};
}

// The training settings every run of the experiment shares: the domains by content (name,
// format, data fingerprint — never paths, so a moved study keeps its keys), the target, the
// training hyper-parameters and the backend. Runs with equal settings were trained alike.
Result<json> ExperimentSettings(const Experiment& experiment) {
  json domains = json::array();
  for (const DomainSpec& domain : experiment.domains) {
    auto fingerprint = DataFingerprint(domain.files);
    if (!fingerprint.ok()) return fingerprint.status().WithContext("domain '" + domain.name + "'");
    domains.push_back({{"name", domain.name},
                       {"format", static_cast<int>(domain.format)},
                       {"field", domain.field},
                       {"vocab", domain.vocab},
                       {"data", *fingerprint}});
  }
  return json{{"domains", domains},
              {"target", experiment.target.weights},
              {"train", TrainSettings(experiment.train)},
              {"backend", BackendSettings(experiment)}};
}

// Everything that changes what a run computes; its hash is the run key.
json CanonicalRunSpec(const Experiment& experiment, const json& settings, const Mixture& mixture,
                      const ModelSpec& model, double tokens, uint64_t seed) {
  json spec = settings;
  spec["experiment"] = experiment.name;
  spec["mixture"] = TrainedWeights(mixture);
  spec["model"] = json::parse(ModelJson(model));
  spec["tokens"] = tokens;
  spec["seed"] = seed;
  return spec;
}

// The spec whose hash was the run key before schema v2: domains by their (absolute) path
// patterns. Kept only so that runs registered then are re-keyed instead of planned again.
json PathBasedRunSpec(const Experiment& experiment, const Mixture& mixture, const ModelSpec& model,
                      double tokens, uint64_t seed) {
  json domains = json::array();
  for (const DomainSpec& domain : experiment.domains) {
    domains.push_back({{"name", domain.name},
                       {"patterns", domain.patterns},
                       {"format", static_cast<int>(domain.format)},
                       {"field", domain.field},
                       {"vocab", domain.vocab}});
  }
  return {{"experiment", experiment.name},
          {"domains", domains},
          {"target", experiment.target.weights},
          {"mixture", TrainedWeights(mixture)},
          {"model", json::parse(ModelJson(model))},
          {"tokens", tokens},
          {"seed", seed},
          {"train", TrainSettings(experiment.train)},
          {"backend", BackendSettings(experiment)}};
}

// The design's own mixtures as weight vectors over `domains` (errors without the file).
Result<std::vector<WeightVector>> DesignMixtures(const Experiment& experiment,
                                                 const DomainTokens& domain_tokens) {
  const MixtureDesignSpec& spec = experiment.mixtures;
  const size_t n = experiment.domains.size();
  if (spec.design == "explicit") return std::vector<WeightVector>{};
  if (spec.design == "grid") return GridDesign(n, spec.grid_step_count);
  if (spec.design == "onehot") return OneHotDesign(n);
  MIXRUN_ASSIGN_OR_RETURN(WeightVector prior, DesignPrior(experiment, domain_tokens));
  if (spec.design == "leave-one-out") {
    std::vector<std::string> names;
    for (const DomainSpec& domain : experiment.domains) names.push_back(domain.name);
    return LeaveOneOutDesign(names, ApplyTemperature(prior, spec.temperature));
  }
  if (spec.design == "dirichlet") {
    DirichletDesignOptions options;
    options.prior = prior;
    options.count = spec.count;
    options.temperature = spec.temperature;
    options.strength_min = spec.strength_min;
    options.strength_max = spec.strength_max;
    options.max_epochs = spec.max_epochs;
    options.min_weight = spec.min_weight;
    options.seed = spec.seed;
    return DrawDirichletDesign(options);
  }
  return Status::InvalidInput("/mixtures/design: unknown design '" + spec.design + "'");
}

}  // namespace

std::string ModelJson(const ModelSpec& model) {
  return json{{"name", model.name},      {"layers", model.layers}, {"d_model", model.d_model},
              {"heads", model.heads},    {"d_ff", model.d_ff},     {"vocab", model.vocab},
              {"context", model.context}}
      .dump();
}

Result<std::vector<Mixture>> ExpandMixtures(const Experiment& experiment,
                                            const DomainTokens& domain_tokens) {
  auto design = DesignMixtures(experiment, domain_tokens);
  if (!design.ok()) return design.status().WithContext(experiment.config_path);
  std::vector<std::string> names;
  for (const DomainSpec& domain : experiment.domains) names.push_back(domain.name);
  std::vector<Mixture> mixtures;
  mixtures.reserve(design->size() + experiment.mixtures.include.size());
  for (const WeightVector& weights : *design) mixtures.push_back(ToMixture(names, weights));
  std::vector<Mixture> include = experiment.mixtures.include;
  for (Mixture& mixture : include) {
    for (const std::string& name : names) mixture.emplace(name, 0.0);  // keeps given weights
  }
  AppendDistinct(mixtures, include);
  return mixtures;
}

std::vector<double> TokenBudgets(const TrainSpec& train, const ModelSpec& model) {
  std::vector<double> budgets;
  if (train.tokens_per_param.empty()) {
    budgets = train.tokens;
  } else {
    const ParameterCount count = CountParameters(model);
    const double params = static_cast<double>(
        train.param_count == "non_embedding" ? count.non_embedding : count.total);
    for (double multiple : train.tokens_per_param) {
      budgets.push_back(std::max(1.0, std::round(multiple * params)));
    }
  }
  std::vector<double> distinct;
  for (double budget : budgets) {
    if (std::find(distinct.begin(), distinct.end(), budget) == distinct.end()) {
      distinct.push_back(budget);
    }
  }
  return distinct;
}

Result<std::vector<PlannedRun>> ExpandRuns(const Experiment& experiment,
                                           const DomainTokens& domain_tokens) {
  MIXRUN_ASSIGN_OR_RETURN(std::vector<Mixture> mixtures, ExpandMixtures(experiment, domain_tokens));
  MIXRUN_ASSIGN_OR_RETURN(const json settings, ExperimentSettings(experiment));
  const std::string settings_json = settings.dump();
  const std::string settings_id = Sha256Hex(settings_json).substr(0, 12);
  std::vector<PlannedRun> runs;
  std::set<std::string> keys;
  for (size_t m = 0; m < mixtures.size(); ++m) {
    const Mixture& mixture = mixtures[m];
    for (const ModelSpec& model : experiment.models) {
      const ParameterCount count = CountParameters(model);
      for (double tokens : TokenBudgets(experiment.train, model)) {
        for (uint64_t seed : experiment.train.seeds) {
          PlannedRun run;
          run.spec.spec_json =
              CanonicalRunSpec(experiment, settings, mixture, model, tokens, seed).dump();
          run.spec.run_key = Sha256Hex(run.spec.spec_json);
          if (!keys.insert(run.spec.run_key).second) continue;
          run.spec.settings_json = settings_json;
          run.spec.settings_id = settings_id;
          run.spec.previous_key =
              Sha256Hex(PathBasedRunSpec(experiment, mixture, model, tokens, seed).dump());
          run.model = model;
          run.tokens = tokens;
          run.seed = seed;
          run.spec.source = experiment.backend.kind;
          run.spec.model_json = ModelJson(model);
          run.spec.n_params = static_cast<double>(count.total);
          run.spec.n_params_nonembed = static_cast<double>(count.non_embedding);
          run.spec.n_tokens = tokens;
          run.spec.flops = TrainingFlopsPerToken(model) * tokens;
          run.spec.seed = static_cast<int64_t>(seed);
          run.spec.weights = mixture;
          run.spec.label = "mix" + std::to_string(m) + "-" + model.name + "-" + HumanCount(tokens) +
                           "-s" + std::to_string(seed);
          runs.push_back(std::move(run));
        }
      }
    }
  }
  return runs;
}

std::vector<RunSpec> RunSpecs(const std::vector<PlannedRun>& runs) {
  std::vector<RunSpec> specs;
  specs.reserve(runs.size());
  for (const PlannedRun& run : runs) specs.push_back(run.spec);
  return specs;
}

}  // namespace mixrun
