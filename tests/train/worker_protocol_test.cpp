// The wire protocol of `mixrun train --jobs N`: the worker's command line, and its summary JSON
// read back by the pool (a crashed worker's stdout is no summary).
#include "train/worker_protocol.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using mixrun::SweepSummary;

}  // namespace

TEST_CASE("a worker trains one run of the same config, store and shard, and prints JSON") {
  mixrun::TrainSweepRequest request;
  request.config = "study.json";
  request.jobs = 4;
  request.max_runs = 7;
  CHECK(mixrun::WorkerArgv("/bin/mixrun", request, "/abs/runs.db") ==
        std::vector<std::string>{"/bin/mixrun", "train", "study.json", "--store", "/abs/runs.db",
                                 "--max-runs", "1", "--json", "--in-process", "-q"});
  request.shard = "1/3";
  request.retry_failed = true;  // the pool's: reset once, not retried by every worker
  const auto argv = mixrun::WorkerArgv("/bin/mixrun", request, "/abs/runs.db");
  CHECK(std::vector<std::string>(argv.begin() + 10, argv.end()) ==
        std::vector<std::string>{"--shard", "1/3"});
  request.jobs = 1;  // the only worker draws its run's progress itself
  const auto single = mixrun::WorkerArgv("/bin/mixrun", request, "/abs/runs.db");
  CHECK(std::find(single.begin(), single.end(), "-q") == single.end());
}

TEST_CASE("a summary printed by a worker reads back") {
  SweepSummary summary;
  summary.planned = 6;
  summary.trained = 1;
  summary.failed = 2;
  summary.interrupted = 1;
  summary.already_done = 3;
  summary.failures = {"a (run 1): boom", "b (run 2): bang"};
  const nlohmann::json json = mixrun::SweepSummaryJson("exp", "runs.db", summary);
  CHECK(json["experiment"] == "exp");
  CHECK(json["store"] == "runs.db");
  CHECK(json["planned"] == 6);
  CHECK(json["already_done"] == 3);
  const auto read = mixrun::ParseWorkerSummary(json.dump(2) + "\n");
  REQUIRE(read);
  CHECK(read->trained == 1);
  CHECK(read->failed == 2);
  CHECK(read->interrupted == 1);
  CHECK(read->failures == summary.failures);
}

TEST_CASE("a crashed worker's stdout is no summary") {
  CHECK_FALSE(mixrun::ParseWorkerSummary(""));
  CHECK_FALSE(mixrun::ParseWorkerSummary("{\"trained\": 1"));
  CHECK_FALSE(mixrun::ParseWorkerSummary("[1, 2]"));
  const auto empty = mixrun::ParseWorkerSummary("{}");
  REQUIRE(empty);
  CHECK(empty->trained + empty->failed + empty->interrupted == 0);
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
