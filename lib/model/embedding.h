// Token and position embedding, the GPT's first layer: out[b,t,:] = wte[token[b,t],:] + wpe[t,:].
// Backward accumulates (+=) into the embedding gradients, as every backward in lib/model does.
#pragma once

#include <cstdint>

namespace mixrun {

// out (B,T,C); tokens (B,T); wte (V,C); wpe (maxT,C).
template <typename Real>
void EmbeddingForward(Real* out, const int32_t* tokens, const Real* wte, const Real* wpe, int B,
                      int T, int C);

// dwte (V,C) += scatter of dout by token; dwpe (maxT,C) += sum of dout over the batch.
template <typename Real>
void EmbeddingBackward(Real* dwte, Real* dwpe, const Real* dout, const int32_t* tokens, int B,
                       int T, int C);

}  // namespace mixrun
