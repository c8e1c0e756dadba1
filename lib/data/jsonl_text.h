// Text of a JSONL corpus: one JSON object per line, the named string field of each taken as a
// document. Documents are appended to `out`, each followed by '\n'; blank lines are skipped.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace mixrun {

// `bytes` is the file's content and `path` its name for messages: a line that is not a JSON
// object, or lacks the field as a string, is an InvalidInput error "path:line: ...".
Status AppendJsonlText(std::string_view bytes, const std::string& path, const std::string& field,
                       std::string& out);

}  // namespace mixrun
