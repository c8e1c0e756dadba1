// SHA-256 of a byte string, as lowercase hex (FIPS 180-4).
// Used for run keys and config digests, which must be stable across machines and versions.
#pragma once

#include <string>
#include <string_view>

namespace mixrun {

std::string Sha256Hex(std::string_view data);

}  // namespace mixrun
