#include "train/train_run.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "common/metric_names.h"
#include "common/system_memory.h"
#include "common/text_table.h"
#include "data/mixture_sampler.h"
#include "model/adamw.h"
#include "model/blas.h"
#include "model/gpt.h"
#include "model/lr_schedule.h"
#include "model/memory_estimate.h"
#include "train/checkpoint.h"
#include "train/divergence.h"
#include "train/evaluator.h"

namespace mixrun {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxBufferedRows = 8192;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string Exact(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%a", value);
  return buffer;
}

// A hash of everything that determines the run's trajectory, so that a checkpoint is never
// resumed by a different run (the thread count is left out: it changes only rounding).
uint64_t Fingerprint(const TrainRunRequest& r) {
  std::string text = "model " + std::to_string(r.model.layers) + " " +
                     std::to_string(r.model.d_model) + " " + std::to_string(r.model.heads) + " " +
                     std::to_string(r.model.d_ff) + " " + std::to_string(r.model.vocab) + " " +
                     std::to_string(r.model.context);
  const TrainSpec& t = r.train;
  text += " train " + std::to_string(t.batch) + " " + Exact(t.lr) + " " + t.schedule + " " +
          Exact(t.warmup) + " " + Exact(t.weight_decay) + " " + Exact(t.grad_clip) + " " +
          Exact(t.val_fraction) + " tokens " + Exact(r.tokens) + " seed " + std::to_string(r.seed);
  for (const auto& [domain, weight] : r.mixture) text += " w " + domain + " " + Exact(weight);
  for (const Corpus* corpus : r.corpora) {
    text += " d " + corpus->name() + " " + std::to_string(corpus->size());
  }
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

Status ValidateRequest(const TrainRunRequest& r) {
  if (r.model.context != r.train.context) {
    return Status::InvalidInput("model context " + std::to_string(r.model.context) +
                                " differs from train.context " + std::to_string(r.train.context));
  }
  if (r.train.batch < 1) return Status::InvalidInput("train.batch must be at least 1");
  if (!(r.tokens > 0)) return Status::InvalidInput("the run's token budget must be positive");
  if (r.corpora.empty()) return Status::InvalidInput("the experiment has no domains");
  for (const Corpus* corpus : r.corpora) {
    if (corpus->vocab() > r.model.vocab) {
      return Status::InvalidInput("domain '" + corpus->name() + "' has vocab " +
                                  std::to_string(corpus->vocab()) + ", larger than model '" +
                                  r.model.name + "' vocab " + std::to_string(r.model.vocab));
    }
  }
  for (const auto& entry : r.target_weights) {
    const std::string& domain = entry.first;
    const bool known = std::any_of(r.corpora.begin(), r.corpora.end(),
                                   [&](const Corpus* c) { return c->name() == domain; });
    if (!known) {
      return Status::InvalidInput("target weights name domain '" + domain +
                                  "', which the experiment does not define");
    }
  }
  if (r.run_dir.empty()) return Status::InvalidInput("the run has no directory");
  return Status::Ok();
}

// The state of one call of TrainRun: model, optimizer, data, buffered metrics.
class Trainer {
 public:
  Trainer(const TrainRunRequest& request, MetricSink& sink, Gpt<float> model,
          MixtureSampler sampler, Evaluator evaluator, LrSchedule schedule, int64_t total_steps)
      : request_(request),
        sink_(sink),
        model_(std::move(model)),
        optimizer_(model_.layout(), AdamWOptions{0.9, 0.95, 1e-8, request.train.weight_decay},
                   std::max(1, request.threads)),
        sampler_(std::move(sampler)),
        evaluator_(std::move(evaluator)),
        schedule_(schedule),
        total_steps_(total_steps),
        tokens_per_step_(static_cast<double>(request.train.batch) * request.train.context),
        checkpoint_path_((std::filesystem::path(request.run_dir) / "checkpoint.bin").string()),
        fingerprint_(Fingerprint(request)) {}

  Status Initialize(int64_t& resumed_from_step) {
    MIXRUN_ASSIGN_OR_RETURN(std::optional<Checkpoint> checkpoint, ReadCheckpoint(checkpoint_path_));
    if (!checkpoint.has_value()) {
      model_.InitializeParameters(request_.seed);
      resumed_from_step = 0;
      return Evaluate(0);
    }
    const auto params = model_.parameters();
    if (checkpoint->fingerprint != fingerprint_ || checkpoint->parameters.size() != params.size() ||
        checkpoint->step > total_steps_ ||
        !optimizer_.Restore(checkpoint->optimizer_steps, checkpoint->first_moment,
                            checkpoint->second_moment)) {
      return Status::InvalidInput(checkpoint_path_ +
                                  ": checkpoint belongs to a different run spec; delete it to "
                                  "restart the run from step 0");
    }
    std::copy(checkpoint->parameters.begin(), checkpoint->parameters.end(), params.begin());
    sampler_.Seek(checkpoint->sampler_position);
    step_ = checkpoint->step;
    resumed_from_step = step_;
    return Status::Ok();
  }

  // Trains to the end or until progress says stop (then checkpoints); false in `finished` when
  // stopped.
  Status Train(const ProgressFn& progress, bool& finished, double& train_seconds) {
    const int B = request_.train.batch, T = request_.train.context;
    std::vector<int32_t> inputs(static_cast<size_t>(B) * T), targets(inputs.size());
    const int eval_every = request_.train.eval_every;
    const int checkpoint_every = request_.train.checkpoint_every;
    train_seconds = 0;
    finished = false;
    while (step_ < total_steps_) {
      const auto step_start = Clock::now();
      sampler_.NextBatch(B, inputs.data(), targets.data());
      const double loss = model_.Forward(inputs.data(), targets.data(), B);
      if (!std::isfinite(loss)) return Diverged("training loss", loss);
      model_.ZeroGradients();
      model_.Backward();
      const double norm =
          ClipGradientNorm<float>(model_.gradients(), request_.train.grad_clip, request_.threads);
      if (!std::isfinite(norm)) return Diverged("gradient norm", norm);
      const double lr = schedule_.At(step_);
      optimizer_.Step(model_.parameters(), model_.gradients(), lr);
      ++step_;
      ++steps_trained_;
      last_loss_ = loss;
      train_seconds += SecondsSince(step_start);
      Add(kTrainLossMetric, loss);
      Add(kTrainLrMetric, lr);
      if (step_ < total_steps_) {
        if (eval_every > 0 && step_ % eval_every == 0) MIXRUN_RETURN_IF_ERROR(Evaluate(step_));
        if (checkpoint_every > 0 && step_ % checkpoint_every == 0) {
          MIXRUN_RETURN_IF_ERROR(Flush());
          MIXRUN_RETURN_IF_ERROR(SaveCheckpoint());
        }
        if (rows_.size() >= kMaxBufferedRows) MIXRUN_RETURN_IF_ERROR(Flush());
      }
      if (progress) {
        const double steps_done = static_cast<double>(steps_trained_);
        const TrainProgress report{step_, total_steps_,
                                   steps_done * tokens_per_step_ / std::max(train_seconds, 1e-9),
                                   loss, step_ - steps_trained_};
        if (!progress(report) && step_ < total_steps_) {
          // Stopped (Ctrl-C, SIGTERM from Slurm or `timeout`): the next claimant resumes here,
          // not at the last periodic checkpoint.
          MIXRUN_RETURN_IF_ERROR(Flush());
          return SaveCheckpoint();
        }
      }
    }
    MIXRUN_RETURN_IF_ERROR(Evaluate(step_));
    MIXRUN_RETURN_IF_ERROR(Flush());
    if (request_.keep_checkpoint) {
      MIXRUN_RETURN_IF_ERROR(SaveCheckpoint());
    } else {
      std::error_code ignored;
      std::filesystem::remove(checkpoint_path_, ignored);
    }
    finished = true;
    return Status::Ok();
  }

  const std::vector<double>& last_eval() const { return last_eval_; }
  double last_target() const { return last_target_; }
  double last_loss() const { return last_loss_; }
  int64_t steps_trained() const { return steps_trained_; }
  const Evaluator& evaluator() const { return evaluator_; }

 private:
  void Add(const std::string& name, double value) {
    rows_.push_back({name, step_, static_cast<double>(step_) * tokens_per_step_, value});
  }

  Status Evaluate(int64_t step) {
    last_eval_ = evaluator_.Evaluate(model_);
    const std::vector<std::string>& domains = evaluator_.domains();
    double weighted = 0, weight_sum = 0;
    for (size_t d = 0; d < domains.size(); ++d) {
      if (!std::isfinite(last_eval_[d])) {
        return Status::Failed("step " + std::to_string(step) + ": validation loss of domain '" +
                              domains[d] + "' is " + std::to_string(last_eval_[d]));
      }
      Add(DomainLossMetric(domains[d]), last_eval_[d]);
      double weight = 1.0;
      if (!request_.target_weights.empty()) {
        const auto it = request_.target_weights.find(domains[d]);
        weight = it == request_.target_weights.end() ? 0.0 : it->second;
      }
      weighted += weight * last_eval_[d];
      weight_sum += weight;
    }
    last_target_ = weight_sum > 0 ? weighted / weight_sum : 0.0;
    Add(kTargetLossMetric, last_target_);
    return Flush();
  }

  Status Flush() {
    if (rows_.empty()) return Status::Ok();
    MIXRUN_RETURN_IF_ERROR(sink_.Write(rows_).WithContext("writing metrics"));
    rows_.clear();
    return Status::Ok();
  }

  Status SaveCheckpoint() {
    Checkpoint checkpoint;
    checkpoint.fingerprint = fingerprint_;
    checkpoint.step = step_;
    checkpoint.sampler_position = sampler_.position();
    checkpoint.optimizer_steps = optimizer_.step_count();
    checkpoint.parameters.assign(model_.parameters().begin(), model_.parameters().end());
    checkpoint.first_moment.assign(optimizer_.first_moment().begin(),
                                   optimizer_.first_moment().end());
    checkpoint.second_moment.assign(optimizer_.second_moment().begin(),
                                    optimizer_.second_moment().end());
    return WriteCheckpoint(checkpoint_path_, checkpoint);
  }

  Status Diverged(const std::string& what, double value) {
    // Keep what was measured up to the failure: it shows where the run went wrong.
    const Status flushed = Flush();
    const std::string reason = "step " + std::to_string(step_ + 1) + ": " + what + " is " +
                               (std::isnan(value) ? "nan" : "inf") +
                               " (diverged; try a lower train.lr or train.grad_clip)";
    if (!flushed.ok()) return Status::Failed(reason + "; " + flushed.message());
    return Status::Failed(reason);
  }

  const TrainRunRequest& request_;
  MetricSink& sink_;
  Gpt<float> model_;
  AdamW<float> optimizer_;
  MixtureSampler sampler_;
  Evaluator evaluator_;
  LrSchedule schedule_;
  int64_t total_steps_ = 0;
  double tokens_per_step_ = 0;
  std::string checkpoint_path_;
  uint64_t fingerprint_ = 0;
  int64_t step_ = 0;
  int64_t steps_trained_ = 0;  // by this call
  double last_loss_ = 0;
  double last_target_ = 0;
  std::vector<double> last_eval_;
  std::vector<MetricRow> rows_;
};

}  // namespace

int64_t StepsForBudget(double tokens, int batch, int context) {
  const double per_step = static_cast<double>(batch) * context;
  if (!(per_step > 0)) return 1;
  return std::max<int64_t>(1, std::llround(tokens / per_step));
}

Result<RunOutcome> TrainRun(const TrainRunRequest& request, MetricSink& sink,
                            const ProgressFn& progress) {
  const auto start = Clock::now();
  MIXRUN_RETURN_IF_ERROR(ValidateRequest(request));
  const int threads = std::max(1, request.threads);
  const int64_t total_steps =
      StepsForBudget(request.tokens, request.train.batch, request.train.context);
  MIXRUN_ASSIGN_OR_RETURN(
      LrSchedule schedule,
      MakeLrSchedule(request.train.lr, request.train.schedule, request.train.warmup, total_steps));
  // Refuse a model that cannot fit before building it: a bad_alloc or the out-of-memory killer
  // would end the process with no reason recorded.
  MIXRUN_RETURN_IF_ERROR(CheckTrainingMemory(request.model, request.train, ReadAvailableMemory()));
  MIXRUN_ASSIGN_OR_RETURN(Gpt<float> model,
                          Gpt<float>::Create(request.model, request.train.batch, threads));
  MIXRUN_ASSIGN_OR_RETURN(MixtureSampler sampler,
                          MixtureSampler::Create(request.corpora, request.mixture,
                                                 request.train.context, request.seed));
  MIXRUN_ASSIGN_OR_RETURN(
      Evaluator evaluator,
      Evaluator::Create(request.corpora, request.train.context, request.train.eval_tokens));
  std::error_code error;
  std::filesystem::create_directories(request.run_dir, error);
  if (error) {
    return Status::Failed(request.run_dir + ": cannot create run directory: " + error.message());
  }

  Trainer trainer(request, sink, std::move(model), std::move(sampler), std::move(evaluator),
                  schedule, total_steps);
  RunOutcome outcome;
  outcome.steps = total_steps;
  outcome.tokens = static_cast<double>(total_steps) * request.train.batch * request.train.context;
  MIXRUN_RETURN_IF_ERROR(trainer.Initialize(outcome.resumed_from_step));
  double train_seconds = 0;
  MIXRUN_RETURN_IF_ERROR(trainer.Train(progress, outcome.finished, train_seconds));
  if (outcome.finished) {
    const std::vector<std::string>& domains = trainer.evaluator().domains();
    for (size_t d = 0; d < domains.size(); ++d) {
      outcome.eval_losses[domains[d]] = trainer.last_eval()[d];
    }
    outcome.target_loss = trainer.last_target();
    // The whole evaluation history, earlier attempts' included: a loss that exploded but stayed
    // finite would otherwise be stored as a done run and fitted as a data point.
    MIXRUN_ASSIGN_OR_RETURN(std::vector<MetricRow> evaluations, sink.History(kTargetLossMetric));
    const DivergenceVerdict verdict = CheckDivergence(evaluations, kTargetLossMetric);
    if (verdict.failed()) {
      const bool flat = verdict.finding == DivergenceVerdict::Finding::kNoProgress;
      return Status::Failed(verdict.reason + " (train.lr " +
                            FormatSignificant(request.train.lr, 3) +
                            (flat ? " too low, or too few steps?)" : " too high?)"));
    }
    outcome.warning = verdict.reason;
  }
  outcome.final_train_loss = trainer.last_loss();
  outcome.wall_seconds = SecondsSince(start);
  const double trained_tokens =
      static_cast<double>(trainer.steps_trained()) * request.train.batch * request.train.context;
  outcome.tokens_per_second = train_seconds > 0 ? trained_tokens / train_seconds : 0;
  return outcome;
}

}  // namespace mixrun
