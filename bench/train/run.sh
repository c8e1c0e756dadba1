#!/usr/bin/env bash
# Training-step throughput of mixrun's proxy GPT vs the same model in PyTorch on CPU, at 1 and 2
# threads, in one run. Builds nothing: point it at a build directory holding train_step_bench.
# Usage: bench/train/run.sh [BUILD_DIR] [extra shape flags, e.g. --d-model 128 --heads 4]
# Needs python3-torch (Debian) for the reference; set PYTHON to use another interpreter.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build}"
shift || true
bench="$build/train_step_bench"
python="${PYTHON:-/usr/bin/python3}"
if [[ ! -x "$bench" ]]; then
  echo "no $bench: build the train_step_bench target first" >&2
  exit 2
fi
steps="${STEPS:-10}"
declare -A ours_by_threads
for threads in 1 2; do
  # One BLAS/OpenMP configuration per process; torch reads its own thread count.
  ours="$(OMP_NUM_THREADS=$threads "$bench" --threads "$threads" --steps "$steps" "$@")"
  theirs="$(OMP_NUM_THREADS=$threads "$python" "$here/torch_reference.py" --threads "$threads" \
            --steps "$steps" "$@")"
  # The same steps again: a thread count must give the same bits (the loss after warm-up + steps).
  again="$(OMP_NUM_THREADS=$threads "$bench" --threads "$threads" --steps "$steps" "$@")"
  ours_by_threads[$threads]="$ours"
  echo "$ours"
  echo "$theirs"
  "$python" - "$ours" "$theirs" "$again" <<'PY'
import json, sys
ours, theirs, again = (json.loads(arg) for arg in sys.argv[1:4])
same = ours["loss"] == again["loss"]
print(f"threads {ours['threads']}: loss after the timed steps {ours['loss']!r}, again "
      f"{again['loss']!r}: {'bit-identical' if same else 'DIFFERENT'}")
ratio = ours["tokens_per_s"] / theirs["tokens_per_s"]
share = ours["gflops"] / max(ours["sgemm_gflops_qkv"], ours["sgemm_gflops_fc"])
print(f"threads {ours['threads']}: mixrun {ours['tokens_per_s']:.0f} tokens/s "
      f"({ours['gflops']:.1f} GFLOP/s, {100 * share:.0f}% of this machine's sgemm rate "
      f"{ours['sgemm_gflops_fc']:.1f} GFLOP/s), torch {theirs['tokens_per_s']:.0f} tokens/s "
      f"({theirs['gflops']:.1f} GFLOP/s): ratio {ratio:.2f}x")
profile = ours["profile_ms"]
step = ours["step_ms"]
print(f"threads {ours['threads']}: where mixrun's {step:.1f} ms step goes (ms, % of the step):")
for kernel in profile["forward"]:
    f, b = profile["forward"][kernel], profile["backward"][kernel]
    print(f"  {kernel:<14} forward {f:7.2f}  backward {b:7.2f}  ({100 * (f + b) / step:4.1f}%)")
print(f"  {'optimizer':<14} clip + AdamW {profile['optimizer']:7.2f}"
      f"  ({100 * profile['optimizer'] / step:4.1f}%)")
if ours["threads"] == 1:
    cpu_ratio = ours["cpu_tokens_per_s"] / theirs["cpu_tokens_per_s"]
    print(f"threads 1 per CPU-second (robust to other jobs on the machine): mixrun "
          f"{ours['cpu_tokens_per_s']:.0f}, torch {theirs['cpu_tokens_per_s']:.0f}: "
          f"ratio {cpu_ratio:.2f}x")
PY
done
# Two runs side by side on one thread each, as a sweep with --jobs 2 trains them.
side="$(mktemp)"
trap 'rm -f "$side"' EXIT
OMP_NUM_THREADS=1 "$bench" --threads 1 --steps "$steps" "$@" > "$side" &
beside="$(OMP_NUM_THREADS=1 "$bench" --threads 1 --steps "$steps" "$@")"
wait
"$python" - "${ours_by_threads[1]}" "${ours_by_threads[2]}" "$(cat "$side")" "$beside" <<'PY'
import json, sys
one, two, side, beside = (json.loads(arg) for arg in sys.argv[1:5])
print(f"mixrun on 2 threads / 1 thread: {two['tokens_per_s'] / one['tokens_per_s']:.2f}x; "
      f"two 1-thread runs side by side: {side['tokens_per_s'] + beside['tokens_per_s']:.0f} "
      f"tokens/s together")
PY
