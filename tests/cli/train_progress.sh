#!/usr/bin/env bash
# What `mixrun train --jobs N` shows: off a terminal one line per finished run with its target loss
# and the sweep's count and ETA; on a terminal (script(1) gives it one) a live line per worker and
# the sweep's line, redrawn in place; -q and -v in either mode; Ctrl-C exits 130 with the
# interrupted runs counted, and the next sweep announces each resume and ends with the losses of
# an uninterrupted sweep.
source "$(dirname "$0")/common.bash"

write_six_runs_config
# interrupt_sweep STORE FLAGS...: a sweep of six.json into STORE gets Ctrl-C once 10 steps are
# stored, and must exit 130.
interrupt_sweep() {
  local store="$1"; shift
  INTERRUPT_STORE="$store" interrupt_when \
    "SELECT COUNT(*) >= 10 FROM metrics WHERE name = 'train/loss'" \
    "$MIXRUN" train "$WORK/six.json" --store "$store" "$@"
}
final_losses() {
  sqlite3 "$1" "SELECT r.run_key, m.value FROM runs AS r JOIN final_metrics AS m ON m.run_id = r.id
                WHERE m.name = 'eval/target/loss' ORDER BY r.run_key"
}

# Off a terminal: a line per finished run, nothing redrawn.
expect_exit 0 "$MIXRUN" train "$WORK/six.json" --store "$WORK/a/a.db" --jobs 2
[ "$(grep -c "done: target loss [0-9.]* nats" "$WORK/err")" = 6 ] || { cat "$WORK/err"; fail "not one line per run"; }
expect_in "$WORK/err" "six: 6/6 done, 0 failed, 0 running, 0 pending"
expect_in "$WORK/err" "six: 6 runs planned; 6 trained now, 0 were done, 0 failed"
if grep -q $'\r\|\033' "$WORK/err" || grep -q "step [0-9]*/[0-9]*" "$WORK/err"; then
  cat -v "$WORK/err"; fail "live lines drawn off a terminal"
fi
reference="$(final_losses "$WORK/a/a.db")"

# -q: nothing but warnings; -v: each run's start too, with one worker as with several.
expect_exit 0 "$MIXRUN" train "$WORK/six.json" --store "$WORK/b/b.db" --jobs 2 --max-runs 2 -q
[ ! -s "$WORK/err" ] || { cat "$WORK/err"; fail "-q printed"; }
expect_exit 0 "$MIXRUN" train "$WORK/six.json" --store "$WORK/b/b.db" --jobs 1 --max-runs 2 -v
[ "$(grep -c "training run [0-9]* (" "$WORK/err")" = 2 ] || { cat "$WORK/err"; fail "-v: no run starts"; }
[ "$(grep -c "done: target loss" "$WORK/err")" = 2 ] || fail "-v: not one line per run"

# On a terminal: one live line per worker (its run, step, loss, ETA) and the sweep's line.
script -qec "'$MIXRUN' train '$WORK/six.json' --store '$WORK/t/t.db' --jobs 2" "$WORK/tty.log" \
  > /dev/null || fail "the sweep on a terminal failed"
grep -q "\] step [0-9]*/234  loss [0-9.]*  [0-9.]*K* tok/s  ETA [0-9]*:[0-9][0-9]" "$WORK/tty.log" \
  || { cat -v "$WORK/tty.log" | tail; fail "no live worker line"; }
grep -q "six: [0-9]/6 done, 0 failed, [0-2] running, [0-6] pending · .* tok/s · ETA" "$WORK/tty.log" \
  || fail "no live sweep line"
grep -q $'\033\\[1A\033\\[K' "$WORK/tty.log" || fail "the live lines are not redrawn in place"
[ "$(grep -c "done: target loss" "$WORK/tty.log")" = 6 ] || fail "a finished run not logged on a terminal"
[ "$(final_losses "$WORK/t/t.db")" = "$reference" ] || fail "the losses depend on the display"

# Ctrl-C in the middle: exit 130, the interrupted runs counted; the next sweep resumes them.
interrupt_sweep "$WORK/c/c.db" --jobs 2
grep -q "six: 6 runs planned; [0-9] trained now, 0 were done, 0 failed, [12] interrupted (they resume from their checkpoints next time)" \
  "$WORK/int.err" || { cat "$WORK/int.err"; fail "the summary does not count the interrupted runs"; }
expect_exit 0 "$MIXRUN" train "$WORK/six.json" --store "$WORK/c/c.db" --jobs 2
grep -q "resuming from step [0-9]* of 234 (its checkpoint)" "$WORK/err" || { cat "$WORK/err"; fail "resume not announced"; }
[ "$(final_losses "$WORK/c/c.db")" = "$reference" ] || fail "the interrupted sweep's losses differ"

# In one process (--in-process) too.
interrupt_sweep "$WORK/d/d.db" --in-process
expect_in "$WORK/int.err" "1 interrupted"
expect_exit 0 "$MIXRUN" train "$WORK/six.json" --store "$WORK/d/d.db" --in-process
expect_in "$WORK/err" "resuming from step"
echo "train_progress: ok"
