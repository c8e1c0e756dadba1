// Drawing a figure with gnuplot: runs its script (already written beside its CSV) in the report's
// folder and returns the SVG it printed. Gnuplot runs through common/subprocess.h, with no shell.
// Contract: NotFound when there is no gnuplot ("gnuplot not found: data and scripts written"),
// Failed naming the script and gnuplot's error when the script fails or outlasts the timeout.
#pragma once

#include <string>

#include "common/status.h"

namespace mixrun {

// The gnuplot to run: $MIXRUN_GNUPLOT when set (a path or a name in PATH), else "gnuplot".
std::string GnuplotProgram();

class GnuplotRenderer {
 public:
  explicit GnuplotRenderer(std::string program = GnuplotProgram(), double timeout_s = 60);

  // Whether the program was found (a renderer without it returns NotFound from Render).
  bool available() const { return !resolved_.empty(); }
  // Why figures are missing when !available(), for the report's page.
  std::string MissingNote() const;

  // Runs `script` (a file name in `dir`) with `dir` as the working folder; the SVG it printed,
  // from its <svg element on (gnuplot's XML prologue dropped, so the SVG can sit inside HTML).
  Result<std::string> Render(const std::string& dir, const std::string& script) const;

 private:
  std::string program_;
  std::string resolved_;  // its absolute path, or empty when not found
  double timeout_s_;
};

}  // namespace mixrun
