#!/usr/bin/env bash
# Builds and runs the law benchmarks: Chinchilla (mixrun vs scipy L-BFGS-B, plus 4000 bootstrap
# refits), the over-training law (mixrun vs scipy L-BFGS-B on openlm-scaling, 1000 bootstrap
# refits) and the joint mixture-and-scale law (mixrun vs scipy least_squares, 200 bootstrap refits).
# Usage: bench/laws/run.sh [BUILD_DIR]   (default build-laws; Release)
set -euo pipefail
source_dir="$(cd "$(dirname "$0")/../.." && pwd)"
build_dir="${1:-$source_dir/build-laws}"
cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$build_dir" --target bench_chinchilla bench_overtrain bench_mixscale -j2
"$build_dir/bench_chinchilla"
"$build_dir/bench_overtrain"
"$build_dir/bench_mixscale"
