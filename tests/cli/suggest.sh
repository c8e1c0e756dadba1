#!/usr/bin/env bash
# suggest on RegMix's 1M runs (a linear fit with bootstrap refits): a batch of mixtures within the
# bounds, apart from each other, the same for the same seed, written as a file a config's
# mixtures.include takes (and plan then plans them); a fit without refits is refused (exit 2).
source "$(dirname "$0")/common.bash"
store="$WORK/s.db"
regmix="$SHARED_DATA/regmix"

import_regmix_1m "$store"
expect_exit 0 "$MIXRUN" fit-law regmix --model linear --store "$store" --experiment regmix-1m \
  --metric pile_cc_val_loss --bootstrap 40 --json
expect_exit 0 "$MIXRUN" fit-law regmix --model linear --store "$store" --experiment regmix-1m \
  --metric pile_cc_val_loss --json  # no refits

expect_exit 0 "$MIXRUN" suggest --store "$store" --fit 1 --count 8 --max pile_cc=0.6 \
  --min-distance 0.1 --prior "$regmix/pile_token_prior.json" --seed 5 --out "$WORK/next.json"
expect_in "$WORK/out" "8 suggestions from fit 1 (regmix linear)"
expect_in "$WORK/out" "exploit: lowest loss the fit predicts"
expect_in "$WORK/out" "explore: lowest under bootstrap refit"
expect_in "$WORK/out" "prediction 95%: one run's loss"
expect_exit 0 "$MIXRUN" suggest --store "$store" --fit 1 --count 8 --max pile_cc=0.6 \
  --min-distance 0.1 --prior "$regmix/pile_token_prior.json" --seed 5 --json
/usr/bin/python3 - "$WORK/out" "$WORK/next.json" <<'PY' || fail "suggestions are off"
import json, sys
result, written = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
rows = result["suggestions"]
assert len(rows) == 8 and [r["mixture"] for r in rows] == written, "--json and --out differ, or a seed does not fix them"
assert [r["kind"] for r in rows] == ["exploit"] * 2 + ["explore"] * 6, [r["kind"] for r in rows]
for r in rows:
    w = r["mixture"]
    assert abs(sum(w.values()) - 1) < 1e-9 and len(w) == 17, w
    assert w["pile_cc"] <= 0.6 + 1e-9, w["pile_cc"]
    lo, hi = r["prediction_interval"]
    assert lo < r["predicted_loss"] < hi and r["mean_interval"][0] <= r["mean_interval"][1], r
for i, a in enumerate(written):
    for b in written[:i]:
        assert sum(abs(a[d] - b.get(d, 0)) for d in a) >= 0.1 - 1e-6, "two suggestions too close"
PY

# The file is a batch a config includes as it is.
domains="$(/usr/bin/python3 -c "import json; print(','.join('{\"name\": \"%s\", \"paths\": [\"data/code/*.txt\"]}' % d for d in sorted(json.load(open('$WORK/next.json'))[0])))")"
cat > "$WORK/next-runs.json" <<JSON
{"name": "next", "domains": [$domains],
 "mixtures": {"design": "explicit", "include": ["next.json"]},
 "models": [{"name": "s", "layers": 1, "d_model": 32, "heads": 2}],
 "train": {"tokens": 10000, "context": 32, "batch": 4}}
