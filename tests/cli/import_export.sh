#!/usr/bin/env bash
# Import and export through the CLI on the real released data; bad CSVs name file and line.
source "$(dirname "$0")/common.bash"
store="$WORK/s.db"

expect_exit 0 "$MIXRUN" import --store "$store" --experiment chinchilla --metric loss=loss \
  --n "Model Size" --c "Training FLOP" "$SHARED_DATA/epoch-chinchilla/svg_extracted_data.csv" --json
expect_in "$WORK/out" '"added": 245'
expect_exit 0 "$MIXRUN" import --store "$store" --experiment chinchilla --metric loss=loss \
  --n "Model Size" --c "Training FLOP" "$SHARED_DATA/epoch-chinchilla/svg_extracted_data.csv" --json
expect_in "$WORK/out" '"added": 0'
expect_exit 0 "$MIXRUN" runs --store "$store" --experiment chinchilla
expect_in "$WORK/out" "245 runs"

expect_exit 0 "$MIXRUN" export --store "$store" --experiment chinchilla
/usr/bin/python3 - "$WORK/out" "$SHARED_DATA/epoch-chinchilla/svg_extracted_data.csv" <<'PY' \
  || fail "export does not match the source"
import csv, sys
exported = list(csv.DictReader(open(sys.argv[1])))
source = list(csv.DictReader(open(sys.argv[2])))
assert len(exported) == len(source) == 245
pairs = {(float(r["Model Size"]), float(r["Training FLOP"]), float(r["loss"])) for r in source}
got = {(float(r["n_params"]), float(r["flops"]), float(r["metric/loss"])) for r in exported}
assert pairs == got, (len(pairs), len(got))
for r in exported:
    assert abs(float(r["n_tokens"]) * 6 * float(r["n_params"]) / float(r["flops"]) - 1) < 1e-12
PY
expect_exit 0 "$MIXRUN" export --store "$store" --history --format json
expect_in "$WORK/out" '"name": "loss"'

printf 'id,w_a,m_loss\n1,1,2.0\n2,1\n' > "$WORK/short.csv"
expect_exit 2 "$MIXRUN" import --store "$store" --experiment bad --weights-prefix w_ \
  --metrics-prefix m_ "$WORK/short.csv"
expect_in "$WORK/err" "$WORK/short.csv:3: expected 3 fields, found 2"
expect_exit 2 "$MIXRUN" import --store "$store" --experiment bad --metric loss "$WORK/short.csv"
expect_in "$WORK/err" "expected NAME=COLUMN"
expect_exit 2 "$MIXRUN" export --store "$store" --experiment nope
expect_in "$WORK/err" "no experiment named 'nope' (the store has: chinchilla)"

echo "not a database" > "$WORK/notes.db"
expect_exit 2 "$MIXRUN" import --store "$WORK/notes.db" --experiment x --metric loss=loss \
  "$SHARED_DATA/epoch-chinchilla/svg_extracted_data.csv"
expect_in "$WORK/err" "not a mixrun store"
[ "$(cat "$WORK/notes.db")" = "not a database" ] || fail "a foreign file was modified"
echo "import_export: ok"
