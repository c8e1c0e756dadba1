// KEY=VALUE command-line values (--fix DOMAIN=W, --metric NAME=COLUMN, --target METRIC=W,
// --fit ID[:W]): one parser for all of them, with errors "FLAG 'TEXT': expected SYNTAX".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mixrun {

// How one flag's values are written, and how its errors read.
struct KeyValueSyntax {
  std::string flag;      // "--fix"
  std::string expected;  // "DOMAIN=W with W in [0, 1]": what the error says the value should be
  char separator = '=';
  // Split at the last separator, so that a key may contain it (right when the value is a number,
  // which never does); otherwise at the first, so that the value may.
  bool split_at_last = false;
  bool value_optional = false;  // "ID[:W]": the separator and the value may be left out
};

struct KeyValue {
  std::string key;
  std::string value;       // empty only when left out
  bool has_value = false;  // false only when the syntax allows leaving it out
};

// Splits `text` into a non-empty key and (unless optional and absent) a non-empty value;
// InvalidInput otherwise.
Result<KeyValue> SplitKeyValue(const std::string& text, const KeyValueSyntax& syntax);

// The error every caller reports for a malformed or out-of-range value of `syntax`'s flag.
Status KeyValueError(const std::string& text, const KeyValueSyntax& syntax);

// The whole of `text` as a number (strtod's syntax, so also "nan" and "inf": callers check the
// range they accept), or nothing when it is empty or has anything left over.
std::optional<double> ParseNumber(std::string_view text);

// The whole of `text` as a base-10 integer, or nothing.
std::optional<int64_t> ParseInteger(std::string_view text);

}  // namespace mixrun
