// A training step on a team of two threads (products by rows, attention by heads, loops by
// chunks) is reproducible bit for bit, computes what one thread does to float rounding, and
// leaves OpenBLAS's process-wide thread count as it was.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/blas.h"
#include "model/gpt.h"
#include "tiny_model.h"

namespace mixrun {
namespace {

struct Step {
  double loss = 0;
  std::vector<float> gradients;
};

Step RunStep(const ModelSpec& spec, int batch, int threads) {
  const testing::TinyTokens tokens = testing::TinyBatch(batch, spec.context, spec.vocab);
  Result<Gpt<float>> model = Gpt<float>::Create(spec, batch, threads);
  REQUIRE(model.ok());
  model->InitializeParameters(11);
  Step step;
  step.loss = model->Forward(tokens.inputs.data(), tokens.targets.data(), batch);
  model->ZeroGradients();
  model->Backward();
  step.gradients.assign(model->gradients().begin(), model->gradients().end());
  return step;
}

TEST_CASE("a step on two threads is reproducible and agrees with the step on one") {
  // Large enough that every product, attention and loop takes the team: N = 1,024 tokens.
  ModelSpec spec = testing::TinySpec();
  spec.d_model = 128;
  spec.heads = 4;
  spec.d_ff = 512;
  spec.vocab = 256;
  spec.context = 128;
  const int batch = 8;
  SetBlasThreads(2);
  const Step one = RunStep(spec, batch, 1);
  const Step two = RunStep(spec, batch, 2);
  const Step again = RunStep(spec, batch, 2);
  CHECK(BlasThreads() == 2);  // the step's single-threaded OpenBLAS is scoped to it
  CHECK(two.loss == again.loss);
  CHECK(two.gradients == again.gradients);
  CHECK(two.loss == doctest::Approx(one.loss).epsilon(1e-6));
  // Gradients agree to float rounding relative to the largest (products of different slices
  // round their edge rows differently).
  float largest = 0, worst = 0;
  for (size_t i = 0; i < one.gradients.size(); ++i) {
    largest = std::max(largest, std::abs(one.gradients[i]));
    worst = std::max(worst, std::abs(two.gradients[i] - one.gradients[i]));
  }
  CHECK(largest > 0);
  CHECK(worst <= 1e-4f * largest);
  SetBlasThreads(1);
}

}  // namespace
}  // namespace mixrun
