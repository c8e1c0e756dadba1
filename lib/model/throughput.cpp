#include "model/throughput.h"

#include <chrono>
#include <vector>

#include "model/gpt.h"
#include "model/memory_estimate.h"

namespace mixrun {

Result<double> MeasureTrainingThroughput(const ModelSpec& model, const TrainSpec& train,
                                         int threads, double seconds) {
  // Timing builds the whole model: refuse before allocating one that cannot fit.
  MIXRUN_RETURN_IF_ERROR(CheckTrainingMemory(model, train, ReadAvailableMemory()));
  MIXRUN_ASSIGN_OR_RETURN(Gpt<float> gpt, Gpt<float>::Create(model, train.batch, threads));
  gpt.InitializeParameters(0);
  const size_t tokens = static_cast<size_t>(train.batch) * model.context;
  std::vector<int32_t> inputs(tokens), targets(tokens);
  for (size_t i = 0; i < tokens; ++i) {  // any byte sequence: timing does not depend on content
    inputs[i] = static_cast<int32_t>((i * 7919) % 256);
    targets[i] = static_cast<int32_t>((i * 104729 + 1) % 256);
  }
  auto step = [&] {
    gpt.ZeroGradients();
    gpt.Forward(inputs.data(), targets.data(), train.batch);
    gpt.Backward();
  };
  step();  // warm-up: first-touch of buffers, BLAS thread start
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  int steps = 0;
  double elapsed = 0;
  do {
    step();
    ++steps;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds && steps < 1000);
  return steps * static_cast<double>(tokens) / elapsed;
}

}  // namespace mixrun
