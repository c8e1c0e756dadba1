// Training throughput of the built-in model on this machine, measured by timing a few real
// forward and backward passes — what `mixrun plan` turns into estimated wall times.
#pragma once

#include "common/status.h"
#include "config/experiment.h"

namespace mixrun {

// Tokens per second of training (forward + backward at the config's batch and context) with
// `threads` threads, timed over about `seconds` after one warm-up step. InvalidInput (nothing
// allocated) when a training run of the model would not fit in the memory available.
Result<double> MeasureTrainingThroughput(const ModelSpec& model, const TrainSpec& train,
                                         int threads, double seconds = 0.5);

}  // namespace mixrun
