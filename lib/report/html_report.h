// The HTML report: one self-contained page, DIR/index.html, with each figure drawn as inline SVG
// under its title and caption, and each figure's data (DIR/<name>.csv) and gnuplot script
// (DIR/<name>.gp) beside it. Contract: the page loads nothing from elsewhere (no scripts, styles,
// fonts or images outside it); all text is HTML-escaped; without gnuplot the data and scripts are
// still written and the page says, for each figure, why it is not drawn.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "report/figure.h"
#include "report/gnuplot_render.h"

namespace mixrun {

struct ReportPage {
  std::string title;
  std::vector<std::string> summary;  // lines under the title: what was reported, from where
  std::vector<Figure> figures;
};

// A figure as the page shows it: its SVG, or why there is none.
struct FigureDrawing {
  std::optional<std::string> svg;
  std::string missing_note;
};

struct WrittenReport {
  std::string index_path;  // absolute path of DIR/index.html
  size_t figures = 0;
  size_t drawn = 0;                // figures with an SVG
  std::vector<std::string> notes;  // why figures were not drawn (one line each)
};

// &, <, >, " and ' as entities.
std::string HtmlEscape(std::string_view text);

// `svg` with its ids (and the references to them) prefixed by `prefix`: gnuplot names its
// point symbols and canvas alike in every SVG, and ids must be unique within one HTML page.
std::string PrefixSvgIds(std::string_view svg, const std::string& prefix);

// The page's HTML, drawings[i] being figures[i]'s.
std::string RenderHtml(const ReportPage& page, const std::vector<FigureDrawing>& drawings);

// Creates `dir` when needed, writes each figure's CSV and script there, draws them with
// `renderer` and writes index.html. InvalidInput naming the path when the folder or a file cannot
// be written, or a figure's name is unusable or repeated.
Result<WrittenReport> WriteHtmlReport(const std::string& dir, const ReportPage& page,
                                      const GnuplotRenderer& renderer);

}  // namespace mixrun
