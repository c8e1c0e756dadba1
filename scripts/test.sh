#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install dependencies, configure with
# warnings as errors, build everything, run every test with ctest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
export MIXRUN_BUILD_DIR="${MIXRUN_BUILD_DIR:-$root/build}"
"$root/scripts/build.sh" -DMIXRUN_WERROR=ON
cd "$MIXRUN_BUILD_DIR"
ctest --output-on-failure -j "$(nproc)" --timeout 900
