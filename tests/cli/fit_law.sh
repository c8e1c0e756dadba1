#!/usr/bin/env bash
# fit-law through the CLI on the real released data: Chinchilla on Epoch's points, RegMix linear
# with a held-out test experiment, stored fits predicting later, and clear errors.
source "$(dirname "$0")/common.bash"
store="$WORK/s.db"
regmix="$SHARED_DATA/regmix"

expect_exit 0 "$MIXRUN" import -q --store "$store" --experiment chinchilla --metric loss=loss \
  --n "Model Size" --c "Training FLOP" "$SHARED_DATA/epoch-chinchilla/svg_extracted_data.csv"
expect_exit 0 "$MIXRUN" fit-law chinchilla --store "$store" --experiment chinchilla --metric loss \
  --drop-highest 5 --bootstrap 100 --compute 5.76e23 --json
/usr/bin/python3 - "$WORK/out" <<'PY' || fail "chinchilla fit is off"
import json, sys
fit = json.load(open(sys.argv[1]))
expected = {"A": 477.86, "B": 2143.0, "E": 1.81722, "alpha": 0.347315, "beta": 0.367164}
for name, value in expected.items():
    assert abs(fit["params"][name] / value - 1) < 0.005, (name, fit["params"][name])
assert fit["stats"]["objective"] <= 1.01828e-3, fit["stats"]
assert fit["stats"]["n"] == 240
assert abs(fit["derived"]["tokens_per_param"] / 17.9 - 1) < 0.02, fit["derived"]
lo, hi = fit["intervals"]["alpha"]
assert lo < fit["params"]["alpha"] < hi
assert isinstance(fit["fit_id"], int)
print("fit", fit["fit_id"])
PY
fit_id="$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['fit_id'])" "$WORK/out")"

# A stored fit predicts from the store alone, with its bootstrap interval.
expect_exit 0 "$MIXRUN" fit-law --store "$store" --fit "$fit_id" --predict '[{"N": 7e10, "D": 1.4e12}]' --json
/usr/bin/python3 - "$WORK/out" <<'PY' || fail "stored-fit prediction is off"
import json, sys
p = json.load(open(sys.argv[1]))["predictions"][0]
assert abs(p["prediction"] - 1.9734) < 0.01, p
assert p["interval"][0] < p["prediction"] < p["interval"][1], p
PY
expect_exit 0 "$MIXRUN" fit-law --store "$store" --fit "$fit_id" --predict '{"N": 7e10, "D": 1.4e12}'
expect_in "$WORK/out" "prediction 95%"

for size in 1m 1B; do
  expect_exit 0 "$MIXRUN" import -q --store "$store" --experiment "regmix-test-$size" --on index \
    --weights-prefix train_the_pile_ --metrics-prefix metric/the_pile_ \
    "$regmix/test_mixture_$size.csv" "$regmix/test_pile_loss_$size.csv"
done
expect_exit 0 "$MIXRUN" import -q --store "$store" --experiment regmix-1m --on index \
  --weights-prefix train_the_pile_ --metrics-prefix metric/the_pile_ \
  "$regmix/train_mixture_1m.csv" "$regmix/train_pile_loss_1m.csv"
expect_exit 0 "$MIXRUN" fit-law regmix --model linear --store "$store" --experiment regmix-1m \
  --metric pile_cc_val_loss --test-experiment regmix-test-1B --json
/usr/bin/python3 - "$WORK/out" <<'PY' || fail "RegMix linear held-out Spearman is off"
import json, sys
test = json.load(open(sys.argv[1]))["stats"]["test"]
assert test["n"] == 64 and abs(test["spearman"] * 100 - 87.7) <= 0.3, test
PY
expect_exit 0 "$MIXRUN" fit-law regmix --store "$store" --experiment regmix-1m \
  --metric pile_cc_val_loss --predict '{"pile_cc": 0.9, "ubuntu_irc": 0.1}'
expect_in "$WORK/out" "pile_cc=0.9 ubuntu_irc=0.1"

# Errors: a metric the runs lack, an unknown experiment, an unknown fit: exit 2, named.
expect_exit 2 "$MIXRUN" fit-law chinchilla --store "$store" --experiment chinchilla --metric lost
expect_in "$WORK/err" "lost"
expect_exit 2 "$MIXRUN" fit-law power --store "$store" --experiment nope --metric loss
expect_in "$WORK/err" "no experiment named 'nope'"
expect_exit 2 "$MIXRUN" fit-law --store "$store" --fit 999 --predict '{"N": 1}'
expect_in "$WORK/err" "no fit with id 999"
expect_exit 2 "$MIXRUN" fit-law chinchilla --store "$store" --experiment regmix-1m --metric pile_cc_val_loss
echo "fit_law: ok"
