#!/usr/bin/env bash
# A run's step is one team of backend.threads: `mixrun train` says so when --jobs × threads asks
# for more threads than the machine has cores, and trains anyway; it says nothing when they fit.
source "$(dirname "$0")/common.bash"

write_six_runs_config
cores="$(nproc)"
/usr/bin/python3 - "$WORK/six.json" "$WORK/two_threads.json" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["name"] = "two_threads"
config["backend"] = {"kind": "builtin", "threads": 2}
json.dump(config, open(sys.argv[2], "w"))
PY

# --jobs <cores> runs of 2 threads each: twice the cores.
expect_exit 0 "$MIXRUN" train "$WORK/two_threads.json" --store "$WORK/a.db" --jobs "$cores" \
  --max-runs 1
expect_in "$WORK/err" "threads on $cores cores"
[ "$(sqlite3 "$WORK/a.db" "SELECT COUNT(*) FROM runs WHERE status = 'done'")" -ge 1 ] \
  || fail "the warned sweep did not train"

# One thread per job and no more jobs than cores: no warning.
expect_exit 0 "$MIXRUN" train "$WORK/six.json" --store "$WORK/b.db" --jobs "$cores" --max-runs 1
if grep -q "threads on" "$WORK/err"; then fail "warned without oversubscription"; fi
echo "train_threads: ok"
