#!/usr/bin/env bash
# Learning parity of mixrun's builtin trainer with PyTorch: the same GPT (2 layers, d 64, 4 heads,
# context 64, batch 16), the same data (an 80/20 mixture of two order-2 Markov sources written once
# as text files both read), the same hyper-parameters (lr 3e-3, 5% warmup then cosine to 10%,
# AdamW 0.9/0.95 wd 0.1 on matrices, clipping 1.0, 5% validation, the same evaluation windows), N
# seeds each, one run at a time on one thread. Prints each domain's final validation loss (nats per
# byte) as mean ± sd per trainer and the difference of the means in units of its standard error,
# sqrt(sd_m²/n + sd_t²/n); exits 1 when any domain differs by more than 2 standard errors.
# At the default 2M tokens per run the heavy domain ends near its entropy floor (a tight test,
# SE ~5e-4 nats) and the light one mid-way through learning its order-2 structure (seeds split
# between ~1.76 and ~2.0 nats in both trainers: a loose test); ~10 min on 2 busy cores.
# Builds nothing: point it at a build directory holding the mixrun binary.
# Usage: bench/train/parity.sh [BUILD_DIR]
#   SEEDS (5), TOKENS (2e6 per run), EVAL_TOKENS (16384 per domain), PARITY_KEEP=DIR (keep the
#   data, store and per-seed results there); PYTHON: the interpreter with torch (/usr/bin/python3,
#   Debian's python3-torch).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build}"
mixrun="$build/mixrun"
python="${PYTHON:-/usr/bin/python3}"
seeds="${SEEDS:-5}"
tokens="${TOKENS:-2e6}"
eval_tokens="${EVAL_TOKENS:-16384}"
if [[ ! -x "$mixrun" ]]; then
  echo "no $mixrun: build the mixrun target first" >&2
  exit 2
fi
if [[ -n "${PARITY_KEEP:-}" ]]; then
  work="$PARITY_KEEP"
  mkdir -p "$work"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi

"$python" "$here/parity_data.py" "$work/data" --context 64 >"$work/sources.json"
echo "sources (nats): $(cat "$work/sources.json")"

seed_list="$(seq -s, 0 $((seeds - 1)))"
cat >"$work/parity.json" <<EOF
{
  // Written by bench/train/parity.sh: the mixrun side of the learning-parity benchmark.
  "name": "parity",
  "domains": [
    {"name": "heavy", "paths": ["data/heavy.txt"]},
    {"name": "light", "paths": ["data/light.txt"]}
  ],
  "target": {"domain": "heavy"},
  "mixtures": {"design": "explicit", "include": [{"heavy": 0.8, "light": 0.2}]},
  "models": [{"name": "parity", "layers": 2, "d_model": 64, "heads": 4}],
  "train": {"tokens": $tokens, "context": 64, "batch": 16, "lr": 3e-3, "schedule": "cosine",
            "warmup": 0.05, "weight_decay": 0.1, "grad_clip": 1.0, "val_fraction": 0.05,
            "eval_tokens": $eval_tokens, "eval_every": 1000000, "checkpoint_every": 1000000,
            "seeds": [$seed_list]},
  "backend": {"threads": 1}
}
EOF
rm -f "$work/parity.db"
start=$SECONDS
if ! OMP_NUM_THREADS=1 "$mixrun" train "$work/parity.json" --store "$work/parity.db" \
  >"$work/mixrun.log" 2>&1; then
  tail -20 "$work/mixrun.log" >&2
  exit 1
fi
"$mixrun" export --store "$work/parity.db" --format json >"$work/mixrun.json"
echo "mixrun: $seeds seeds in $((SECONDS - start)) s"

start=$SECONDS
: >"$work/torch.jsonl"
for ((seed = 0; seed < seeds; ++seed)); do
  OMP_NUM_THREADS=1 "$python" "$here/parity_torch.py" --threads 1 --seed "$seed" \
    --domain "heavy=$work/data/heavy.txt:0.8" --domain "light=$work/data/light.txt:0.2" \
    --tokens "$tokens" --layers 2 --d-model 64 --heads 4 --context 64 --batch 16 --lr 3e-3 \
    --warmup 0.05 --weight-decay 0.1 --grad-clip 1.0 --val-fraction 0.05 \
    --eval-tokens "$eval_tokens" >>"$work/torch.jsonl"
done
echo "torch: $seeds seeds in $((SECONDS - start)) s"

"$python" - "$work/mixrun.json" "$work/torch.jsonl" <<'PY'
import json, math, statistics, sys
runs = json.load(open(sys.argv[1]))
theirs = [json.loads(line) for line in open(sys.argv[2])]
domains = sorted(k.split("/")[1] for k in runs[0]["metrics"] if k.startswith("eval/") and
                 k != "eval/target/loss")
failed = []
if len(runs) != len(theirs) or any(r["status"] != "done" for r in runs):
    failed.append(f"{sum(r['status'] == 'done' for r in runs)} mixrun runs done of {len(theirs)}")
print(f"{'domain':<8} {'mixrun mean ± sd':>20} {'torch mean ± sd':>20} {'diff':>8} {'SE':>7} "
      f"{'diff/SE':>8}")
for d in domains:
    ours = [r["metrics"][f"eval/{d}/loss"] for r in runs if r["status"] == "done"]
    ref = [t["eval"][d] for t in theirs]
    m1, m2 = statistics.mean(ours), statistics.mean(ref)
    s1, s2 = statistics.stdev(ours), statistics.stdev(ref)
    se = math.sqrt(s1 ** 2 / len(ours) + s2 ** 2 / len(ref))
    z = (m1 - m2) / se if se > 0 else (0.0 if m1 == m2 else math.inf)
    print(f"{d:<8} {m1:>11.4f} ± {s1:.4f} {m2:>11.4f} ± {s2:.4f} {m1 - m2:>+8.4f} {se:>7.4f} "
          f"{z:>+8.2f}")
    print(f"  mixrun per seed: {' '.join(f'{x:.4f}' for x in ours)}")
    print(f"  torch  per seed: {' '.join(f'{x:.4f}' for x in ref)}")
    if not abs(z) <= 2:
        failed.append(f"{d} beyond 2 SE")
print("parity: " + (f"FAIL ({', '.join(failed)})" if failed else
                    "within 2 standard errors on every domain"))
sys.exit(1 if failed else 0)
PY
