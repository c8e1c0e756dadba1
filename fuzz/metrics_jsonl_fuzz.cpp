// libFuzzer target: metrics.jsonl as a command trainer writes it. Any input must give metric rows
// or an error naming the line; never a crash or a throw.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/metrics_jsonl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rows = mixrun::ParseMetricsJsonl(text, "metrics.jsonl");
  if (!rows.ok()) return 0;
  for (const auto& row : *rows) {
    if (row.step < 0 || !(row.tokens >= 0)) __builtin_trap();
  }
  return 0;
}
