#include "cluster/slurm_client.h"

#include <doctest/doctest.h>

#include "cluster/study.h"
#include "common/subprocess.h"
#include "testing/temp_dir.h"

using mixrun::ParseTaskLines;

TEST_CASE("squeue and sacct lines become task states") {
  auto tasks = ParseTaskLines(
      "12_2|PENDING|0:00|(None)\n12_0|RUNNING|0:05|node1\n12_1|COMPLETED|0:09|node2\n");
  REQUIRE(tasks.size() == 3);
  CHECK(tasks[0].task == 0);
  CHECK(tasks[0].state == "RUNNING");
  CHECK(tasks[0].node == "node1");
  CHECK(tasks[1].state == "COMPLETED");
  CHECK(tasks[2].state == "PENDING");
  // sacct: "CANCELLED by 0", pending ranges, a requeued task listed twice (the last counts).
  tasks = ParseTaskLines(
      "7_0|CANCELLED by 0|00:00:03|n1\n7_[1-3%2]|PENDING|00:00:00|None assigned\n"
      "7_0|COMPLETED|00:00:04|n1\nnoise\n7|RUNNING|0:01|n\n");
  REQUIRE(tasks.size() == 4);
  CHECK(tasks[0].task == 0);
  CHECK(tasks[0].state == "COMPLETED");
  CHECK(tasks[3].task == 3);
  CHECK(tasks[3].state == "PENDING");
  CHECK(mixrun::TaskIsActive("RUNNING"));
  CHECK(mixrun::TaskIsActive("PENDING"));
  CHECK_FALSE(mixrun::TaskIsActive("COMPLETED"));
  CHECK_FALSE(mixrun::TaskIsActive("FAILED"));
}

TEST_CASE("RunCommand captures output and exit codes and a missing program is NotFound") {
  auto echo = mixrun::RunCommand({"sh", "-c", "echo out; echo err >&2; exit 3"});
  REQUIRE(echo.ok());
  CHECK(echo->exit_code == 3);
  CHECK(echo->out == "out\n");
  CHECK(echo->err == "err\n");
  auto missing = mixrun::RunCommand({"mixrun-no-such-program"});
  CHECK(missing.status().code() == mixrun::Status::Code::kNotFound);
  auto slow = mixrun::RunCommand({"sleep", "5"}, 0.2);
  CHECK(slow.status().code() == mixrun::Status::Code::kFailed);
}

TEST_CASE("shards: task k gets the runs with index k mod K and state files round-trip") {
  auto shards = mixrun::AssignShards({"a", "b", "c", "d", "e", "f", "g"}, 3);
  REQUIRE(shards.size() == 3);
  CHECK(shards[0] == std::vector<std::string>{"a", "d", "g"});
  CHECK(shards[1] == std::vector<std::string>{"b", "e"});
  CHECK(shards[2] == std::vector<std::string>{"c", "f"});

  mixrun::testing::TempDir dir;
  const std::string path = (dir.path() / "study.json").string();
  auto none = mixrun::ReadStudyState(path);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  mixrun::StudyState state;
  state.experiment = "e";
  state.config = "/c.json";
  state.store = "/s.db";
  state.array_size = 3;
  state.shard_run_keys = shards;
  state.jobs = {{"41", "2024-01-01T00:00:00Z"}, {"42", "2024-01-02T00:00:00Z"}};
  REQUIRE(mixrun::WriteStudyState(path, state).ok());
  auto read = mixrun::ReadStudyState(path);
  REQUIRE(read.ok());
  REQUIRE(read->has_value());
  CHECK((*read)->shard_run_keys == shards);
  CHECK((*read)->jobs.back().job_id == "42");
  CHECK((*read)->array_size == 3);
  dir.Write("bad.json", "{\"experiment\": 1");
  auto bad = mixrun::ReadStudyState((dir.path() / "bad.json").string());
  CHECK(bad.status().message().find("bad.json") != std::string::npos);
}

TEST_CASE("shard stores are listed by task index") {
  mixrun::testing::TempDir dir;
  for (const char* name : {"10.db", "2.db", "0.db", "2.db-wal", "x.db", "notes.txt"}) {
    dir.Write(name, "x");
  }
  auto stores = mixrun::ListShardStores(dir.path().string());
  REQUIRE(stores.size() == 3);
  CHECK(stores[0].ends_with("/0.db"));
  CHECK(stores[1].ends_with("/2.db"));
  CHECK(stores[2].ends_with("/10.db"));
}
