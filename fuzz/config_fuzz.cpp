// libFuzzer target: the experiment config reader (JSON with comments → a validated Experiment).
// Any input must give a config or an InvalidInput naming the place; never a crash or a throw.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto experiment = mixrun::ParseExperiment(text, "/nonexistent/fuzz.json");
  if (!experiment.ok() && experiment.status().message().empty()) __builtin_trap();
  return 0;
}
