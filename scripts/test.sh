#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install dependencies, configure with
# warnings as errors, build everything, fuzz each parser briefly, run every test with ctest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
export MIXRUN_BUILD_DIR="${MIXRUN_BUILD_DIR:-$root/build}"
"$root/scripts/build.sh" -DMIXRUN_WERROR=ON
# Each parser's fuzzer for 30 s (clang, ASan + UBSan); a finding fails the run.
"$root/scripts/fuzz.sh" all "${MIXRUN_FUZZ_SECONDS:-30}"
cd "$MIXRUN_BUILD_DIR"
ctest --output-on-failure -j "$(nproc)" --timeout 900
