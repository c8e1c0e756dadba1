#include "common/subprocess.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>

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
