#!/usr/bin/env bash
# Configures and builds mixrun (Release) into build/ (or $MIXRUN_BUILD_DIR).
# Extra arguments go to CMake's configure step, e.g. -DMIXRUN_WERROR=ON; MIXRUN_BUILD_TARGETS
# (e.g. "mixrun") builds only those targets.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MIXRUN_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
targets=()
for target in ${MIXRUN_BUILD_TARGETS:-}; do targets+=(--target "$target"); done
cmake --build "$build" -j "$(nproc)" "${targets[@]}"
