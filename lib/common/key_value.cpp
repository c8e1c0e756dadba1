#include "common/key_value.h"

#include <cerrno>
#include <cstdlib>

namespace mixrun {

Status KeyValueError(const std::string& text, const KeyValueSyntax& syntax) {
  return Status::InvalidInput(syntax.flag + " '" + text + "': expected " + syntax.expected);
}

Result<KeyValue> SplitKeyValue(const std::string& text, const KeyValueSyntax& syntax) {
  const size_t at =
      syntax.split_at_last ? text.rfind(syntax.separator) : text.find(syntax.separator);
  if (at == std::string::npos) {
    if (!syntax.value_optional || text.empty()) return KeyValueError(text, syntax);
    return KeyValue{text, "", false};
  }
  if (at == 0 || at + 1 == text.size()) return KeyValueError(text, syntax);
  return KeyValue{text.substr(0, at), text.substr(at + 1), true};
}

std::optional<double> ParseNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const std::string copy(text);  // strtod needs a terminated string
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  return value;
}

std::optional<int64_t> ParseInteger(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const std::string copy(text);
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(copy.c_str(), &end, 10);
  if (end != copy.c_str() + copy.size() || errno == ERANGE) return std::nullopt;
  return static_cast<int64_t>(value);
}

}  // namespace mixrun
