#!/usr/bin/env bash
# mixrun submit --dry-run prints the job array script (array range, throttle, shard arguments)
# and writes or submits nothing; without sbatch, a real submit is a clear error (exit 2).
source "$(dirname "$0")/common.bash"
source "$(dirname "$0")/slurm_common.bash"
write_study dry 40000

expect_exit 0 "$MIXRUN" submit "$WORK/dry.json" --slurm --array-size 3 --parallel 2 --dry-run \
  --partition cpu --time 00:30:00 --mem 2G --sbatch-arg=--account=lab
script="$WORK/out"
expect_in "$script" "#!/bin/bash"
expect_in "$script" "#SBATCH --array=0-2%2"
expect_in "$script" "#SBATCH --job-name=mixrun-dry"
expect_in "$script" "#SBATCH --partition=cpu"
expect_in "$script" "#SBATCH --time=00:30:00"
expect_in "$script" "#SBATCH --mem=2G"
expect_in "$script" "#SBATCH --account=lab"
expect_in "$script" "#SBATCH --requeue"
expect_in "$script" "#SBATCH --signal=B:USR1@120"
expect_in "$script" "#SBATCH --chdir=$WORK/slurm/dry"
expect_in "$script" "#SBATCH --output=$WORK/slurm/dry/logs/%A_%a.out"
expect_in "$script" "train $WORK/dry.json --shard \"\${shard}/3\" --store \"shards/\${shard}.db\" --sole-writer"
expect_in "$script" "SLURM_RESTART_COUNT"
bash -n "$script" || fail "the script is not valid bash"
[ ! -e "$WORK/slurm" ] || fail "a dry run wrote the study folder"
[ ! -e "$WORK/dry.db" ] || fail "a dry run created the store"

# Defaults: one task per run, no throttle.
expect_exit 0 "$MIXRUN" submit "$WORK/dry.json" --slurm --dry-run
expect_in "$WORK/out" "#SBATCH --array=0-5"$'\n'
grep -q -- '--array=0-5%' "$WORK/out" && fail "a throttle without --parallel"
expect_in "$WORK/out" "--shard \"\${shard}/6\""
# More tasks than runs: one per run, with a warning.
expect_exit 0 "$MIXRUN" submit "$WORK/dry.json" --slurm --array-size 10 --dry-run
expect_in "$WORK/out" "#SBATCH --array=0-5"
expect_in "$WORK/err" "more than the 6 runs"
# JSON carries the script.
expect_exit 0 "$MIXRUN" submit "$WORK/dry.json" --slurm --array-size 2 --dry-run --json
expect_in "$WORK/out" '"array_size": 2'
expect_in "$WORK/out" '--array=0-1'

# Bad options name the flag; nothing is written.
expect_exit 2 "$MIXRUN" submit "$WORK/dry.json" --slurm --time 1h --dry-run
expect_in "$WORK/err" "--time"
expect_exit 2 "$MIXRUN" submit "$WORK/dry.json" --slurm --mem lots --dry-run
expect_in "$WORK/err" "--mem"

# No sbatch in PATH: exit 2 with a clear message.
expect_exit 2 env PATH=/nonexistent "$MIXRUN" submit "$WORK/dry.json" --slurm
expect_in "$WORK/err" "sbatch not found"
[ ! -e "$WORK/dry.db" ] && [ ! -e "$WORK/slurm" ] || fail "a refused submit wrote something"

# status and collect of a study never submitted: exit 2, saying so.
write_study never 40000
expect_exit 2 "$MIXRUN" status "$WORK/never.json"
expect_in "$WORK/err" "never submitted"
expect_exit 2 "$MIXRUN" collect "$WORK/never.json"
expect_in "$WORK/err" "no shard stores"
echo "slurm_dry_run: ok"
