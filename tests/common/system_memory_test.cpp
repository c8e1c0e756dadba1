#include "common/system_memory.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "testing/temp_dir.h"

namespace mixrun {
namespace {

constexpr double kMiB = 1024.0 * 1024;
constexpr double kGiB = 1024 * kMiB;

// A planted /proc and /sys/fs/cgroup in a temporary folder.
struct FakeSystem {
  testing::TempDir dir;
  MemorySources sources;

  FakeSystem(const std::string& meminfo, const std::string& self_cgroup) {
    sources.meminfo = dir.Write("meminfo", meminfo);
    sources.self_cgroup = dir.Write("cgroup", self_cgroup);
    sources.cgroup_root = (dir.path() / "sys").string();
  }
  void Put(const std::string& relative, const std::string& text) {
    const std::filesystem::path file = std::filesystem::path("sys") / relative;
    std::filesystem::create_directories(dir.path() / file.parent_path());
    dir.Write(file.string(), text);
  }
};

const char* kMeminfo =
    "MemTotal:       24683548 kB\n"
    "MemFree:        22297200 kB\n"
    "MemAvailable:   20971520 kB\n";  // 20 GiB

TEST_CASE("MemAvailable alone when no cgroup limits memory") {
  FakeSystem system(kMeminfo, "0::/user.slice/session-1.scope\n");
  system.Put("user.slice/memory.max", "max\n");
  system.Put("user.slice/memory.current", "123456\n");
  const AvailableMemory memory = ReadAvailableMemory(system.sources);
  REQUIRE(memory.mem_available);
  CHECK(*memory.mem_available == 20 * kGiB);
  CHECK(!memory.cgroup_limit);
  CHECK(memory.bytes() == 20 * kGiB);
  CHECK(memory.Describe() == "20.0 GiB (MemAvailable 20.0 GiB)");
}

TEST_CASE("cgroup v2: the tightest limit minus usage among the cgroup and its ancestors") {
  FakeSystem system(kMeminfo, "0::/job_42/step_0\n");
  system.Put("job_42/memory.max", std::to_string(static_cast<int64_t>(4 * kGiB)) + "\n");
  system.Put("job_42/memory.current", std::to_string(static_cast<int64_t>(3 * kGiB)) + "\n");
  // Page cache the kernel can drop does not stand in the way of an allocation.
  system.Put("job_42/memory.stat", "anon 2147483648\ninactive_file 536870912\n");
  system.Put("job_42/step_0/memory.max", std::to_string(static_cast<int64_t>(8 * kGiB)) + "\n");
  system.Put("job_42/step_0/memory.current", "1048576\n");
  const AvailableMemory memory = ReadAvailableMemory(system.sources);
  REQUIRE(memory.cgroup_limit);
  CHECK(*memory.cgroup_limit == 4 * kGiB);
  CHECK(*memory.cgroup_usage == 2.5 * kGiB);
  CHECK(memory.bytes() == 1.5 * kGiB);
  CHECK(memory.cgroup.find("job_42") != std::string::npos);
  CHECK(memory.cgroup.find("step_0") == std::string::npos);
  CHECK(memory.Describe().find("1.50 GiB (MemAvailable 20.0 GiB; cgroup ") == 0);
  CHECK(memory.Describe().find(": limit 4.00 GiB, used 2.50 GiB)") != std::string::npos);
}

TEST_CASE("cgroup v1: the memory controller's limit_in_bytes, 'unlimited' ignored") {
  FakeSystem system(kMeminfo, "12:pids:/x\n4:memory:/process_api/abc\n1:name=systemd:/\n0::/\n");
  system.Put("memory/memory.limit_in_bytes", "9223372036854771712\n");  // v1's "no limit"
  system.Put("memory/process_api/abc/memory.limit_in_bytes",
             std::to_string(static_cast<int64_t>(512 * kMiB)) + "\n");
  system.Put("memory/process_api/abc/memory.usage_in_bytes",
             std::to_string(static_cast<int64_t>(128 * kMiB)) + "\n");
  const AvailableMemory memory = ReadAvailableMemory(system.sources);
  CHECK(memory.bytes() == 384 * kMiB);
}

TEST_CASE("nothing readable: unknown, and a check cannot refuse") {
  MemorySources nowhere;
  nowhere.meminfo = "/nonexistent/meminfo";
  nowhere.self_cgroup = "/nonexistent/cgroup";
  nowhere.cgroup_root = "/nonexistent";
  const AvailableMemory memory = ReadAvailableMemory(nowhere);
  CHECK(!memory.bytes());
  CHECK(memory.Describe() == "unknown");
}

TEST_CASE("this machine's reading is positive") {
  const AvailableMemory memory = ReadAvailableMemory();
  REQUIRE(memory.bytes());
  CHECK(*memory.bytes() > 0);
  MESSAGE(memory.Describe());
}

TEST_CASE("HumanBytes: binary units, three significant digits") {
  CHECK(HumanBytes(0) == "0 B");
  CHECK(HumanBytes(1000) == "1000 B");
  CHECK(HumanBytes(1536) == "1.50 KiB");
  CHECK(HumanBytes(1023 * kMiB) == "1023 MiB");
  CHECK(HumanBytes(23.4 * kGiB) == "23.4 GiB");
  CHECK(HumanBytes(1.02 * 1024 * kGiB) == "1.02 TiB");
}

}  // namespace
}  // namespace mixrun
