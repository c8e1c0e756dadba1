#include "train/evaluator.h"

#include <algorithm>

#include "data/validation_windows.h"

namespace mixrun {

Result<Evaluator> Evaluator::Create(const std::vector<const Corpus*>& corpora, int context,
                                    int64_t eval_tokens) {
  Evaluator evaluator;
  evaluator.context_ = context;
  evaluator.corpora_ = corpora;
  for (const Corpus* corpus : corpora) {
    MIXRUN_ASSIGN_OR_RETURN(std::vector<int64_t> windows,
                            ValidationWindows(*corpus, context, eval_tokens));
    evaluator.domains_.push_back(corpus->name());
    evaluator.windows_.push_back(std::move(windows));
  }
  return evaluator;
}

std::vector<int64_t> Evaluator::tokens_per_domain() const {
  std::vector<int64_t> tokens;
  for (const auto& windows : windows_) {
    tokens.push_back(static_cast<int64_t>(windows.size()) * context_);
  }
  return tokens;
}

std::vector<double> Evaluator::Evaluate(Gpt<float>& model) const {
  const int T = context_, max_batch = model.max_batch();
  std::vector<int32_t> inputs(static_cast<size_t>(max_batch) * T);
  std::vector<int32_t> targets(inputs.size());
  std::vector<int32_t> window(static_cast<size_t>(T) + 1);
  std::vector<double> losses;
  for (size_t d = 0; d < corpora_.size(); ++d) {
    const std::vector<int64_t>& starts = windows_[d];
    double total = 0;
    for (size_t first = 0; first < starts.size(); first += static_cast<size_t>(max_batch)) {
      const int batch = static_cast<int>(std::min<size_t>(max_batch, starts.size() - first));
      for (int b = 0; b < batch; ++b) {
        corpora_[d]->Read(starts[first + static_cast<size_t>(b)], T + 1, window.data());
        std::copy_n(window.begin(), T, inputs.begin() + static_cast<ptrdiff_t>(b) * T);
        std::copy_n(window.begin() + 1, T, targets.begin() + static_cast<ptrdiff_t>(b) * T);
      }
      model.Forward(inputs.data(), targets.data(), batch);
      for (const float loss : model.token_losses()) total += loss;
    }
    losses.push_back(total / (static_cast<double>(starts.size()) * T));
  }
  return losses;
}

}  // namespace mixrun
