// The whole GPT's backward against finite differences (double), and the float model against the
// double one on the same parameters.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "gradient_check.h"
#include "model/gpt.h"
#include "tiny_model.h"

namespace mixrun {
namespace {

using testing::MaxElementError;
using testing::NumericGradient;
using testing::RelativeError;

using testing::TinyBatch;
using testing::TinySpec;
using Batch = testing::TinyTokens;

TEST_CASE("gpt backward matches finite differences for every parameter") {
  const ModelSpec spec = TinySpec();
  const int B = 2;
  Result<Gpt<double>> created = Gpt<double>::Create(spec, B, 1);
  REQUIRE(created.ok());
  Gpt<double>& model = *created;
  model.InitializeParameters(7);
  // GPT-2's 0.02 init makes most gradients tiny; larger weights exercise every term.
  for (double& p : model.parameters()) p *= 10;
  const Batch batch = TinyBatch(B, spec.context, spec.vocab);
  model.Forward(batch.inputs.data(), batch.targets.data(), B);
  model.ZeroGradients();
  model.Backward();
  const std::vector<double> analytic(model.gradients().begin(), model.gradients().end());
  const std::vector<double> numeric = NumericGradient<double>(
      model.parameters(),
      [&] { return model.Forward(batch.inputs.data(), batch.targets.data(), B); }, 1e-5);
  for (const ParameterTensor& tensor : model.layout().tensors()) {
    const std::vector<double> a(analytic.begin() + tensor.offset,
                                analytic.begin() + tensor.offset + tensor.size);
    const std::vector<double> n(numeric.begin() + tensor.offset,
                                numeric.begin() + tensor.offset + tensor.size);
    const double error = MaxElementError(a, n, 1e-3);
    MESSAGE("gpt d" << tensor.name << ": max elementwise relative error " << error);
    CHECK(error < 1e-6);
  }
  const double overall = RelativeError(analytic, numeric);
  MESSAGE("gpt all parameters: relative error (L2) " << overall);
  CHECK(overall < 1e-8);
}

TEST_CASE("float gpt matches the double gpt on the same parameters") {
  ModelSpec spec = TinySpec();
  spec.context = 70;  // crosses a causal block boundary
  const int B = 2;
  Result<Gpt<double>> reference = Gpt<double>::Create(spec, B, 1);
  Result<Gpt<float>> model = Gpt<float>::Create(spec, B, 2);
  REQUIRE(reference.ok());
  REQUIRE(model.ok());
  reference->InitializeParameters(3);
  for (double& p : reference->parameters()) p *= 10;
  std::copy(reference->parameters().begin(), reference->parameters().end(),
            model->parameters().begin());
  const Batch batch = TinyBatch(B, spec.context, spec.vocab);
  const double loss = reference->Forward(batch.inputs.data(), batch.targets.data(), B);
  const double loss_f = model->Forward(batch.inputs.data(), batch.targets.data(), B);
  MESSAGE("loss double " << loss << " float " << loss_f);
  CHECK(loss_f == doctest::Approx(loss).epsilon(1e-5));
  reference->ZeroGradients();
  reference->Backward();
  model->ZeroGradients();
  model->Backward();
  const double error = RelativeError(reference->gradients(), model->gradients());
  MESSAGE("float vs double gradient: relative error (L2) " << error);
  CHECK(error < 1e-4);
}

TEST_CASE("forward on a smaller batch than allocated gives the same per-sequence losses") {
  const ModelSpec spec = TinySpec();
  Result<Gpt<float>> model = Gpt<float>::Create(spec, 3, 1);
  REQUIRE(model.ok());
  model->InitializeParameters(1);
  const Batch batch = TinyBatch(3, spec.context, spec.vocab);
  model->Forward(batch.inputs.data(), batch.targets.data(), 3);
  const std::vector<float> full(model->token_losses().begin(), model->token_losses().end());
  model->Forward(batch.inputs.data(), batch.targets.data(), 1);
  REQUIRE(model->token_losses().size() == static_cast<size_t>(spec.context));
  for (int t = 0; t < spec.context; ++t) CHECK(model->token_losses()[t] == full[t]);
}

}  // namespace
}  // namespace mixrun
