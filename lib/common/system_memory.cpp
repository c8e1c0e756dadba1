#include "common/system_memory.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace mixrun {
namespace {

namespace fs = std::filesystem;

// cgroup v1 writes "no limit" as a huge page-aligned number (PAGE_COUNTER_MAX pages).
constexpr double kNoLimit = 1e18;

std::optional<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<double> ReadNumber(const fs::path& path) {
  const std::optional<std::string> text = ReadFile(path);
  if (!text) return std::nullopt;
  double value = 0;
  if (std::sscanf(text->c_str(), "%lf", &value) != 1) return std::nullopt;  // "max": no limit
  return value;
}

// The value of `key` in a "key value" file (memory.stat); nullopt when absent.
std::optional<double> ReadStat(const fs::path& path, const std::string& key) {
  std::ifstream in(path);
  std::string name;
  double value = 0;
  while (in >> name >> value) {
    if (name == key) return value;
  }
  return std::nullopt;
}

std::optional<double> ReadMemAvailable(const std::string& meminfo) {
  std::ifstream in(meminfo);
  std::string line;
  while (std::getline(in, line)) {
    double kib = 0;
    if (std::sscanf(line.c_str(), "MemAvailable: %lf kB", &kib) == 1) return kib * 1024;
  }
  return std::nullopt;
}

struct CgroupFiles {
  fs::path mount;    // the hierarchy's root
  std::string path;  // this process's cgroup inside it, "/..." as /proc/self/cgroup gives it
  const char* limit;
  const char* usage;
};

// The memory hierarchies this process belongs to: v2's unified one and v1's memory controller.
std::vector<CgroupFiles> MemoryHierarchies(const MemorySources& sources) {
  std::vector<CgroupFiles> found;
  std::ifstream in(sources.self_cgroup);
  std::string line;
  while (std::getline(in, line)) {
    const size_t first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string path = line.substr(second + 1);
    if (controllers.empty()) {
      found.push_back({sources.cgroup_root, path, "memory.max", "memory.current"});
      continue;
    }
    std::stringstream names(controllers);
    std::string name;
    while (std::getline(names, name, ',')) {
      if (name == "memory") {
        found.push_back({fs::path(sources.cgroup_root) / "memory", path, "memory.limit_in_bytes",
                         "memory.usage_in_bytes"});
      }
    }
  }
  return found;
}

}  // namespace

std::optional<double> AvailableMemory::bytes() const {
  std::optional<double> result = mem_available;
  if (cgroup_limit) {
    const double headroom = std::max(0.0, *cgroup_limit - cgroup_usage.value_or(0));
    result = result ? std::min(*result, headroom) : headroom;
  }
  return result;
}

std::string AvailableMemory::Describe() const {
  const std::optional<double> total = bytes();
  if (!total) return "unknown";
  std::string text = HumanBytes(*total) + " (MemAvailable " +
                     (mem_available ? HumanBytes(*mem_available) : "unknown");
  if (cgroup_limit) {
    text += "; cgroup " + cgroup + ": limit " + HumanBytes(*cgroup_limit) + ", used " +
            HumanBytes(cgroup_usage.value_or(0));
  }
  return text + ")";
}

AvailableMemory ReadAvailableMemory(const MemorySources& sources) {
  AvailableMemory memory;
  memory.mem_available = ReadMemAvailable(sources.meminfo);
  // A limit may sit on any ancestor (a Slurm job's cgroup above the step's): the tightest
  // headroom wins. Reclaimable page cache (inactive_file) is charged to the cgroup but does not
  // stand in the way of an allocation, so it is not counted as used.
  for (const CgroupFiles& hierarchy : MemoryHierarchies(sources)) {
    fs::path relative = fs::path(hierarchy.path).relative_path();
    while (true) {
      const fs::path directory = hierarchy.mount / relative;
      const std::optional<double> limit = ReadNumber(directory / hierarchy.limit);
      if (limit && *limit < kNoLimit) {
        double usage = ReadNumber(directory / hierarchy.usage).value_or(0);
        usage -= std::min(usage, ReadStat(directory / "memory.stat", "inactive_file").value_or(0));
        const double headroom = *limit - usage;
        if (!memory.cgroup_limit || headroom < *memory.cgroup_limit - *memory.cgroup_usage) {
          memory.cgroup_limit = *limit;
          memory.cgroup_usage = usage;
          memory.cgroup = directory.lexically_normal().string();
        }
      }
      if (relative.empty()) break;
      relative = relative.parent_path();
    }
  }
  return memory;
}

std::string HumanBytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 6) {
    bytes /= 1024;
    ++unit;
  }
  // Three significant digits, without %g's exponent for 1000-1023.
  const int decimals = unit == 0 || bytes >= 100 ? 0 : bytes >= 10 ? 1 : 2;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f %s", decimals, bytes, units[unit]);
  return buffer;
}

}  // namespace mixrun
