#include "data/train_val_split.h"

#include <algorithm>
#include <cmath>

namespace mixrun {

namespace {
constexpr int64_t kMaxChunks = 64;
constexpr int64_t kMinValidationPiece = 65536;
}  // namespace

TrainValSplit SplitTrainValidation(int64_t tokens, double val_fraction) {
  TrainValSplit split;
  if (tokens <= 0) return split;
  val_fraction = std::clamp(val_fraction, 0.0, 1.0);
  const double validation_total = static_cast<double>(tokens) * val_fraction;
  const int64_t chunks = std::clamp<int64_t>(
      static_cast<int64_t>(validation_total / kMinValidationPiece), 1, kMaxChunks);
  for (int64_t c = 0; c < chunks; ++c) {
    const int64_t begin = tokens * c / chunks, end = tokens * (c + 1) / chunks;
    const int64_t validation = std::llround(static_cast<double>(end - begin) * val_fraction);
    const int64_t boundary = end - std::clamp<int64_t>(validation, 0, end - begin);
    if (boundary > begin) split.train.push_back({begin, boundary});
    if (end > boundary) split.validation.push_back({boundary, end});
    split.train_tokens += boundary - begin;
    split.validation_tokens += end - boundary;
  }
  return split;
}

}  // namespace mixrun
