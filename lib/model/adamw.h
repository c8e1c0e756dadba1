// AdamW (Loshchilov & Hutter 2019) with PyTorch's update order, and global-norm gradient clipping.
// Weight decay applies only to the tensors the layout marks for it (matrices).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/parameter_layout.h"

namespace mixrun {

struct AdamWOptions {
  double beta1 = 0.9;
  double beta2 = 0.95;
  double epsilon = 1e-8;
  double weight_decay = 0.1;
};

template <typename Real>
class AdamW {
 public:
  AdamW(const ParameterLayout& layout, const AdamWOptions& options, int threads);

  // One update with learning rate lr: p ← p·(1 − lr·wd) − lr·m̂/(√v̂ + ε) (decay on matrices only).
  void Step(std::span<Real> parameters, std::span<const Real> gradients, double lr);

  // State, exposed so that checkpoints save and restore it exactly.
  int64_t step_count() const { return step_count_; }
  std::span<const Real> first_moment() const { return first_moment_; }
  std::span<const Real> second_moment() const { return second_moment_; }
  // Restores a saved state; false when the sizes do not match this model.
  bool Restore(int64_t step_count, std::span<const Real> first_moment,
               std::span<const Real> second_moment);

 private:
  std::vector<ParameterTensor> tensors_;
  AdamWOptions options_;
  int threads_ = 1;
  int64_t step_count_ = 0;
  std::vector<Real> first_moment_;
  std::vector<Real> second_moment_;
};

extern template class AdamW<float>;
extern template class AdamW<double>;

// Scales gradients so that their global L2 norm is at most max_norm (no-op when max_norm ≤ 0).
// Returns the norm before clipping, summed in double over fixed chunks on a team of up to
// `threads` and then in chunk order, so the same whatever the team; non-finite when a gradient is.
template <typename Real>
double ClipGradientNorm(std::span<Real> gradients, double max_norm, int threads = 1);

}  // namespace mixrun
