// Shared pieces of the training tests: a small model and training spec, corpora from Markov
// sources, and a scratch run directory.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "data/corpus.h"
#include "markov_source.h"
#include "testing/temp_dir.h"
#include "train/train_run.h"

namespace mixrun::testing {

// A scratch run directory.
class RunDir : public TempDir {
 public:
  std::string path() const { return TempDir::path().string(); }
};

inline std::unique_ptr<Corpus> MarkovCorpus(const std::string& name, const MarkovSource& source,
                                            int64_t tokens, uint64_t seed) {
  Result<Corpus> corpus = Corpus::FromTokens(name, source.Generate(tokens, seed), 256, 0.05);
  return std::make_unique<Corpus>(std::move(corpus).value());
}

inline TrainRunRequest SmallRequest(const std::vector<const Corpus*>& corpora,
                                    const std::string& run_dir) {
  TrainRunRequest request;
  request.model.name = "test";
  request.model.layers = 2;
  request.model.d_model = 32;
  request.model.heads = 4;
  request.model.vocab = 256;
  request.model.context = 32;
  request.train.context = 32;
  request.train.batch = 8;
  request.train.lr = 3e-3;
  request.train.warmup = 0.05;
  request.train.eval_every = 10;
  request.train.eval_tokens = 1024;
  request.train.checkpoint_every = 10;
  request.tokens = 40 * 8 * 32;  // 40 steps
  request.seed = 1;
  request.corpora = corpora;
  for (const Corpus* corpus : corpora) request.mixture[corpus->name()] = 1.0 / corpora.size();
  request.run_dir = run_dir;
  return request;
}

}  // namespace mixrun::testing
