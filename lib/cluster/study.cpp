#include "cluster/study.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace mixrun {

namespace fs = std::filesystem;
using nlohmann::json;

StudyPaths StudyPathsFor(const Experiment& experiment) {
  StudyPaths paths;
  paths.dir = (fs::path(experiment.config_dir) / "slurm" / experiment.name).string();
  paths.script = paths.dir + "/submit.sbatch";
  paths.state = paths.dir + "/study.json";
  paths.shards = paths.dir + "/shards";
  paths.logs = paths.dir + "/logs";
  return paths;
}

std::vector<std::vector<std::string>> AssignShards(const std::vector<std::string>& run_keys,
                                                   int array_size) {
  std::vector<std::vector<std::string>> shards(std::max(array_size, 1));
  for (size_t i = 0; i < run_keys.size(); ++i) shards[i % shards.size()].push_back(run_keys[i]);
  return shards;
}

Result<std::optional<StudyState>> ReadStudyState(const std::string& path) {
  std::error_code error;
  if (!fs::exists(path, error)) return std::optional<StudyState>();
  std::ifstream in(path);
  if (!in) return Status::Failed(path + ": cannot read");
  std::stringstream text;
  text << in.rdbuf();
  try {
    json j = json::parse(text.str());
    StudyState state;
    state.experiment = j.at("experiment").get<std::string>();
    state.config = j.at("config").get<std::string>();
    state.store = j.at("store").get<std::string>();
    state.mixrun = j.value("mixrun", "");
    state.array_size = j.at("array_size").get<int>();
    state.shard_run_keys = j.at("shard_run_keys").get<std::vector<std::vector<std::string>>>();
    for (const auto& job : j.at("jobs")) {
      state.jobs.push_back(
          {job.at("job_id").get<std::string>(), job.value("submitted_at", std::string())});
    }
    return std::optional<StudyState>(std::move(state));
  } catch (const json::exception& e) {
    return Status::InvalidInput(path + ": not a mixrun study state file: " + e.what());
  }
}

Status WriteStudyState(const std::string& path, const StudyState& state) {
  json jobs = json::array();
  for (const auto& job : state.jobs) {
    jobs.push_back({{"job_id", job.job_id}, {"submitted_at", job.submitted_at}});
  }
  json j = {{"experiment", state.experiment},
            {"config", state.config},
            {"store", state.store},
            {"mixrun", state.mixrun},
            {"array_size", state.array_size},
            {"jobs", jobs},
            {"shard_run_keys", state.shard_run_keys}};
  return WriteFileAtomically(path, j.dump(2) + "\n");
}

std::vector<std::string> ListShardStores(const std::string& shards_dir) {
  std::vector<std::pair<long, std::string>> found;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(shards_dir, error)) {
    const fs::path& path = entry.path();
    if (path.extension() != ".db") continue;
    const std::string stem = path.stem().string();
    if (stem.empty() || !std::all_of(stem.begin(), stem.end(), ::isdigit)) continue;
    found.emplace_back(std::stol(stem), path.string());
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> paths;
  for (auto& [index, path] : found) paths.push_back(std::move(path));
  return paths;
}

Status WriteFileAtomically(const std::string& path, const std::string& contents) {
  std::error_code error;
  fs::path target(path);
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), error);
  std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << contents;
    out.flush();
    if (!out) return Status::Failed(temporary + ": cannot write: " + std::strerror(errno));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return Status::Failed(path + ": cannot replace: " + std::strerror(errno));
  }
  return Status::Ok();
}

std::string UtcNow() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

}  // namespace mixrun
