// Gpt: the byte-level proxy model of docs/ARCHITECTURE.md §7 — embeddings, pre-LN blocks (causal
// attention, GELU MLP), final LayerNorm, head tied to the token embedding; forward, backward, owned
// buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/status.h"
#include "config/experiment.h"
#include "model/parameter_layout.h"
#include "model/step_profile.h"

namespace mixrun {

template <typename Real>
class Gpt {
 public:
  // Buffers are sized for up to max_batch sequences of spec.context tokens. threads (≥ 1) is
  // the step's OpenMP team: matrix products split by rows (TeamGemm), attention by heads, the
  // elementwise loops by chunks; OpenBLAS runs single-threaded inside Forward and Backward.
  // Results are bit-identical for a thread count.
  static Result<Gpt> Create(const ModelSpec& spec, int max_batch, int threads);

  // GPT-2 initialisation: N(0, 0.02) weights, residual projections scaled by 1/√(2L), zero
  // biases, unit LayerNorm gains. Deterministic for a seed.
  void InitializeParameters(uint64_t seed);

  // Runs batch (≤ max_batch) sequences of T tokens: inputs and targets are (batch, T). Returns
  // the mean cross-entropy in nats per token; per-token losses stay in token_losses().
  double Forward(const int32_t* inputs, const int32_t* targets, int batch);

  // Adds the gradient of the last Forward's mean loss to gradients().
  void Backward();
  void ZeroGradients();

  // Forward and Backward add their kernels' times to `profile` (not owned) until it is reset
  // to nullptr; the default.
  void set_profile(StepProfile* profile) { profile_ = profile; }

  const ModelShape& shape() const { return layout_.shape(); }
  const ParameterLayout& layout() const { return layout_; }
  int max_batch() const { return max_batch_; }
  std::span<Real> parameters() { return parameters_; }
  std::span<const Real> parameters() const { return parameters_; }
  std::span<Real> gradients() { return gradients_; }
  std::span<const Real> gradients() const { return gradients_; }
  std::span<const Real> token_losses() const;

 private:
  // Offsets of the forward activations for a batch of B sequences; per-layer tensors are [L,...].
  struct Activations {
    size_t encoded, ln1, ln1_mean, ln1_rstd, qkv, atty, att, attproj, residual2, ln2, ln2_mean,
        ln2_rstd, fch, fch_gelu, fcproj, residual3, lnf, lnf_mean, lnf_rstd, logits, probs, losses,
        total;
  };
  // Offsets of the backward scratch: one layer's gradients at a time plus the residual stream.
  struct GradientScratch {
    size_t dresidual, dln, datty, dqkv, datt, dfch, dfch_gelu, dlogits, total;
  };
  static Activations LayoutActivations(const ModelShape& shape, int B);
  static GradientScratch LayoutGradientScratch(const ModelShape& shape, int B);

  Gpt(const ModelShape& shape, int max_batch, int threads);
  // The profile's slot of `kernel` in one direction; nullptr when not profiling.
  double* Slot(Kernel kernel, bool backward) const {
    if (profile_ == nullptr) return nullptr;
    auto& times = backward ? profile_->backward : profile_->forward;
    return &times[static_cast<size_t>(kernel)];
  }

  ParameterLayout layout_;
  int max_batch_ = 0;
  int threads_ = 1;
  std::vector<Real> parameters_;
  std::vector<Real> gradients_;
  std::vector<Real> activations_;
  std::vector<Real> scratch_;
  std::vector<int32_t> inputs_;  // the last forward's batch, kept for backward
  std::vector<int32_t> targets_;
  int last_batch_ = 0;
  StepProfile* profile_ = nullptr;
};

extern template class Gpt<float>;
extern template class Gpt<double>;

}  // namespace mixrun
