// Base64 (RFC 4648, with padding): how a binary gradient-boosted model is kept in JSON.
// Decoding rejects characters outside the alphabet instead of skipping them.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace mixrun {

std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);

}  // namespace mixrun
