#!/usr/bin/env bash
# A model that passes validation but needs ~3 TiB to train: `plan` and `train` refuse it with
# exit 2, naming the model, the bytes needed (with their breakdown) and the bytes available,
# before allocating it (they used to build it to time it, and died of bad_alloc); no store is
# created. A model that fits shows its memory per run in the plan.
source "$(dirname "$0")/common.bash"

copy_example_data
cat > "$WORK/huge.json" <<'JSON'
{
  "name": "huge-study",
  "domains": [{"name": "code", "paths": ["data/*.txt"]},
              {"name": "web", "paths": ["data/pages.jsonl"], "format": "jsonl"}],
  "target": {"domain": "web"},
  "mixtures": {"design": "explicit", "include": [{"code": 0.5, "web": 0.5}]},
  "models": [{"name": "huge", "layers": 24, "d_model": 16384, "heads": 16}],
  "train": {"tokens": 1e6, "context": 128, "batch": 16, "seeds": [0]}
}
JSON
available_kib="$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)"
if [ "${available_kib:-0}" -gt $((4 * 1024 * 1024 * 1024)) ]; then
  echo "memory_refusal: skipped, this machine has over 4 TiB available"
  exit 0
fi

# expect_refused COMMAND...: exit 2 with the message, and a peak RSS far below the model's.
expect_refused() {
  expect_exit 2 /usr/bin/python3 - "$@" <<'PY'
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
if code == 2 and peak_mib > 512:
    sys.exit(f"exit 2, but a peak RSS of {peak_mib:.0f} MiB: the model was allocated")
sys.exit(code)
PY
  expect_in "$WORK/err" "model 'huge' needs 2.87 TiB of memory per training run (checkpoint staging"
  expect_in "$WORK/err" "AdamW moments 576 GiB, parameters 288 GiB, gradients 288 GiB, activations"
  expect_in "$WORK/err" ", but only "
  expect_in "$WORK/err" "(MemAvailable "
  expect_in "$WORK/err" " is available; make the model, train.batch or train.context smaller"
}

expect_refused "$MIXRUN" plan "$WORK/huge.json" --dry-run
expect_refused "$MIXRUN" plan "$WORK/huge.json" --store "$WORK/huge.db"
expect_refused "$MIXRUN" train "$WORK/huge.json" --store "$WORK/huge.db"
expect_refused "$MIXRUN" train "$WORK/huge.json" --store "$WORK/huge.db" --jobs 2
expect_in "$WORK/err" "5.74 TiB for 2 at once"
[ ! -e "$WORK/huge.db" ] || fail "a refused plan or train created the store"

# A model that fits: its peak memory per run is part of the plan.
expect_exit 0 "$MIXRUN" plan "$SOURCE_DIR/configs/examples/two-text-domains.json" --dry-run --json
/usr/bin/python3 - "$WORK/out" <<'PY' || fail "plan --json has no memory per run"
import json, sys
row = json.load(open(sys.argv[1]))["table"][0]
assert 1e6 < row["memory_bytes_per_run"] < 1e9, row
PY
expect_exit 0 "$MIXRUN" plan "$SOURCE_DIR/configs/examples/two-text-domains.json" --dry-run
expect_in "$WORK/out" "memory/run"
expect_in "$WORK/out" " MiB"
echo "memory_refusal: ok"
