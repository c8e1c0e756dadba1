#!/usr/bin/env bash
# A run whose process dies (the kernel's out-of-memory killer, a crash) does not stop the sweep:
# one `mixrun train` retries it, fails it after 3 attempts with the reason, and trains the others.
source "$(dirname "$0")/common.bash"

copy_example_data
cat > "$WORK/crash.json" <<'JSON'
{
  "name": "crash",
  "domains": [{"name": "code", "paths": ["data/*.txt"]},
              {"name": "web", "paths": ["data/pages.jsonl"], "format": "jsonl"}],
  "target": {"weights": {"code": 0.5, "web": 0.5}},
  "mixtures": {"design": "explicit", "include": [{"code": 0.3, "web": 0.7}, {"code": 0.7, "web": 0.3}]},
  "models": [{"name": "small", "layers": 1, "d_model": 32, "heads": 2}],
  "train": {"tokens": 200000, "context": 32, "batch": 8, "seeds": [1, 2],
            "eval_every": 100, "eval_tokens": 1024}
}
JSON
"$MIXRUN" train "$WORK/crash.json" --store "$WORK/s.db" > "$WORK/train.out" 2> "$WORK/train.err" &
sweep=$!
# Kill, as the out-of-memory killer would, whichever process trains the first planned run, each
# time it is claimed; the sweep itself lives on.
victim="" kills=0 last=""
for _ in $(seq 1 1200); do
  kill -0 "$sweep" 2>/dev/null || break
  [ -n "$victim" ] || victim="$(sqlite3 "$WORK/s.db" "SELECT id FROM runs WHERE status = 'running' ORDER BY id LIMIT 1" 2>/dev/null || true)"
  if [ -n "$victim" ]; then
    pid="$(sqlite3 "$WORK/s.db" "SELECT pid FROM runs WHERE id = $victim AND status = 'running'" 2>/dev/null || true)"
    if [ -n "$pid" ] && [ "$pid" != "$last" ]; then
      kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
      last="$pid"
    fi
  fi
  sleep 0.05
done
set +e
wait "$sweep"
code=$?
set -e
cat "$WORK/train.err" >&2
[ "$code" = 1 ] || fail "expected exit 1 (a run failed), got $code"
[ "$kills" = 3 ] || fail "expected the run's process killed 3 times (3 attempts), got $kills"
[ "$(sqlite3 "$WORK/s.db" "SELECT status || ' ' || attempts FROM runs WHERE id = $victim")" = "failed 3" ] \
  || fail "the crashing run is not failed after 3 attempts"
sqlite3 "$WORK/s.db" "SELECT error FROM runs WHERE id = $victim" > "$WORK/error"
expect_in "$WORK/error" "process died: it was killed by signal 9 (SIGKILL: the kernel's out-of-memory killer?) (attempt 3 of 3)"
[ "$(sqlite3 "$WORK/s.db" "SELECT COUNT(*) FROM runs WHERE status = 'done'")" = 3 ] \
  || fail "the other runs were not trained in the same sweep"
expect_in "$WORK/train.err" "it will be tried again"
expect_in "$WORK/train.err" "3 trained now"
echo "train_crash: ok"
