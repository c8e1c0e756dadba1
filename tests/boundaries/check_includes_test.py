#!/usr/bin/env python3
"""scripts/check-includes.py on mini source trees: passes a clean one, and on planted violations
exits non-zero naming each offending file and line.

Usage: check_includes_test.py [REPOSITORY_ROOT]
"""

import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parents[2])
CHECKER = ROOT / "scripts" / "check-includes.py"

# Three modules: b uses a, c uses b (so reaches a only transitively); app links c.
CMAKE = """
mixrun_module(a DEPS somelib::somelib)
mixrun_module(b DEPS mixrun_a)  # a comment naming mixrun_c is no declaration
mixrun_module(c
              DEPS mixrun_b
              TEST_DEPS mixrun_a)
add_library(mixrun_testing INTERFACE)
target_link_libraries(mixrun_testing INTERFACE mixrun_a)
mixrun_benches(c mixrun_c mixrun_testing)
target_link_libraries(mixrun PRIVATE mixrun_c)
"""

CLEAN = {
    "lib/a/a.h": "#pragma once\n#include <vector>\n",
    "lib/b/b.h": '#pragma once\n#include "a/a.h"\n#include "b/other.h"\n',
    "lib/b/other.h": "#pragma once\n",
    "lib/c/c.cpp": '#include "c/c.h"\n#include "b/b.h"\n',
    "lib/c/c.h": "#pragma once\n",
    "tests/c/c_test.cpp": '#include "c/c.h"\n#include "a/a.h"\n#include "testing/t.h"\n'
                          '#include "local_helper.h"\n',
    "tests/c/local_helper.h": "#pragma once\n",
    "tests/testing/t.h": '#pragma once\n#include "a/a.h"\n',
    "bench/c/bench_c.cpp": '#include "c/c.h"\n#include "testing/t.h"\n',
    "app/main.cpp": '#include "c/c.h"\n#include "commands.h"\n',
}


def run_checker(files):
    with tempfile.TemporaryDirectory() as root:
        root = pathlib.Path(root)
        (root / "CMakeLists.txt").write_text(CMAKE)
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        result = subprocess.run([sys.executable, str(CHECKER), str(root)], capture_output=True,
                                text=True)
        return result.returncode, result.stdout


def expect(condition, message, output):
    if not condition:
        print("FAILED:", message)
        print(output)
        sys.exit(1)


def main():
    code, output = run_checker(CLEAN)
    expect(code == 0 and output == "", "a clean tree passes", output)

    planted = dict(CLEAN)
    # c reaches a only through b: not declared by c itself.
    planted["lib/c/c.cpp"] = '#include "c/c.h"\n#include "b/b.h"\n#include "a/a.h"\n'
    # a lower module including a higher one.
    planted["lib/a/a.h"] = '#pragma once\n\n#  include "b/b.h"\n'
    # a benchmark reaching into the tests by relative path.
    planted["bench/c/bench_c.cpp"] = '#include "c/c.h"\n#include "../../tests/c/local_helper.h"\n'
    # the app including a module it does not link.
    planted["app/main.cpp"] = '#include "b/b.h"\n'
    code, output = run_checker(planted)
    expect(code == 1, "planted violations fail the check", output)
    for where in ("lib/c/c.cpp:3: ", "lib/a/a.h:3: ", "bench/c/bench_c.cpp:2: ",
                  "app/main.cpp:1: "):
        expect(where in output, "the output names " + where, output)
    expect(len(output.splitlines()) == 4, "exactly the four planted lines are reported", output)
    print("ok")


if __name__ == "__main__":
    main()
