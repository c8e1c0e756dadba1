// Attention on a team of threads (whole heads per thread, OpenBLAS single-threaded inside) computes
// exactly what one thread does, forward and backward, and leaves OpenBLAS's thread count as it was.
#include <doctest/doctest.h>

#include <cstddef>
#include <vector>

#include "common/random.h"
#include "model/attention.h"
#include "model/blas.h"

namespace mixrun {
namespace {

TEST_CASE("attention on two threads equals attention on one, bit for bit") {
  // Large enough for a team: B·NH·T²/2 = 524,288 score elements.
  const int B = 4, T = 256, C = 32, NH = 4;
  const size_t tokens = static_cast<size_t>(B) * T;
  std::vector<float> qkv(tokens * 3 * C), dout(tokens * C);
  Rng rng(5);
  for (float& x : qkv) x = static_cast<float>(NormalVariate(rng));
  for (float& x : dout) x = static_cast<float>(NormalVariate(rng));
  struct Outputs {
    std::vector<float> out, att, dqkv, datt;
  };
  auto run = [&](int threads) {
    Outputs o{std::vector<float>(tokens * C),
              std::vector<float>(static_cast<size_t>(B) * NH * T * T),
              std::vector<float>(tokens * 3 * C, 0.0f),
              std::vector<float>(static_cast<size_t>(B) * NH * T * T)};
    AttentionForward(o.out.data(), o.att.data(), qkv.data(), B, T, C, NH, threads);
    AttentionBackward(o.dqkv.data(), o.datt.data(), dout.data(), qkv.data(), o.att.data(), B, T, C,
                      NH, threads);
    return o;
  };
  SetBlasThreads(1);
  const Outputs one = run(1);
  SetBlasThreads(2);
  const Outputs two = run(2);
  CHECK(BlasThreads() == 2);  // restored after the team
  CHECK(one.out == two.out);
  CHECK(one.att == two.att);
  CHECK(one.dqkv == two.dqkv);
  CHECK(one.datt == two.datt);
  SetBlasThreads(1);
}

}  // namespace
}  // namespace mixrun
