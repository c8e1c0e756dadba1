// Figure: one plot of a report — its title, a caption saying what it shows (and which kind of
// interval, when it has one), its data as a CSV table and the gnuplot commands that draw it.
// Contract: the commands read the data from '<name>.csv' in the folder the script runs in, so
// DIR/<name>.gp run by gnuplot inside DIR draws the figure from DIR/<name>.csv alone.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mixrun {

struct Figure {
  std::string name;     // file stem in the report folder: letters, digits, '-' and '_'
  std::string title;    // a heading
  std::string caption;  // what it shows, and which interval (mean or prediction) its bars are
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // each as long as columns
  std::string plot;  // gnuplot commands after the terminal and CSV settings (GnuplotScript)

  // A row of numbers (FormatDouble: a NaN is an empty field, which gnuplot skips).
  void AddRow(const std::vector<double>& values);
  std::string CsvFile() const { return name + ".csv"; }
  std::string ScriptFile() const { return name + ".gp"; }
  // The header and rows as CSV text (fields quoted where needed).
  std::string Csv() const;
  // The whole script: SVG terminal on stdout, CSV input with a header line, then `plot`.
  std::string GnuplotScript() const;
};

// `text` as a single-quoted gnuplot string (a quote doubled), for labels from user data.
std::string GnuplotQuote(const std::string& text);

// "[low:high]" around the values of `columns` of the figure's rows and `include` (5% margin either
// side): a plot's range set by its points or lines, not by the widest interval, which is clipped
// at the edge instead.
std::string PlotRange(const Figure& figure, const std::vector<size_t>& columns,
                      std::optional<double> include = std::nullopt);

// Whether `name` is usable as a figure's file stem (non-empty, [A-Za-z0-9_-] only).
bool IsFigureName(const std::string& name);

}  // namespace mixrun
