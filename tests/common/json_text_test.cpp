// ParseJsonText: comments allowed; syntax faults with line and column; numbers beyond double's
// range and keys given twice are input errors naming the place, never exceptions.
#include "common/json_text.h"

#include <doctest/doctest.h>

namespace mixrun {
namespace {

std::string ErrorOf(const std::string& text) {
  auto parsed = ParseJsonText(text, "f.json");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == Status::Code::kInvalidInput);
  return parsed.status().message();
}

TEST_CASE("valid JSON with comments parses, syntax errors name line and column") {
  auto parsed = ParseJsonText("// a comment\n{\"a\": [1, 2, {\"b\": 3}]} /* end */", "f.json");
  REQUIRE(parsed.ok());
  CHECK((*parsed)["a"][2]["b"] == 3);
  CHECK(ErrorOf("{\n  \"a\": [,]\n}").rfind("f.json:2:", 0) == 0);
  CHECK(ErrorOf("").find("invalid JSON") != std::string::npos);
}

TEST_CASE("a number beyond double's range is an input error, not an exception") {
  const std::string message = ErrorOf("{\"tokens\": 1e400}");
  CHECK(message.rfind("f.json: invalid JSON: number overflow", 0) == 0);
  CHECK(message.find("1e400") != std::string::npos);
  CHECK(ErrorOf("[-7e318]").find("number overflow") != std::string::npos);
}

TEST_CASE("a key given twice in one object is named with its JSON pointer") {
  CHECK(ErrorOf("{\"lr\": 1, \"lr\": 2}") == "f.json: /lr: key 'lr' appears twice in one object");
  CHECK(ErrorOf("{\"models\": [{\"a\": 1}, {\"name\": 1, \"name\": 2}]}") ==
        "f.json: /models/1/name: key 'name' appears twice in one object");
  CHECK(ErrorOf("{\"x\": [[1], {\"k/~\": {\"z\": 1, \"z\": 1}}]}") ==
        "f.json: /x/1/k~1~0/z: key 'z' appears twice in one object");
  // The same key in different objects is fine.
  CHECK(ParseJsonText("[{\"a\": 1}, {\"a\": 2}, {\"b\": {\"a\": 3}, \"a\": 4}]", "f.json").ok());
}

}  // namespace
}  // namespace mixrun
