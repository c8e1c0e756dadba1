// MixtureSampler: training batches for a mixture — each sequence's domain drawn by the mixture
// weights, then a uniformly random window of T+1 tokens inside that domain's training part.
// Deterministic for a seed; its state is one counter, so checkpoints restore it exactly.
#pragma once

#include <cstdint>
#include <vector>

#include "common/random.h"
#include "common/run_point.h"
#include "common/status.h"
#include "data/corpus.h"

namespace mixrun {

class MixtureSampler {
 public:
  // corpora: the experiment's domains (not owned; must outlive the sampler). weights: by domain
  // name, non-negative, at least one positive (normalised here); a name that no corpus has is an
  // error, as is a weighted domain whose training part is shorter than context + 1 tokens.
  static Result<MixtureSampler> Create(const std::vector<const Corpus*>& corpora,
                                       const Mixture& weights, int context, uint64_t seed);

  // Fills inputs and targets (batch, T): targets are inputs shifted by one token. domains, when
  // not null, receives each sequence's domain index (into corpora).
  void NextBatch(int batch, int32_t* inputs, int32_t* targets, int* domains = nullptr);

  // The state: sequences drawn so far. Seek(n) resumes exactly after n sequences.
  uint64_t position() const { return position_; }
  void Seek(uint64_t position) { position_ = position; }

  int context() const { return context_; }

 private:
  struct DomainWindows {
    const Corpus* corpus = nullptr;
    std::vector<TokenRange> ranges;     // training ranges that can hold a window
    std::vector<int64_t> first_window;  // prefix sums of window starts per range
    int64_t windows = 0;                // number of valid window starts
  };

  MixtureSampler(CounterRng rng, int context) : rng_(rng), context_(context) {}
  int64_t DrawWindowStart(const DomainWindows& domain, uint64_t index) const;

  CounterRng rng_;
  int context_ = 0;
  std::vector<DomainWindows> domains_;
  std::vector<int> domain_index_;   // position in the caller's corpora list
  std::vector<double> cumulative_;  // cumulative normalised weights; the last is exactly 1
  uint64_t position_ = 0;
  std::vector<int32_t> window_;
};

}  // namespace mixrun
