#!/usr/bin/env bash
# The demo's loop, once its corpus is made (scripts/make-demo-corpus.sh <repo>/runs/demo/data, the
# folder experiments/demo/demo.json names): plan, train 17 proxy runs, fit the data mixing law,
# recommend a mixture, train it beside the natural and uniform mixtures, compare predicted with
# actual target loss and write the HTML report, printing "report: PATH".
# Usage: demo-loop.sh MIXRUN OUT_DIR
# Everything it writes is in OUT_DIR (the store demo.db with the runs' folders beside it,
# natural.json, recommended.json, verify.json, report/), so that scripts/demo.sh runs it on
# runs/demo and tests/cli/demo_report.sh on a scratch folder. It does not make the corpus: the
# tests read that folder while this runs, and remaking it would change it under them.
set -euo pipefail
mixrun="${1:?usage: demo-loop.sh MIXRUN OUT_DIR}"
out="${2:?usage: demo-loop.sh MIXRUN OUT_DIR}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="$root/experiments/demo/demo.json"
data="$root/runs/demo/data"
mkdir -p "$out"
out="$(cd "$out" && pwd)"  # absolute: verify.json and the printed paths name it
# --store everywhere: the config's own store is runs/demo/demo.db, whatever OUT_DIR is.
store="$out/demo.db"
step() { printf '\n== %s\n' "$*"; }
source "$root/scripts/demo-common.bash"

step "plan"
"$mixrun" plan "$config" --store "$store"

step "train the proxy runs (2 worker processes)"
"$mixrun" train "$config" --store "$store" --jobs 2

step "fit the data mixing law (Ye et al. 2024) to the per-domain losses"
"$mixrun" fit-law mixing --store "$store" --experiment demo --kfold 5 --bootstrap 200
fit_id="$("$mixrun" fits --store "$store" --experiment demo --law mixing --last --id-only)"

step "recommend the mixture for the target"
"$mixrun" recommend --store "$store" --fit "$fit_id" --method optimize --out "$out/recommended.json"

step "verify: train the recommended, natural and uniform mixtures"
# The natural mixture: each domain's share of the corpus's tokens, as plan counts them.
"$mixrun" plan "$config" --store "$store" --dry-run --json | python3 -c '
import json, sys
domains = json.load(sys.stdin)["domains"]
total = sum(d["tokens"] for d in domains)
print(json.dumps({d["name"]: d["tokens"] / total for d in domains}))' > "$out/natural.json"
# The corpus by absolute path: verify.json lives in OUT_DIR, wherever that is.
demo_config demo-verify "$data" '["recommended.json", "natural.json", "uniform"]' '[1]' \
  > "$out/verify.json"
"$mixrun" train "$out/verify.json" --store "$store" --jobs 2

step "the fits made, and the verification runs by target loss"
"$mixrun" fits --store "$store" --experiment demo
"$mixrun" runs --store "$store" --experiment demo-verify --sort loss

step "predicted vs actual target loss (mix0 = recommended, mix1 = natural, mix2 = uniform)"
"$mixrun" report --store "$store" --fit "$fit_id" --experiment demo-verify

step "the report: figures (gnuplot, inline SVG) with their data"
report="$("$mixrun" report --store "$store" --fit "$fit_id" --experiment demo-verify \
  --out "$out/report")"
echo "report: $report"
