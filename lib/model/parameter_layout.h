// ParameterLayout: where each tensor of the GPT lives in the one flat parameter buffer, and the
// model's size (parameter counts, training FLOPs per token). Tensors are grouped across layers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/experiment.h"

namespace mixrun {

// The model's dimensions with defaults resolved (d_ff 0 → 4·d_model).
struct ModelShape {
  int layers = 0;     // L
  int channels = 0;   // C = d_model
  int heads = 0;      // NH
  int head_size = 0;  // hs = C / NH
  int hidden = 0;     // F = d_ff
  int vocab = 0;      // V
  int context = 0;    // T (maximum sequence length)
};

Status ValidateModelSpec(const ModelSpec& spec);
ModelShape ResolveShape(const ModelSpec& spec);

struct ParameterTensor {
  std::string name;
  size_t offset = 0;
  size_t size = 0;
  bool decay = false;      // AdamW weight decay applies (matrices, not biases or LayerNorm gains)
  bool embedding = false;  // token or position embedding (excluded from non-embedding counts)
};

class ParameterLayout {
 public:
  explicit ParameterLayout(const ModelShape& shape);

  const ModelShape& shape() const { return shape_; }
  size_t total() const { return total_; }
  const std::vector<ParameterTensor>& tensors() const { return tensors_; }

  // Offsets into the flat buffer, llm.c order; per-layer tensors are [L, ...].
  size_t wte = 0;       // (V, C)
  size_t wpe = 0;       // (T, C)
  size_t ln1w = 0;      // (L, C)
  size_t ln1b = 0;      // (L, C)
  size_t qkvw = 0;      // (L, 3C, C)
  size_t qkvb = 0;      // (L, 3C)
  size_t attprojw = 0;  // (L, C, C)
  size_t attprojb = 0;  // (L, C)
  size_t ln2w = 0;      // (L, C)
  size_t ln2b = 0;      // (L, C)
  size_t fcw = 0;       // (L, F, C)
  size_t fcb = 0;       // (L, F)
  size_t fcprojw = 0;   // (L, C, F)
  size_t fcprojb = 0;   // (L, C)
  size_t lnfw = 0;      // (C)
  size_t lnfb = 0;      // (C)

 private:
  size_t Add(const std::string& name, size_t size, bool decay, bool embedding);

  ModelShape shape_;
  size_t total_ = 0;
  std::vector<ParameterTensor> tensors_;
};

struct ParameterCount {
  int64_t total = 0;
  int64_t non_embedding = 0;  // without token and position embeddings (Kaplan et al. 2020)
};

ParameterCount CountParameters(const ModelSpec& spec);

// Training FLOPs per token (forward + backward): 6 per weight used in a matrix product (the tied
// output head included) plus attention's 6·L·T·C (Kaplan et al. 2020, full context counted).
double TrainingFlopsPerToken(const ModelSpec& spec);

}  // namespace mixrun
