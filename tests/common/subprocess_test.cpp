#include "common/subprocess.h"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "testing/temp_dir.h"

using mixrun::OutputTo;
using mixrun::Subprocess;
using mixrun::SubprocessOptions;

TEST_CASE("Subprocess: captures stdout, keeps stderr's tail, reports exit codes and signals") {
  SubprocessOptions options;
  options.stderr_tail_bytes = 8;
  auto child =
      Subprocess::Start({"sh", "-c", "echo out; printf 0123456789abcdef >&2; exit 3"}, options);
  REQUIRE(child.ok());
  const auto status = child->Wait();
  REQUIRE(status);
  CHECK(status->code == 3);
  CHECK(status->Describe() == "exited with code 3");
  CHECK(child->out() == "out\n");
  CHECK(child->err() == "89abcdef");
  CHECK(child->err_truncated());

  auto killed = Subprocess::Start({"sleep", "30"});
  REQUIRE(killed.ok());
  CHECK(::getpgid(killed->pid()) == killed->pid());  // its own process group
  CHECK(!killed->Wait(0.05));                        // a timeout leaves it running
  killed->Signal(SIGKILL);
  const auto killed_status = killed->Wait();
  REQUIRE(killed_status);
  CHECK(killed_status->signal == SIGKILL);
  CHECK(killed_status->ShellCode() == 128 + SIGKILL);
}

TEST_CASE("Subprocess: files and a working directory, and a program that cannot start is Failed") {
  mixrun::testing::TempDir dir;
  SubprocessOptions options;
  options.working_dir = dir.path().string();
  options.stdout_to = options.stderr_to = OutputTo::kFile;
  options.stdout_file = (dir.path() / "out.log").string();
  options.stderr_file = (dir.path() / "err.log").string();
  auto child = Subprocess::Start({"sh", "-c", "pwd; echo oops >&2; exit 1"}, options);
  REQUIRE(child.ok());
  REQUIRE(child->Wait());
  CHECK(child->err() == "oops\n");  // read back from the file
  std::ifstream out(options.stdout_file);
  std::string cwd;
  std::getline(out, cwd);
  CHECK(std::filesystem::equivalent(cwd, dir.path()));

  options.name = "the trainer";
  auto missing = Subprocess::Start({"./no-such-trainer"}, options);
  REQUIRE(!missing.ok());
  CHECK(missing.status().code() == mixrun::Status::Code::kFailed);
  CHECK(missing.status().message().find("cannot start the trainer: ") == 0);
}

namespace {

// Whether `pid` is a live process (a zombie waiting for a parent to reap it is not).
bool Alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const size_t close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

// The pids a shell program wrote into `path`, one a line, once it has written `count` of them.
std::vector<pid_t> WaitForPids(const std::filesystem::path& path, size_t count) {
  for (int i = 0; i < 200; ++i) {
    std::ifstream file(path);
    std::vector<pid_t> pids;
    for (pid_t pid; file >> pid;) pids.push_back(pid);
    if (pids.size() >= count) return pids;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return {};
}

// Starts `script` from a stand-in for mixrun (a forked process), SIGKILLs the stand-in once the
// script has written its pids, and returns those pids and how long they took to die (or -1).
double SecondsToDieAfterParentKilled(const std::string& script, const std::filesystem::path& dir,
                                     int grace_s) {
  const pid_t stand_in = ::fork();
  if (stand_in == 0) {
    SubprocessOptions options;
    options.working_dir = dir.string();
    options.death_grace_s = grace_s;
    auto child = Subprocess::Start({"sh", "-c", script}, options);
    if (!child.ok()) _exit(3);
    ::pause();
    _exit(0);
  }
  const std::vector<pid_t> pids = WaitForPids(dir / "pids", 2);
  REQUIRE(pids.size() == 2);
  for (pid_t pid : pids) CHECK(Alive(pid));
  const auto killed_at = std::chrono::steady_clock::now();
  ::kill(stand_in, SIGKILL);
  ::waitpid(stand_in, nullptr, 0);
  for (int i = 0; i < 400; ++i) {
    if (!Alive(pids[0]) && !Alive(pids[1])) {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  for (pid_t pid : pids) ::kill(pid, SIGKILL);
  return -1;
}

}  // namespace

TEST_CASE("Subprocess: a program and what it started die with a SIGKILLed mixrun") {
  mixrun::testing::TempDir dir;
  // The shell and the sleep it started: PR_SET_PDEATHSIG alone would reach the shell only.
  const double seconds =
      SecondsToDieAfterParentKilled("sleep 60 & echo $! > pids; echo $$ >> pids; wait", dir.path(),
                                    /*grace_s=*/30);
  CHECK(seconds >= 0);
  CHECK(seconds < 5);  // SIGTERM at once, not after the grace period
}

TEST_CASE("Subprocess: a program that ignores SIGTERM is killed after the grace period") {
  mixrun::testing::TempDir dir;
  const double seconds = SecondsToDieAfterParentKilled(
      "trap '' TERM; sleep 60 & echo $! > pids; echo $$ >> pids; wait", dir.path(),
      /*grace_s=*/1);
  CHECK(seconds >= 0.9);
  CHECK(seconds < 6);
}

TEST_CASE("Subprocess: the program's exit status passes through its supervisor") {
  auto child = Subprocess::Start({"sh", "-c", "kill -SEGV $$"});
  REQUIRE(child.ok());
  const auto status = child->Wait();
  REQUIRE(status);
  CHECK(status->signal == SIGSEGV);
  auto term = Subprocess::Start({"sleep", "30"});
  REQUIRE(term.ok());
  term->Signal(SIGTERM);  // to the group: the supervisor lives on to report the program's end
  const auto term_status = term->Wait(5);
  REQUIRE(term_status);
  CHECK(term_status->signal == SIGTERM);
}
