#!/usr/bin/env bash
# Parallel sweeps: `mixrun train --jobs 2` killed with -9 at random moments, then rerun, ends with
# every run done exactly once and the same losses as an uninterrupted sweep; two `mixrun train`
# processes on one store train each run once.
source "$(dirname "$0")/common.bash"

write_six_runs_config

final_metrics() {
  "$MIXRUN" export --store "$1" --experiment six > "$WORK/export.csv"
  /usr/bin/python3 - "$WORK/export.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 6 and all(r["status"] == "done" for r in rows), [r["status"] for r in rows]
for r in sorted(rows, key=lambda r: r["run_key"]):
    print(r["run_key"][:12], *(f"{k}={v}" for k, v in sorted(r.items()) if k.startswith("metric/")))
PY
}

expect_exit 0 "$MIXRUN" train "$WORK/six.json" --store "$WORK/ref/ref.db" --jobs 2
reference="$(final_metrics "$WORK/ref/ref.db")"

store="$WORK/killed/k.db"
# Four kills at random moments; on a loaded machine (sanitizers, parallel tests) workers start
# late, so later kills follow until one has landed in the middle of a run.
kills=0
for delay in 0.7 1.3 0.4 1.9 2.6 3.4 4.2 5.0; do
  "$MIXRUN" train "$WORK/six.json" --store "$store" --jobs 2 > /dev/null 2>> "$WORK/killed.err" &
  sweep=$!
  sleep "$delay"
  kill -9 "$sweep" 2>/dev/null || true
  wait "$sweep" 2>/dev/null || true
  sleep 0.3  # the orphaned workers checkpoint and return their runs
  kills=$((kills + 1))
  if [ "$kills" -ge 4 ] && grep -q "interrupted; it resumes from its checkpoint" "$WORK/killed.err"; then
    break
  fi
done
expect_exit 0 "$MIXRUN" train "$WORK/six.json" --store "$store" --jobs 2
[ "$(final_metrics "$store")" = "$reference" ] || fail "killed-and-resumed sweep differs:
$(final_metrics "$store")
---
$reference"
[ "$(sqlite3 "$store" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
# A killed sweep's workers checkpoint and return their runs (an interruption is no attempt).
grep -q "interrupted; it resumes from its checkpoint" "$WORK/killed.err" \
  || fail "no kill landed in the middle of a run"
[ "$(sqlite3 "$store" "SELECT MAX(attempts) FROM runs")" = 1 ] || fail "an interruption counted as an attempt"
[ "$(sqlite3 "$store" "SELECT COUNT(*) FROM runs WHERE status = 'done'")" = 6 ] || fail "not 6 done"
[ "$(sqlite3 "$store" "SELECT COUNT(*) FROM metrics WHERE name = 'train/loss'")" = \
  "$(sqlite3 "$WORK/ref/ref.db" "SELECT COUNT(*) FROM metrics WHERE name = 'train/loss'")" ] \
  || fail "metric rows differ from the uninterrupted sweep"

# Two independent processes on one store: every run claimed (and so trained) exactly once.
two="$WORK/two/t.db"
"$MIXRUN" train "$WORK/six.json" --store "$two" -q &
first=$!
"$MIXRUN" train "$WORK/six.json" --store "$two" -q &
second=$!
wait "$first" || fail "first sweep failed"
wait "$second" || fail "second sweep failed"
[ "$(sqlite3 "$two" "SELECT COUNT(*) FROM runs WHERE status = 'done' AND attempts = 1")" = 6 ] \
  || fail "a run was claimed twice: $(sqlite3 "$two" 'SELECT id, status, attempts, pid FROM runs')"
[ "$(sqlite3 "$two" 'SELECT COUNT(DISTINCT pid) FROM runs')" = 2 ] || echo "note: one process took all runs"
[ "$(final_metrics "$two")" = "$reference" ] || fail "concurrent sweep differs"
echo "train_jobs: ok"
