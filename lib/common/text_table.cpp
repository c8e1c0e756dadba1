#include "common/text_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mixrun {
namespace {

bool LooksNumeric(const std::string& cell) {
  if (cell.empty()) return false;
  char first = cell[0];
  return std::isdigit(static_cast<unsigned char>(first)) || first == '-' || first == '+' ||
         first == '.';
}

// Columns a cell takes on a terminal: one per UTF-8 code point (…, ▁▂▃), not per byte.
size_t DisplayWidth(const std::string& cell) {
  return static_cast<size_t>(std::count_if(cell.begin(), cell.end(), [](char byte) {
    return (static_cast<unsigned char>(byte) & 0xC0) != 0x80;  // not a continuation byte
  }));
}

}  // namespace

void TextTable::Print(std::ostream& out) const {
  std::vector<size_t> widths(header_.size(), 0);
  for (size_t c = 0; c < header_.size(); ++c) widths[c] = DisplayWidth(header_[c]);
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
    }
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < widths.size(); ++c) {
      const std::string cell = c < row.size() ? row[c] : "";
      std::string padding(widths[c] - std::min(widths[c], DisplayWidth(cell)), ' ');
      line += LooksNumeric(cell) ? padding + cell : cell + padding;
      if (c + 1 < widths.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  };
  print_row(header_);
  std::vector<std::string> rule;
  for (size_t width : widths) rule.push_back(std::string(width, '-'));
  print_row(rule);
  for (const auto& row : rows_) print_row(row);
}

std::string HumanCount(double value) {
  if (std::isnan(value)) return "-";
  const char* suffixes[] = {"", "K", "M", "B", "T", "P"};  // ML usage: 70B params
  double magnitude = std::abs(value);
  int index = 0;
  while (magnitude >= 1000 && index < 5) {
    magnitude /= 1000;
    value /= 1000;
    ++index;
  }
  if (magnitude >= 1000) return FormatSignificant(value * std::pow(1000.0, index), 3);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, index == 0 ? "%.4g%s" : "%.3g%s", value, suffixes[index]);
  return buffer;
}

std::string FormatSignificant(double value, int digits) {
  if (std::isnan(value)) return "-";
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
  return buffer;
}

}  // namespace mixrun
