#include "data/corpus.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "data/byte_tokenizer.h"
#include "data/jsonl_text.h"

namespace mixrun {

namespace {

// Text files below this size are copied into one buffer rather than mapped one by one, which
// keeps the number of mappings small for corpora of many small files.
constexpr size_t kMapThreshold = size_t{1} << 20;

}  // namespace

Result<Corpus> Corpus::Load(const DomainSpec& spec, double val_fraction) {
  const std::string where = "domain '" + spec.name + "'";
  Corpus corpus;
  corpus.name_ = spec.name;
  if (spec.files.empty()) return Status::InvalidInput(where + ": no files match its paths");
  if (spec.format == CorpusFormat::kTokensU16) {
    if (spec.vocab < 1 || spec.vocab > 65536) {
      return Status::InvalidInput(where + ": vocab must be in [1, 65536] for tokens-u16");
    }
    corpus.vocab_ = spec.vocab;
  } else {
    corpus.vocab_ = ByteTokenizer::kVocab;
  }

  int64_t next = 0;
  for (const std::string& path : spec.files) {
    Result<MappedFile> opened = MappedFile::Open(path);
    if (!opened.ok()) return opened.status().WithContext(where);
    MappedFile file = std::move(opened).value();
    const std::string_view bytes(reinterpret_cast<const char*>(file.data()), file.size());
    Segment segment;
    segment.begin = next;
    switch (spec.format) {
      case CorpusFormat::kText:
        if (file.size() < kMapThreshold) {
          segment.offset = corpus.owned_.size();
          corpus.owned_.append(bytes);
        } else {
          segment.source = static_cast<int>(corpus.mappings_.size()) + 1;
          corpus.mappings_.push_back(std::move(file));
        }
        segment.length = static_cast<int64_t>(bytes.size());
        break;
      case CorpusFormat::kJsonl: {
        segment.offset = corpus.owned_.size();
        MIXRUN_RETURN_IF_ERROR(
            AppendJsonlText(bytes, path, spec.field, corpus.owned_).WithContext(where));
        segment.length = static_cast<int64_t>(corpus.owned_.size() - segment.offset);
        break;
      }
      case CorpusFormat::kTokensU16: {
        if (file.size() % 2 != 0) {
          return Status::InvalidInput(where + ": " + path + ": size " +
                                      std::to_string(file.size()) +
                                      " bytes is not a multiple of 2 (uint16 tokens)");
        }
        const size_t count = file.size() / 2;
        for (size_t i = 0; i < count; ++i) {
          uint16_t token;
          std::memcpy(&token, file.data() + 2 * i, 2);
          if (token >= corpus.vocab_) {
            return Status::InvalidInput(
                where + ": " + path + ": token id " + std::to_string(token) + " at byte offset " +
                std::to_string(2 * i) + " is not below vocab " + std::to_string(corpus.vocab_));
          }
        }
        segment.width = 2;
        segment.length = static_cast<int64_t>(count);
        segment.source = static_cast<int>(corpus.mappings_.size()) + 1;
        corpus.mappings_.push_back(std::move(file));
        break;
      }
    }
    if (segment.length > 0) corpus.segments_.push_back(segment);
    next += segment.length;
  }
  corpus.size_ = next;
  if (corpus.size_ == 0) return Status::InvalidInput(where + ": its files hold no tokens");
  MIXRUN_RETURN_IF_ERROR(corpus.Finish(val_fraction));
  return corpus;
}

Result<Corpus> Corpus::FromTokens(const std::string& name, std::vector<uint16_t> tokens, int vocab,
                                  double val_fraction) {
  Corpus corpus;
  corpus.name_ = name;
  corpus.vocab_ = vocab;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] >= vocab) {
      return Status::InvalidInput("domain '" + name + "': token id " + std::to_string(tokens[i]) +
                                  " at position " + std::to_string(i) + " is not below vocab " +
                                  std::to_string(vocab));
    }
  }
  if (tokens.empty()) return Status::InvalidInput("domain '" + name + "': no tokens");
  corpus.owned_tokens_ = std::move(tokens);
  corpus.size_ = static_cast<int64_t>(corpus.owned_tokens_.size());
  corpus.segments_.push_back({0, corpus.size_, 2, -1, 0});
  MIXRUN_RETURN_IF_ERROR(corpus.Finish(val_fraction));
  return corpus;
}

Status Corpus::Finish(double val_fraction) {
  split_ = SplitTrainValidation(size_, val_fraction);
  return Status::Ok();
}

const uint8_t* Corpus::SourceData(int source) const {
  if (source < 0) return reinterpret_cast<const uint8_t*>(owned_tokens_.data());
  if (source == 0) return reinterpret_cast<const uint8_t*>(owned_.data());
  return mappings_[source - 1].data();
}

void Corpus::Read(int64_t begin, int64_t count, int32_t* out) const {
  // The last segment starting at or before `begin`.
  auto it = std::upper_bound(segments_.begin(), segments_.end(), begin,
                             [](int64_t position, const Segment& s) { return position < s.begin; });
  size_t index = static_cast<size_t>(it - segments_.begin()) - 1;
  while (count > 0) {
    const Segment& s = segments_[index];
    const int64_t skip = begin - s.begin;
    const int64_t take = std::min(count, s.length - skip);
    const uint8_t* data = SourceData(s.source) + s.offset;
    if (s.width == 1) {
      for (int64_t i = 0; i < take; ++i) out[i] = data[skip + i];
    } else {
      for (int64_t i = 0; i < take; ++i) {
        uint16_t token;
        std::memcpy(&token, data + 2 * (skip + i), 2);
        out[i] = token;
      }
    }
    out += take;
    begin += take;
    count -= take;
    ++index;
  }
}

Result<std::vector<Corpus>> LoadExperimentCorpora(const Experiment& experiment) {
  std::vector<Corpus> corpora;
  for (const DomainSpec& domain : experiment.domains) {
    MIXRUN_ASSIGN_OR_RETURN(Corpus corpus, Corpus::Load(domain, experiment.train.val_fraction));
    corpora.push_back(std::move(corpus));
  }
  return corpora;
}

std::map<std::string, int64_t> TokenCounts(const std::vector<Corpus>& corpora) {
  std::map<std::string, int64_t> tokens;
  for (const Corpus& corpus : corpora) tokens[corpus.name()] = corpus.size();
  return tokens;
}

}  // namespace mixrun
