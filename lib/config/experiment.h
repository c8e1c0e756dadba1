// The experiment config (docs/ARCHITECTURE.md §3) as typed structs, after validation.
// Every path is absolute (resolved relative to the config file); every mixture sums to 1.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/run_point.h"

namespace mixrun {

enum class CorpusFormat { kText, kJsonl, kTokensU16 };

struct DomainSpec {
  std::string name;
  std::vector<std::string> patterns;  // the globs as written (resolved to absolute)
  std::vector<std::string> files;     // files the globs matched, sorted, absolute
  CorpusFormat format = CorpusFormat::kText;
  std::string field = "text";  // JSONL: the field holding the text
  int vocab = 256;             // tokens-u16: vocabulary size; text/jsonl: 256 (bytes)
};

struct TargetSpec {
  Mixture weights;  // the target loss is the weighted sum of per-domain validation losses
};

struct MixtureDesignSpec {
  std::string design = "explicit";  // explicit | dirichlet | grid | onehot | leave-one-out
  int count = 0;                    // dirichlet: number of mixtures drawn
  std::string prior = "tokens";     // tokens | uniform
  Mixture prior_weights;            // when the prior is given as an object
  double temperature = 1.0;
  double strength_min = 0.1, strength_max = 5.0;
  double max_epochs = 15.0;
  double min_weight = 2e-4;
  int grid_step_count = 4;  // grid: weights in multiples of 1/grid_step_count
  uint64_t seed = 42;
  std::vector<Mixture> include;
};

struct ModelSpec {
  std::string name;
  int layers = 2;
  int d_model = 64;
  int heads = 4;
  int d_ff = 0;  // 0 means 4 * d_model
  int vocab = 256;
  int context = 128;  // copied from train.context
};

struct TrainSpec {
  std::vector<double> tokens;  // absolute token budgets; empty when tokens_per_param is given
  // Budgets as multiples of each model's parameter count (OLMo's ladder, Chinchilla's ~20).
  std::vector<double> tokens_per_param;
  std::string param_count =
      "total";  // the count tokens_per_param multiplies: total | non_embedding
  int context = 128;
  int batch = 16;
  double lr = 3e-3;
  std::string schedule = "cosine";  // cosine | constant
  double warmup = 0.05;             // fraction of steps
  double weight_decay = 0.1;
  double grad_clip = 1.0;
  std::vector<uint64_t> seeds = {0};
  int eval_every = 200;
  int eval_tokens = 65536;
  int checkpoint_every = 100;
  double val_fraction = 0.05;  // share of each domain held out for validation
};

struct BackendSpec {
  std::string kind = "builtin";  // builtin | command
  int threads = 1;
  std::vector<std::string> command;  // argv template for kind = command
  // A command trainer still running after this many seconds is stopped and its run failed;
  // 0: no limit.
  double timeout_s = 0;
  // Seconds a trainer gets after SIGTERM (a stop, a timeout, mixrun's death) to checkpoint and
  // exit before it is killed.
  int stop_grace_s = 30;
};

struct Experiment {
  std::string config_path;  // absolute path of the config file
  std::string config_dir;   // its directory
  std::string config_json;  // the config as parsed, canonical JSON (no comments)
  std::string name;
  std::string store;  // absolute path; empty when the config names none
  std::vector<DomainSpec> domains;
  TargetSpec target;
  MixtureDesignSpec mixtures;
  std::vector<ModelSpec> models;
  TrainSpec train;
  BackendSpec backend;
};

}  // namespace mixrun
