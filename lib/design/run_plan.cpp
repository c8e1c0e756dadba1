#include "design/run_plan.h"

#include <nlohmann/json.hpp>

#include "common/sha256.h"
#include "common/text_table.h"
#include "model/parameter_layout.h"

namespace mixrun {
namespace {

using nlohmann::json;

// Everything that changes what a run computes; its hash is the run key.
json CanonicalRunSpec(const Experiment& experiment, const Mixture& mixture, const ModelSpec& model,
                      double tokens, uint64_t seed) {
  json domains = json::array();
  for (const DomainSpec& domain : experiment.domains) {
    domains.push_back({{"name", domain.name},
                       {"patterns", domain.patterns},
                       {"format", static_cast<int>(domain.format)},
                       {"field", domain.field},
                       {"vocab", domain.vocab}});
  }
  const TrainSpec& train = experiment.train;
  return {
      {"experiment", experiment.name},
      {"domains", domains},
      {"target", experiment.target.weights},
      {"mixture", mixture},
      {"model", json::parse(ModelJson(model))},
      {"tokens", tokens},
      {"seed", seed},
      {"train",
       {{"context", train.context},
        {"batch", train.batch},
        {"lr", train.lr},
        {"schedule", train.schedule},
        {"warmup", train.warmup},
        {"weight_decay", train.weight_decay},
        {"grad_clip", train.grad_clip},
        {"eval_every", train.eval_every},
        {"eval_tokens", train.eval_tokens},
        {"val_fraction", train.val_fraction}}},
      {"backend", {{"kind", experiment.backend.kind}, {"command", experiment.backend.command}}}};
}

}  // namespace

std::string ModelJson(const ModelSpec& model) {
  return json{{"name", model.name},      {"layers", model.layers}, {"d_model", model.d_model},
              {"heads", model.heads},    {"d_ff", model.d_ff},     {"vocab", model.vocab},
              {"context", model.context}}
      .dump();
}

Result<std::vector<Mixture>> ExpandMixtures(const Experiment& experiment,
                                            const DomainTokens& /*domain_tokens*/) {
  if (experiment.mixtures.design != "explicit") {
    return Status::InvalidInput(experiment.config_path + ": /mixtures/design: design '" +
                                experiment.mixtures.design +
                                "' is not yet available in this mixrun; use 'explicit'");
  }
  return experiment.mixtures.include;
}

Result<std::vector<PlannedRun>> ExpandRuns(const Experiment& experiment,
                                           const DomainTokens& domain_tokens) {
  MIXRUN_ASSIGN_OR_RETURN(std::vector<Mixture> mixtures, ExpandMixtures(experiment, domain_tokens));
  std::vector<PlannedRun> runs;
  for (size_t m = 0; m < mixtures.size(); ++m) {
    const Mixture& mixture = mixtures[m];
    for (const ModelSpec& model : experiment.models) {
      for (double tokens : experiment.train.tokens) {
        for (uint64_t seed : experiment.train.seeds) {
          PlannedRun run;
          run.model = model;
          run.tokens = tokens;
          run.seed = seed;
          run.spec.run_key =
              Sha256Hex(CanonicalRunSpec(experiment, mixture, model, tokens, seed).dump());
          run.spec.source = experiment.backend.kind;
          run.spec.model_json = ModelJson(model);
          ParameterCount count = CountParameters(model);
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

}  // namespace mixrun
