// Causal multi-head self-attention on packed q,k,v: out = softmax(Q·Kᵀ/√hs + causal mask)·V per
// head. Products run through sgemm on causal row blocks; the backward is O(T) per score row.
#pragma once

namespace mixrun {

// out (B,T,C); att (B,NH,T,T) the softmax probabilities, kept for backward (zero above the
// diagonal); qkv (B,T,3C) holds q, k and v of each token side by side, head h at h·hs.
template <typename Real>
void AttentionForward(Real* out, Real* att, const Real* qkv, int B, int T, int C, int NH,
                      int threads);

// dqkv (B,T,3C) += ...; datt (B,NH,T,T) is scratch (overwritten); dout (B,T,C); att and qkv from
// the forward pass.
template <typename Real>
void AttentionBackward(Real* dqkv, Real* datt, const Real* dout, const Real* qkv, const Real* att,
                       int B, int T, int C, int NH, int threads);

}  // namespace mixrun
