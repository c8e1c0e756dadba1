// Validation windows of a domain: a fixed, seed-independent set of non-overlapping windows of
// T+1 tokens inside its validation part, spread evenly, covering about eval_tokens targets.
#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "data/corpus.h"

namespace mixrun {

// Window starts (ascending). ceil(eval_tokens / T) windows, or all there are when the validation
// part is smaller; an error when it cannot hold a single window.
Result<std::vector<int64_t>> ValidationWindows(const Corpus& corpus, int context,
                                               int64_t eval_tokens);

}  // namespace mixrun
