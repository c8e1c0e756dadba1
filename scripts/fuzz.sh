#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) into build-fuzz/ and runs one or all of them:
#   scripts/fuzz.sh TARGET|all SECONDS
# TARGET is config, csv, metrics_jsonl or prediction_points. Seeds come from configs/, the reference
# data in ../shared/data and fuzz/seeds/; the growing corpus stays in build-fuzz/corpus/TARGET.
# Exits 1 on a finding (crash, hang, leak or sanitizer report), naming the input that caused it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
targets=(config csv metrics_jsonl prediction_points)
if [ $# -ne 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh TARGET|all SECONDS (targets: ${targets[*]})" >&2
  exit 2
fi
if [ "$1" = all ]; then chosen=("${targets[@]}"); else chosen=("$1"); fi
for target in "${chosen[@]}"; do
  [[ " ${targets[*]} " == *" $target "* ]] || { echo "fuzz.sh: unknown target '$target'" >&2; exit 2; }
done
seconds="$2"
build="${MIXRUN_FUZZ_BUILD_DIR:-$root/build-fuzz}"
shared="${MIXRUN_SHARED_DATA:-$root/../shared/data}"

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMIXRUN_FUZZ=ON >/dev/null
cmake --build "$build" -j "$(nproc)" $(printf -- '--target %s_fuzz ' "${chosen[@]}") >/dev/null

# The seed corpus of a target, gathered into a fresh folder.
gather_seeds() {
  local target="$1" seeds="$2" file i=0
  rm -rf "$seeds" && mkdir -p "$seeds"
  case "$target" in
    config) cp "$root"/configs/examples/*.json "$root"/experiments/*/*.json "$seeds"/ ;;
    csv)  # the head of every released CSV: the shapes the importer meets, small enough to mutate
      while IFS= read -r -d '' file; do
        head -c 4096 "$file" >"$seeds/$((i++)).csv"
      done < <(find "$shared" -name '*.csv' -print0) ;;
    *) cp "$root/fuzz/seeds/$target"/* "$seeds"/ ;;
  esac
}

status=0
for target in "${chosen[@]}"; do
  corpus="$build/corpus/$target" seeds="$build/seeds/$target" findings="$build/findings/$target"
  mkdir -p "$corpus" "$findings"
  gather_seeds "$target" "$seeds"
  echo "fuzz: $target for ${seconds}s" >&2
  log="$build/findings/$target.log"
  if "$build/${target}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 \
      -max_len=16384 -print_final_stats=1 -artifact_prefix="$findings/" \
      "$corpus" "$seeds" >"$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^Done' "$log" | sed "s/^/  $target: /" >&2 || true
  else
    echo "fuzz: $target FOUND A PROBLEM (log $log):" >&2
    grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -10 | sed 's/^/  /' >&2
    status=1
  fi
done
exit "$status"
