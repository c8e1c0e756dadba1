#!/usr/bin/env bash
# Over-training, loss-to-loss and downstream-task laws on Gadre et al.'s 104 models (issue 14's
# acceptance), each training set its own experiment, fitted on the small grid (10.6M–412M, every
# multiplier) and tested on the 1.44B and 6.89B models:
#   overtrain: mean relative error of loss/c4_val over the 9 large models ≤ 1.0%;
#   loss2loss: test-to-test (c4_val → programming languages) and train-to-train (rpj → c4 at the
#     same N and D), parameters and 5-fold held-out error;
#   task: the mean top-1 error over the tasks clearly above chance, within Gadre et al.'s range.
source "$(dirname "$0")/common.bash"
store="$WORK/s.db"
data="$SHARED_DATA/openlm-scaling"
sets="c4_original rpj rw_original"

# Per training set: the small grid, the large models, and all; the task selection (from the small
# grid only): the tasks whose mean accuracy at 412M, over all multipliers, is at least 10 points
# above the task's random baseline (eval_metadata.csv).
/usr/bin/python3 - "$data" "$WORK" <<'PY'
import csv, sys
data, work = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(f"{data}/runs.csv")))
columns = list(rows[0])
parts = {"small": lambda r: float(r["params"]) < 5e8, "large": lambda r: float(r["params"]) >= 5e8,
         "all": lambda r: True}
for name in ("c4_original", "rpj", "rw_original"):
    for part, keep in parts.items():
        with open(f"{work}/{name}-{part}.csv", "w", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(r for r in rows if r["dataset"] == name and keep(r))
baseline = {r["Eval Task"]: float(r["Random baseline"]) / 100
            for r in csv.DictReader(open(f"{data}/eval_metadata.csv"))}
at_412m = [r for r in rows if 4e8 < float(r["params"]) < 5e8]
chosen = [c for c in columns if c.startswith("task/") and
          sum(float(r[c]) for r in at_412m) / len(at_412m) - baseline[c[5:]] >= 0.10]
open(f"{work}/tasks.txt", "w").write("\n".join(chosen) + "\n")
open(f"{work}/metrics.txt", "w").write(
    "\n".join(c for c in columns if c.startswith(("loss/", "task/"))) + "\n")
PY
metrics=()
while read -r m; do metrics+=(--metric "$m=$m"); done < "$WORK/metrics.txt"
tasks=()
while read -r t; do tasks+=(--task-metric "$t"); done < "$WORK/tasks.txt"
echo "task selection: $((${#tasks[@]} / 2)) tasks: $(tr '\n' ' ' < "$WORK/tasks.txt")"
[ "$((${#tasks[@]} / 2))" -ge 10 ] || fail "fewer than 10 tasks above chance"
for set in $sets; do
  for part in small large all; do
    expect_exit 0 "$MIXRUN" import -q --store "$store" --experiment "$set-$part" --on name \
      --n params --d tokens "${metrics[@]}" "$WORK/$set-$part.csv"
  done
done

# overtrain and, for comparison, chinchilla: small grid → the 3 large models of each set.
for set in $sets; do
  for law in overtrain chinchilla; do
    expect_exit 0 "$MIXRUN" fit-law "$law" --store "$store" --experiment "$set-small" \
      --test-experiment "$set-large" --metric loss/c4_val --json
    cp "$WORK/out" "$WORK/$law-$set.json"
  done
done
/usr/bin/python3 - "$WORK" $sets <<'PY' || fail "overtrain extrapolation"
import json, sys
work, sets = sys.argv[1], sys.argv[2:]
for law in ("overtrain", "chinchilla"):
    errors = []
    for s in sets:
        fit = json.load(open(f"{work}/{law}-{s}.json"))
        assert fit["stats"]["n"] == 32 or fit["stats"]["n"] == 31, fit["stats"]["n"]
        assert fit["stats"]["test"]["n"] == 3, fit["stats"]["test"]
        errors.append(fit["stats"]["test"]["mre"])
        print(f"{law} {s}: {fit['params']} held-out MRE {100 * errors[-1]:.2f}%")
    mean = sum(errors) / len(errors)
    print(f"{law}: mean relative error over the 9 large models {100 * mean:.2f}%")
    if law == "overtrain":
        assert mean <= 0.010, mean
PY
# A stored overtrain fit predicts at N and M (D = M·N).
fit_id="$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['fit_id'])" \
  "$WORK/overtrain-rpj.json")"
expect_exit 0 "$MIXRUN" fit-law --store "$store" --fit "$fit_id" \
  --predict '[{"N": 1439795200, "M": 640}, {"C": 5.7e21, "M": 20}]' --json
/usr/bin/python3 - "$WORK/out" "$data/runs.csv" <<'PY' || fail "overtrain --predict at N and M"
import csv, json, sys
rows = {r["name"]: r for r in csv.DictReader(open(sys.argv[2]))}
observed = float(rows["rpj-open_lm_1b-32.0"]["loss/c4_val"])
predictions = json.load(open(sys.argv[1]))["predictions"]
assert abs(predictions[0]["prediction"] - observed) / observed < 0.01, predictions[0]
assert predictions[0]["prediction_interval"] is not None
assert abs(predictions[0]["at"]["D"] - 640 * 1439795200) < 1, predictions[0]["at"]  # as fields
assert predictions[1]["point"].startswith("N=6.89B D=138B"), predictions[1]  # N = √(C/(6M))
PY

