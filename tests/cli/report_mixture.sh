#!/usr/bin/env bash
# report --fit on a mixture law (RegMix's linear model on its 1M runs): the sweep of each domain's
# weight through the reference mixture and the reference beside uniform and best observed, with
# both intervals. Without a stored recommendation the reference is the best observed run; after
# recommend it is the recommendation. The numbers must agree with recommend and fit-law --predict,
# and the page is rendered by headless Chromium.
source "$(dirname "$0")/common.bash"
source "$(dirname "$0")/report_common.bash"
store="$WORK/s.db"
regmix="$SHARED_DATA/regmix"

import_regmix_1m "$store"
expect_exit 0 "$MIXRUN" fit-law regmix --model linear --store "$store" --experiment regmix-1m \
  --metric pile_cc_val_loss --bootstrap 50 --json
fit_id="$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['fit_id'])" "$WORK/out")"

# check_mixture_figures DIR REFERENCE_ROW: the sweep's reference points all sit at the prediction
# of the baselines figure's row REFERENCE_ROW, each domain's line has 101 points from 0 to 1 with
# its band around it, and every bar holds its prediction.
check_mixture_figures() {
  /usr/bin/python3 - "$1" "$2" <<'PY' || fail "the mixture figures of $1 are off"
import csv, sys
folder, reference_row = sys.argv[1], sys.argv[2]
sweep = list(csv.DictReader(open(folder + "/mixture_sweep.csv")))
bars = {r["mixture"]: r for r in csv.DictReader(open(folder + "/mixture_baselines.csv"))}
reference = float(bars[reference_row]["predicted"])
domains = sorted({r["domain"] for r in sweep})
assert len(domains) == 17, domains
for domain in domains:
    line = [r for r in sweep if r["domain"] == domain and r["reference"] == "0"]
    assert len(line) == 101 and float(line[0]["weight"]) == 0 and float(line[-1]["weight"]) == 1
    dots = [r for r in sweep if r["domain"] == domain and r["reference"] == "1"]
    assert len(dots) == 1, dots
    assert abs(float(dots[0]["predicted"]) - reference) <= 1e-9 * abs(reference), (dots, reference)
inside = sum(float(r["mean_low"]) <= float(r["predicted"]) <= float(r["mean_high"]) for r in sweep)
assert inside >= 0.9 * len(sweep), (inside, len(sweep))
for name, r in bars.items():
    p = float(r["predicted"])
    assert float(r["pi_low"]) < p < float(r["pi_high"]), r
    assert float(r["mean_low"]) <= p <= float(r["mean_high"]), r
    assert float(r["pi_high"]) - float(r["pi_low"]) >= float(r["mean_high"]) - float(r["mean_low"])
assert bars["best observed"]["observed"] != "", bars["best observed"]
print(folder, "reference", reference_row, reference, "bars", list(bars))
PY
}

# No recommendation yet: the reference is the best observed run; natural needs token counts,
# which imported runs lack, and the page says so.
expect_exit 0 "$MIXRUN" report --store "$store" --fit "$fit_id" --out "$WORK/observed"
check_report "$WORK/observed" predicted_vs_actual residuals mixture_sweep mixture_baselines
check_mixture_figures "$WORK/observed" "best observed"
expect_in "$WORK/observed/index.html" "No natural mixture"
expect_in "$WORK/observed/index.html" "best observed training run"
expect_in "$WORK/observed/index.html" "95% mean interval"
expect_in "$WORK/observed/index.html" "95% prediction interval"
[ "$(cut -d, -f2 "$WORK/observed/mixture_baselines.csv" | tr '\n' ' ')" = \
  "mixture uniform best observed " ] || fail "baselines: $(cat "$WORK/observed/mixture_baselines.csv")"

