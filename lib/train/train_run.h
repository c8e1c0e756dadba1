// TrainRun: one training run of the built-in proxy model — train for the token budget on the
// mixture, evaluate every domain's validation loss periodically, checkpoint, resume.
// Metrics go to a MetricSink in batches; a non-finite loss fails the run naming the step.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "config/experiment.h"
#include "data/corpus.h"
#include "train/metric_sink.h"

namespace mixrun {

struct TrainRunRequest {
  ModelSpec model;    // model.context must equal train.context
  TrainSpec train;    // batch, context, lr, schedule, warmup, weight_decay, grad_clip, eval_every,
                      // eval_tokens, checkpoint_every (train.tokens and train.seeds are ignored)
  double tokens = 0;  // this run's training token budget
  uint64_t seed = 0;  // initialisation and data order
  Mixture mixture;    // training weights by domain name
  Mixture target_weights;  // eval/target/loss = Σ w·eval/<domain>/loss; empty → uniform
  // Every domain of the experiment, loaded once per sweep and shared read-only across runs;
  // each is evaluated, those with positive mixture weight are trained on.
  std::vector<const Corpus*> corpora;
  std::string run_dir;  // holds checkpoint.bin; created when missing
  int threads = 1;      // the model's OpenMP team for one step (model/gpt.h)
  bool keep_checkpoint = false;  // keep a final checkpoint after success (else it is removed)
};

struct TrainProgress {
  int64_t step = 0;  // steps completed
  int64_t total_steps = 0;
  double tokens_per_second = 0;
  double loss = 0;                // training loss of the last step
  int64_t resumed_from_step = 0;  // the checkpoint's step this call started from; 0: fresh
};
// Called after every step; returning false stops the run at once (as a kill would, leaving the
// last checkpoint), and TrainRun returns with finished = false.
using ProgressFn = std::function<bool(const TrainProgress&)>;

struct RunOutcome {
  bool finished = false;
  std::map<std::string, double> eval_losses;  // final validation loss per domain (nats/token)
  double target_loss = 0;
  double final_train_loss = 0;
  int64_t steps = 0;              // total steps of the run
  double tokens = 0;              // steps · batch · context (the budget rounded to whole steps)
  int64_t resumed_from_step = 0;  // 0 when the run started fresh
  double wall_seconds = 0;        // of this call
  double tokens_per_second = 0;   // training throughput of this call (evaluation excluded)
  // A finished run's note, kept with it in the store: its eval loss rising at the end
  // (train/divergence.h); empty when there is nothing to say.
  std::string warning;
};

// Steps for a token budget: round(tokens / (batch · context)), at least 1.
int64_t StepsForBudget(double tokens, int batch, int context);

// Runs (or resumes) the run. Errors: InvalidInput for a bad request (model/context mismatch,
// unknown domain, vocab smaller than a corpus's, too little data, a model needing more memory
// than is available — checked before anything is allocated); Failed for a non-finite loss
// ("step N: training loss is nan"), a finite one that diverged or never came down
// (train/divergence.h: "diverged: eval/target/loss rose from … (train.lr 3 too high?)"), a sink
// or checkpoint failure.
Result<RunOutcome> TrainRun(const TrainRunRequest& request, MetricSink& sink,
                            const ProgressFn& progress);

}  // namespace mixrun
