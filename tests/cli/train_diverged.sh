#!/usr/bin/env bash
# A run whose loss explodes but stays finite is stored failed with the reason (steps, losses,
# lr), not done; a normal run of the same study is done. With the command backend, a trainer's
# exploding eval history fails its run too, and one rising at the end is done with a warning
# that `mixrun runs` shows.
source "$(dirname "$0")/common.bash"

copy_example_data
study() {  # study NAME LR: the same tiny study at another learning rate
  cat > "$WORK/$1.json" <<JSON
{
  "name": "$1",
  "domains": [{"name": "code", "paths": ["data/*.txt"]},
              {"name": "web", "paths": ["data/pages.jsonl"], "format": "jsonl"}],
  "target": {"domain": "web"},
  "mixtures": {"design": "explicit", "include": [{"code": 0.5, "web": 0.5}]},
  "models": [{"name": "tiny", "layers": 1, "d_model": 32, "heads": 2}],
  "train": {"tokens": 40960, "context": 64, "batch": 8, "seeds": [0], "lr": $2,
            "schedule": "constant", "warmup": 0, "weight_decay": 0, "grad_clip": 0,
            "eval_every": 10, "eval_tokens": 2048}
}
JSON
}
status_of() { sqlite3 "$WORK/s.db" "SELECT status FROM runs JOIN experiments AS e ON e.id = experiment_id WHERE e.name = '$1'"; }

# Adam at lr 1 without clipping or decay: tens of nats, finite, to the end.
study exploding 1
expect_exit 1 "$MIXRUN" train "$WORK/exploding.json" --store "$WORK/s.db"
expect_in "$WORK/err" "1 failed"
expect_in "$WORK/err" "diverged: eval/target/loss rose from 5."
[ "$(status_of exploding)" = failed ] || fail "the exploding run is $(status_of exploding)"
expect_exit 0 "$MIXRUN" runs --store "$WORK/s.db" --experiment exploding
expect_in "$WORK/out" "diverged: eval/target/loss rose from 5."
expect_in "$WORK/out" " at step 80 (train.lr 1 too high?)"
[ "$(sqlite3 "$WORK/s.db" "SELECT COUNT(*) FROM metrics WHERE name = 'eval/target/loss' AND value > 10")" -gt 0 ] \
  || fail "the exploding run's losses were not kept"

study normal 0.003
expect_exit 0 "$MIXRUN" train "$WORK/normal.json" --store "$WORK/s.db"
[ "$(status_of normal)" = done ] || fail "the normal run is $(status_of normal)"
[ -z "$(sqlite3 "$WORK/s.db" "SELECT error FROM runs JOIN experiments AS e ON e.id = experiment_id WHERE e.name = 'normal' AND error IS NOT NULL")" ] \
  || fail "the normal run carries a note"

# The command backend: the trainer's metrics.jsonl is judged the same way.
mkdir -p "$WORK/cmd"
cat > "$WORK/cmd/trainer.sh" <<'SH'
#!/usr/bin/env bash
# A stand-in trainer writing the eval history of its seed: 1 explodes, 2 rises at the end.
run_dir="$1" seed="$2"
case "$seed" in
  1) losses="5.5 3.0 2.31 4.0 7.9" ;;
  2) losses="5.5 3.0 2.8 2.9 3.0" ;;
esac
step=0
for loss in $losses; do
  echo "{\"step\": $step, \"tokens\": $((step * 100)), \"name\": \"eval/target/loss\", \"value\": $loss}"
  step=$((step + 200))
done > "$run_dir/metrics.jsonl"
SH
chmod +x "$WORK/cmd/trainer.sh"
cat > "$WORK/cmd/cmd.json" <<'JSON'
{
  "name": "cmd",
  "domains": [{"name": "code", "paths": ["../data/*.txt"]}],
  "mixtures": {"design": "explicit", "include": [{"code": 1.0}]},
  "models": [{"name": "theirs", "layers": 1, "d_model": 8, "heads": 1}],
  "train": {"tokens": 5000, "seeds": [1, 2]},
  "backend": {"kind": "command", "command": ["./trainer.sh", "{run_dir}", "{seed}"]}
}
JSON
expect_exit 1 "$MIXRUN" train "$WORK/cmd/cmd.json" --store "$WORK/c.db"
expect_in "$WORK/err" "diverged: eval/target/loss rose from 2.31 at step 400 to 7.9 at step 800"
expect_in "$WORK/err" "warning: eval/target/loss rose over the last 3 evaluations"
expect_exit 0 "$MIXRUN" runs --store "$WORK/c.db"
expect_in "$WORK/out" "failed"
expect_in "$WORK/out" "  diverged: eval/target/loss rose from 2.31 at step 400 to 7.9 at step 800"
expect_in "$WORK/out" "warning: eval/target/loss rose over the last 3 evaluations (2.8 at step 400, 2.9 at step 600, 3 at step 800); its best was 2.8 at step 400"
[ "$(sqlite3 "$WORK/c.db" "SELECT status FROM runs WHERE error LIKE 'warning:%'")" = done ] \
  || fail "the rising run is not done with its warning"
echo "train_diverged: ok"
