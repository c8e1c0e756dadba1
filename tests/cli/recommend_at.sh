#!/usr/bin/env bash
# recommend --at (issue 13's acceptance): under a joint mixscale fit of SlimPajama (7 domains, every
# run, the target the mean of the 7 domain losses), the mixture for N = 2.7e9, D = 5e10 with both
# intervals, compared with the optimum at the proxy scale; availability caps computed at D; and the
# misuses (no --at for a mixscale fit, --at for a mixing fit, a malformed N,D) refused with exit 2.
source "$(dirname "$0")/common.bash"
store="$WORK/s.db"
domains="arxiv book c4 github commoncrawl stackexchange wikipedia"
metrics=() target=()
for d in $domains; do
  metrics+=(--metric "eval/$d/loss=${d}_loss")
  target+=(--target "eval/$d/loss=0.142857142857143")
done
expect_exit 0 "$MIXRUN" import -q --store "$store" --experiment slim --weights-prefix weight_ \
  "${metrics[@]}" --n model_size --d n_tokens "$SHARED_DATA/slimpajama-mixtures/runs.csv"
expect_exit 0 "$MIXRUN" fit-law mixscale --form joint --store "$store" --experiment slim \
  "${target[@]}" --bootstrap 40 --kfold 5 --json
fit_id="$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['fit_id'])" "$WORK/out")"

expect_exit 0 "$MIXRUN" recommend --store "$store" --fit "$fit_id" --at 2.7e9,5e10 --json
cp "$WORK/out" "$WORK/at.json"
/usr/bin/python3 - "$WORK/at.json" <<'PY' || fail "recommend --at on SlimPajama"
import json, sys
r = json.load(open(sys.argv[1]))
mix, proxy = r["mixture"], r["proxy"]
assert abs(sum(mix.values()) - 1) < 1e-9 and len(mix) == 7, mix
assert r["at"]["n_params"] == 2.7e9 and r["at"]["n_tokens"] == 5e10, r["at"]
# Both intervals, nested: the law's mean inside one run's prediction interval.
low, high = r["prediction_interval"]
mean_low, mean_high = r["mean_interval"]
assert low < mean_low <= r["predicted_loss"] <= mean_high < high, r
assert "bootstrap" in r["mean_interval_source"] and "conformal" in r["interval_source"], r
# The proxy scale is the run of the largest compute: the 1.235B model on 46B tokens.
assert proxy["n_params"] == 1.235e9 and proxy["n_tokens"] > 4e10, proxy
l1 = sum(abs(mix[d] - proxy["mixture"][d]) for d in mix)
assert abs(l1 - r["shift_from_proxy"]["l1"]) < 1e-9, (l1, r["shift_from_proxy"])
kept = [b for b in r["baselines"] if b["name"] == "proxy-scale optimum"][0]
gap = kept["predicted_loss"] - r["predicted_loss"]
assert abs(gap - r["shift_from_proxy"]["loss_gap"]) < 1e-12 and gap > -1e-6, (gap, r)
# Extrapolated in N (2.2x the largest run) and said so.
assert any(note.startswith("N is 2.19") for note in r["at"]["extrapolation"]), r["at"]
# The larger model predicts a lower loss than the proxies' best, at the proxies' scale.
assert r["predicted_loss"] < proxy["at_proxy_scale"]["predicted_loss"], r
print("at N 2.7e9, D 5e10:", {d: round(w, 3) for d, w in sorted(mix.items())},
      "predicted", round(r["predicted_loss"], 4), "L1 from proxy", round(l1, 4))
PY
expect_exit 0 "$MIXRUN" recommend --store "$store" --fit "$fit_id" --at 2.7e9,5e10
expect_in "$WORK/out" "at the proxy scale (N 1.24B"
expect_in "$WORK/out" "the optimum moved by L1"
expect_in "$WORK/out" "95% mean interval"

# Availability at D: SlimPajama's token counts (627B tokens, shares of the SlimPajama release); at
# D = 5e11 one epoch of stackexchange (20.7B) is a share of 0.0414 at most, and the cap binds.
/usr/bin/python3 - "$WORK/tokens.json" <<'PY'
import json, sys
shares = {"commoncrawl": .522, "c4": .267, "github": .052, "book": .042, "arxiv": .046,
          "wikipedia": .038, "stackexchange": .033}
json.dump({d: s * 627e9 for d, s in shares.items()}, open(sys.argv[1], "w"))
PY
expect_exit 0 "$MIXRUN" recommend --store "$store" --fit "$fit_id" --at 2.7e9,5e11 \
  --max-epochs 1 --domain-tokens "$WORK/tokens.json" --json
/usr/bin/python3 - "$WORK/out" <<'PY' || fail "availability caps at the target D"
import json, sys
r = json.load(open(sys.argv[1]))
cap = 0.033 * 627e9 / 5e11
assert abs(r["bounds"]["stackexchange"]["max"] - cap) < 1e-9, r["bounds"]["stackexchange"]
assert r["bounds"]["stackexchange"]["max_source"] == "availability", r["bounds"]
assert r["mixture"]["stackexchange"] <= cap + 1e-9, r["mixture"]
assert any(b["domain"] == "stackexchange" and b["source"] == "availability"
           for b in r["active_constraints"]), r["active_constraints"]
assert r["at"]["n_tokens"] == 5e11 and r["proxy"]["n_params"] == 1.235e9
PY

# Misuse: a mixscale fit needs --at; --at needs a mixscale fit; malformed or contradictory scales.
expect_exit 2 "$MIXRUN" recommend --store "$store" --fit "$fit_id"
expect_in "$WORK/err" "give --at N,D"
for bad in "2.7e9" "2.7e9,x" "0,5e10" "-1,5e10" "nan,5e10"; do
  expect_exit 2 "$MIXRUN" recommend --store "$store" --fit "$fit_id" --at "$bad"
  expect_in "$WORK/err" "--at '$bad': expected N,D"
done
expect_exit 2 "$MIXRUN" recommend --store "$store" --fit "$fit_id" --proxy-at 1e9,1e10
expect_in "$WORK/err" "--proxy-at needs --at"
expect_exit 2 "$MIXRUN" recommend --store "$store" --fit "$fit_id" --at 2.7e9,5e10 \
  --max-epochs 1 --target-tokens 1e11 --domain-tokens "$WORK/tokens.json"
expect_in "$WORK/err" "contradicts --at's D"
echo '{"c4": 1e9}' >"$WORK/partial.json"
expect_exit 2 "$MIXRUN" recommend --store "$store" --fit "$fit_id" --at 2.7e9,5e11 \
  --max-epochs 1 --domain-tokens "$WORK/partial.json"
expect_in "$WORK/err" "no token count for domain 'arxiv'"
expect_exit 0 "$MIXRUN" fit-law mixing --store "$store" --experiment slim \
  --domain-metric eval/c4/loss --target eval/c4/loss=1 --json
mixing_id="$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['fit_id'])" "$WORK/out")"
expect_exit 2 "$MIXRUN" recommend --store "$store" --fit "$mixing_id" --at 2.7e9,5e10
expect_in "$WORK/err" "--at needs mixscale fits"
echo "recommend --at: ok"
