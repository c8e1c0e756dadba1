// libFuzzer target: the CSV reader that `import` uses. Any input must give a table or an error
// naming the line; never a crash or a throw.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "csv/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto table = mixrun::ParseCsv(text, "fuzz.csv");
  if (!table.ok() && table.status().message().empty()) __builtin_trap();
  return 0;
}
