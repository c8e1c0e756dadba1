#!/usr/bin/env bash
# The demo on a new machine: install, build, make the corpus, then the whole loop
# (scripts/demo-loop.sh, into runs/demo) — plan, train 17 proxy runs, fit the data mixing law,
# recommend a mixture, train it beside the natural and uniform mixtures, compare predicted with
# actual target loss and write the HTML report. About 5 minutes on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
start=$(date +%s)
"$root/scripts/install-deps.sh"
MIXRUN_BUILD_TARGETS=mixrun "$root/scripts/build.sh"
mixrun="${MIXRUN_BUILD_DIR:-$root/build}/mixrun"
demo="$root/runs/demo"
store="$demo/demo.db"
step() { printf '\n== %s\n' "$*"; }

step "corpus: four domains of text from this machine"
"$root/scripts/make-demo-corpus.sh" "$demo/data"

"$root/scripts/demo-loop.sh" "$mixrun" "$demo"
echo
echo "demo finished in $(( $(date +%s) - start )) s; the store is $store"
