// TextTable: rows of cells printed as aligned columns for a terminal.
// Numbers are right-aligned, text left-aligned; the header is underlined.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace mixrun {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  size_t size() const { return rows_.size(); }
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Short human formatting of quantities: 1.2M, 3.4e21, 0.123.
std::string HumanCount(double value);
std::string FormatSignificant(double value, int digits = 4);

}  // namespace mixrun
