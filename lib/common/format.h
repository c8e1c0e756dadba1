// Number formatting that survives a round trip: the shortest text that parses back to the same
// double (std::to_chars), and an empty string for NaN, as CSV readers like pandas expect.
#pragma once

#include <charconv>
#include <cmath>
#include <string>

namespace mixrun {

inline std::string FormatDouble(double value) {
  if (std::isnan(value)) return "";
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

}  // namespace mixrun
