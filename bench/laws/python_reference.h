// Runs a Python reference of a benchmark (bench/laws/reference_*.py, with the system's scipy) and
// reads the one JSON line it prints. Contract: nullopt, with the reason on stderr, when the script
// fails or prints nothing.
#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace mixrun::bench {

inline std::optional<nlohmann::json> RunPythonReference(const std::string& script,
                                                        const std::string& arguments) {
  const std::string command = "/usr/bin/python3 " + std::string(MIXRUN_SOURCE_DIR) +
                              "/bench/laws/" + script + " " + arguments;
  std::FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return std::nullopt;
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  if (pclose(pipe) != 0 || output.empty()) {
    std::fprintf(stderr, "%s failed\n", script.c_str());
    return std::nullopt;
  }
  return nlohmann::json::parse(output);
}

}  // namespace mixrun::bench
