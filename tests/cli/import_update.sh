#!/usr/bin/env bash
# Re-importing rows whose values changed says so and keeps the stored ones; --update replaces
# them. A weight column naming the reserved domain 'target' is refused, naming file and column.
source "$(dirname "$0")/common.bash"
store="$WORK/s.db"
import() {
  "$MIXRUN" import --store "$store" --experiment e --on id --weights-prefix w_ --metrics-prefix m_ "$@"
}

printf 'id,w_a,w_b,m_loss\n1,0.5,0.5,2.5\n2,0.25,0.75,3.0\n3,1,0,4.0\n' > "$WORK/runs.csv"
expect_exit 0 import "$WORK/runs.csv" --json
expect_in "$WORK/out" '"added": 3'
printf 'id,w_a,w_b,m_loss\n1,0.5,0.5,2.5\n2,0.25,0.75,3.5\n3,1,0,4.0\n' > "$WORK/changed.csv"

expect_exit 0 import "$WORK/changed.csv" --json
expect_in "$WORK/out" '"differing": 1'
expect_in "$WORK/out" '"updated": 0'
expect_in "$WORK/err" \
  "1 runs already stored with different values: kept the stored ones; pass --update to replace them"
expect_in "$WORK/err" "2: loss stored 3, file 3.5"
expect_exit 0 "$MIXRUN" export --store "$store" --experiment e
expect_in "$WORK/out" ",3,"

expect_exit 0 import "$WORK/changed.csv" --update
expect_in "$WORK/err" "1 runs already stored with different values: replaced them with the file's"
expect_in "$WORK/err" "3 already present, 1 updated"
expect_exit 0 "$MIXRUN" export --store "$store" --experiment e --format json
/usr/bin/python3 - "$WORK/out" <<'PY' || fail "--update did not replace the stored value"
import json, sys
runs = {r["label"]: r for r in json.load(open(sys.argv[1]))}
assert len(runs) == 3, runs
assert runs["2"]["metrics"]["loss"] == 3.5, runs["2"]
assert runs["1"]["metrics"]["loss"] == 2.5, runs["1"]
PY

printf 'id,w_code,w_target,m_loss\n1,0.5,0.5,2.0\n' > "$WORK/target.csv"
expect_exit 2 "$MIXRUN" import --store "$store" --experiment t --weights-prefix w_ \
  --metrics-prefix m_ "$WORK/target.csv"
expect_in "$WORK/err" "$WORK/target.csv: column 'w_target' (--weights-prefix): 'target' is a reserved name"
expect_exit 2 "$MIXRUN" runs --store "$store" --experiment t
echo "import_update: ok"
