// libFuzzer target: the points of `fit-law --predict` (inline JSON: an object or an array of
// them). Any input must give points or an error naming the JSON pointer; never a crash or a throw.
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/prediction_points.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // Text not starting with '[' or '{' is read as a file path: keep the fuzzer on JSON.
  if (text.empty() || (text[0] != '[' && text[0] != '{')) return 0;
  for (const char* x : {"n", "step"}) {
    auto points = mixrun::ReadPredictionPoints(text, x);
    if (!points.ok() && points.status().message().empty()) __builtin_trap();
  }
  return 0;
}
