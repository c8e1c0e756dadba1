// TrainingMemory: the bytes one built-in training run of a model holds at its peak, computed from
// the shapes alone (nothing is allocated), so that plan and train refuse a model that cannot fit.
#pragma once

#include <string>

#include "common/status.h"
#include "common/system_memory.h"
#include "config/experiment.h"

namespace mixrun {

// Each term mirrors an allocation of the run (float32 throughout); tests/model checks the sum of
// the model's and the optimizer's terms against what Gpt<float>::Create and AdamW allocate.
struct TrainingMemory {
  double parameters = 0;   // P floats
  double gradients = 0;    // P floats
  double optimizer = 0;    // AdamW's first and second moments: 2P floats
  double activations = 0;  // the forward tensors backward reads: per layer (B,T)×(10C + 2F + 4)
                           // and attention's (B,NH,T,T); embeddings, final LayerNorm, logits
                           // and probabilities (B,T,V) twice
  double backward = 0;     // one layer's gradient scratch, (B,NH,T,T) and (B,T,V) included
  double token_ids = 0;    // int32 batches: the model's copy, the trainer's and the evaluator's
  double checkpoint = 0;   // saving (periodically or when stopped) or resuming stages the
                           // parameters and both moments twice (a Checkpoint, then its byte
                           // image): 6P floats
  double runtime = 0;      // the process itself: code, OpenBLAS's buffers, allocator slack

  double total() const;
  // "activations 192 MiB, backward scratch 76.0 MiB, …": every term, largest first.
  std::string Describe() const;
};

// The peak of a run of `model` trained with train.batch sequences of model.context tokens (which
// equals train.context).
TrainingMemory EstimateTrainingMemory(const ModelSpec& model, const TrainSpec& train);

// InvalidInput when `concurrent` runs of the model need more than `available` holds, naming the
// model, the bytes needed with their breakdown and the bytes available; Ok when available memory
// is unknown.
Status CheckTrainingMemory(const ModelSpec& model, const TrainSpec& train,
                           const AvailableMemory& available, int concurrent = 1);

}  // namespace mixrun
