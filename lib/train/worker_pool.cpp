#include "train/worker_pool.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

namespace mixrun {
namespace {

struct Worker {
  pid_t pid = 0;
  int stdout_fd = -1;
  std::string output;
};

Result<Worker> StartWorker(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return Status::Failed("pipe failed");
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return Status::Failed("fork failed");
  if (pid == 0) {
    // SIGTERM, not SIGKILL: the orphaned worker checkpoints and returns its run to pending.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) _exit(1);  // the pool died before prctl took effect
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::execv(args[0], args.data());
    _exit(127);
  }
  ::close(pipe_fds[1]);
  ::fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
  return Worker{pid, pipe_fds[0], ""};
}

void Drain(Worker& worker) {
  char buffer[4096];
  ssize_t got;
  while ((got = ::read(worker.stdout_fd, buffer, sizeof buffer)) > 0) {
    worker.output.append(buffer, static_cast<size_t>(got));
  }
}

}  // namespace

Result<WorkerPoolResult> RunWorkerPool(const WorkerPoolOptions& options) {
  WorkerPoolResult result;
  std::map<pid_t, Worker> running;
  int started = 0;
  bool work_left = true;
  bool signalled = false;
  auto last_tick = std::chrono::steady_clock::now();
  while (true) {
    bool stopping = options.stop && options.stop->load();
    if (stopping && !signalled) {
      for (auto& [pid, worker] : running) ::kill(pid, SIGTERM);
      signalled = true;
    }
    while (!stopping && work_left && static_cast<int>(running.size()) < options.jobs &&
           (options.max_runs == 0 || started < options.max_runs)) {
      MIXRUN_ASSIGN_OR_RETURN(Worker worker, StartWorker(options.worker_argv));
      running[worker.pid] = worker;
      ++started;
    }
    if (running.empty()) break;
    for (auto& [pid, worker] : running) Drain(worker);
    int status = 0;
    pid_t done = ::waitpid(-1, &status, WNOHANG);
    if (done > 0 && running.count(done)) {
      Worker worker = running[done];
      running.erase(done);
      Drain(worker);
      ::close(worker.stdout_fd);
      nlohmann::json summary = nlohmann::json::parse(worker.output, nullptr, false);
      if (summary.is_discarded() || !summary.is_object()) {
        // Killed or crashed: its run is left running with a dead owner, which the next worker
        // reclaims (a run that keeps crashing is failed after a few attempts).
        ++result.crashed_workers;
        work_left = true;
        continue;
      }
      int trained = summary.value("trained", 0), failed = summary.value("failed", 0);
      int interrupted = summary.value("interrupted", 0);
      result.trained += trained;
      result.failed += failed;
      result.interrupted += interrupted;
      for (const auto& failure : summary.value("failures", nlohmann::json::array())) {
        result.failures.push_back(failure.get<std::string>());
      }
      if (trained + failed + interrupted == 0) work_left = false;
      continue;
    }
    auto now = std::chrono::steady_clock::now();
    if (options.tick && now - last_tick > std::chrono::milliseconds(500)) {
      options.tick();
      last_tick = now;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return result;
}

}  // namespace mixrun
