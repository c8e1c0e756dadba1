// StepProfile: where a training step's time goes — wall seconds by kernel and direction, added up
// while a Gpt has one attached (Gpt::set_profile). Contract: nothing is timed without one, and
// timing never changes what is computed.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>

namespace mixrun {

// The kernels of a step, in the order forward runs them (backward runs them in reverse).
enum class Kernel : size_t {
  kEmbedding,
  kLayerNorm,
  kQkv,            // linear: (N, C) → (N, 3C)
  kAttention,      // softmax(QKᵀ/√d)V per head, causal
  kAttentionProj,  // linear: (N, C) → (N, C)
  kResidual,
  kMlpUp,  // linear: (N, C) → (N, 4C)
  kGelu,
  kMlpDown,  // linear: (N, 4C) → (N, C)
  kHead,     // the tied head: (N, C) → (N, V)
  kCrossEntropy,
  kCount
};

constexpr const char* KernelName(Kernel kernel) {
  constexpr const char* kNames[] = {"embedding", "layernorm", "qkv",          "attention",
                                    "attn_proj", "residual",  "mlp_up",       "gelu",
                                    "mlp_down",  "head",      "cross_entropy"};
  return kNames[static_cast<size_t>(kernel)];
}

struct StepProfile {
  static constexpr size_t kKernels = static_cast<size_t>(Kernel::kCount);
  std::array<double, kKernels> forward{}, backward{};
  double optimizer = 0;  // the caller's to fill (clipping and AdamW run outside the model)
  int steps = 0;         // the caller's count, to report per step
};

// Runs `body`, adding its wall time to `slot` when there is one.
template <typename Body>
void Timed(double* slot, Body&& body) {
  if (slot == nullptr) {
    body();
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  body();
  *slot += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace mixrun
