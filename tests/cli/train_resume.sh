#!/usr/bin/env bash
# kill -9 in the middle of `mixrun train`, then train again: the run resumes from its checkpoint
# and ends with exactly the losses of an uninterrupted run (and of a second uninterrupted run).
source "$(dirname "$0")/common.bash"

copy_example_data
cat > "$WORK/resume.json" <<'JSON'
{
  "name": "resume",
  "domains": [{"name": "code", "paths": ["data/*.txt"]},
              {"name": "web", "paths": ["data/pages.jsonl"], "format": "jsonl"}],
  "target": {"weights": {"code": 0.5, "web": 0.5}},
  "mixtures": {"design": "explicit", "include": [{"code": 0.3, "web": 0.7}]},
  "models": [{"name": "small", "layers": 2, "d_model": 64, "heads": 4}],
  "train": {"tokens": 300000, "context": 64, "batch": 8, "lr": 0.003, "seeds": [7],
            "eval_every": 40, "eval_tokens": 2048, "checkpoint_every": 10}
}
JSON

final_losses() {  # the final value of every metric of the run, as CSV
  "$MIXRUN" export --store "$1" --experiment resume > "$WORK/export.csv"
  /usr/bin/python3 - "$WORK/export.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 1 and rows[0]["status"] == "done", rows
print(";".join(f"{k}={v}" for k, v in sorted(rows[0].items()) if k.startswith("metric/")))
PY
}

expect_exit 0 "$MIXRUN" train "$WORK/resume.json" --store "$WORK/a/a.db"
uninterrupted="$(final_losses "$WORK/a/a.db")"
case "$uninterrupted" in *"metric/eval/target/loss="*) ;; *) fail "no target loss: $uninterrupted";; esac

expect_exit 0 "$MIXRUN" train "$WORK/resume.json" --store "$WORK/c/c.db"
[ "$(final_losses "$WORK/c/c.db")" = "$uninterrupted" ] || fail "two identical runs differ"

"$MIXRUN" train "$WORK/resume.json" --store "$WORK/b/b.db" > /dev/null 2>&1 &
sweep=$!
for _ in $(seq 1 600); do
  if [ -n "$(find "$WORK/b/runs" -name '*.bin' -newer "$WORK/resume.json" 2>/dev/null)" ]; then break; fi
  sleep 0.05
done
sleep 0.3
# The worker process training the run, then the sweep: a hard crash of both, with no chance to
# checkpoint or to release the run (a SIGTERM or a killed sweep alone lets the worker do both).
worker="$(sqlite3 "$WORK/b/b.db" "SELECT pid FROM runs WHERE status = 'running'")"
[ -n "$worker" ] || fail "the run finished before it could be killed"
kill -9 "$worker" "$sweep" 2>/dev/null || fail "the run finished before it could be killed"
wait "$sweep" 2>/dev/null || true
expect_exit 0 "$MIXRUN" runs --store "$WORK/b/b.db" --json
expect_in "$WORK/out" '"status": "running"'

# As if the killed process had run on another node: its liveness cannot be checked, so a plain
# sweep leaves the run alone, and a sweep that is the store's sole writer (a Slurm shard) resumes it.
sqlite3 "$WORK/b/b.db" "UPDATE runs SET host = 'other-node'"
expect_exit 0 "$MIXRUN" train "$WORK/resume.json" --store "$WORK/b/b.db" --json
expect_in "$WORK/out" '"busy": 1'
expect_exit 0 "$MIXRUN" train "$WORK/resume.json" --store "$WORK/b/b.db" --sole-writer
expect_in "$WORK/err" "done"
resumed="$(final_losses "$WORK/b/b.db")"
[ "$resumed" = "$uninterrupted" ] || fail "resumed run differs:
  uninterrupted $uninterrupted
  resumed       $resumed"
expect_exit 0 "$MIXRUN" train "$WORK/resume.json" --store "$WORK/b/b.db" --json
expect_in "$WORK/out" '"already_done": 1'
[ "$(sqlite3 "$WORK/b/b.db" "SELECT COUNT(*) FROM metrics WHERE name = 'train/loss'")" = \
  "$(sqlite3 "$WORK/a/a.db" "SELECT COUNT(*) FROM metrics WHERE name = 'train/loss'")" ] \
  || fail "the resumed run has a different number of train/loss rows"
[ "$(sqlite3 "$WORK/b/b.db" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"

# SIGTERM, as `timeout`, scancel and Slurm's time limit send it: the run checkpoints where it is
# and returns to pending (not failed, and no attempt counted); it then ends as if never stopped.
set +e
timeout -s TERM 3 "$MIXRUN" train "$WORK/resume.json" --store "$WORK/d/d.db" > /dev/null 2> "$WORK/term.err"
set -e
[ "$(sqlite3 "$WORK/d/d.db" "SELECT status || ' ' || attempts FROM runs")" = "pending 0" ] \
  || { cat "$WORK/term.err" >&2; fail "a SIGTERMed run is not pending: $(sqlite3 "$WORK/d/d.db" 'SELECT status, attempts, error FROM runs')"; }
[ -n "$(find "$WORK/d/runs" -name checkpoint.bin)" ] || fail "no checkpoint written at SIGTERM"
expect_exit 0 "$MIXRUN" train "$WORK/resume.json" --store "$WORK/d/d.db"
[ "$(final_losses "$WORK/d/d.db")" = "$uninterrupted" ] || fail "the run resumed after SIGTERM differs"

# backend.timeout: the run is stopped and failed, saying why; its checkpoint is kept.
sed -i 's/"train": {/"backend": {"timeout": 1}, "train": {/' "$WORK/resume.json"
expect_exit 1 "$MIXRUN" train "$WORK/resume.json" --store "$WORK/e/e.db"
expect_exit 0 "$MIXRUN" runs --store "$WORK/e/e.db"
expect_in "$WORK/out" "timed out after 1 s (backend.timeout)"
echo "train_resume: ok"
