#!/usr/bin/env bash
# The command backend: the user's trainer runs from an argv template (no shell), its
# metrics.jsonl lands in the store; a trainer exiting 3 fails its run with the reason shown by
# `mixrun runs`, and the sweep goes on.
source "$(dirname "$0")/common.bash"

mkdir -p "$WORK/data"
echo "some code" > "$WORK/data/a.txt"
echo "some prose" > "$WORK/data/b.txt"
cat > "$WORK/trainer.sh" <<'SH'
#!/usr/bin/env bash
# A stand-in trainer: losses that depend on the mixture; seed 2 crashes.
run_dir="$1" seed="$2" tokens="$3" mixture="$4"
if [ "$seed" = 2 ]; then echo "simulated crash: CUDA out of memory" >&2; exit 3; fi
code=$(/usr/bin/python3 -c 'import json, sys; print(json.loads(sys.argv[1])["code"])' "$mixture")
for step in 0 5 10; do
  loss=$(/usr/bin/python3 -c "print(3.0 - 0.1 * $step)")
  echo "{\"step\": $step, \"tokens\": $((step * 100)), \"name\": \"train/loss\", \"value\": $loss}"
done > "$run_dir/metrics.jsonl"
/usr/bin/python3 -c "
import json
print(json.dumps({'step': 10, 'tokens': $tokens, 'name': 'eval/code/loss', 'value': 2.0 - $code}))
print(json.dumps({'step': 10, 'tokens': $tokens, 'name': 'eval/prose/loss', 'value': 1.0 + $code}))
" >> "$run_dir/metrics.jsonl"
SH
chmod +x "$WORK/trainer.sh"
cat > "$WORK/cmd.json" <<'JSON'
{
  "name": "cmd",
  "domains": [{"name": "code", "paths": ["data/a.txt"]}, {"name": "prose", "paths": ["data/b.txt"]}],
  "target": {"weights": {"code": 0.5, "prose": 0.5}},
  "mixtures": {"design": "explicit", "include": [{"code": 0.25, "prose": 0.75}, {"code": 1.0, "prose": 0.0}]},
  "models": [{"name": "theirs", "layers": 1, "d_model": 8, "heads": 1}],
  "train": {"tokens": 5000, "seeds": [1, 2]},
  "backend": {"kind": "command", "command": ["./trainer.sh", "{run_dir}", "{seed}", "{tokens}", "{mixture_json}"]}
}
JSON
expect_exit 1 "$MIXRUN" train "$WORK/cmd.json" --store "$WORK/s.db"
expect_in "$WORK/err" "2 trained now"
expect_in "$WORK/err" "2 failed"
expect_exit 0 "$MIXRUN" runs --store "$WORK/s.db"
expect_in "$WORK/out" "trainer exited with code 3; stderr: simulated crash: CUDA out of memory"
[ "$(sqlite3 "$WORK/s.db" "SELECT COUNT(*) FROM runs WHERE status = 'failed'")" = 2 ] || fail "failed count"
[ "$(sqlite3 "$WORK/s.db" "SELECT COUNT(*) FROM runs WHERE status = 'done' AND source = 'command'")" = 2 ] || fail "done count"
# eval/target/loss = 0.5 (2 - w) + 0.5 (1 + w) = 1.5 whatever the mixture.
[ "$(sqlite3 "$WORK/s.db" "SELECT DISTINCT value FROM final_metrics WHERE name = 'eval/target/loss'")" = 1.5 ] \
  || fail "target loss not combined"
[ "$(sqlite3 "$WORK/s.db" "SELECT e.loss FROM final_eval AS e JOIN run_weights AS w USING (run_id) WHERE e.domain = 'code' AND w.domain = 'code' AND w.weight = 0.25")" = 1.75 ] \
  || fail "per-domain loss not stored"
# The failed runs are retried only when asked, and fail the same way; a sweep that leaves them
# failed says so and exits 1, even when it trained nothing.
expect_exit 1 "$MIXRUN" train "$WORK/cmd.json" --store "$WORK/s.db"
expect_in "$WORK/err" "0 trained now, 2 were done, 0 failed (2 failed earlier)"
expect_in "$WORK/err" "2 runs of cmd are failed: 'mixrun runs --experiment cmd --status failed' shows why"
expect_in "$WORK/err" "--retry-failed' tries them again"
expect_exit 1 "$MIXRUN" train "$WORK/cmd.json" --store "$WORK/s.db" --retry-failed
[ "$(sqlite3 "$WORK/s.db" "SELECT MAX(attempts) FROM runs")" = 1 ] || fail "retry count (a retry starts its attempts anew)"

sed -i 's/{seed}/{sede}/' "$WORK/cmd.json"
expect_exit 2 "$MIXRUN" train "$WORK/cmd.json" --store "$WORK/t.db"
expect_in "$WORK/err" "$WORK/cmd.json: /backend/command/2: unknown placeholder {sede} (did you mean {seed}?)"
[ ! -e "$WORK/t.db" ] || fail "a bad config created a store"
echo "command_backend: ok"
