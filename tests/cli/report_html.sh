#!/usr/bin/env bash
# report --out: the HTML report of a stored Chinchilla fit on Epoch's points (predicted vs actual,
# residuals, iso-FLOP curves, the compute-optimal frontier with its bootstrap band), loss curves
# of imported eval histories and the rank transfer of RegMix's 1M and 60M runs. Each page is
# checked to hold one inline SVG per figure with its data beside it, and rendered by headless
# Chromium (not blank); without gnuplot the data and scripts are still written, and the page says
# why the figures are missing.
source "$(dirname "$0")/common.bash"
source "$(dirname "$0")/report_common.bash"
store="$WORK/s.db"
regmix="$SHARED_DATA/regmix"

expect_exit 0 "$MIXRUN" import -q --store "$store" --experiment chinchilla --metric loss=loss \
  --n "Model Size" --c "Training FLOP" "$SHARED_DATA/epoch-chinchilla/svg_extracted_data.csv"
expect_exit 0 "$MIXRUN" fit-law chinchilla --store "$store" --experiment chinchilla --metric loss \
  --drop-highest 5 --bootstrap 50 --json
fit_id="$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['fit_id'])" "$WORK/out")"

# A stored fit: its figures, and the printed path is the page.
expect_exit 0 "$MIXRUN" report --store "$store" --fit "$fit_id" --out "$WORK/fit"
[ "$(cat "$WORK/out")" = "$WORK/fit/index.html" ] || fail "printed '$(cat "$WORK/out")'"
check_report "$WORK/fit" predicted_vs_actual residuals isoflop compute_frontier
expect_in "$WORK/fit/index.html" "prediction interval"
expect_in "$WORK/fit/index.html" "mean interval"
/usr/bin/python3 - "$WORK/fit" <<'PY' || fail "the frontier's band is not there or not around it"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1] + "/compute_frontier.csv")) if r["kind"] == "1"]
assert len(rows) > 10
for r in rows:
    assert float(r["n_low"]) <= float(r["n_params"]) <= float(r["n_high"]), r
runs = list(csv.DictReader(open(sys.argv[1] + "/predicted_vs_actual.csv")))
assert len(runs) == 240, len(runs)  # 245 points, the 5 highest dropped
PY
render "$WORK/fit"

# Loss curves: three runs' eval histories (target and two domains), imported.
{
  echo "run,step,tokens,weight_a,weight_b,metric/eval/target/loss,metric/eval/a/loss,metric/eval/b/loss"
  for run in r1 r2 r3; do
    for step in 100 200 300 400; do
      case $run in r1) wa=0.2 ;; r2) wa=0.5 ;; *) wa=0.8 ;; esac
      awk -v s=$step -v wa=$wa -v r=$run 'BEGIN { l = 2 + 5 / s + wa;
        printf "%s,%d,%d,%g,%g,%g,%g,%g\n", r, s, s * 1000, wa, 1 - wa, l, l - 0.1, l + 0.1 }'
    done
  done
} > "$WORK/history.csv"
expect_exit 0 "$MIXRUN" import -q --store "$store" --experiment curves --on run --step step \
  --tokens tokens --weights-prefix weight_ --metrics-prefix metric/ "$WORK/history.csv"
expect_exit 0 "$MIXRUN" report --store "$store" --experiment curves --out "$WORK/curves"
check_report "$WORK/curves" loss_curves_eval_target_loss loss_curves_eval_a_loss \
  loss_curves_eval_b_loss
expect_in "$WORK/curves/loss_curves_eval_target_loss.csv" "series,run_id,weight_"

# Rank transfer between RegMix's 1M and 60M runs of the same 256 mixtures.
for size in 1m 60m; do
  expect_exit 0 "$MIXRUN" import -q --store "$store" --experiment "regmix-$size" --on index \
    --weights-prefix train_the_pile_ --metrics-prefix metric/the_pile_ \
    "$regmix/test_mixture_$size.csv" "$regmix/test_pile_loss_$size.csv"
done
expect_exit 0 "$MIXRUN" report --store "$store" --transfer regmix-1m regmix-60m \
  --metric pile_cc_val_loss --out "$WORK/transfer"
check_report "$WORK/transfer" rank_transfer
[ "$(wc -l < "$WORK/transfer/rank_transfer.csv")" = 257 ] || fail "rank_transfer.csv: not 256 pairs"

# Without gnuplot: the data and scripts, and the page says why there are no figures.
MIXRUN_GNUPLOT=/nonexistent/gnuplot expect_exit 0 "$MIXRUN" report --store "$store" \
  --fit "$fit_id" --out "$WORK/bare"
expect_in "$WORK/err" "gnuplot not found"
expect_in "$WORK/bare/index.html" "gnuplot not found"
[ "$(grep -c '<svg' "$WORK/bare/index.html")" = 0 ] || fail "svg without gnuplot"
for figure in predicted_vs_actual residuals isoflop compute_frontier; do
  [ -s "$WORK/bare/$figure.csv" ] && [ -s "$WORK/bare/$figure.gp" ] || fail "$figure not written"
done
# The scripts written beside the data draw the figure by hand, as the page says.
if command -v gnuplot >/dev/null; then
  (cd "$WORK/bare" && gnuplot isoflop.gp > isoflop.svg) || fail "isoflop.gp does not run"
  expect_in "$WORK/bare/isoflop.svg" "<svg"
fi

# Errors: an unknown fit or experiment, a folder that cannot be made: exit 2, named.
expect_exit 2 "$MIXRUN" report --store "$store" --fit 999 --out "$WORK/x"
expect_exit 2 "$MIXRUN" report --store "$store" --experiment nope --out "$WORK/x"
expect_in "$WORK/err" "nope"
expect_exit 2 "$MIXRUN" report --store "$store" --fit "$fit_id" --out "$WORK/fit/index.html/x"
expect_in "$WORK/err" "index.html"
echo "ok"
