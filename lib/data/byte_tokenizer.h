// ByteTokenizer: the proxy model's tokenizer — each byte of UTF-8 text is one token (vocab 256),
// so losses are nats per byte and any text is representable without a trained vocabulary.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mixrun {

class ByteTokenizer {
 public:
  static constexpr int kVocab = 256;

  static std::vector<int32_t> Encode(std::string_view text);
  // Inverse of Encode; token ids outside [0, 256) are an error of the caller (asserted).
  static std::string Decode(const std::vector<int32_t>& tokens);
};

}  // namespace mixrun