# Uniform's bar is fit-law --predict of the uniform mixture, with the same intervals.
uniform="$(/usr/bin/python3 -c "
import csv, json, sys
domains = sorted({r['domain'] for r in csv.DictReader(open(sys.argv[1]))})
print(json.dumps({d: 1 / len(domains) for d in domains}))" "$WORK/observed/mixture_sweep.csv")"
expect_exit 0 "$MIXRUN" fit-law --store "$store" --fit "$fit_id" --predict "$uniform" --json
/usr/bin/python3 - "$WORK/out" "$WORK/observed/mixture_baselines.csv" <<'PY' || fail "uniform differs"
import csv, json, sys
p = json.load(open(sys.argv[1]))["predictions"][0]
bar = next(r for r in csv.DictReader(open(sys.argv[2])) if r["mixture"] == "uniform")
pairs = [(p["prediction"], bar["predicted"]), (p["prediction_interval"][0], bar["pi_low"]),
         (p["prediction_interval"][1], bar["pi_high"]), (p["mean_interval"][0], bar["mean_low"]),
         (p["mean_interval"][1], bar["mean_high"])]
for want, got in pairs:
    assert abs(float(got) - want) <= 1e-9 * abs(want), (pairs)
PY

# After recommend: the reference is the stored recommendation, predicted as recommend did.
expect_exit 0 "$MIXRUN" recommend --store "$store" --fit "$fit_id" --method simulate \
  --prior "$regmix/pile_token_prior.json" --samples 5000 --top-k 32 --json
cp "$WORK/out" "$WORK/recommendation.json"
expect_exit 0 "$MIXRUN" report --store "$store" --fit "$fit_id" --out "$WORK/recommended"
check_report "$WORK/recommended" predicted_vs_actual residuals mixture_sweep mixture_baselines
check_mixture_figures "$WORK/recommended" recommended
expect_in "$WORK/recommended/index.html" "the recommended mixture (recommendation"
/usr/bin/python3 - "$WORK/recommendation.json" "$WORK/recommended" <<'PY' || fail "not recommend's"
import csv, json, sys
r = json.load(open(sys.argv[1]))
bars = {b["mixture"]: b for b in csv.DictReader(open(sys.argv[2] + "/mixture_baselines.csv"))}
assert list(bars) == ["recommended", "uniform", "best observed"], list(bars)
pairs = [(r["predicted_loss"], bars["recommended"]["predicted"])]
pairs += [(b["predicted_loss"], bars[b["name"]]["predicted"]) for b in r["baselines"]
          if b["name"] in bars]
pairs += [(r["mean_interval"][0], bars["recommended"]["mean_low"]),
          (r["interval"][1], bars["recommended"]["pi_high"])]
for want, got in pairs:
    assert abs(float(got) - want) <= 1e-6 * abs(want), pairs
print("recommended", bars["recommended"]["predicted"], "uniform", bars["uniform"]["predicted"])
PY
render "$WORK/recommended"

# A mixture-and-scale fit (SlimPajama, joint): every mixture is predicted at the largest training
# run's N and D, which the captions name.
domains="arxiv book c4 github commoncrawl stackexchange wikipedia"
metrics=() target=()
for d in $domains; do
  metrics+=(--metric "eval/$d/loss=${d}_loss")
  target+=(--target "eval/$d/loss=0.142857142857143")
done
expect_exit 0 "$MIXRUN" import -q --store "$store" --experiment slim --weights-prefix weight_ \
  "${metrics[@]}" --n model_size --d n_tokens "$SHARED_DATA/slimpajama-mixtures/runs.csv"
expect_exit 0 "$MIXRUN" fit-law mixscale --form joint --store "$store" --experiment slim \
  "${target[@]}" --bootstrap 10 --kfold 5 --json
scale_fit="$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['fit_id'])" "$WORK/out")"
expect_exit 0 "$MIXRUN" report --store "$store" --fit "$scale_fit" --out "$WORK/scale"
check_report "$WORK/scale" predicted_vs_actual residuals mixture_sweep mixture_baselines
expect_in "$WORK/scale/index.html" "the training run of the largest compute"
[ "$(grep -c ',1$' "$WORK/scale/mixture_sweep.csv")" = 7 ] || fail "not one reference dot per domain"
echo "ok"
