#!/usr/bin/env python3
"""Checks that every #include "module/..." is of a module the including folder's target declares.

The rule (direct declaration): a file may include headers of its own module and of the modules its
CMake target names itself; a module reached only through another one's dependencies must be
declared too. The targets and their declarations come from CMakeLists.txt:

  lib/<m>/     mixrun_module(<m> DEPS ...)                -> <m> and its DEPS
  tests/<m>/   the same line                              -> <m>, its DEPS, its TEST_DEPS, testing
  tests/testing/  target_link_libraries(mixrun_testing ...) -> testing and those libraries
  bench/<m>/   mixrun_benches(<m> ...)                    -> the libraries listed
  app/         target_link_libraries(mixrun ...)          -> the libraries listed

A "module" is a folder of lib/ (or "testing", the test support in tests/testing/). Includes of
other headers (system, third-party, the folder's own) are not checked, but an include that climbs
out of its folder ("../") is always an error: shared code belongs in a module.

Usage: check-includes.py [ROOT]   (ROOT defaults to the repository holding this script)
Prints one "FILE:LINE: ..." per violation and exits 1 if there is any, 0 otherwise.
"""

import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
CALL = re.compile(r"\b(mixrun_module|mixrun_benches|target_link_libraries)\s*\(([^)]*)\)", re.S)
SOURCE_SUFFIXES = {".h", ".hpp", ".cc", ".cpp"}
TESTING = "testing"


def modules_of(libraries):
    """The mixrun modules among CMake library names: mixrun_<m> -> <m>."""
    return {name[len("mixrun_"):] for name in libraries if name.startswith("mixrun_")}


def strip_comments(cmake_text):
    return "\n".join(line.split("#", 1)[0] for line in cmake_text.splitlines())


def allowed_includes(cmake_text):
    """Maps each checked folder (relative to ROOT) to the set of modules its files may include."""
    declared = {}  # module -> (DEPS, TEST_DEPS)
    benches = {}  # bench folder -> modules
    linked = {}  # target -> modules
    for call, body in CALL.findall(strip_comments(cmake_text)):
        words = body.split()
        if not words:
            continue
        if call == "mixrun_module":
            lists = {"DEPS": [], "TEST_DEPS": []}
            current = None
            for word in words[1:]:
                if word in lists:
                    current = word
                elif current:
                    lists[current].append(word)
            declared[words[0]] = (modules_of(lists["DEPS"]), modules_of(lists["TEST_DEPS"]))
        elif call == "mixrun_benches":
            benches[words[0]] = modules_of(words[1:])
        else:
            linked.setdefault(words[0], set()).update(modules_of(words[1:]))

    allowed = {}
    for module, (deps, test_deps) in declared.items():
        allowed["lib/" + module] = {module} | deps
        allowed["tests/" + module] = {module, TESTING} | deps | test_deps
    for folder, deps in benches.items():
        allowed["bench/" + folder] = deps
    allowed["app"] = linked.get("mixrun", set())
    allowed["tests/" + TESTING] = {TESTING} | linked.get("mixrun_" + TESTING, set())
    return allowed


def check(root):
    root = pathlib.Path(root)
    allowed = allowed_includes((root / "CMakeLists.txt").read_text())
    modules = {path.name for path in (root / "lib").iterdir() if path.is_dir()} | {TESTING}
    violations = []
    for top in ("lib", "app", "tests", "bench"):
        for path in sorted((root / top).rglob("*")):
            if path.suffix not in SOURCE_SUFFIXES or not path.is_file():
                continue
            relative = path.relative_to(root)
            folder = "app" if top == "app" else "/".join(relative.parts[:2])
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                match = INCLUDE.match(line)
                if not match:
                    continue
                header = match.group(1)
                where = f"{relative}:{number}"
                if "../" in header:
                    violations.append(
                        f'{where}: #include "{header}" reaches outside its folder; '
                        "include it through the module (or mixrun_testing) that holds it")
                    continue
                module = header.split("/", 1)[0] if "/" in header else None
                if module not in modules:
                    continue
                permitted = allowed.get(folder)
                if permitted is None:
                    violations.append(f"{where}: {folder} is no target in CMakeLists.txt")
                elif module not in permitted:
                    violations.append(
                        f'{where}: #include "{header}": {folder} does not declare '
                        f"mixrun_{module} (declared: "
                        f"{', '.join(sorted(permitted)) or 'nothing'})")
    return violations


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent
    violations = check(root)
    for violation in violations:
        print(violation)
    if violations:
        print(f"{len(violations)} include(s) break the module boundaries", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
