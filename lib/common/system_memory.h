// AvailableMemory: how many bytes this process may still allocate before the kernel or its
// cgroup refuses — the lesser of MemAvailable and every enclosing cgroup's limit minus its usage.
#pragma once

#include <optional>
#include <string>

namespace mixrun {

struct AvailableMemory {
  std::optional<double> mem_available;  // /proc/meminfo MemAvailable, bytes; nullopt: unreadable
  // The tightest cgroup's limit and usage (v2 memory.max/current, v1 memory.limit_in_bytes/
  // usage_in_bytes), over this process's cgroup and its ancestors; nullopt: no limit set.
  std::optional<double> cgroup_limit;
  std::optional<double> cgroup_usage;
  std::string cgroup;  // the directory holding that limit

  // What may still be allocated; nullopt when nothing could be read (the caller cannot check).
  std::optional<double> bytes() const;
  // E.g. "5.1 GiB (MemAvailable 22 GiB; cgroup /sys/fs/cgroup/job: limit 8 GiB, used 2.9 GiB)".
  std::string Describe() const;
};

// Where the readings come from; tests point these at planted files.
struct MemorySources {
  std::string meminfo = "/proc/meminfo";
  std::string self_cgroup = "/proc/self/cgroup";
  std::string cgroup_root = "/sys/fs/cgroup";  // v2 mount, or v1's parent of memory/
};

// Reads the sources now; unreadable parts are left unset rather than guessed.
AvailableMemory ReadAvailableMemory(const MemorySources& sources = {});

// Bytes in binary units with three significant digits: 512 B, 1.5 KiB, 23.4 GiB, 1.02 TiB.
std::string HumanBytes(double bytes);

}  // namespace mixrun
