#!/usr/bin/env bash
# The command backend fails a run whose trainer exits 0 but wrote no metric rows, or no final
# eval loss: such a run is not done (issue 12), and `mixrun runs` says why.
source "$(dirname "$0")/common.bash"

mkdir -p "$WORK/data"
echo "some code" > "$WORK/data/a.txt"
echo "some prose" > "$WORK/data/b.txt"
cat > "$WORK/trainer.sh" <<'SH'
#!/usr/bin/env bash
# Seed 1 writes an empty metrics.jsonl; seed 2 only a training loss (no eval/*/loss).
run_dir="$1" seed="$2"
: > "$run_dir/metrics.jsonl"
if [ "$seed" = 2 ]; then
  echo '{"step": 10, "tokens": 1000, "name": "train/loss", "value": 2.5}' > "$run_dir/metrics.jsonl"
fi
SH
chmod +x "$WORK/trainer.sh"
cat > "$WORK/cmd.json" <<'JSON'
{
  "name": "cmd",
  "domains": [{"name": "code", "paths": ["data/a.txt"]}, {"name": "prose", "paths": ["data/b.txt"]}],
  "mixtures": {"design": "explicit", "include": [{"code": 0.25, "prose": 0.75}]},
  "models": [{"name": "theirs", "layers": 1, "d_model": 8, "heads": 1}],
  "train": {"tokens": 5000, "seeds": [1, 2]},
  "backend": {"kind": "command", "command": ["./trainer.sh", "{run_dir}", "{seed}"]}
}
JSON
expect_exit 1 "$MIXRUN" train "$WORK/cmd.json" --store "$WORK/s.db"
expect_in "$WORK/err" "2 failed"
[ "$(sqlite3 "$WORK/s.db" "SELECT COUNT(*) FROM runs WHERE status = 'done'")" = 0 ] || fail "done count"
[ "$(sqlite3 "$WORK/s.db" "SELECT COUNT(*) FROM runs WHERE status = 'failed'")" = 2 ] || fail "failed count"
expect_exit 0 "$MIXRUN" runs --store "$WORK/s.db"
expect_in "$WORK/out" "metrics.jsonl: the trainer wrote no metrics"
expect_in "$WORK/out" "the trainer wrote no eval/target/loss and no eval/code/loss, eval/prose/loss"
echo "command_backend_no_metrics: ok"
