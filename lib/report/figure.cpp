#include "report/figure.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "common/format.h"
#include "csv/csv.h"

namespace mixrun {

void Figure::AddRow(const std::vector<double>& values) {
  std::vector<std::string> row;
  row.reserve(values.size());
  for (double value : values) row.push_back(std::isfinite(value) ? FormatDouble(value) : "");
  rows.push_back(std::move(row));
}

std::string Figure::Csv() const {
  std::string text;
  auto append_line = [&text](const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) text += ',';
      text += CsvEscape(fields[i]);
    }
    text += '\n';
  };
  append_line(columns);
  for (const auto& row : rows) append_line(row);
  return text;
}

std::string Figure::GnuplotScript() const {
  // No `set output`: the SVG goes to stdout, where the renderer reads it (and `gnuplot F.gp >
  // F.svg` works by hand). `columnheaders` skips the CSV's header line and lets plots name series
  // by column; noenhanced keeps metric names' '_' and '/' as typed; 'sans' keeps the text readable
  // wherever the SVG is shown.
  return "# " + title + ": gnuplot " + ScriptFile() + " > " + name + ".svg (reads " + CsvFile() +
         ")\n"
         "set terminal svg size 900,560 dynamic noenhanced font 'sans,13' background '#ffffff'\n"
         "set datafile separator ','\n"
         "set datafile columnheaders\n"
         "set grid lc rgb '#dddddd'\n"
         "set key top left box opaque\n"
         "data = '" +
         CsvFile() + "'\n" + plot + (plot.ends_with('\n') ? "" : "\n");
}

std::string GnuplotQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') quoted += '\'';
    if (c != '\n') quoted += c;
  }
  return quoted + "'";
}

std::string PlotRange(const Figure& figure, const std::vector<size_t>& columns,
                      std::optional<double> include) {
  double low = std::numeric_limits<double>::infinity(), high = -low;
  if (include) low = high = *include;
  for (const auto& row : figure.rows) {
    for (size_t column : columns) {
      if (row[column].empty()) continue;  // NaN, written as nothing
      const double value = std::stod(row[column]);
      low = std::min(low, value);
      high = std::max(high, value);
    }
  }
  const double margin = 0.05 * std::max(high - low, 1e-9 * std::max(1.0, std::abs(high)));
  // append, not operator+: GCC 12 warns (-Wrestrict) on a temporary's concatenation.
  std::string range = "[";
  return range.append(FormatDouble(low - margin))
      .append(":")
      .append(FormatDouble(high + margin))
      .append("]");
}

bool IsFigureName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

}  // namespace mixrun
