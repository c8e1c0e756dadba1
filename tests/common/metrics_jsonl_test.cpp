// metrics.jsonl as trainers write it: rows read in order, faults named by file and line, never an
// exception (the fuzzer's findings stay fixed here).
#include "common/metrics_jsonl.h"

#include <doctest/doctest.h>

namespace mixrun {
namespace {

TEST_CASE("metrics.jsonl rows are read in order, blank lines are skipped, tokens are optional") {
  auto rows = ParseMetricsJsonl(
      "{\"step\": 0, \"tokens\": 0, \"name\": \"train/loss\", \"value\": 5.5}\n\n"
      "{\"step\": 100, \"name\": \"eval/web/loss\", \"value\": 2.25}\r\n",
      "m.jsonl");
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].name == "train/loss");
  CHECK((*rows)[1].step == 100);
  CHECK((*rows)[1].tokens == 0);
  CHECK((*rows)[1].value == 2.25);
}

TEST_CASE("a bad line is a failure naming the file and the line") {
  const char* bad[] = {
      "{\"step\": 1, \"name\": \"a\", \"value\": 1}\nnot json\n",
      "{\"step\": 1, \"name\": \"a\", \"value\": 1}\n[1, 2]\n",
      "{\"step\": 1, \"name\": \"a\", \"value\": 1}\n{\"step\": 1.5, \"name\": \"a\", \"value\": "
      "1}\n",
      "{\"step\": 1, \"name\": \"a\", \"value\": 1}\n{\"step\": 1, \"tokens\": \"x\", \"name\": "
      "\"a\", "
      "\"value\": 1}\n",
      "{\"step\": 1, \"name\": \"a\", \"value\": 1}\n{\"step\": -1, \"name\": \"a\", \"value\": "
      "1}\n",
      "{\"step\": 1, \"name\": \"a\", \"value\": 1}\n{\"step\": 1, \"name\": \"a\", \"value\": "
      "1e999}\n",
      "{\"step\": 1, \"name\": \"a\", \"value\": 1}\n{\"step\": 1, \"name\": \"a\", \"name\": "
      "\"b\", "
      "\"value\": 1}\n",
  };
  for (const char* text : bad) {
    auto rows = ParseMetricsJsonl(text, "m.jsonl");
    REQUIRE_FALSE(rows.ok());
    CHECK(rows.status().code() == Status::Code::kFailed);
    CHECK(rows.status().message().find("m.jsonl") == 0);
    CHECK(rows.status().message().find("2") != std::string::npos);
  }
}

}  // namespace
}  // namespace mixrun
