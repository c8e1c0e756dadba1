#include "report/html_report.h"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/subprocess.h"
#include "csv/csv.h"
#include "report/figure.h"
#include "testing/temp_dir.h"

namespace mixrun {
namespace {

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

size_t Count(const std::string& text, const std::string& what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

Figure Line(const std::string& name) {
  Figure figure;
  figure.name = name;
  figure.title = "Loss <of> \"runs\" & more";
  figure.caption = "x against y; no interval";
  figure.columns = {"x", "label, quoted", "y"};
  figure.rows = {{"1", "a,b", "2"}, {"2", "say \"hi\"", "3"}};
  figure.plot = "plot data using 1:3 with lines title 'y'";
  return figure;
}

TEST_CASE("HtmlEscape replaces the five characters HTML gives meaning to") {
  CHECK(HtmlEscape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;");
  CHECK(HtmlEscape("eval/target/loss") == "eval/target/loss");
}

TEST_CASE("a figure's CSV has its header and rows, quoted where needed, a NaN empty") {
  Figure figure = Line("f");
  figure.AddRow({1.5, NAN, 2e-3});
  const auto table = ParseCsv(figure.Csv(), "f.csv");
  REQUIRE(table.ok());
  CHECK(table->header == figure.columns);
  REQUIRE(table->rows.size() == 3);
  CHECK(table->rows[0][1] == "a,b");
  CHECK(table->rows[1][1] == "say \"hi\"");
  CHECK(table->rows[2] == std::vector<std::string>{"1.5", "", "0.002"});
}

TEST_CASE("a figure's script draws SVG on stdout from its own CSV") {
  const std::string script = Line("loss_curves").GnuplotScript();
  CHECK(script.find("set terminal svg") != std::string::npos);
  CHECK(script.find("data = 'loss_curves.csv'") != std::string::npos);
  CHECK(script.find("set output") == std::string::npos);
  CHECK(GnuplotQuote("it's") == "'it''s'");
}

TEST_CASE("PrefixSvgIds makes each SVG's ids its own, references included") {
  const std::string svg =
      "<svg id='gnuplot_canvas'><defs><path id='gpPt0'/></defs><use xlink:href='#gpPt0' "
      "grid='1' fill='url(#shade)'/></svg>";
  CHECK(PrefixSvgIds(svg, "f-") ==
        "<svg id='f-gnuplot_canvas'><defs><path id='f-gpPt0'/></defs><use xlink:href='#f-gpPt0' "
        "grid='1' fill='url(#f-shade)'/></svg>");
}

TEST_CASE("the page escapes text, inlines SVG and says why a figure is not drawn") {
  ReportPage page{"Report <1>", {"fit 1 & runs"}, {Line("a"), Line("b")}};
  const std::string html =
      RenderHtml(page, {{"<svg id='x'></svg>", ""}, {std::nullopt, "gnuplot not found"}});
  CHECK(html.find("<title>Report &lt;1&gt;</title>") != std::string::npos);
  CHECK(html.find("fit 1 &amp; runs") != std::string::npos);
  CHECK(html.find("Loss &lt;of&gt; &quot;runs&quot; &amp; more") != std::string::npos);
  CHECK(html.find("<svg id='a-x'></svg>") != std::string::npos);
  CHECK(html.find("Not drawn: gnuplot not found") != std::string::npos);
  CHECK(html.find("href=\"b.csv\"") != std::string::npos);
  // Self-contained: nothing fetched from elsewhere.
  CHECK(html.find("http") == std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
}

TEST_CASE("without gnuplot the data and scripts are written and the page says why") {
  testing::TempDir dir;
  const std::string out = (dir.path() / "report").string();
  const GnuplotRenderer missing("/nonexistent/gnuplot");
  REQUIRE_FALSE(missing.available());
  auto written = WriteHtmlReport(out, {"r", {}, {Line("a")}}, missing);
  REQUIRE(written.ok());
  CHECK(written->drawn == 0);
  CHECK(std::filesystem::exists(dir.path() / "report" / "a.csv"));
  CHECK(std::filesystem::exists(dir.path() / "report" / "a.gp"));
  const std::string html = ReadAll(written->index_path);
  CHECK(html.find("gnuplot not found") != std::string::npos);
  CHECK(Count(html, "<svg") == 0);
}

TEST_CASE("with gnuplot each figure is drawn inline from its script") {
  if (FindInPath("gnuplot").empty()) return;  // install-deps.sh installs it; CI has it
  testing::TempDir dir;
  auto written = WriteHtmlReport(dir.path().string(), {"r", {}, {Line("a"), Line("b")}},
                                 GnuplotRenderer("gnuplot"));
  REQUIRE(written.ok());
  CHECK(written->notes.empty());
  CHECK(written->drawn == 2);
  const std::string html = ReadAll(written->index_path);
  CHECK(Count(html, "<svg") == 2);
  CHECK(html.find("<?xml") == std::string::npos);
}

TEST_CASE("a figure name that is not a file stem, or repeated, is refused") {
  testing::TempDir dir;
  const GnuplotRenderer missing("/nonexistent/gnuplot");
  CHECK(WriteHtmlReport(dir.path().string(), {"r", {}, {Line("../a")}}, missing)
            .status()
            .exit_code() == 2);
  CHECK(WriteHtmlReport(dir.path().string(), {"r", {}, {Line("a"), Line("a")}}, missing)
            .status()
            .exit_code() == 2);
}

}  // namespace
}  // namespace mixrun
