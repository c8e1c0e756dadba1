// A step profiled is the same step: the loss and every gradient are bit-identical with a profile
// attached, and the profile has a time for every kernel a step runs (and none for what has none).
#include "model/step_profile.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "model/gpt.h"
#include "tiny_model.h"

namespace mixrun {
namespace {

TEST_CASE("a profiled step computes what an unprofiled one does, and times every kernel") {
  const ModelSpec spec = testing::TinySpec();
  const int batch = 2;
  const testing::TinyTokens tokens = testing::TinyBatch(batch, spec.context, spec.vocab);
  const std::vector<int32_t>& inputs = tokens.inputs;
  const std::vector<int32_t>& targets = tokens.targets;
  auto run = [&](StepProfile* profile, std::vector<float>& gradients) {
    Result<Gpt<float>> model = Gpt<float>::Create(spec, batch, 1);
    REQUIRE(model.ok());
    model->InitializeParameters(3);
    model->set_profile(profile);
    const double loss = model->Forward(inputs.data(), targets.data(), batch);
    model->ZeroGradients();
    model->Backward();
    gradients.assign(model->gradients().begin(), model->gradients().end());
    return loss;
  };
  std::vector<float> plain, profiled;
  StepProfile profile;
  const double plain_loss = run(nullptr, plain);
  const double profiled_loss = run(&profile, profiled);
  CHECK(profiled_loss == plain_loss);
  CHECK(profiled == plain);
  for (size_t k = 0; k < StepProfile::kKernels; ++k) {
    const std::string name = KernelName(static_cast<Kernel>(k));
    CAPTURE(name);
    CHECK(profile.forward[k] > 0);
    // The residual adds have no backward kernel: the gradient passes through them.
    if (name == "residual") {
      CHECK(profile.backward[k] == 0);
    } else {
      CHECK(profile.backward[k] > 0);
    }
  }
}

}  // namespace
}  // namespace mixrun
