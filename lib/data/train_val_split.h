// Deterministic train/validation split of a domain's token stream: the stream is cut into up to
// 64 equal chunks and the tail val_fraction of each chunk is validation; nothing else is random.
#pragma once

#include <cstdint>
#include <vector>

namespace mixrun {

struct TokenRange {
  int64_t begin = 0;  // inclusive
  int64_t end = 0;    // exclusive
  int64_t size() const { return end - begin; }
};

struct TrainValSplit {
  std::vector<TokenRange> train;       // disjoint from validation, ascending
  std::vector<TokenRange> validation;  // ascending
  int64_t train_tokens = 0;
  int64_t validation_tokens = 0;
};

// Chunks spread validation over the whole stream (files often come sorted by source or date)
// while each validation piece stays ≥ 64 Ki tokens, long enough for whole evaluation windows.
// The split depends only on (tokens, val_fraction), never on the context or the seed.
TrainValSplit SplitTrainValidation(int64_t tokens, double val_fraction);

}  // namespace mixrun
