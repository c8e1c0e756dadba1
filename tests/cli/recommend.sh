#!/usr/bin/env bash
# recommend through the CLI on RegMix's released runs: simulate with --out (the file is a mixture
# a config's mixtures.include accepts: plan --dry-run takes it), --json, optimize, the stored
# recommendation, and clear errors with exit 2.
source "$(dirname "$0")/common.bash"
store="$WORK/s.db"
regmix="$SHARED_DATA/regmix"
prior="$regmix/pile_token_prior.json"

expect_exit 0 "$MIXRUN" import -q --store "$store" --experiment regmix-1m --on index \
  --weights-prefix train_the_pile_ --metrics-prefix metric/the_pile_ \
  "$regmix/train_mixture_1m.csv" "$regmix/train_pile_loss_1m.csv"
expect_exit 0 "$MIXRUN" fit-law regmix --model linear --store "$store" --experiment regmix-1m \
  --metric pile_cc_val_loss --bootstrap 100 --json
fit_id="$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['fit_id'])" "$WORK/out")"

# Simulate (RegMix's procedure) with --out and --json.
expect_exit 0 "$MIXRUN" recommend --store "$store" --fit "$fit_id" --method simulate \
  --prior "$prior" --samples 20000 --top-k 64 --out "$WORK/mixture.json" --json
/usr/bin/python3 - "$WORK/out" "$WORK/mixture.json" <<'PY' || fail "simulate --json/--out is off"
import json, sys
r = json.load(open(sys.argv[1]))
mixture = json.load(open(sys.argv[2]))
assert r["method"] == "simulate", r["method"]
assert mixture == r["mixture"], (mixture, r["mixture"])
assert len(mixture) == 17 and abs(sum(mixture.values()) - 1) <= 1e-6, mixture
assert all(w >= 0 for w in mixture.values())
assert mixture["pile_cc"] >= 0.8, mixture
lo, hi = r["interval"]
assert lo < r["predicted_loss"] < hi, r
assert "bootstrap" in r["interval_source"], r["interval_source"]
names = [b["name"] for b in r["baselines"]]
assert names == ["uniform", "natural", "best observed"], names
assert isinstance(r["recommendation_id"], int) and r["fits"][0]["id"] > 0
assert r["simulate"]["samples"] == 20000 and r["simulate"]["top_k"] == 64
print("simulate: pile_cc", mixture["pile_cc"], "predicted", r["predicted_loss"])
PY
rec_id="$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['recommendation_id'])" "$WORK/out")"

# The written file is a mixture a config's mixtures.include takes unchanged.
/usr/bin/python3 - "$WORK" <<'PY'
import json, os, sys
work = sys.argv[1]
mixture = json.load(open(os.path.join(work, "mixture.json")))
os.makedirs(os.path.join(work, "data"), exist_ok=True)
for domain in mixture:
    with open(os.path.join(work, "data", domain + ".txt"), "w") as f:
        f.write("some text for a domain\n" * 20)
config = {"name": "uses-recommendation",
          "domains": [{"name": d, "paths": ["data/" + d + ".txt"]} for d in sorted(mixture)],
          "mixtures": {"design": "explicit", "include": [mixture]},
          "models": [{"name": "xs", "layers": 1, "d_model": 16, "heads": 2}],
          "train": {"tokens": 1000}}
json.dump(config, open(os.path.join(work, "config.json"), "w"), indent=2)
PY
expect_exit 0 "$MIXRUN" plan "$WORK/config.json" --dry-run --store "$WORK/plan.db"
expect_in "$WORK/out" "runs        1"

# The recommendation is stored, with its prediction and interval.
/usr/bin/python3 - "$store" "$rec_id" "$fit_id" <<'PY' || fail "stored recommendation is off"
import json, sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute(
    "SELECT fit_id, mixture_json, predicted_loss, interval_low, interval_high, options_json "
    "FROM recommendations WHERE id = ?", (int(sys.argv[2]),)).fetchone()
assert row is not None
fit_id, mixture, predicted, low, high, options = row
assert fit_id == int(sys.argv[3])
assert abs(sum(json.loads(mixture).values()) - 1) <= 1e-6
assert low < predicted < high
options = json.loads(options)
assert options["method"] == "simulate" and options["samples"] == 20000, options
PY

# Optimize (auto simulates for regressions, so ask) with the human output: sorted weights, the interval,
# baselines, and the weights at the edge of the observed range.
expect_exit 0 "$MIXRUN" recommend --store "$store" --experiment regmix-1m --prior uniform --method optimize
expect_in "$WORK/out" "(optimize)"
expect_in "$WORK/out" "95% prediction interval"
expect_in "$WORK/out" "95% mean interval"
expect_in "$WORK/out" "best observed"
expect_in "$WORK/out" "at upper bound (observed range)"
expect_in "$WORK/out" "at the edge of the range the fit saw"
first_domain="$(sed -n 5p "$WORK/out" | awk '{print $1}')"
[ "$first_domain" = "pile_cc" ] || fail "mixture not sorted by weight: first row $first_domain"

# A pinned domain and a cap hold.
expect_exit 0 "$MIXRUN" recommend --store "$store" --fit "$fit_id" --method optimize --fix github=0.1 \
  --max pile_cc=0.5 --json
/usr/bin/python3 - "$WORK/out" <<'PY' || fail "--fix/--max not respected"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["mixture"]["github"] == 0.1, r["mixture"]
assert r["mixture"]["pile_cc"] <= 0.5 + 1e-12, r["mixture"]
assert {"domain": "pile_cc", "side": "upper", "bound": 0.5, "source": "--max"} in r["active_constraints"]
PY

# Errors: infeasible bounds, a domain the fit never saw, simulate without a usable prior, a bad
# --fit, an unknown fit: exit 2, named; nothing is stored.
expect_exit 2 "$MIXRUN" recommend --store "$store" --fit "$fit_id" --method optimize --min pile_cc=0.7 --min github=0.4
expect_in "$WORK/err" "lower bounds sum to 1.1"
expect_exit 2 "$MIXRUN" recommend --store "$store" --fit "$fit_id" --method optimize --max reddit=0.1
expect_in "$WORK/err" "never saw domain 'reddit'"
expect_exit 2 "$MIXRUN" recommend --store "$store" --fit "$fit_id" --method optimize --max enron_emails=2
expect_in "$WORK/err" "--max 'enron_emails=2'"
expect_exit 2 "$MIXRUN" recommend --store "$store" --fit "$fit_id" --method simulate
expect_in "$WORK/err" "--prior FILE.json"
expect_exit 2 "$MIXRUN" recommend --store "$store" --fit "$fit_id:x"
expect_in "$WORK/err" "ID[:WEIGHT]"
expect_exit 2 "$MIXRUN" recommend --store "$store" --fit 99
count="$(/usr/bin/python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM recommendations').fetchone()[0])" "$store")"
[ "$count" = 3 ] || fail "expected 3 stored recommendations, found $count"
echo "recommend CLI: ok"
