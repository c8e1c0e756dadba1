#!/usr/bin/env bash
# A command trainer never outlives mixrun and is never started twice for one run; it is bounded by
# backend.timeout; a SIGTERM from outside (Slurm's time limit, scancel, `timeout`) returns its run
# to pending instead of failing it.
source "$(dirname "$0")/common.bash"

mkdir -p "$WORK/data"
echo "some code" > "$WORK/data/a.txt"
echo "some prose" > "$WORK/data/b.txt"
# The stand-in trainer logs each start, starts a child of its own, and writes its metrics once the
# file "$WORK/finish" exists; with "$WORK/stubborn" it ignores SIGTERM.
cat > "$WORK/trainer.sh" <<'SH'
#!/usr/bin/env bash
run_dir="$1" work="$2"
[ -e "$work/stubborn" ] && trap '' TERM
sleep 300 &
echo "$$ $!" >> "$work/starts"
while [ ! -e "$work/finish" ]; do sleep 0.1; done
kill "$!" 2>/dev/null
printf '{"step": 10, "tokens": 1000, "name": "eval/code/loss", "value": 2.0}\n{"step": 10, "tokens": 1000, "name": "eval/prose/loss", "value": 3.0}\n' > "$run_dir/metrics.jsonl"
SH
chmod +x "$WORK/trainer.sh"
write_config() {  # write_config BACKEND_EXTRA
  cat > "$WORK/cmd.json" <<JSON
{
  "name": "cmd",
  "domains": [{"name": "code", "paths": ["data/a.txt"]}, {"name": "prose", "paths": ["data/b.txt"]}],
  "target": {"weights": {"code": 0.5, "prose": 0.5}},
  "mixtures": {"design": "explicit", "include": [{"code": 0.25, "prose": 0.75}]},
  "models": [{"name": "theirs", "layers": 1, "d_model": 8, "heads": 1}],
  "train": {"tokens": 5000, "seeds": [1]},
  "backend": {"kind": "command", "command": ["./trainer.sh", "{run_dir}", "$WORK"] $1}
}
JSON
}
alive() { [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
wait_for_starts() {  # wait_for_starts N: until the trainer has started N times
  for _ in $(seq 1 200); do
    [ "$(wc -l < "$WORK/starts" 2>/dev/null || echo 0)" -ge "$1" ] && return 0
    sleep 0.05
  done
  fail "the trainer did not start"
}
wait_dead() {  # wait_dead SECONDS PID...: until every PID is gone
  local limit=$(( $1 * 20 )); shift
  for _ in $(seq 1 "$limit"); do
    local any=""
    for pid in "$@"; do alive "$pid" && any=1; done
    [ -z "$any" ] && return 0
    sleep 0.05
  done
  return 1
}
# Starts `mixrun train`, and once its trainer runs SIGKILLs the sweep and its worker (a hard crash:
# no chance to stop the trainer); sets $trainer and $child.
kill_mixrun_while_training() {
  "$MIXRUN" train "$WORK/cmd.json" --store "$WORK/s.db" > /dev/null 2>&1 &
  local sweep=$!
  wait_for_starts 1
  kill -9 "$(sqlite3 "$WORK/s.db" "SELECT pid FROM runs WHERE status = 'running'")" "$sweep"
  wait "$sweep" 2>/dev/null || true
  read -r trainer child < "$WORK/starts"
}
status_of_run() { sqlite3 "$WORK/s.db" "SELECT status FROM runs"; }

# 1. mixrun SIGKILLed (its sweep and its worker): the trainer and its child die with it.
write_config ', "stop_grace": 30'
kill_mixrun_while_training
wait_dead 5 "$trainer" "$child" || fail "the trainer outlived a SIGKILLed mixrun"

# 2. A trainer that ignores SIGTERM outlives mixrun for stop_grace seconds: meanwhile no second
# trainer starts for its run; after the grace it is killed, and the run trains again.
rm -f "$WORK/starts"
touch "$WORK/stubborn"
write_config ', "stop_grace": 3'
kill_mixrun_while_training
sleep 0.5
alive "$trainer" || fail "the stubborn trainer should still be in its grace period"
expect_exit 0 "$MIXRUN" train "$WORK/cmd.json" --store "$WORK/s.db" --json
expect_in "$WORK/err" "its lock is held by a trainer still running"
expect_in "$WORK/out" '"busy": 1'
[ "$(wc -l < "$WORK/starts")" = 1 ] || fail "a second trainer was started for the same run"
wait_dead 10 "$trainer" "$child" || fail "the stubborn trainer was not killed after its grace"
rm -f "$WORK/stubborn"
touch "$WORK/finish"
expect_exit 0 "$MIXRUN" train "$WORK/cmd.json" --store "$WORK/s.db"
[ "$(status_of_run)" = done ] || fail "the run did not train after its orphan was gone"
rm -f "$WORK/finish" "$WORK/starts" "$WORK/s.db"*

# 3. backend.timeout: the trainer is stopped and the run fails, saying why.
write_config ', "timeout": 1, "stop_grace": 1'
start=$SECONDS
expect_exit 1 "$MIXRUN" train "$WORK/cmd.json" --store "$WORK/s.db"
[ $((SECONDS - start)) -lt 15 ] || fail "the timeout did not stop the trainer"
[ "$(status_of_run)" = failed ] || fail "a timed-out run is not failed"
expect_exit 0 "$MIXRUN" runs --store "$WORK/s.db"
expect_in "$WORK/out" "timed out after 1 s (backend.timeout)"
read -r trainer child < "$WORK/starts"
wait_dead 5 "$trainer" "$child" || fail "a timed-out trainer lives on"
rm -f "$WORK/starts" "$WORK/s.db"*

# 4. SIGTERM to every process, as Slurm's time limit and scancel send it: the run is interrupted
# (pending), not failed, and trains next time.
write_config ''
"$MIXRUN" train "$WORK/cmd.json" --store "$WORK/s.db" > /dev/null 2> "$WORK/term.err" &
sweep=$!
wait_for_starts 1
worker="$(sqlite3 "$WORK/s.db" "SELECT pid FROM runs WHERE status = 'running'")"
read -r trainer child < "$WORK/starts"
kill -TERM "$trainer" "$child" "$worker" "$sweep"
set +e
wait "$sweep"
set -e
[ "$(status_of_run)" = pending ] || { cat "$WORK/term.err" >&2; fail "a SIGTERMed run is $(status_of_run), not pending"; }
touch "$WORK/finish"
expect_exit 0 "$MIXRUN" train "$WORK/cmd.json" --store "$WORK/s.db"
[ "$(status_of_run)" = done ] || fail "the interrupted run did not train next time"
echo "command_backend_faults: ok"
