// Corpus: one domain's tokens as a single read-only stream — its files in order (text bytes,
// JSONL documents, or uint16 shards), with the deterministic train/validation split.
// Large files are memory-mapped, not copied; a loaded Corpus is shared read-only across runs.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/experiment.h"
#include "data/mapped_file.h"
#include "data/train_val_split.h"

namespace mixrun {

class Corpus {
 public:
  // Reads spec.files (sorted, absolute) in order. Errors name the domain and the file (and the
  // line for JSONL, the byte offset for token shards): missing or unreadable files, a JSONL line
  // without the field, an odd-sized shard, a token id ≥ vocab, a domain without tokens.
  static Result<Corpus> Load(const DomainSpec& spec, double val_fraction);

  // A corpus over tokens already in memory (tests and synthetic data).
  static Result<Corpus> FromTokens(const std::string& name, std::vector<uint16_t> tokens, int vocab,
                                   double val_fraction);

  Corpus(Corpus&&) noexcept = default;
  Corpus& operator=(Corpus&&) noexcept = default;

  const std::string& name() const { return name_; }
  int vocab() const { return vocab_; }
  int64_t size() const { return size_; }  // tokens in the whole stream
  const TrainValSplit& split() const { return split_; }

  // Copies tokens [begin, begin + count) of the stream into out; the range may span files.
  void Read(int64_t begin, int64_t count, int32_t* out) const;

 private:
  // A piece of the stream: `length` tokens of `width` bytes at `offset` in source `source`
  // (0 = owned bytes, k ≥ 1 = mapping k − 1).
  struct Segment {
    int64_t begin = 0;
    int64_t length = 0;
    int width = 1;
    int source = 0;
    size_t offset = 0;
  };

  Corpus() = default;
  Status Finish(double val_fraction);
  const uint8_t* SourceData(int source) const;

  std::string name_;
  int vocab_ = 256;
  int64_t size_ = 0;
  std::vector<Segment> segments_;
  std::string owned_;  // small text files and decoded JSONL documents
  std::vector<uint16_t> owned_tokens_;
  std::vector<MappedFile> mappings_;
  TrainValSplit split_;
};

// Loads every domain of the experiment, in config order (once per command; shared read-only).
Result<std::vector<Corpus>> LoadExperimentCorpora(const Experiment& experiment);
// Tokens per domain name: what designs read as DomainTokens and the store keeps per domain.
std::map<std::string, int64_t> TokenCounts(const std::vector<Corpus>& corpora);

}  // namespace mixrun