# loss2loss test-to-test per training set, over all its models; train-to-train rpj → c4_original.
for set in $sets; do
  expect_exit 0 "$MIXRUN" fit-law loss2loss --store "$store" --experiment "$set-all" \
    --from loss/c4_val --to loss/paloma_dolma_100_programing_languages --kfold 5 --json
  cp "$WORK/out" "$WORK/l2l-$set.json"
done
expect_exit 0 "$MIXRUN" fit-law loss2loss --store "$store" --experiment c4_original-all \
  --from-experiment rpj-all --from loss/openlm --to loss/openlm --kfold 5 --bootstrap 100 --json
cp "$WORK/out" "$WORK/l2l-train.json"
expect_in "$WORK/err" "have no run of 'rpj-all' at the same N and D"
/usr/bin/python3 - "$WORK" $sets <<'PY' || fail "loss2loss"
import json, sys
work, sets = sys.argv[1], sys.argv[2:]
total = 0
for s in sets:
    fit = json.load(open(f"{work}/l2l-{s}.json"))
    kfold = fit["stats"]["kfold"]
    total += fit["stats"]["n"]
    print(f"test-to-test {s}: {fit['params']} 5-fold MRE {100 * kfold['mre']:.2f}% "
          f"coverage_95 {kfold['coverage_95']:.3f}")
    assert fit["stats"]["offsets"] == "scaling"
    assert fit["params"]["E_A"] < 2.5 and 0.5 < fit["params"]["kappa"] < 4, fit["params"]
    assert kfold["mre"] < 0.06, kfold
    assert 0.85 <= kfold["coverage_95"] <= 1.0, kfold
assert total == 104, total
fit = json.load(open(f"{work}/l2l-train.json"))
kfold = fit["stats"]["kfold"]
print(f"train-to-train rpj -> c4_original: {fit['params']} ± {fit['standard_errors']} "
      f"5-fold MRE {100 * kfold['mre']:.2f}% coverage_95 {kfold['coverage_95']:.3f}; "
      f"pairing {fit['stats']['pairing']}")
assert fit["stats"]["pairing"]["paired"] == 33 and fit["stats"]["pairing"]["unpaired"] == 1
assert kfold["mre"] < 0.025, kfold
PY
# Predicting from a point's L_A ("x" is the --from metric).
fit_id="$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['fit_id'])" \
  "$WORK/l2l-rpj.json")"
expect_exit 0 "$MIXRUN" fit-law --store "$store" --fit "$fit_id" --predict '{"x": 3.0}'
expect_in "$WORK/out" "loss/c4_val=3"
expect_exit 2 "$MIXRUN" fit-law --store "$store" --fit "$fit_id" --predict '{"N": 1e9, "D": 2e10}'
expect_in "$WORK/err" "loss2loss predicts from metric 'loss/c4_val'"

# task: mean top-1 error over the chosen tasks, small grid → large models, both steps chained.
for set in $sets; do
  expect_exit 0 "$MIXRUN" fit-law task --store "$store" --experiment "$set-small" \
    --test-experiment "$set-large" --metric loss/c4_val "${tasks[@]}" --task-error \
    --bootstrap 50 --json
  cp "$WORK/out" "$WORK/task-$set.json"
done
/usr/bin/python3 - "$WORK" $sets <<'PY' || fail "task law"
import json, sys
work, sets = sys.argv[1], sys.argv[2:]
errors = []
for s in sets:
    fit = json.load(open(f"{work}/task-{s}.json"))
    test = fit["stats"]["test"]
    errors.append(test["mae"])
    print(f"task {s}: {fit['params']} mean abs error {100 * test['mae']:.2f} points, "
          f"coverage_95 {test['coverage_95']:.2f}")
    assert fit["options"]["loss_law"] == "overtrain" and fit["options"]["link"] == "exp"
print(f"task: mean absolute error over the 9 large models {100 * sum(errors) / 3:.2f} points")
assert sum(errors) / 3 <= 0.02, errors
assert max(errors) <= 0.036, errors
PY

# import --m: D = M·N.
printf 'name,params,m,loss\na,1e8,20,3.1\nb,2e8,640,2.9\n' > "$WORK/m.csv"
expect_exit 0 "$MIXRUN" import -q --store "$store" --experiment per-param --on name --n params \
  --m m --metric loss=loss "$WORK/m.csv"
expect_exit 0 "$MIXRUN" export --store "$store" --experiment per-param
expect_in "$WORK/out" ",1.28e+11,"
expect_exit 2 "$MIXRUN" import -q --store "$store" --experiment per-param2 --m m \
  --metric loss=loss "$WORK/m.csv"
expect_in "$WORK/err" "--m (tokens per parameter) needs --n"
