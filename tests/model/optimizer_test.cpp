#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <vector>

#include "model/adamw.h"
#include "model/lr_schedule.h"

namespace mixrun {
namespace {

TEST_CASE("AdamW matches a hand-computed update with decay on matrices only") {
  ModelShape shape;
  shape.layers = 1;
  shape.channels = 2;
  shape.heads = 1;
  shape.head_size = 2;
  shape.hidden = 2;
  shape.vocab = 2;
  shape.context = 1;
  const ParameterLayout layout(shape);
  AdamWOptions options;
  options.weight_decay = 0.5;
  AdamW<double> optimizer(layout, options, 1);
  std::vector<double> params(layout.total(), 1.0), grads(layout.total(), 0.2);
  const double lr = 0.1;
  optimizer.Step(params, grads, lr);
  optimizer.Step(params, grads, lr);
  // Two steps of a constant gradient: m̂ = g and v̂ = g², so each step moves lr·g/(|g| + ε).
  const double adam_move = lr * 0.2 / (0.2 + 1e-8);
  const double decayed = (1.0 * (1 - lr * 0.5) - adam_move) * (1 - lr * 0.5) - adam_move;
  const double undecayed = 1.0 - 2 * adam_move;
  for (const ParameterTensor& tensor : layout.tensors()) {
    CHECK_MESSAGE(params[tensor.offset] == doctest::Approx(tensor.decay ? decayed : undecayed),
                  tensor.name);
  }
  CHECK(optimizer.step_count() == 2);
}

TEST_CASE("gradient clipping bounds the global norm") {
  std::vector<float> grads = {3.0f, 4.0f};
  const double norm = ClipGradientNorm<float>(grads, 1.0);
  CHECK(norm == doctest::Approx(5.0));
  CHECK(std::hypot(grads[0], grads[1]) == doctest::Approx(1.0).epsilon(1e-5));
  std::vector<float> small = {0.3f, 0.4f};
  ClipGradientNorm<float>(small, 1.0);
  CHECK(small[0] == 0.3f);
}

TEST_CASE("gradient clipping on a team gives the single thread's bits") {
  // 1M gradients: 32 chunks of the norm's sum, on a team of two.
  std::vector<float> one(size_t{1} << 20);
  for (size_t i = 0; i < one.size(); ++i) one[i] = static_cast<float>((i * 7919) % 1000) * 1e-3f;
  std::vector<float> two = one;
  const double norm_one = ClipGradientNorm<float>(one, 1.0, 1);
  const double norm_two = ClipGradientNorm<float>(two, 1.0, 2);
  CHECK(norm_one > 1.0);
  CHECK(norm_two == norm_one);
  CHECK(two == one);
  double sum_squares = 0;
  for (const float g : one) sum_squares += static_cast<double>(g) * g;
  CHECK(std::sqrt(sum_squares) == doctest::Approx(1.0).epsilon(1e-5));
}

TEST_CASE("warmup then cosine decay to 10%, or constant") {
  Result<LrSchedule> schedule = MakeLrSchedule(1.0, "cosine", 0.1, 100);
  REQUIRE(schedule.ok());
  CHECK(schedule->warmup_steps == 10);
  CHECK(schedule->At(0) == doctest::Approx(0.1));
  CHECK(schedule->At(9) == doctest::Approx(1.0));
  CHECK(schedule->At(10) == doctest::Approx(1.0));
  CHECK(schedule->At(55) == doctest::Approx(0.55));
  CHECK(schedule->At(100) == doctest::Approx(0.1));
  Result<LrSchedule> constant = MakeLrSchedule(1.0, "constant", 0.0, 100);
  REQUIRE(constant.ok());
  CHECK(constant->At(0) == 1.0);
  CHECK(constant->At(99) == 1.0);
  CHECK(!MakeLrSchedule(1.0, "linear", 0.0, 100).ok());
}

}  // namespace
}  // namespace mixrun
