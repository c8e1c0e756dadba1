#include "data/jsonl_text.h"

#include <nlohmann/json.hpp>

namespace mixrun {

namespace {

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

Status AppendJsonlText(std::string_view bytes, const std::string& path, const std::string& field,
                       std::string& out) {
  size_t line_number = 0;
  size_t position = 0;
  while (position < bytes.size()) {
    const size_t newline = bytes.find('\n', position);
    const size_t end = newline == std::string_view::npos ? bytes.size() : newline;
    const std::string_view line = bytes.substr(position, end - position);
    position = end + 1;
    ++line_number;
    if (IsBlank(line)) continue;
    const std::string where = path + ":" + std::to_string(line_number) + ": ";
    const nlohmann::json document =
        nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) return Status::InvalidInput(where + "not valid JSON");
    if (!document.is_object()) return Status::InvalidInput(where + "not a JSON object");
    const auto value = document.find(field);
    if (value == document.end()) {
      return Status::InvalidInput(where + "no field \"" + field + "\"");
    }
    if (!value->is_string()) {
      return Status::InvalidInput(where + "field \"" + field + "\" is not a string");
    }
    out += value->get_ref<const std::string&>();
    out += '\n';
  }
  return Status::Ok();
}

}  // namespace mixrun
