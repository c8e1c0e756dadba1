#include "data/validation_windows.h"

#include <algorithm>

namespace mixrun {

Result<std::vector<int64_t>> ValidationWindows(const Corpus& corpus, int context,
                                               int64_t eval_tokens) {
  if (context < 1) return Status::InvalidInput("context must be at least 1");
  // Every non-overlapping window the validation ranges hold (windows share their last token
  // with the next one's first, as training windows do).
  std::vector<int64_t> available;
  for (const TokenRange& range : corpus.split().validation) {
    for (int64_t start = range.begin; start + context + 1 <= range.end; start += context) {
      available.push_back(start);
    }
  }
  if (available.empty()) {
    return Status::InvalidInput(
        "domain '" + corpus.name() + "' has " + std::to_string(corpus.split().validation_tokens) +
        " validation tokens, fewer than one window of context + 1 = " +
        std::to_string(context + 1) + " (raise train.val_fraction or add data)");
  }
  const int64_t wanted = std::max<int64_t>(1, (eval_tokens + context - 1) / context);
  if (wanted >= static_cast<int64_t>(available.size())) return available;
  std::vector<int64_t> chosen;
  chosen.reserve(static_cast<size_t>(wanted));
  const int64_t n = static_cast<int64_t>(available.size());
  for (int64_t i = 0; i < wanted; ++i)
    chosen.push_back(available[static_cast<size_t>(i * n / wanted)]);
  return chosen;
}

}  // namespace mixrun
