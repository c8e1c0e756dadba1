// Every layer's backward against central finite differences, in double precision: the loss is
// Σ out ⊙ R for a fixed random R, so dout = R and every input gradient is checked elementwise.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gradient_check.h"
#include "model/attention.h"
#include "model/cross_entropy.h"
#include "model/embedding.h"
#include "model/gelu.h"
#include "model/layernorm.h"
#include "model/linear.h"

namespace mixrun {
namespace {

using testing::MaxElementError;
using testing::NumericGradient;

constexpr double kStep = 1e-4;
constexpr double kTolerance = 1e-7;  // elementwise, relative to max(|a|, |n|, 1e-3)

std::vector<double> RandomVector(size_t n, uint64_t seed, double scale = 1.0) {
  std::mt19937_64 engine(seed);
  std::uniform_real_distribution<double> uniform(-scale, scale);
  std::vector<double> v(n);
  for (double& x : v) x = uniform(engine);
  return v;
}

double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

void CheckGradient(const std::string& what, std::vector<double>& x,
                   const std::vector<double>& analytic, const std::function<double()>& loss) {
  const std::vector<double> numeric = NumericGradient<double>(x, loss, kStep);
  const double error = MaxElementError(analytic, numeric, 1e-3);
  MESSAGE(what << ": max elementwise relative error " << error);
  CHECK(error < kTolerance);
}

TEST_CASE("embedding backward matches finite differences") {
  const int B = 2, T = 3, C = 4, V = 5;
  const std::vector<int32_t> tokens = {1, 4, 1, 0, 2, 4};
  std::vector<double> wte = RandomVector(V * C, 1), wpe = RandomVector(T * C, 2);
  const std::vector<double> r = RandomVector(B * T * C, 3);
  std::vector<double> out(B * T * C);
  auto loss = [&] {
    EmbeddingForward(out.data(), tokens.data(), wte.data(), wpe.data(), B, T, C);
    return Dot(out, r);
  };
  std::vector<double> dwte(V * C, 0.0), dwpe(T * C, 0.0);
  EmbeddingBackward(dwte.data(), dwpe.data(), r.data(), tokens.data(), B, T, C);
  CheckGradient("embedding dwte", wte, dwte, loss);
  CheckGradient("embedding dwpe", wpe, dwpe, loss);
}

TEST_CASE("layernorm backward matches finite differences") {
  const int N = 6, C = 7;
  std::vector<double> inp = RandomVector(N * C, 4, 2.0), weight = RandomVector(C, 5),
                      bias = RandomVector(C, 6);
  const std::vector<double> r = RandomVector(N * C, 7);
  std::vector<double> out(N * C), mean(N), rstd(N);
  auto loss = [&] {
    LayerNormForward(out.data(), mean.data(), rstd.data(), inp.data(), weight.data(), bias.data(),
                     N, C, 1);
    return Dot(out, r);
  };
  loss();
  std::vector<double> dinp(N * C, 0.0), dweight(C, 0.0), dbias(C, 0.0);
  LayerNormBackward(dinp.data(), dweight.data(), dbias.data(), r.data(), inp.data(), weight.data(),
                    mean.data(), rstd.data(), N, C, 1);
  CheckGradient("layernorm dinp", inp, dinp, loss);
  CheckGradient("layernorm dweight", weight, dweight, loss);
  CheckGradient("layernorm dbias", bias, dbias, loss);
}

TEST_CASE("linear backward matches finite differences") {
  const int N = 5, IC = 4, OC = 3;
  std::vector<double> inp = RandomVector(N * IC, 8), weight = RandomVector(OC * IC, 9),
                      bias = RandomVector(OC, 10);
  const std::vector<double> r = RandomVector(N * OC, 11);
  std::vector<double> out(N * OC);
  auto loss = [&] {
    LinearForward(out.data(), inp.data(), weight.data(), bias.data(), N, IC, OC, 1);
    return Dot(out, r);
  };
  std::vector<double> dinp(N * IC, 0.0), dweight(OC * IC, 0.0), dbias(OC, 0.0);
  LinearBackward(dinp.data(), dweight.data(), dbias.data(), r.data(), inp.data(), weight.data(), N,
                 IC, OC, 1);
  CheckGradient("linear dinp", inp, dinp, loss);
  CheckGradient("linear dweight", weight, dweight, loss);
  CheckGradient("linear dbias", bias, dbias, loss);
}

TEST_CASE("attention backward matches finite differences") {
  // T = 70 spans two causal row blocks of 64, so the blocked products are checked too.
  for (const int T : {5, 70}) {
    const int B = 2, C = 6, NH = 2;
    std::vector<double> qkv = RandomVector(B * T * 3 * C, 12, 1.5);
    const std::vector<double> r = RandomVector(B * T * C, 13);
    std::vector<double> out(B * T * C), att(B * NH * T * T), datt(B * NH * T * T);
    auto loss = [&] {
      AttentionForward(out.data(), att.data(), qkv.data(), B, T, C, NH, 1);
      return Dot(out, r);
    };
    loss();
    std::vector<double> dqkv(B * T * 3 * C, 0.0);
    AttentionBackward(dqkv.data(), datt.data(), r.data(), qkv.data(), att.data(), B, T, C, NH, 1);
    CheckGradient(T == 5 ? "attention dqkv (T=5)" : "attention dqkv (T=70)", qkv, dqkv, loss);
    // Causality: the output at t never depends on later tokens.
    for (int t = 0; t < T; ++t) {
      for (int j = t + 1; j < T; ++j) CHECK(att[t * T + j] == 0.0);
    }
  }
}

TEST_CASE("gelu backward matches finite differences") {
  const size_t N = 40;
  std::vector<double> inp = RandomVector(N, 14, 4.0);
  const std::vector<double> r = RandomVector(N, 15);
  std::vector<double> out(N);
  auto loss = [&] {
    GeluForward(out.data(), inp.data(), N, 1);
    return Dot(out, r);
  };
  std::vector<double> dinp(N, 0.0);
  GeluBackward(dinp.data(), inp.data(), r.data(), N, 1);
  CheckGradient("gelu dinp", inp, dinp, loss);
}

TEST_CASE("cross-entropy backward matches finite differences") {
  const int N = 4, V = 9;
  std::vector<double> logits = RandomVector(N * V, 16, 3.0);
  const std::vector<int32_t> targets = {0, 8, 3, 3};
  std::vector<double> probs(N * V), losses(N);
  auto loss = [&] {
    return CrossEntropyForward(probs.data(), losses.data(), logits.data(), targets.data(), N, V, 1);
  };
  loss();
  std::vector<double> dlogits(N * V);
  CrossEntropyBackward(dlogits.data(), probs.data(), targets.data(), N, V, 1);
  CheckGradient("cross-entropy dlogits", logits, dlogits, loss);
}

TEST_CASE("float kernels agree with double ones") {
  // The float path uses the vectorised exp/tanh: check it against the exact double path.
  const int B = 2, T = 9, C = 8, NH = 2;
  const std::vector<double> qkv = RandomVector(B * T * 3 * C, 17, 2.0);
  std::vector<float> qkv_f(qkv.begin(), qkv.end());
  std::vector<double> out(B * T * C), att(B * NH * T * T);
  std::vector<float> out_f(B * T * C), att_f(B * NH * T * T);
  AttentionForward(out.data(), att.data(), qkv.data(), B, T, C, NH, 1);
  AttentionForward(out_f.data(), att_f.data(), qkv_f.data(), B, T, C, NH, 1);
  CHECK(MaxElementError(out, out_f, 1e-3) < 1e-5);
  std::vector<double> gelu(qkv.size());
  std::vector<float> gelu_f(qkv.size());
  GeluForward(gelu.data(), qkv.data(), qkv.size(), 1);
  GeluForward(gelu_f.data(), qkv_f.data(), qkv.size(), 1);
  CHECK(MaxElementError(gelu, gelu_f, 1e-3) < 1e-5);
}

}  // namespace
}  // namespace mixrun
