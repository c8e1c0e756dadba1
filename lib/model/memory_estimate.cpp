#include "model/memory_estimate.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "model/parameter_layout.h"

namespace mixrun {
namespace {

constexpr double kFloat = 4;  // float32, and int32 token ids
// The process around the tensors: code, OpenBLAS's per-thread buffers, SQLite's page cache, the
// allocator's slack. `mixrun train` peaked at 19 MiB RSS on a model of 8K parameters, and 20 MiB
// above the tensors on one of 3.3M with 2 threads; the rest is room for more threads.
constexpr double kRuntimeBytes = 64.0 * 1024 * 1024;

}  // namespace

double TrainingMemory::total() const {
  return parameters + gradients + optimizer + activations + backward + token_ids + checkpoint +
         runtime;
}

std::string TrainingMemory::Describe() const {
  std::vector<std::pair<double, std::string>> terms = {
      {parameters, "parameters"},         {gradients, "gradients"},
      {optimizer, "AdamW moments"},       {activations, "activations"},
      {backward, "backward scratch"},     {token_ids, "token batches"},
      {checkpoint, "checkpoint staging"}, {runtime, "runtime"}};
  std::stable_sort(terms.begin(), terms.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string text;
  for (const auto& [bytes, name] : terms) {
    if (bytes > 0) text += (text.empty() ? "" : ", ") + name + " " + HumanBytes(bytes);
  }
  return text;
}

TrainingMemory EstimateTrainingMemory(const ModelSpec& model, const TrainSpec& train) {
  const ModelShape s = ResolveShape(model);
  const double P = static_cast<double>(CountParameters(model).total);
  const double L = s.layers, C = s.channels, F = s.hidden, V = s.vocab, NH = s.heads;
  const double T = s.context, BT = static_cast<double>(train.batch) * T;
  // Per token of the batch; attention's scores add NH·T per token (B·NH·T·T in all).
  const double per_layer = 10 * C + 2 * F + 4 + NH * T;
  const double outside_layers = 2 * C + 2 * V + 3;  // embeddings, final LayerNorm, logits, probs
  TrainingMemory memory;
  memory.parameters = P * kFloat;
  memory.gradients = P * kFloat;
  memory.optimizer = 2 * P * kFloat;
  memory.activations = BT * (L * per_layer + outside_layers) * kFloat;
  memory.backward = BT * (6 * C + 2 * F + V + NH * T) * kFloat;
  memory.token_ids = (6 * BT + T + 1) * kFloat;
  memory.checkpoint = 6 * P * kFloat;
  memory.runtime = kRuntimeBytes;
  return memory;
}

Status CheckTrainingMemory(const ModelSpec& model, const TrainSpec& train,
                           const AvailableMemory& available, int concurrent) {
  const std::optional<double> free_bytes = available.bytes();
  if (!free_bytes) return Status::Ok();
  const TrainingMemory memory = EstimateTrainingMemory(model, train);
  const int runs = std::max(1, concurrent);
  const double needed = memory.total() * runs;
  if (needed <= *free_bytes) return Status::Ok();
  std::string message = "model '" + model.name + "' needs " + HumanBytes(memory.total()) +
                        " of memory per training run (" + memory.Describe() + ")";
  if (runs > 1) message += ", " + HumanBytes(needed) + " for " + std::to_string(runs) + " at once";
  message += ", but only " + available.Describe() + " is available; ";
  message += runs > 1 && memory.total() <= *free_bytes
                 ? "train fewer runs at once (--jobs)"
                 : "make the model, train.batch or train.context smaller, or train where there "
                   "is more memory";
  return Status::InvalidInput(message);
}

}  // namespace mixrun