JSON
mkdir -p "$WORK/data/code" && cp "$SOURCE_DIR"/configs/examples/data/code/*.txt "$WORK/data/code/"
expect_exit 0 "$MIXRUN" plan "$WORK/next-runs.json" --dry-run --json
/usr/bin/python3 -c "import json, sys; j = json.load(open(sys.argv[1])); assert j['runs'] == 8, j['runs']" \
  "$WORK/out" || fail "the config did not plan the 8 suggestions"

# Another seed, another batch; a fit without bootstrap refits is refused.
expect_exit 0 "$MIXRUN" suggest --store "$store" --fit 1 --count 8 --max pile_cc=0.6 \
  --min-distance 0.1 --prior "$regmix/pile_token_prior.json" --seed 6 --out "$WORK/other.json"
cmp -s "$WORK/next.json" "$WORK/other.json" && fail "another seed gave the same batch"
expect_exit 2 "$MIXRUN" suggest --store "$store" --fit 2 --count 4
expect_in "$WORK/err" "has no bootstrap refits; refit it with --bootstrap"

# Multi-fidelity: a mixture-and-scale law on SlimPajama's runs up to 680M, the decision at 1.235B.
# Each suggestion gets the proxy scale of most information per FLOP, one of the runs' own, and
# --out writes one include file per scale; --train-at restricts the scales.
/usr/bin/python3 - "$SHARED_DATA/slimpajama-mixtures/runs.csv" "$WORK/slim.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
size = rows[0].index("model_size")
with open(sys.argv[2], "w", newline="") as out:
    csv.writer(out).writerows([rows[0]] + [r for r in rows[1:] if float(r[size]) <= 6.8e8])
PY
slim="$WORK/slim.db"
expect_exit 0 "$MIXRUN" import -q --store "$slim" --experiment slim --weights-prefix weight_ \
  --metric eval/c4/loss=c4_loss --n model_size --d n_tokens "$WORK/slim.csv"
expect_exit 0 "$MIXRUN" fit-law mixscale --store "$slim" --experiment slim --metric eval/c4/loss \
  --bootstrap 20 -q
expect_exit 2 "$MIXRUN" suggest --store "$slim" --fit 1 --count 4 --prior uniform
expect_in "$WORK/err" "give the decision's scale with --at N,D"
expect_exit 0 "$MIXRUN" suggest --store "$slim" --fit 1 --count 4 --prior uniform \
  --at 1.235e9,2.5e10 --out "$WORK/slim-next.json" --json
/usr/bin/python3 - "$WORK" "$WORK/slim.csv" <<'PY' || fail "multi-fidelity suggestions"
import csv, json, os, sys
work = sys.argv[1]
out = json.load(open(f"{work}/out"))
rows = list(csv.DictReader(open(sys.argv[2])))
scales = {(float(r["model_size"]), float(r["n_tokens"])) for r in rows}
files = {}
for s in out["suggestions"]:
    at = (s["train_at"]["n_params"], s["train_at"]["n_tokens"])
    assert at in scales, at
    options = s["fidelity"]["options"]
    assert len(options) == len(scales), len(options)
    value = lambda o: o["variance_removed"] / o["flops"]
    best = max(options, key=value)
    assert (best["n_params"], best["n_tokens"]) == at, (best, at)
    assert all(0 <= o["share_removed"] <= 1 + 1e-9 for o in options)
    assert "train at N " in s["reason"], s["reason"]
    files.setdefault(at, []).append(s["mixture"])
assert sorted(out["out"]) == sorted(os.path.join(work, f) for f in os.listdir(work)
                                    if f.startswith("slim-next-N")), out["out"]
written = [m for path in out["out"] for m in json.load(open(path))]
assert len(written) == 4, written
PY
expect_exit 0 "$MIXRUN" suggest --store "$slim" --fit 1 --count 2 --prior uniform \
  --at 1.235e9,2.5e10 --train-at 6.8e8,2.0734e10 --json
/usr/bin/python3 -c "
import json, sys
for s in json.load(open(sys.argv[1]))['suggestions']:
    assert s['train_at'] == {'n_params': 6.8e8, 'n_tokens': 2.0734e10}, s['train_at']
" "$WORK/out" || fail "--train-at did not restrict the scales"
expect_exit 2 "$MIXRUN" suggest --store "$slim" --fit 1 --count 2 --prior uniform \
  --at 1.235e9,2.5e10 --train-at 6.8e8
expect_in "$WORK/err" "--train-at '6.8e8': expected N,D"
echo "suggest: ok"
