// The helpers every command shares: the store path it uses and the one place a Status becomes an
// exit code and an error message.
#include <spdlog/spdlog.h>

#include "commands.h"

namespace mixrun {

std::string ChooseStorePath(const GlobalOptions& global, const std::string& config_store) {
  if (!global.store.empty()) return global.store;
  if (!config_store.empty()) return config_store;
  return "mixrun.db";
}

int ExitCode(const Status& status) {
  if (status.ok() || status.message().empty()) return status.exit_code();
  // Multi-line messages (a config's list of faults) print one fault per line.
  const std::string& message = status.message();
  size_t start = 0;
  while (start <= message.size()) {
    size_t end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    spdlog::error("{}", message.substr(start, end - start));
    start = end + 1;
  }
  return status.exit_code();
}

}  // namespace mixrun
