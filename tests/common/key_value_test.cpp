#include "common/key_value.h"

#include <doctest/doctest.h>

#include <cmath>

using mixrun::KeyValueSyntax;
using mixrun::ParseInteger;
using mixrun::ParseNumber;
using mixrun::SplitKeyValue;

TEST_CASE("SplitKeyValue: key and value at the first or the last separator") {
  const KeyValueSyntax first{.flag = "--metric", .expected = "NAME=COLUMN"};
  auto metric = SplitKeyValue("loss=a=b", first);
  REQUIRE(metric.ok());
  CHECK(metric->key == "loss");
  CHECK(metric->value == "a=b");

  const KeyValueSyntax last{.flag = "--fix", .expected = "DOMAIN=W", .split_at_last = true};
  auto bound = SplitKeyValue("a=b=0.5", last);
  REQUIRE(bound.ok());
  CHECK(bound->key == "a=b");
  CHECK(bound->value == "0.5");
}

TEST_CASE("SplitKeyValue: a missing key, value or separator is an error naming the flag") {
  const KeyValueSyntax syntax{.flag = "--fix", .expected = "DOMAIN=W with W in [0, 1]"};
  for (const char* text : {"web", "=0.5", "web=", "", "="}) {
    auto parsed = SplitKeyValue(text, syntax);
    REQUIRE(!parsed.ok());
    CHECK(parsed.status().code() == mixrun::Status::Code::kInvalidInput);
    CHECK(parsed.status().message() ==
          "--fix '" + std::string(text) + "': expected DOMAIN=W with W in [0, 1]");
  }
}

TEST_CASE("SplitKeyValue: an optional value may be left out, not left empty") {
  const KeyValueSyntax syntax{
      .flag = "--fit", .expected = "ID[:WEIGHT]", .separator = ':', .value_optional = true};
  auto bare = SplitKeyValue("12", syntax);
  REQUIRE(bare.ok());
  CHECK(bare->key == "12");
  CHECK(!bare->has_value);
  auto weighted = SplitKeyValue("12:0.5", syntax);
  REQUIRE(weighted.ok());
  CHECK(weighted->value == "0.5");
  CHECK(!SplitKeyValue("12:", syntax).ok());
  CHECK(!SplitKeyValue(":3", syntax).ok());
  CHECK(!SplitKeyValue("", syntax).ok());
}

TEST_CASE("ParseNumber and ParseInteger take the whole text or nothing") {
  CHECK(*ParseNumber("0.25") == 0.25);
  CHECK(*ParseNumber("1e-3") == 1e-3);
  CHECK(std::isnan(*ParseNumber("nan")));
  CHECK(!ParseNumber(""));
  CHECK(!ParseNumber("0.5x"));
  CHECK(*ParseInteger("42") == 42);
  CHECK(*ParseInteger("-7") == -7);
  CHECK(!ParseInteger("4.2"));
  CHECK(!ParseInteger(""));
  CHECK(!ParseInteger("99999999999999999999"));
}
