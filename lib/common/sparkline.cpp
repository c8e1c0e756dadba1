#include "common/sparkline.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace mixrun {
namespace {

constexpr std::array<const char*, 8> kGlyphs = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};

// y at x, linear between the points around it (points sorted by x, x within their range).
double Interpolate(const std::vector<std::pair<double, double>>& points, double x) {
  auto after = std::lower_bound(points.begin(), points.end(), x,
                                [](const auto& point, double at) { return point.first < at; });
  if (after == points.begin()) return after->second;
  if (after == points.end()) return points.back().second;
  auto before = after - 1;
  if (after->first == before->first) return after->second;
  const double t = (x - before->first) / (after->first - before->first);
  return before->second + t * (after->second - before->second);
}

}  // namespace

std::string Sparkline(const std::vector<std::pair<double, double>>& points, size_t width) {
  std::vector<std::pair<double, double>> finite;
  for (const auto& point : points) {
    if (std::isfinite(point.first) && std::isfinite(point.second)) finite.push_back(point);
  }
  if (finite.empty() || width == 0) return "";
  const double first = finite.front().first, last = finite.back().first;
  if (first == last) return kGlyphs[0];
  std::vector<double> samples(width);
  for (size_t i = 0; i < width; ++i) {
    const double x = width == 1 ? last
                                : first + (last - first) * static_cast<double>(i) /
                                              static_cast<double>(width - 1);
    samples[i] = Interpolate(finite, x);
  }
  const auto [low, high] = std::minmax_element(samples.begin(), samples.end());
  const double span = *high - *low;
  std::string line;
  for (double sample : samples) {
    const double level = span > 0 ? (sample - *low) / span : 0;
    line += kGlyphs[static_cast<size_t>(std::lround(level * (kGlyphs.size() - 1)))];
  }
  return line;
}

}  // namespace mixrun
