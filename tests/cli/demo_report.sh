#!/usr/bin/env bash
# The demo's loop (scripts/demo-loop.sh: 17 proxy runs, the data mixing law, the recommendation
# and its verification beside the natural and uniform mixtures) into a scratch folder, and the
# report it writes: the printed path, one inline SVG per figure with its data, rendered by
# headless Chromium (not blank), and what the demo's figures must show. The training dominates:
# 2–5 minutes on 2 cores. Reads the demo corpus (fixture "setup: demo corpus").
source "$(dirname "$0")/common.bash"
source "$(dirname "$0")/report_common.bash"
demo="$WORK/demo"
report="$demo/report"

expect_exit 0 "$SOURCE_DIR/scripts/demo-loop.sh" "$MIXRUN" "$demo"
# The loop's last line is the page's path, and the store is in the folder given, not the config's.
[ "$(tail -n 1 "$WORK/out")" = "report: $report/index.html" ] ||
  fail "last line '$(tail -n 1 "$WORK/out")', not the report's path"
expect_in "$WORK/out" "store now   17 pending (of this config's 17 runs) in $demo/demo.db"
expect_in "$WORK/err" "demo-verify: 3 runs planned; 3 trained now"

# A mixing fit reported with its verify experiment: the fit's accuracy, the sweep and baselines
# of the recommendation, and the verify runs' loss curves, the target's and each domain's.
domains="c_headers changelogs licenses python"
curves=(loss_curves_eval_target_loss)
for d in $domains; do curves+=("loss_curves_eval_${d}_loss"); done
check_report "$report" predicted_vs_actual residuals mixture_sweep mixture_baselines "${curves[@]}"
expect_in "$report/index.html" "17 training runs, 200 bootstrap refits; held-out: 3 runs of demo-verify."
expect_in "$report/index.html" "Reference: the recommended mixture (recommendation"
expect_in "$report/index.html" "of the 3 held-out runs (the mean interval"

# Which verify run trained which mixture: the runs' weights beside recommended.json, natural.json
# and uniform.
"$MIXRUN" runs --store "$demo/demo.db" --experiment demo-verify --json > "$WORK/verify.json" ||
  fail "runs --experiment demo-verify"
/usr/bin/python3 - "$demo" "$WORK/verify.json" <<'PY' || fail "the demo's figures do not show what they must"
import csv, json, math, sys
demo, verify_runs = sys.argv[1], json.load(open(sys.argv[2]))
report = demo + "/report/"
def rows(figure):
    return list(csv.DictReader(open(report + figure + ".csv")))
def num(row, key):
    value = float(row[key])
    assert math.isfinite(value), (key, row)
    return value
def close(a, b):
    return abs(a - b) <= 1e-9 * abs(b)

# The mixtures trained to verify, by name; their weights as the runs stored them.
recommended = json.load(open(demo + "/recommended.json"))
natural = json.load(open(demo + "/natural.json"))
uniform = {d: 0.25 for d in recommended}
verify = {}
for run in verify_runs:
    weights = run["weights"]
    for name, mixture in [("recommended", recommended), ("natural", natural), ("uniform", uniform)]:
        if all(abs(weights[d] - w) < 1e-9 for d, w in mixture.items()):
            verify[name] = run
assert sorted(verify) == ["natural", "recommended", "uniform"], [r["weights"] for r in verify_runs]

# Predicted vs actual (and residuals, the same rows): the 17 training runs, and the 3 verify runs
# apart, each with a finite prediction inside its prediction interval and its residual.
points = rows("predicted_vs_actual")
assert points == rows("residuals"), "residuals.csv differs from predicted_vs_actual.csv"
held_out = {int(r["run_id"]): r for r in points if r["held_out"] == "1"}
training = [r for r in points if r["held_out"] == "0"]
assert len(training) == 17 and len(points) == 20, (len(training), len(points))
assert sorted(held_out) == sorted(run["run_id"] for run in verify.values()), sorted(held_out)
for r in points:
    p, a = num(r, "predicted"), num(r, "actual")
    assert num(r, "pi_low") < p < num(r, "pi_high"), r
    assert num(r, "mean_low") <= p <= num(r, "mean_high"), r
    assert abs(num(r, "residual") - (a - p)) < 1e-9, r
