// Softmax cross-entropy over the vocabulary: loss[n] = −log softmax(logits[n])[target[n]], in nats.
// Backward writes the gradient of the mean loss over the N positions into the logits' gradient.
#pragma once

#include <cstdint>

namespace mixrun {

// probs (N,V) softmax of logits (N,V); losses (N). Returns the mean loss, summed in double.
template <typename Real>
double CrossEntropyForward(Real* probs, Real* losses, const Real* logits, const int32_t* targets,
                           int N, int V, int threads);

// dlogits (N,V) = (probs − onehot(target)) / N (overwritten, not accumulated: it starts the
// backward pass).
template <typename Real>
void CrossEntropyBackward(Real* dlogits, const Real* probs, const int32_t* targets, int N, int V,
                          int threads);

}  // namespace mixrun
