#!/usr/bin/env bash
# Builds and runs the simulate benchmark (1,000,000 candidates under linear and gbdt fits, 1 and 2
# threads, vs the naive per-candidate path; the gbdt fit's compiled forest beside xgboost's own
# prediction of the same candidates, with their largest difference; Dirichlet sampling of
# 1,000,000 × 17 weights) and the numpy reference for the linear case.
# Usage: bench/optimize/run.sh [BUILD_DIR] [SAMPLES]   (default build-opt, 1000000; Release)
set -euo pipefail
source_dir="$(cd "$(dirname "$0")/../.." && pwd)"
build_dir="${1:-$source_dir/build-opt}"
samples="${2:-1000000}"
cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$build_dir" --target bench_simulate -j2 > /dev/null
linear_json="$(mktemp)"
trap 'rm -f "$linear_json"' EXIT
"$build_dir/bench_simulate" "$samples" "$linear_json" | tee "$linear_json.out"
/usr/bin/python3 "$source_dir/bench/optimize/reference_simulate.py" "$linear_json" "$samples" \
  | tee "$linear_json.py"
mixrun_s="$(awk '/^linear simulate/ && /2 thread/ {for (i = 1; i <= NF; ++i) if ($i == "s") print $(i - 1)}' "$linear_json.out")"
numpy_s="$(awk '/^seconds/ {print $2}' "$linear_json.py")"
awk -v a="$numpy_s" -v b="$mixrun_s" 'BEGIN {printf "linear: numpy %.3f s / mixrun %.3f s (2 threads) = %.1fx\n", a, b, a / b}'
# The gbdt summary: whole simulate on 2 threads beside the booster's own prediction path alone.
awk '/^gbdt   simulate/ && /2 thread/ {for (i = 1; i <= NF; ++i) if ($i == "s") sim = $(i - 1)}
     /^gbdt   predict/ && /2 thread/ {forest = $7; booster = $12}
     /^gbdt   forest vs booster/ {differ = $0; sub(/.*: /, "", differ)}
     /^dirichlet/ && /batched/ && /2 thread/ {for (i = 1; i <= NF; ++i) if ($i == "s") dir = $(i - 1)}
     END {printf "gbdt: whole simulate %s s (2 threads); prediction alone: compiled forest %s s, xgboost %s s; %s\n", sim, forest, booster, differ
          printf "dirichlet 1M x 17: %s s (2 threads)\n", dir}' "$linear_json.out"
rm -f "$linear_json.out" "$linear_json.py"
