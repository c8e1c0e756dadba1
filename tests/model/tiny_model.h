// The model tests' tiny GPT: a spec small enough for finite differences, and a fixed batch of
// tokens for it.
#pragma once

#include <cstdint>
#include <vector>

#include "config/experiment.h"

namespace mixrun::testing {

inline ModelSpec TinySpec() {
  ModelSpec spec;
  spec.name = "tiny";
  spec.layers = 2;
  spec.d_model = 8;
  spec.heads = 2;
  spec.d_ff = 12;
  spec.vocab = 11;
  spec.context = 6;
  return spec;
}

struct TinyTokens {
  std::vector<int32_t> inputs, targets;
};

// B sequences of T tokens below V, and their targets.
inline TinyTokens TinyBatch(int B, int T, int V) {
  TinyTokens batch;
  for (int i = 0; i < B * T; ++i) {
    batch.inputs.push_back((i * 7 + 3) % V);
    batch.targets.push_back((i * 5 + 1) % V);
  }
  return batch;
}

}  // namespace mixrun::testing
