// The wire protocol of `mixrun train --jobs N`: the worker's command line, and its events read
// back by the pool (a crashed worker's stdout is no event).
#include "train/worker_protocol.h"

#include <doctest/doctest.h>
#include <spdlog/logger.h>
#include <unistd.h>

#include <csignal>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using mixrun::SweepSummary;
using mixrun::WorkerEvent;
using mixrun::WorkerEventWriter;

}  // namespace

TEST_CASE("a worker trains one run of the same config, store and shard, at the parent's level") {
  mixrun::TrainSweepRequest request;
  request.config = "study.json";
  request.jobs = 4;
  request.max_runs = 7;
  CHECK(mixrun::WorkerArgv("/bin/mixrun", request, "/abs/runs.db", spdlog::level::info) ==
        std::vector<std::string>{"/bin/mixrun", "train", "study.json", "--store", "/abs/runs.db",
                                 "--max-runs", "1", "--in-process", "--worker-events"});
  request.shard = "1/3";
  request.retry_failed = true;  // the pool's: reset once, not retried by every worker
  const auto argv =
      mixrun::WorkerArgv("/bin/mixrun", request, "/abs/runs.db", spdlog::level::debug);
  CHECK(std::vector<std::string>(argv.begin() + 9, argv.end()) ==
        std::vector<std::string>{"-v", "--shard", "1/3"});
  CHECK(mixrun::WorkerArgv("/bin/mixrun", request, "/abs/runs.db", spdlog::level::warn)[9] == "-q");
}

namespace {

// What a worker writes into a pipe, read back line by line as the pool does.
std::vector<WorkerEvent> WrittenEvents(const std::function<void(WorkerEventWriter&)>& write) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  {
    WorkerEventWriter writer(fds[1]);
    write(writer);
  }
  close(fds[1]);
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
  close(fds[0]);
  std::vector<WorkerEvent> events;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    auto event = mixrun::ParseWorkerEvent(line);
    REQUIRE_MESSAGE(event, line);
    events.push_back(*event);
  }
  return events;
}

}  // namespace

TEST_CASE("a worker's events read back as it sent them, its summary last") {
  mixrun::RunRow run;
  run.id = 7;
  run.spec.label = "mix3-s-1M-s0";
  run.spec.n_tokens = 1e6;
  SweepSummary summary;
  summary.planned = 6;
  summary.trained = 1;
  summary.failed = 2;
  summary.interrupted = 1;
  summary.failures = {"a (run 1): boom", "b (run 2): bang"};
  mixrun::RunOutcome done;
  done.finished = true;
  done.target_loss = 2.5;
  done.wall_seconds = 42;
  done.warning = "eval loss rose";
  const auto events = WrittenEvents([&](WorkerEventWriter& writer) {
    writer.RunStarted(run, 3, 17);
    writer.Progress(run, {10, 100, 5000, 3.25, 4});
    writer.Progress(run, {11, 100, 5000, 3.2, 4});   // within 200 ms of the last: not sent
    writer.Progress(run, {100, 100, 5000, 2.9, 4});  // the last step always is
    writer.RunFinished(run, done);
    writer.RunFinished(run, mixrun::Status::Failed("step 3: training loss is nan"));
    writer.RunBusy(run, "its lock is held");
    spdlog::logger logger("worker", writer.LogSink());
    logger.warn("disk {} full", "very");
    writer.Summary("exp", "runs.db", summary);
  });
  using Kind = WorkerEvent::Kind;
  REQUIRE(events.size() == 8);
  CHECK(events[0].kind == Kind::kStarted);
  CHECK(events[0].run.id == 7);
  CHECK(events[0].run.spec.label == "mix3-s-1M-s0");
  CHECK(events[0].run.spec.n_tokens == 1e6);
  CHECK(events[0].index == 3);
  CHECK(events[0].count == 17);
  CHECK(events[1].kind == Kind::kProgress);
  CHECK(events[1].progress.step == 10);
  CHECK(events[1].progress.total_steps == 100);
  CHECK(events[1].progress.tokens_per_second == 5000);
  CHECK(events[1].progress.loss == 3.25);
  CHECK(events[1].progress.resumed_from_step == 4);
  CHECK(events[2].progress.step == 100);
  REQUIRE(events[3].outcome);
  CHECK(events[3].outcome->finished);
  CHECK(events[3].outcome->target_loss == 2.5);
  CHECK(events[3].outcome->wall_seconds == 42);
  CHECK(events[3].outcome->warning == "eval loss rose");
  CHECK_FALSE(events[4].outcome);
  CHECK(events[4].text == "step 3: training loss is nan");
  CHECK(events[5].kind == Kind::kBusy);
  CHECK(events[5].text == "its lock is held");
  CHECK(events[6].kind == Kind::kLog);
  CHECK(events[6].level == spdlog::level::warn);
  CHECK(events[6].text == "disk very full");
  CHECK(events[7].kind == Kind::kSummary);
  CHECK(events[7].summary.trained == 1);
  CHECK(events[7].summary.failed == 2);
  CHECK(events[7].summary.interrupted == 1);
  CHECK(events[7].summary.failures == summary.failures);
}

TEST_CASE("what is not an event of the protocol is no event") {
  for (const char* line : {"", "{\"trained\": 1", "[1, 2]", "{}", "{\"event\": \"dance\"}",
                           "{\"event\": \"progress\", \"step\": \"ten\"}", "Segmentation fault"}) {
    CHECK_FALSE(mixrun::ParseWorkerEvent(line));
  }
}

TEST_CASE("a worker whose parent is gone writes on stderr and lives on") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  close(fds[0]);  // nobody reads: a write fails with EPIPE
  signal(SIGPIPE, SIG_IGN);
  WorkerEventWriter writer(fds[1]);
  CHECK_FALSE(writer.Write({{"event", "log"}, {"message", "hello"}}));
  CHECK_FALSE(writer.Write({{"event", "log"}, {"message", "again"}}));
  close(fds[1]);
}

TEST_CASE("a shard that is not I/N with 0 <= I < N is refused before anything runs") {
  mixrun::TrainSweepRequest request;
  CHECK(mixrun::CheckTrainSweepRequest(request).ok());
  for (const char* shard : {"0/1", "2/3"}) {
    request.shard = shard;
    CHECK(mixrun::CheckTrainSweepRequest(request).ok());
  }
  for (const char* shard : {"3/3", "-1/2", "1/0", "1", "1/2x"}) {
    request.shard = shard;
    const mixrun::Status status = mixrun::CheckTrainSweepRequest(request);
    CHECK(status.code() == mixrun::Status::Code::kInvalidInput);
    CHECK(status.message().find("--shard") != std::string::npos);
  }
}
