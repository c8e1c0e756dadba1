// Evaluator: per-domain validation loss of a model on each domain's fixed validation windows
// (lib/data/validation_windows.h), in nats per token; the windows never change within a run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "data/corpus.h"
#include "model/gpt.h"

namespace mixrun {

class Evaluator {
 public:
  // Chooses the windows of every corpus: about eval_tokens targets each.
  static Result<Evaluator> Create(const std::vector<const Corpus*>& corpora, int context,
                                  int64_t eval_tokens);

  // Mean loss over all validation targets of each domain, in the corpora's order. Uses the
  // model's buffers (its last forward is overwritten), not its gradients.
  std::vector<double> Evaluate(Gpt<float>& model) const;

  const std::vector<std::string>& domains() const { return domains_; }
  // Validation targets actually evaluated per domain (fewer than asked when data is short).
  std::vector<int64_t> tokens_per_domain() const;

 private:
  int context_ = 0;
  std::vector<const Corpus*> corpora_;
  std::vector<std::string> domains_;
  std::vector<std::vector<int64_t>> windows_;
};

}  // namespace mixrun
