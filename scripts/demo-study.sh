#!/usr/bin/env bash
# The demo's study variant beside its one-shot design, at equal runs: `mixrun study` spends the
# demo's 17 runs as 9 up front (experiments/demo/demo-study.json) and two rounds of 4 suggested
# ones; then both recommendations (the one-shot demo's and the study's) are trained with three new
# seeds, and their measured target losses compared, seed by seed.
# Usage: demo-study.sh MIXRUN OUT_DIR
# OUT_DIR is a folder scripts/demo-loop.sh has run in (its store demo.db, with the one-shot fit,
# and recommended.json); when it has no recommended.json, demo-loop.sh runs there first. Needs the
# demo's corpus (scripts/make-demo-corpus.sh <repo>/runs/demo/data). About 4 minutes on 2 cores.
set -euo pipefail
mixrun="${1:?usage: demo-study.sh MIXRUN OUT_DIR}"
out="${2:?usage: demo-study.sh MIXRUN OUT_DIR}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$root/runs/demo/data"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
store="$out/demo.db"
step() { printf '\n== %s\n' "$*"; }
source "$root/scripts/demo-common.bash"

if [[ ! -f "$out/recommended.json" ]]; then
  step "the one-shot demo first (scripts/demo-loop.sh)"
  "$root/scripts/demo-loop.sh" "$mixrun" "$out"
fi

step "the study: 9 runs, then rounds of 4 suggested runs up to 17 (the one-shot demo's count)"
"$mixrun" study "$root/experiments/demo/demo-study.json" --store "$store" --budget 17 --batch 4 \
  --law mixing --bootstrap 100 --jobs 2
study_fit="$("$mixrun" fits --store "$store" --experiment demo-study --law mixing --last --id-only)"
"$mixrun" recommend --store "$store" --fit "$study_fit" --method optimize \
  --out "$out/study-recommended.json"

step "both recommendations, each trained with seeds 1, 2 and 3 (seeds neither design used)"
demo_config demo-compare "$data" '["recommended.json", "study-recommended.json"]' '[1, 2, 3]' \
  > "$out/compare.json"
"$mixrun" train "$out/compare.json" --store "$store" --jobs 2

step "measured target loss: one-shot (mix0) vs study (mix1), 17 runs each"
"$mixrun" runs --store "$store" --experiment demo-compare --json | python3 -c '
import json, statistics, sys
runs = [r for r in json.load(sys.stdin) if r["status"] == "done"]
by = {}
for r in runs:
    by.setdefault(r["label"].split("-")[0], {})[r["seed"]] = r["loss"]
one, study = by.get("mix0", {}), by.get("mix1", {})
seeds = sorted(set(one) & set(study))
print("seed  one-shot  study   study - one-shot")
for s in seeds:
    print(f"{s:>4}  {one[s]:.4f}    {study[s]:.4f}  {study[s] - one[s]:+.4f}")
if len(seeds) >= 2:
    d = [study[s] - one[s] for s in seeds]
    se = statistics.stdev(d) / len(d) ** 0.5
    print(f"mean  {statistics.mean(one[s] for s in seeds):.4f}    "
          f"{statistics.mean(study[s] for s in seeds):.4f}  {statistics.mean(d):+.4f} "
          f"(paired SE {se:.4f}); the study is better on {sum(x < 0 for x in d)} of {len(d)} seeds")'
