// ParseJsonText: the one way mixrun reads JSON a user wrote (configs, --predict points, mixture
// files, metrics.jsonl lines): comments allowed, and every fault is an InvalidInput naming the
// place. Beyond nlohmann's parser it rejects what would silently lose data: a key given twice in
// one object (the parser keeps only the last) and numbers outside double's range (1e400).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mixrun {

// `name` names the text in errors: "NAME:LINE:COLUMN: invalid JSON: …" for syntax and range
// faults, "NAME: /json/pointer: key 'k' appears twice" for duplicate keys.
Result<nlohmann::json> ParseJsonText(std::string_view text, const std::string& name);

// A key as one token of a JSON pointer (RFC 6901: '~' -> "~0", '/' -> "~1").
std::string EscapePointerToken(std::string_view key);

}  // namespace mixrun
