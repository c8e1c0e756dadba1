#!/usr/bin/env bash
# Peak memory of `mixrun import` on a large RegMix-shaped pair of CSVs (mixtures joined to losses on
# `index`): prints the CSVs' size, the import's peak RSS and wall time.
# Usage: bench/io/import_memory.sh MIXRUN [ROWS=200000] [WORKDIR=a temporary directory]
set -euo pipefail
mixrun="${1:?usage: $0 MIXRUN [ROWS] [WORKDIR]}"
rows="${2:-200000}"
work="${3:-$(mktemp -d)}"
mkdir -p "$work"
python3 - "$work" "$rows" <<'PY'
import random, sys
work, rows = sys.argv[1], int(sys.argv[2])
rng = random.Random(42)
weights = ["arxiv", "freelaw", "nih_exporter", "pubmed_central", "wikipedia_en", "dm_mathematics",
           "github", "philpapers", "stackexchange", "enron_emails", "gutenberg_pg_19", "pile_cc",
           "ubuntu_irc", "europarl", "hackernews", "pubmed_abstracts", "uspto_backgrounds"]
losses = [w for w in weights if w not in ("nih_exporter", "philpapers", "enron_emails", "europarl")]
with open(f"{work}/mixture.csv", "w") as mix, open(f"{work}/loss.csv", "w") as loss:
    mix.write(",".join(["index"] + [f"train_the_pile_{w}" for w in weights]) + "\n")
    loss.write(",".join(["index"] + [f"metric/the_pile_{w}_val_loss" for w in losses]) + "\n")
    for i in range(1, rows + 1):
        raw = [rng.random() ** 3 for _ in weights]
        total = sum(raw)
        mix.write(",".join([str(i)] + [f"{x / total:.3f}" for x in raw]) + "\n")
        loss.write(",".join([str(i)] + [repr(rng.uniform(2, 7)) for _ in losses]) + "\n")
PY
rm -f "$work/import.db"*
echo "CSV bytes: $(stat -c %s "$work/mixture.csv") + $(stat -c %s "$work/loss.csv")"
/usr/bin/time -v "$mixrun" import --store "$work/import.db" --experiment big --on index \
  --weights-prefix train_the_pile_ --metrics-prefix metric/the_pile_ \
  "$work/mixture.csv" "$work/loss.csv" 2>"$work/time.txt" >/dev/null || { cat "$work/time.txt"; exit 1; }
grep -E "Maximum resident set size|Elapsed \(wall clock\)" "$work/time.txt"
