// Text tables align columns by what a terminal shows: UTF-8 glyphs take one column each.
#include "common/text_table.h"

#include <doctest/doctest.h>

#include <sstream>

namespace mixrun {
namespace {

TEST_CASE("a column of multi-byte glyphs is as wide as its glyphs, not its bytes") {
  TextTable table({"curve", "n"});
  table.AddRow({"▁▂█", "3"});
  table.AddRow({"ab…", "12"});
  std::ostringstream out;
  table.Print(out);
  CHECK(out.str() ==
        "curve  n\n"
        "-----  --\n"
        "▁▂█     3\n"
        "ab…    12\n");
}

}  // namespace
}  // namespace mixrun
