#include "csv/csv.h"

#include <doctest/doctest.h>

using mixrun::CsvEscape;
using mixrun::ParseCsv;

TEST_CASE("csv parses quoted fields, doubled quotes, embedded newlines and CRLF") {
  auto table = ParseCsv("a,b,c\r\n1,\"x,y\",\"say \"\"hi\"\"\"\r\n2,\"two\nlines\",\r\n", "t.csv");
  REQUIRE(table.ok());
  CHECK(table->header == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(table->rows.size() == 2);
  CHECK(table->rows[0][1] == "x,y");
  CHECK(table->rows[0][2] == "say \"hi\"");
  CHECK(table->rows[1][1] == "two\nlines");
  CHECK(table->rows[1][2] == "");
  CHECK(table->lines == std::vector<int>{2, 3});
}

TEST_CASE("csv reports the file and line of a short row") {
  auto table = ParseCsv("a,b\n1,2\n\n3\n", "runs.csv");
  REQUIRE_FALSE(table.ok());
  CHECK(table.status().message() == "runs.csv:4: expected 2 fields, found 1");
  CHECK(table.status().exit_code() == 2);
}

TEST_CASE("csv rejects a header naming a column twice, naming the file, line 1 and the column") {
  auto table = ParseCsv("run,loss,d,loss\n1,2.5,1e9,2.6\n", "runs.csv");
  REQUIRE_FALSE(table.ok());
  CHECK(table.status().exit_code() == 2);
  CHECK(table.status().message() == "runs.csv:1: column 'loss' appears twice (fields 2 and 4)");
}

TEST_CASE("csv rejects unterminated quotes and stray quotes with their line") {
  auto open = ParseCsv("a\n\"abc\n", "f.csv");
  REQUIRE_FALSE(open.ok());
  CHECK(open.status().message().find("f.csv:") == 0);
  CHECK(open.status().message().find("not closed") != std::string::npos);
  auto stray = ParseCsv("a,b\n1,x\"y\n", "g.csv");
  REQUIRE_FALSE(stray.ok());
  CHECK(stray.status().message().find("g.csv:2:") == 0);
}

TEST_CASE("csv numbers are finite or an error naming line and column") {
  auto table = ParseCsv("x,y\n1.5,nan\n2e3,abc\n", "n.csv");
  REQUIRE(table.ok());
  CHECK(table->Number(0, 0).value() == 1.5);
  CHECK(table->Number(1, 0).value() == 2000.0);
  auto bad = table->Number(1, 1);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "n.csv:3: column 'y': not a finite number: 'abc'");
  CHECK_FALSE(table->Number(0, 1).ok());
}

TEST_CASE("csv escaping round-trips through the parser") {
  std::vector<std::string> fields = {"plain", "a,b", "q\"uote", "multi\nline", " padded "};
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    line += CsvEscape(fields[i]);
  }
  auto table = ParseCsv("a,b,c,d,e\n" + line + "\n", "rt.csv");
  REQUIRE(table.ok());
  CHECK(table->rows.at(0) == fields);
}

TEST_CASE("csv reads the real RegMix file") {
  auto table = mixrun::ReadCsv(std::string(MIXRUN_SHARED_DATA) + "/regmix/train_mixture_1m.csv");
  REQUIRE(table.ok());
  CHECK(table->rows.size() == 512);
  CHECK(table->Column("index").has_value());
  CHECK(table->Column("train_the_pile_pile_cc").has_value());
  CHECK_FALSE(mixrun::ReadCsv("/nonexistent.csv").ok());
}

TEST_CASE("csv reader gives rows one at a time and returns to a row by its position") {
  const std::string text = "a,b\r\n1,\"x\ny\"\n\n2,z\n3,w";
  auto opened = mixrun::CsvReader::FromText(text, "r.csv");
  REQUIRE(opened.ok());
  mixrun::CsvReader& reader = **opened;
  CHECK(reader.header() == std::vector<std::string>{"a", "b"});
  std::vector<mixrun::CsvRow> rows;
  mixrun::CsvRow row;
  while (reader.Next(row).value()) rows.push_back(row);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].fields == std::vector<std::string>{"1", "x\ny"});
  CHECK(rows[1].position.line == 5);
  CHECK(reader.Where(rows[2]) == "r.csv:6");
  REQUIRE(reader.Seek(rows[1].position).ok());
  REQUIRE(reader.Next(row).value());
  CHECK(row.fields == std::vector<std::string>{"2", "z"});
  CHECK(row.position.line == 5);
  REQUIRE(reader.Rewind().ok());
  REQUIRE(reader.Next(row).value());
  CHECK(row.fields == rows[0].fields);
  CHECK(reader.Number(rows[2], 0).value() == 3.0);
  CHECK(reader.Number(rows[2], 1).status().message() ==
        "r.csv:6: column 'b': not a finite number: 'w'");
}
