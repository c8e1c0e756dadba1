#include "train/worker_protocol.h"

namespace mixrun {

std::vector<std::string> WorkerArgv(const std::string& self, const TrainSweepRequest& request,
                                    const std::string& store_path) {
  std::vector<std::string> argv = {self,         "train", request.config, "--store",     store_path,
                                   "--max-runs", "1",     "--json",       "--in-process"};
  // One worker at a time draws its own run's progress; several would draw over each other.
  if (request.jobs > 1) argv.push_back("-q");
  if (!request.shard.empty()) argv.insert(argv.end(), {"--shard", request.shard});
  return argv;
}

nlohmann::json SweepSummaryJson(const std::string& experiment, const std::string& store_path,
                                const SweepSummary& summary) {
  return {{"experiment", experiment},    {"store", store_path},
          {"planned", summary.planned},  {"trained", summary.trained},
          {"failed", summary.failed},    {"already_done", summary.already_done},
          {"busy", summary.busy},        {"interrupted", summary.interrupted},
          {"failures", summary.failures}};
}

std::optional<SweepSummary> ParseWorkerSummary(const std::string& text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  SweepSummary summary;
  summary.trained = json.value("trained", 0);
  summary.failed = json.value("failed", 0);
  summary.interrupted = json.value("interrupted", 0);
  for (const auto& failure : json.value("failures", nlohmann::json::array())) {
    summary.failures.push_back(failure.get<std::string>());
  }
  return summary;
}

}  // namespace mixrun
