// The helpers every command shares: the store path it uses, stopping on a signal, and the one
// place a Status becomes an exit code and an error message.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "commands.h"
#include "config/config.h"

namespace mixrun {

namespace {

// The store of the one experiment config (a *.json that loads as one and names a store) in the
// current folder, with the config's name; nothing when there are none or several.
std::optional<std::pair<std::string, std::string>> CurrentFolderConfigStore() {
  std::optional<std::pair<std::string, std::string>> found;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(".", error)) {
    if (!entry.is_regular_file(error) || entry.path().extension() != ".json") continue;
    auto experiment = LoadExperiment(entry.path().string());
    if (!experiment.ok() || experiment->store.empty()) continue;
    if (found) return std::nullopt;  // several: the user must say which
    found = std::make_pair(experiment->store, entry.path().filename().string());
  }
  return found;
}

}  // namespace

std::string ChooseStorePath(const GlobalOptions& global, const std::string& config_store) {
  if (!global.store.empty()) return global.store;
  std::string path = "mixrun.db", why = "the default";
  if (!config_store.empty()) {
    path = config_store;
    why = "the config's";
  } else if (const char* from_env = std::getenv("MIXRUN_STORE"); from_env && *from_env) {
    path = from_env;
    why = "$MIXRUN_STORE";
  } else if (auto from_folder = CurrentFolderConfigStore()) {
    path = from_folder->first;
    why = "the store of " + from_folder->second + " in this folder";
  }
  if (!global.json) spdlog::info("store {} ({}; --store to choose another)", path, why);
  return path;
}

namespace {
std::atomic<bool> stop_requested{false};
extern "C" void RequestStop(int) { stop_requested = true; }
}  // namespace

const std::atomic<bool>* StopOnSignals() {
  struct sigaction action = {};
  action.sa_handler = RequestStop;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return &stop_requested;
}

int ExitCode(const Status& status, const GlobalOptions& global) {
  if (!status.ok() && global.json && !status.message().empty()) {
    std::cout
        << nlohmann::json{{"error", status.message()}, {"exit_code", status.exit_code()}}.dump(2)
        << '\n';
  }
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
