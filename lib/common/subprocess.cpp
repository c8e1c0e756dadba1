#include "common/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <utility>

namespace mixrun {
namespace {

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// The file descriptors the child's stream `target` (STDOUT_FILENO or STDERR_FILENO) is set up
// from: `child_fd` is dup2'ed onto it in the child (-1: inherited), `parent_fd` is read here.
struct StreamSetup {
  int child_fd = -1;
  int parent_fd = -1;
};

Result<StreamSetup> SetUpStream(OutputTo to, const std::string& file) {
  StreamSetup setup;
  if (to == OutputTo::kFile) {
    setup.child_fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (setup.child_fd < 0) {
      return Status::Failed("cannot create " + file + ": " + std::strerror(errno));
    }
  } else if (to == OutputTo::kCapture) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
      return Status::Failed(std::string("pipe: ") + strerror(errno));
    setup.parent_fd = fds[0];
    setup.child_fd = fds[1];
    ::fcntl(setup.parent_fd, F_SETFL, O_NONBLOCK);
  }
  return setup;
}

void NoSignalAction(int) {}

// Sleeps `ms` milliseconds (async-signal-safe; an interrupting signal ends the sleep early).
void SleepMs(long ms) {
  timespec pause = {ms / 1000, (ms % 1000) * 1000000L};
  ::nanosleep(&pause, nullptr);
}

// The supervisor: the first process of the child's group, between mixrun and the program. It
// waits for the program and exits as it did; when mixrun dies (however: even SIGKILL, which no
// handler sees) it sends `death_signal` to the whole group, the program and whatever it started,
// and SIGKILL to what is left `grace_s` seconds later. Only async-signal-safe calls: mixrun may
// have had other threads when it forked.
[[noreturn]] void Supervise(pid_t program, pid_t parent, int death_signal, int grace_s) {
  while (true) {
    int raw = 0;
    const pid_t done = ::waitpid(program, &raw, 0);
    if (done == program) {
      if (WIFEXITED(raw)) _exit(WEXITSTATUS(raw));
      const int signal = WTERMSIG(raw);
      struct sigaction action = {};
      action.sa_handler = SIG_DFL;
      ::sigaction(signal, &action, nullptr);
      const rlimit no_core = {0, 0};
      ::setrlimit(RLIMIT_CORE, &no_core);  // the program dumped its core already, if it could
      ::kill(::getpid(), signal);  // die as the program died, so mixrun sees the same status
      _exit(128 + signal);
    }
    if (done < 0 && errno != EINTR) _exit(127);
    if (::getppid() == parent) continue;  // a signal from mixrun to the group: keep waiting
    // mixrun is gone: stop the group, then kill what does not stop in time.
    ::kill(-::getpid(), death_signal);
    for (long waited = 0; waited < grace_s * 1000L; waited += 100) {
      if (::waitpid(program, &raw, WNOHANG) == program) break;
      SleepMs(100);
    }
    ::kill(-::getpid(), SIGKILL);
    _exit(1);
  }
}

// Closes every descriptor above stderr but `keep_a` and `keep_b` (-1: none): the supervisor
// does not exec, so without this it would hold mixrun's own descriptors open — among them the
// read ends of its children's pipes, which would hide mixrun's death from a child writing to
// it (its writes must fail, EPIPE, so that it knows). Async-signal-safe.
void CloseAllBut(int keep_a, int keep_b) {
  int keep[2] = {std::min(keep_a, keep_b), std::max(keep_a, keep_b)};
  unsigned first = 3;  // the lowest descriptor not yet closed or kept
  for (int fd : keep) {
    if (fd < static_cast<int>(first)) continue;
    if (static_cast<unsigned>(fd) > first) ::close_range(first, static_cast<unsigned>(fd) - 1, 0);
    first = static_cast<unsigned>(fd) + 1;
  }
  ::close_range(first, ~0U, 0);
}

// In the child, between fork and exec: only async-signal-safe calls. Reports errno through
// `report_fd` (closed on a successful exec) and exits when a step fails.
[[noreturn]] void RunChild(char* const* args, const char* working_dir, int stdout_fd, int stderr_fd,
                           pid_t parent, const SubprocessOptions& options, int report_fd) {
  ::setpgid(0, 0);  // its own group, so a signal reaches whatever it starts too
  // Signals to the group reach the supervisor too: it lives through them (a handler, not
  // SIG_IGN, so the program does not inherit the disposition) to report the program's status.
  struct sigaction action = {};
  action.sa_handler = NoSignalAction;
  for (int signal : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}) {
    ::sigaction(signal, &action, nullptr);
  }
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) _exit(1);  // mixrun died before the death signal was armed
  const int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
  if (stdout_fd >= 0) ::dup2(stdout_fd, STDOUT_FILENO);
  if (stderr_fd >= 0) ::dup2(stderr_fd, STDERR_FILENO);
  CloseAllBut(report_fd, options.inherited_fd);
  const pid_t supervisor = ::getpid();
  const pid_t program = ::fork();
  if (program == 0) {
    if (options.inherited_fd >= 0) {
      ::fcntl(options.inherited_fd, F_SETFD, 0);  // e.g. the run's lock: held while it lives
    }
    // Its own death signal, should the supervisor itself be killed (SIGKILL to it alone).
    ::prctl(PR_SET_PDEATHSIG, options.death_signal);
    if (::getppid() != supervisor) _exit(1);
    if (working_dir[0] == '\0' || ::chdir(working_dir) == 0) ::execvp(args[0], args);
    const int error = errno;
    [[maybe_unused]] ssize_t written = ::write(report_fd, &error, sizeof error);
    _exit(127);
  }
  if (program < 0) {
    const int error = errno;
    [[maybe_unused]] ssize_t written = ::write(report_fd, &error, sizeof error);
    _exit(127);
  }
  ::close(report_fd);  // the report pipe ends when the program's exec closes its copy
  Supervise(program, parent, options.death_signal, options.death_grace_s);
}

}  // namespace

