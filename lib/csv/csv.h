// CSV tables (RFC 4180: quoted fields, doubled quotes, newlines inside quotes, CRLF).
// Errors name the file and the line; every row has as many fields as the header, and no column
// name appears twice in the header.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mixrun {

struct CsvTable {
  std::string path;  // for messages
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;  // 1-based line in the file where each row starts

  // Index of the named column, or nullopt.
  std::optional<size_t> Column(std::string_view name) const;
  // The field as a finite double, or an error naming file, line and column.
  Result<double> Number(size_t row, size_t column) const;
  // "FILE:LINE" of a row, for messages.
  std::string Where(size_t row) const;
};

Result<CsvTable> ParseCsv(std::string_view text, const std::string& path);
Result<CsvTable> ReadCsv(const std::string& path);

// Quotes a field when it needs it (comma, quote, newline, leading/trailing space).
std::string CsvEscape(std::string_view field);

}  // namespace mixrun
