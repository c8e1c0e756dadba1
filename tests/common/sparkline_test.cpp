// Sparklines: resampled evenly over x, scaled from the lowest glyph to the highest.
#include "common/sparkline.h"

#include <doctest/doctest.h>

#include <cmath>

namespace mixrun {
namespace {

// Glyphs are three bytes of UTF-8 each.
size_t Glyphs(const std::string& line) { return line.size() / 3; }

TEST_CASE("a falling curve starts at the top and ends at the bottom, width glyphs long") {
  const std::string line = Sparkline({{0, 4.0}, {10, 3.0}, {100, 2.0}}, 40);
  CHECK(Glyphs(line) == 40);
  CHECK(line.substr(0, 3) == "█");
  CHECK(line.substr(line.size() - 3) == "▁");
}

TEST_CASE("resampling is over x: a drop at the first tenth of the steps shows early") {
  // Uneven steps: most points late. A plot by point index would put the drop in the middle.
  const std::string line =
      Sparkline({{0, 10}, {10, 1}, {90, 1}, {92, 1}, {94, 1}, {96, 1}, {98, 1}, {100, 1}}, 11);
  CHECK(line == "█▁▁▁▁▁▁▁▁▁▁");
}

TEST_CASE("interpolation between points, flat series, single points and NaN") {
  CHECK(Sparkline({{0, 0}, {7, 7}}, 8) == "▁▂▃▄▅▆▇█");
  CHECK(Sparkline({{0, 2}, {5, 2}}, 4) == "▁▁▁▁");
  CHECK(Sparkline({{3, 2}}, 40) == "▁");
  CHECK(Sparkline({}, 40).empty());
  CHECK(Sparkline({{0, 0}, {1, NAN}, {7, 7}}, 8) == "▁▂▃▄▅▆▇█");
}

}  // namespace
}  // namespace mixrun