std::string ExitStatus::Describe() const {
  return signal ? "was killed by signal " + std::to_string(signal)
                : "exited with code " + std::to_string(code);
}

Result<Subprocess> Subprocess::Start(const std::vector<std::string>& argv,
                                     const SubprocessOptions& options) {
  if (argv.empty() || argv[0].empty()) return Status::InvalidInput("Subprocess: empty argv");
  const std::string name = options.name.empty() ? "'" + argv[0] + "'" : options.name;
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  Subprocess child;
  child.tail_bytes_ = options.stderr_tail_bytes;
  child.death_signal_ = options.death_signal;
  if (options.stderr_to == OutputTo::kFile) child.stderr_file_ = options.stderr_file;
  auto out = SetUpStream(options.stdout_to, options.stdout_file);
  if (!out.ok()) return out.status();
  child.out_fd_ = out->parent_fd;
  int stdout_fd = out->child_fd;
  auto err = SetUpStream(options.stderr_to, options.stderr_file);
  if (!err.ok()) {
    CloseFd(stdout_fd);
    return err.status();
  }
  child.err_fd_ = err->parent_fd;
  int stderr_fd = err->child_fd;
  // A pipe closed on exec tells whether exec itself (or chdir) failed, and why.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    CloseFd(stdout_fd);
    CloseFd(stderr_fd);
    return Status::Failed(std::string("pipe: ") + std::strerror(errno));
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    RunChild(args.data(), options.working_dir.c_str(), stdout_fd, stderr_fd, parent, options,
             report[1]);
  }
  const int fork_errno = errno;
  CloseFd(stdout_fd);
  CloseFd(stderr_fd);
  CloseFd(report[1]);
  if (pid < 0) {
    CloseFd(report[0]);
    return Status::Failed("cannot start " + name + ": fork: " + std::strerror(fork_errno));
  }
  child.pid_ = pid;
  ::setpgid(pid, pid);  // also here, so that Signal cannot race the child's own setpgid
  int exec_errno = 0;
  ssize_t got;
  while ((got = ::read(report[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
  }
  CloseFd(report[0]);
  if (got == sizeof exec_errno) {
    child.Wait();
    return Status::Failed("cannot start " + name + ": " + std::strerror(exec_errno));
  }
  return child;
}

Subprocess::Subprocess(Subprocess&& other) noexcept { *this = std::move(other); }

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  if (this == &other) return *this;
  CloseAll();
  pid_ = std::exchange(other.pid_, -1);
  out_fd_ = std::exchange(other.out_fd_, -1);
  err_fd_ = std::exchange(other.err_fd_, -1);
  reaped_ = other.reaped_;
  status_ = other.status_;
  out_ = std::move(other.out_);
  err_ = std::move(other.err_);
  err_truncated_ = other.err_truncated_;
  tail_bytes_ = other.tail_bytes_;
  stderr_file_ = std::move(other.stderr_file_);
  death_signal_ = other.death_signal_;
  return *this;
}

Subprocess::~Subprocess() { CloseAll(); }

void Subprocess::CloseAll() {
  if (pid_ > 0 && !reaped_) {
    Signal(death_signal_);
    ::waitpid(pid_, nullptr, WNOHANG);
  }
  CloseFd(out_fd_);
  CloseFd(err_fd_);
}

void Subprocess::Signal(int signal) {
  if (pid_ <= 0 || reaped_) return;
  if (::kill(-pid_, signal) != 0) ::kill(pid_, signal);
}

void Subprocess::KeepTail(const char* data, size_t size) {
  err_.append(data, size);
  // Trimmed in bulk, not per read, so a chatty child costs amortised constant time per byte.
  if (err_.size() > 2 * tail_bytes_) {
    err_.erase(0, err_.size() - tail_bytes_);
    err_truncated_ = true;
  }
}

void Subprocess::ReadPipes(int wait_ms) {
  pollfd fds[2];
  int count = 0;
  for (int fd : {out_fd_, err_fd_}) {
    if (fd >= 0) fds[count++] = {fd, POLLIN, 0};
  }
  if (count == 0) {
    if (wait_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    return;
  }
  if (::poll(fds, static_cast<nfds_t>(count), wait_ms) <= 0) return;
  for (int i = 0; i < count; ++i) {
    if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    int& fd = fds[i].fd == out_fd_ ? out_fd_ : err_fd_;
    char buffer[4096];
    while (true) {
      const ssize_t got = ::read(fd, buffer, sizeof buffer);
      if (got > 0) {
        if (&fd == &out_fd_) {
          out_.append(buffer, static_cast<size_t>(got));
        } else {
          KeepTail(buffer, static_cast<size_t>(got));
        }
        continue;
      }
      if (got < 0 && errno == EINTR) continue;
      if (got == 0 || errno != EAGAIN) CloseFd(fd);  // end of output, or a broken pipe
      break;
    }
  }
}

void Subprocess::ReadStderrFile() {
  const int fd = ::open(stderr_file_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  const off_t size = ::lseek(fd, 0, SEEK_END);
  const off_t start = std::max<off_t>(0, size - static_cast<off_t>(tail_bytes_));
  err_truncated_ = start > 0;
  err_.assign(static_cast<size_t>(size - start), '\0');
  ssize_t got = size > start ? ::pread(fd, err_.data(), err_.size(), start) : 0;
  err_.resize(got > 0 ? static_cast<size_t>(got) : 0);
  ::close(fd);
}

std::optional<ExitStatus> Subprocess::Poll(int wait_ms) {
  if (reaped_) return status_;
  int raw = 0;
  pid_t done = ::waitpid(pid_, &raw, WNOHANG);
  if (done == 0) {
    ReadPipes(wait_ms);
    done = ::waitpid(pid_, &raw, WNOHANG);
  }
  if (done != pid_) {
    if (done == 0 || errno == EINTR) return std::nullopt;
    raw = 0;  // not our child any more (reaped elsewhere): report a plain exit
  }
  reaped_ = true;
  status_.signal = WIFSIGNALED(raw) ? WTERMSIG(raw) : 0;
  status_.code = WIFEXITED(raw) ? WEXITSTATUS(raw) : 0;
  // What it wrote before exiting is in the pipes now; a grandchild keeping them open is not
  // waited for.
  ReadPipes(0);
  CloseFd(out_fd_);
  CloseFd(err_fd_);
  if (!stderr_file_.empty()) ReadStderrFile();
  if (err_.size() > tail_bytes_) {
    err_.erase(0, err_.size() - tail_bytes_);
    err_truncated_ = true;
  }
  return status_;
}

std::optional<ExitStatus> Subprocess::Wait(double timeout_s) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::duration<double>(std::max(timeout_s, 0.0));
  while (true) {
    int wait_ms = 50;
    if (timeout_s >= 0) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      wait_ms = static_cast<int>(std::clamp<long long>(left, 0, 50));
    }
    if (auto status = Poll(wait_ms)) return status;
    if (timeout_s >= 0 && Clock::now() >= deadline) return std::nullopt;
  }
}

std::string HostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "unknown";
  return name;
}

bool ProcessIsAlive(int64_t pid) {
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

std::string FindInPath(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    return access(program.c_str(), X_OK) == 0 ? program : "";
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

Result<CommandOutput> RunCommand(const std::vector<std::string>& argv, double timeout_s) {
  if (argv.empty()) return Status::InvalidInput("RunCommand: empty command");
  std::vector<std::string> resolved = argv;
  resolved[0] = FindInPath(argv[0]);
  if (resolved[0].empty()) return Status::NotFound(argv[0] + ": not found in PATH");
  SubprocessOptions options;
  options.name = argv[0];
  MIXRUN_ASSIGN_OR_RETURN(Subprocess child, Subprocess::Start(resolved, options));
  const std::optional<ExitStatus> status = child.Wait(timeout_s);
  if (!status) {
    child.Signal(SIGKILL);
    child.Wait();
    return Status::Failed(argv[0] + ": no answer within " + std::to_string(int(timeout_s)) +
                          " s (killed)");
  }
  return CommandOutput{status->ShellCode(), child.out(), child.err()};
}

}  // namespace mixrun
