// Subprocess: a program started from an argv (no shell) in its own process group, which dies with
// mixrun (however mixrun dies), with its stdout captured and a bounded tail of its stderr kept.
// The one place in lib/ that forks; RunCommand runs a program to its end under a timeout.
//
// Each child is a small supervisor process leading the group, with the program as its child: it
// exits as the program exits, and when mixrun dies — even by SIGKILL — it sends the death signal
// to the whole group (the program and everything it started) and SIGKILL after a grace period.
// PR_SET_PDEATHSIG alone would reach the program only, not the processes it started.
#pragma once

#include <sys/types.h>

#include <csignal>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace mixrun {

// Where one of the child's output streams goes.
enum class OutputTo {
  kCapture,  // a pipe mixrun reads: all of stdout, the tail of stderr
  kFile,     // a file, created or truncated (stderr's tail is read back from it at exit)
  kInherit,  // mixrun's own stream (e.g. a worker's logs on mixrun's stderr)
};

struct SubprocessOptions {
  std::string working_dir;  // the child's cwd; empty: mixrun's
  OutputTo stdout_to = OutputTo::kCapture;
  OutputTo stderr_to = OutputTo::kCapture;
  std::string stdout_file, stderr_file;  // with kFile
  // Only the last this many bytes of stderr are kept: enough for an error message, bounded for
  // a child that logs without end.
  size_t stderr_tail_bytes = 64 * 1024;
  // Sent to the child's group when mixrun exits or is killed, so no child outlives mixrun;
  // SIGTERM lets a trainer checkpoint first. What still runs `death_grace_s` seconds later is
  // killed (SIGKILL).
  int death_signal = SIGTERM;
  int death_grace_s = 30;
  // A file descriptor the program inherits (mixrun's are closed on exec): e.g. a lock on the
  // run, which then stays held as long as the program or anything it started lives.
  int inherited_fd = -1;
  // How messages name the program; empty: 'argv[0]'.
  std::string name;
};

struct ExitStatus {
  int code = 0;    // the exit code, when signal is 0
  int signal = 0;  // the signal that killed the child, or 0
  bool success() const { return signal == 0 && code == 0; }
  // 128 + N when killed by signal N, as shells report it.
  int ShellCode() const { return signal ? 128 + signal : code; }
  // "exited with code 3" or "was killed by signal 9".
  std::string Describe() const;
};

class Subprocess {
 public:
  // Starts argv[0] (looked up in PATH when it has no '/', else relative to working_dir) with
  // stdin from /dev/null. Failed, naming the program and the reason, when it cannot be started.
  static Result<Subprocess> Start(const std::vector<std::string>& argv,
                                  const SubprocessOptions& options = {});

  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  // A child still running when its Subprocess goes away gets the death signal (not waited for).
  ~Subprocess();

  // The supervisor's pid, which is also the process group's id.
  pid_t pid() const { return pid_; }

  // Reads what the child has written, waiting at most `wait_ms` for it to write or end, and
  // reaps the child once it has exited: its status then (and on every later call).
  std::optional<ExitStatus> Poll(int wait_ms = 0);

  // Polls until the child exits, or until `timeout_s` seconds have passed (negative: no limit):
  // then nothing, and the child still runs.
  std::optional<ExitStatus> Wait(double timeout_s = -1);

  // Sends `signal` to the child's process group: the child and whatever it started itself.
  void Signal(int signal);

  const std::string& out() const { return out_; }
  // The last stderr_tail_bytes of stderr (complete once the child is reaped).
  const std::string& err() const { return err_; }
  bool err_truncated() const { return err_truncated_; }

 private:
  Subprocess() = default;
  void ReadPipes(int wait_ms);
  void KeepTail(const char* data, size_t size);
  void ReadStderrFile();
  void CloseAll();

  pid_t pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  bool reaped_ = false;
  ExitStatus status_;
  std::string out_, err_;
  bool err_truncated_ = false;
  size_t tail_bytes_ = 0;
  std::string stderr_file_;  // read back at exit when stderr went to a file
  int death_signal_ = SIGTERM;
};

struct CommandOutput {
  int exit_code = 0;  // the program's exit status; 128 + N when killed by signal N
  std::string out;
  std::string err;  // its stderr (the last 64 KiB)
};

// This machine's host name ("unknown" when it has none): with a pid, where a process runs.
std::string HostName();

// Whether process `pid` exists on this host (a zombie counts: its parent has not reaped it).
bool ProcessIsAlive(int64_t pid);

// The absolute path of `program` (a bare name) found in PATH, or empty when it is not there; a
// path with a '/' is returned when it is executable.
std::string FindInPath(const std::string& program);

// Runs argv[0] (looked up in PATH) with the other arguments and waits at most `timeout_s`
// seconds (then kills it). NotFound when the program is not in PATH; Failed when it cannot be
// started or times out. A non-zero exit is not an error here: see exit_code.
Result<CommandOutput> RunCommand(const std::vector<std::string>& argv, double timeout_s = 60);

}  // namespace mixrun
