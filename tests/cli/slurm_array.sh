#!/usr/bin/env bash
# Against a real single-node Slurm (scripts/slurm-local.sh, private to this test): a 6-run study
# as a 3-task array is submitted, waited for and collected (all 6 runs done once); a requeued
# task changes nothing on the next collect; a task killed mid-run (kill -9) is finished by
# resubmitting the array, with no run trained twice to completion; the signal before the time
# limit makes the task checkpoint and requeue itself. Skips (exit 0, "SKIPPED")
# only where Slurm is not installed or cannot start.
source "$(dirname "$0")/common.bash"
source "$(dirname "$0")/slurm_common.bash"

skip() { echo "SKIPPED: $*"; exit 0; }
for tool in slurmctld slurmd munged sbatch squeue scontrol; do
  command -v "$tool" > /dev/null \
    || skip "$tool not installed (scripts/install-deps.sh installs Slurm)"
done
[ "$(id -u)" -eq 0 ] || skip "the local Slurm runs as root"

# A Slurm of our own: its own folder and ports, so a developer's local Slurm can run beside it.
export MIXRUN_SLURM_DIR="$WORK/slurm-local"
export MIXRUN_SLURM_PORT=$((20000 + ($$ % 5000) * 2))
SLURM_LOCAL="$SOURCE_DIR/scripts/slurm-local.sh"
cleanup() {
  "$SLURM_LOCAL" stop > /dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
began=$(date +%s.%N)
if ! "$SLURM_LOCAL" start 2> "$WORK/slurm-start.log"; then
  cat "$WORK/slurm-start.log"
  tail -n 5 "$MIXRUN_SLURM_DIR"/log/*.log 2>/dev/null || true
  skip "the local Slurm did not start"
fi
echo "slurm started in $(echo "$(date +%s.%N) - $began" | bc) s"
eval "$("$SLURM_LOCAL" env)"

# wait_job JOB: until no task of the job is queued or running (at most 90 s).
wait_job() {
  for _ in $(seq 1 450); do
    [ -z "$(squeue -h -j "$1" -o %i 2>/dev/null)" ] && return 0
    sleep 0.2
  done
  squeue -r -j "$1" >&2
  fail "job $1 still not finished after 90 s"
}
task_states() { squeue -h -r -t all -j "$1" -o '%i %T' | sort; }
submit_json() {  # submit_json ARGS...: submits, prints the job id
  expect_exit 0 "$MIXRUN" submit "$@" --json
  /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["job_id"])' "$WORK/out"
}
sql() { sqlite3 "$1" "$2"; }

# --- 1. submit, wait, collect: every run done once ---------------------------------------------
write_study arr 40000
# sbatch refusing (no such partition) is exit 2 with its message.
expect_exit 2 "$MIXRUN" submit "$WORK/arr.json" --slurm --array-size 3 --partition nosuch
expect_in "$WORK/err" "sbatch refused"

began=$(date +%s.%N)
job=$(submit_json "$WORK/arr.json" --slurm --array-size 3 --parallel 2)
[ -x "$WORK/slurm/arr/submit.sbatch" ] || fail "no script written"
wait_job "$job"
echo "array of 3 tasks (6 runs) finished in $(echo "$(date +%s.%N) - $began" | bc) s"
states="$(task_states "$job")"
[ "$states" = "${job}_0 COMPLETED
${job}_1 COMPLETED
${job}_2 COMPLETED" ] || { cat "$WORK"/slurm/arr/logs/* >&2; fail "task states: $states"; }

expect_exit 0 "$MIXRUN" status "$WORK/arr.json"
expect_in "$WORK/out" "COMPLETED"
expect_in "$WORK/out" "6 pending"   # the main store, before collecting
expect_in "$WORK/out" "6 done"      # the shards
expect_exit 0 "$MIXRUN" status "$WORK/arr.json" --json
/usr/bin/python3 - "$WORK/out" <<'PY' || fail "status --json: $(cat "$WORK/out")"
import json, sys
status = json.load(open(sys.argv[1]))
assert status["slurm_source"] == "squeue" and status["array_size"] == 3, status
# Each task trained exactly the runs submit planned for it (index = task mod 3).
for task in status["tasks"]:
    assert task["slurm_state"] == "COMPLETED", task
    assert task["planned"] == 2 and task["runs"] == {"done": 2}, task
assert status["newest"] == {"done": 6} and status["main_store"] == {"pending": 6}, status
PY

began=$(date +%s.%N)
expect_exit 0 "$MIXRUN" collect "$WORK/arr.json"
echo "collect of 3 shards took $(echo "$(date +%s.%N) - $began" | bc) s"
expect_in "$WORK/out" "every run is done"
[ "$(sql "$WORK/arr.db" "SELECT COUNT(*), SUM(status = 'done'), COUNT(DISTINCT run_key),
                                SUM(attempts) FROM runs")" = "6|6|6|6" ] \
  || fail "main store: $(sql "$WORK/arr.db" 'SELECT run_key, status, attempts FROM runs')"
[ "$(sql "$WORK/arr.db" "SELECT COUNT(DISTINCT n) FROM (SELECT COUNT(*) AS n FROM metrics
     WHERE name = 'train/loss' GROUP BY run_id)")" = 1 ] || fail "loss histories differ in length"
[ "$(sql "$WORK/arr.db" "SELECT COUNT(*) FROM metrics WHERE name = 'eval/target/loss'")" -ge 6 ] \
  || fail "no evaluations merged"
[ "$(cat "$WORK"/slurm/arr/logs/*.out | grep -c ' done: ')" = 6 ] || fail "runs trained != 6"

# --- 2. a requeued task runs again and changes nothing ------------------------------------------
before="$(sqlite3 "$WORK/arr.db" .dump | md5sum)"
began=$(date +%s.%N)
scontrol requeue "${job}_1" || fail "scontrol requeue failed"
for _ in $(seq 1 300); do
  grep -q "restart 1" "$WORK/slurm/arr/logs/${job}_1.out" && break
  sleep 0.2
done
grep -q "restart 1" "$WORK/slurm/arr/logs/${job}_1.out" || fail "the requeued task did not start"
wait_job "$job"
echo "requeued task ran again after $(echo "$(date +%s.%N) - $began" | bc) s"
[ "$(task_states "$job" | grep -c COMPLETED)" = 3 ] || fail "after requeue: $(task_states "$job")"
expect_exit 0 "$MIXRUN" collect "$WORK/arr.json" --json
/usr/bin/python3 - "$WORK/out" <<'PY' || fail "collecting again changed something"
import json, sys
report = json.load(open(sys.argv[1]))
assert len(report["shards"]) == 3, report
assert all(s["added"] == 0 and s["updated"] == 0 for s in report["shards"]), report
assert report["unfinished"] == [] and report["errors"] == [], report
PY
[ "$(sqlite3 "$WORK/arr.db" .dump | md5sum)" = "$before" ] || fail "the main store changed"
# The requeued task found its runs done: nothing trained twice.
[ "$(cat "$WORK"/slurm/arr/logs/*.out | grep -c ' done: ')" = 6 ] || fail "a run was retrained"

# --- 3. a task's worker killed mid-run; the task retries the run, no run trained twice ----------
write_study kill 100000
job=$(submit_json "$WORK/kill.json" --slurm --array-size 3)
# While its tasks are queued or running, the study is not submitted again (shared shard stores).
expect_exit 2 "$MIXRUN" submit "$WORK/kill.json" --slurm
expect_in "$WORK/err" "tasks queued or running"
shard="$WORK/slurm/kill/shards/1.db"
victim=""
for _ in $(seq 1 600); do
  # The first run of task 1 once it has written a checkpoint: kill -9 its trainer.
  row="$(sqlite3 "$shard" "SELECT pid, substr(run_key, 1, 16) FROM runs WHERE status = 'running'" \
           2>/dev/null | head -n 1 || true)"
  if [ -n "$row" ] && [ -n "$(find "$WORK/slurm/kill/shards/runs" -path "*${row#*|}*" -type f \
                                2>/dev/null)" ]; then
    victim="${row%%|*}"
    break
  fi
  sleep 0.05
done
[ -n "$victim" ] || fail "task 1 never had a run in progress"
kill -9 "$victim" || fail "the trainer of task 1 finished before it could be killed"
wait_job "$job"
# The task's sweep retries the run whose worker died: it resumes from its checkpoint and the task
# completes (before workers, the whole task died with its run and had to be resubmitted).
[ "$(task_states "$job" | grep -c COMPLETED)" = 3 ] || fail "killed worker: $(task_states "$job")"
expect_exit 0 "$MIXRUN" collect "$WORK/kill.json"
expect_in "$WORK/out" "every run is done"
[ "$(sql "$WORK/kill.db" "SELECT COUNT(*), SUM(status = 'done') FROM runs")" = "6|6" ] \
  || fail "not all done: $(sql "$WORK/kill.db" 'SELECT run_key, status FROM runs')"
# The killed run was claimed twice (killed, then resumed: 7|2; 6|1 should the kill have fallen
# between two runs), every other run once; each finished once.
case "$(sql "$WORK/kill.db" "SELECT SUM(attempts), MAX(attempts) FROM runs")" in
  "7|2" | "6|1") ;;
  *) fail "attempts: $(sql "$WORK/kill.db" "SELECT SUM(attempts), MAX(attempts) FROM runs")" ;;
esac
[ "$(cat "$WORK"/slurm/kill/logs/*.out | grep -c ' done: ')" = 6 ] \
  || fail "runs completed $(cat "$WORK"/slurm/kill/logs/*.out | grep -c ' done: ') times, not 6"
[ "$(sql "$WORK/kill.db" "SELECT COUNT(DISTINCT n) FROM (SELECT COUNT(*) AS n FROM metrics
     WHERE name = 'train/loss' GROUP BY run_id)")" = 1 ] || fail "the resumed run's history differs"
[ "$(sql "$WORK/kill.db" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"

# --- 4. the signal before the time limit: the run checkpoints, the task requeues itself -------
# (Slurm sends USR1 to the batch shell --signal's seconds before the limit; sent here at once.)
write_study sig 100000
job=$(submit_json "$WORK/sig.json" --slurm --array-size 1)
for _ in $(seq 1 600); do
  [ -n "$(find "$WORK/slurm/sig/shards/runs" -type f 2>/dev/null)" ] && break
  sleep 0.05
done
scancel --batch --signal=USR1 "${job}_0" || fail "scancel --signal failed"
for _ in $(seq 1 300); do
  grep -q "restart 1" "$WORK/slurm/sig/logs/${job}_0.out" && break
  sleep 0.2
done
wait_job "$job"
log="$WORK/slurm/sig/logs/${job}_0.out"
expect_in "$log" "interrupted; it resumes from its checkpoint"
expect_in "$log" "requeueing the task"
expect_in "$log" "restart 1"
[ "$(task_states "$job")" = "${job}_0 COMPLETED" ] || fail "after requeue: $(task_states "$job")"
expect_exit 0 "$MIXRUN" collect "$WORK/sig.json"
expect_in "$WORK/out" "every run is done"
# The interrupted run was claimed twice, but an interruption is not an attempt: one each.
[ "$(sql "$WORK/sig.db" "SELECT SUM(attempts), MAX(attempts) FROM runs")" = "6|1" ] \
  || fail "attempts: $(sql "$WORK/sig.db" 'SELECT run_key, attempts FROM runs')"
[ "$(grep -c ' done: ' "$log")" = 6 ] || fail "runs completed $(grep -c ' done: ' "$log") times"
echo "slurm_array: ok"
