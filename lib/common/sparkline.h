// Sparkline: a series drawn as one line of text, ▁▂▃▄▅▆▇█, for a terminal (a loss curve in
// `mixrun show`). The series is resampled at evenly spaced x, so uneven steps do not distort it.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace mixrun {

// `points` are (x, y) in increasing x; points with a non-finite y are left out. The line has
// `width` glyphs, each the y interpolated linearly at its x, scaled between the resampled minimum
// (▁) and maximum (█); a flat series is all ▁. No points: empty; a single x: one glyph.
std::string Sparkline(const std::vector<std::pair<double, double>>& points, size_t width = 40);

}  // namespace mixrun