for name, run in verify.items():
    assert close(num(held_out[run["run_id"]], "actual"), run["loss"]), (name, run["loss"])

# The baselines: the recommendation beside uniform, natural (token shares) and the best observed
# run, with finite predictions inside both intervals, the prediction interval the wider; each
# verify mixture's bar is what the first figure predicted for its run; the recommendation (the
# law's optimum) predicts no worse than any baseline; the best observed is the lowest training run.
bars = {r["mixture"]: r for r in rows("mixture_baselines")}
assert list(bars) == ["recommended", "uniform", "natural", "best observed"], list(bars)
for name, r in bars.items():
    p = num(r, "predicted")
    assert num(r, "pi_low") < p < num(r, "pi_high"), r
    assert num(r, "mean_low") <= p <= num(r, "mean_high"), r
    assert num(r, "pi_high") - num(r, "pi_low") >= num(r, "mean_high") - num(r, "mean_low"), r
    assert p >= num(bars["recommended"], "predicted") - 1e-9, (name, r)
for name, run in verify.items():
    for key in ["predicted", "pi_low", "pi_high", "mean_low", "mean_high"]:
        assert close(num(bars[name], key), num(held_out[run["run_id"]], key)), (name, key)
    # Its diamond: what the verify run measured.
    assert close(num(bars[name], "observed"), run["loss"]), (name, bars[name], run["loss"])
assert bars["natural"]["note"] == "token shares", bars["natural"]
best = min(training, key=lambda r: num(r, "actual"))
assert close(num(bars["best observed"], "observed"), num(best, "actual")), (bars["best observed"], best)

# The sweep: each domain's weight from 0 to 1 through the recommendation (its dot, at its weight
# and its prediction), the band (mean interval) around the line.
sweep = rows("mixture_sweep")
assert sorted({r["domain"] for r in sweep}) == sorted(recommended), {r["domain"] for r in sweep}
for domain, weight in recommended.items():
    line = [r for r in sweep if r["domain"] == domain and r["reference"] == "0"]
    assert len(line) == 101 and num(line[0], "weight") == 0 and num(line[-1], "weight") == 1
    dots = [r for r in sweep if r["domain"] == domain and r["reference"] == "1"]
    assert len(dots) == 1 and close(num(dots[0], "weight"), weight), (domain, dots)
    assert close(num(dots[0], "predicted"), num(bars["recommended"], "predicted")), dots
inside = sum(num(r, "mean_low") <= num(r, "predicted") <= num(r, "mean_high") for r in sweep)
assert inside >= 0.9 * len(sweep), (inside, len(sweep))

# The loss curves: the 3 verify runs from the untrained model (step 0) to the end of training,
# falling; the target's last value is the run's actual target loss.
for figure in ["loss_curves_eval_target_loss"] + [
        "loss_curves_eval_%s_loss" % d for d in recommended]:
    curves = {}
    for r in rows(figure):
        curves.setdefault(int(r["run_id"]), []).append(r)
    assert sorted(curves) == sorted(held_out), (figure, sorted(curves))
    for run_id, curve in curves.items():
        assert num(curve[0], "step") == 0 and num(curve[-1], "tokens") >= 600000, (figure, run_id)
        assert num(curve[-1], "value") < num(curve[0], "value") - 1, (figure, curve)
        if figure == "loss_curves_eval_target_loss":
            assert close(num(curve[-1], "value"), num(held_out[run_id], "actual")), (run_id, curve)
print("recommended", {d: round(w, 3) for d, w in recommended.items()},
      {name: (round(num(b, "predicted"), 4), b["observed"]) for name, b in bars.items()})
PY
render "$report"
echo "ok"
