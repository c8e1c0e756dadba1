#include "report/html_report.h"

#include <filesystem>
#include <fstream>
#include <set>

namespace mixrun {
namespace {

namespace fs = std::filesystem;

// Written whole or not at all as far as a reader of DIR can tell: a temporary file renamed.
Status WriteFile(const fs::path& path, const std::string& text) {
  fs::path temporary = path;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) return Status::InvalidInput(temporary.string() + ": cannot write");
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) return Status::InvalidInput(path.string() + ": cannot write: " + error.message());
  return Status::Ok();
}

// Kept small and inline: the page must show the same with no network and no other file.
constexpr char kStyle[] = R"(
body { font-family: sans-serif; max-width: 960px; margin: 2em auto; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; }
.summary { color: #444; } .figure svg { max-width: 100%; height: auto; }
.caption { color: #333; } .files { color: #666; font-size: 0.9em; }
.missing { background: #fff4e0; border: 1px solid #e0b060; padding: 0.8em; }
)";

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string PrefixSvgIds(std::string_view svg, const std::string& prefix) {
  // Each pattern is followed by an id: an element's own, or a reference to one.
  static const std::vector<std::string> patterns = {"id='", "id=\"", "href='#", "href=\"#",
                                                    "url(#"};
  std::string out;
  out.reserve(svg.size() + svg.size() / 16);
  size_t i = 0;
  while (i < svg.size()) {
    bool matched = false;
    for (const std::string& pattern : patterns) {
      // " id=" only: not the tail of another attribute's name (e.g. "grid=").
      const bool starts_name =
          pattern[0] != 'i' ||
          (i > 0 && (svg[i - 1] == ' ' || svg[i - 1] == '\n' || svg[i - 1] == '\t'));
      if (starts_name && svg.substr(i, pattern.size()) == pattern) {
        out.append(pattern).append(prefix);
        i += pattern.size();
        matched = true;
        break;
      }
    }
    if (!matched) out += svg[i++];
  }
  return out;
}

std::string RenderHtml(const ReportPage& page, const std::vector<FigureDrawing>& drawings) {
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<title>" + HtmlEscape(page.title) + "</title>\n<style>" + kStyle + "</style>\n";
  html += "</head>\n<body>\n<h1>" + HtmlEscape(page.title) + "</h1>\n";
  for (const std::string& line : page.summary) {
    html += "<p class=\"summary\">" + HtmlEscape(line) + "</p>\n";
  }
  if (page.figures.empty()) html += "<p class=\"missing\">No figure applies to these runs.</p>\n";
  for (size_t i = 0; i < page.figures.size(); ++i) {
    const Figure& figure = page.figures[i];
    const FigureDrawing& drawing = drawings.at(i);
    html += "<section id=\"" + HtmlEscape(figure.name) + "\">\n<h2>" + HtmlEscape(figure.title) +
            "</h2>\n<div class=\"figure\">\n";
    if (drawing.svg) {
      html += PrefixSvgIds(*drawing.svg, figure.name + "-");
    } else {
      html += "<p class=\"missing\">Not drawn: " + HtmlEscape(drawing.missing_note) + "</p>";
    }
    html += "\n</div>\n<p class=\"caption\">" + HtmlEscape(figure.caption) + "</p>\n";
    html += "<p class=\"files\">" + std::to_string(figure.rows.size()) +
            " rows of data: <a href=\"" + HtmlEscape(figure.CsvFile()) + "\">" +
            HtmlEscape(figure.CsvFile()) + "</a> &middot; gnuplot script: <a href=\"" +
            HtmlEscape(figure.ScriptFile()) + "\">" + HtmlEscape(figure.ScriptFile()) +
            "</a></p>\n</section>\n";
  }
  html += "</body>\n</html>\n";
  return html;
}

Result<WrittenReport> WriteHtmlReport(const std::string& dir, const ReportPage& page,
                                      const GnuplotRenderer& renderer) {
  std::set<std::string> names;
  for (const Figure& figure : page.figures) {
    if (!IsFigureName(figure.name) || figure.name == "index" || !names.insert(figure.name).second) {
      return Status::InvalidInput("report: figure name '" + figure.name +
                                  "' is empty, reserved, repeated or not [A-Za-z0-9_-]");
    }
  }
  std::error_code error;
  fs::create_directories(dir, error);
  if (error || !fs::is_directory(dir)) {
    return Status::InvalidInput(dir + ": cannot create the report folder" +
                                (error ? ": " + error.message() : std::string()));
  }
  const fs::path folder = fs::absolute(dir);
  WrittenReport written;
  written.figures = page.figures.size();
  std::vector<FigureDrawing> drawings;
  for (const Figure& figure : page.figures) {
    MIXRUN_RETURN_IF_ERROR(WriteFile(folder / figure.CsvFile(), figure.Csv()));
    MIXRUN_RETURN_IF_ERROR(WriteFile(folder / figure.ScriptFile(), figure.GnuplotScript()));
    FigureDrawing drawing;
    if (!renderer.available()) {
      drawing.missing_note = renderer.MissingNote();
    } else if (auto svg = renderer.Render(folder.string(), figure.ScriptFile()); svg.ok()) {
      drawing.svg = std::move(*svg);
      ++written.drawn;
    } else {
      drawing.missing_note = svg.status().message();
      written.notes.push_back(figure.name + ": " + svg.status().message());
    }
    drawings.push_back(std::move(drawing));
  }
  if (!renderer.available() && !page.figures.empty())
    written.notes.push_back(renderer.MissingNote());
  const fs::path index = folder / "index.html";
  MIXRUN_RETURN_IF_ERROR(WriteFile(index, RenderHtml(page, drawings)));
  written.index_path = index.lexically_normal().string();
  return written;
}

}  // namespace mixrun
