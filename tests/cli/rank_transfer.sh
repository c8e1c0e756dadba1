#!/usr/bin/env bash
# report --transfer on RegMix's released runs: the same 256 test mixtures at 1M and 60M. The 60M
# runs are imported under other labels and in another order (pairing is by mixture), and every
# figure is checked against a direct computation in plain python (average ranks for ties,
# Spearman, Kendall tau-b, top-10 overlap, ranks of each best); then seeds averaged, and errors.
source "$(dirname "$0")/common.bash"
store="$WORK/s.db"
regmix="$SHARED_DATA/regmix"

# The 60M files with the index shifted by 1000 and the rows reversed: labels and order differ.
for file in test_mixture_60m test_pile_loss_60m; do
  { head -n 1 "$regmix/$file.csv"
    tail -n +2 "$regmix/$file.csv" | awk -F, -v OFS=, '{ $1 = $1 + 1000; print }' | tac
  } > "$WORK/$file.csv"
done
expect_exit 0 "$MIXRUN" import -q --store "$store" --experiment regmix-1m --on index \
  --weights-prefix train_the_pile_ --metrics-prefix metric/the_pile_ \
  "$regmix/test_mixture_1m.csv" "$regmix/test_pile_loss_1m.csv"
expect_exit 0 "$MIXRUN" import -q --store "$store" --experiment regmix-60m --on index \
  --weights-prefix train_the_pile_ --metrics-prefix metric/the_pile_ \
  "$WORK/test_mixture_60m.csv" "$WORK/test_pile_loss_60m.csv"

# The direct computation: reads the CSV files (not the store), pairs rows by normalised weights,
# averages rows of one mixture, and prints the figures as JSON.
cat > "$WORK/reference.py" <<'PY'
import csv, json, math, sys

def read(mixture_csv, loss_csv, metric):
    weights = {}
    for row in csv.DictReader(open(mixture_csv)):
        w = {k[len("train_the_pile_"):]: float(v) for k, v in row.items() if k != "index"}
        total = sum(w.values())
        weights[row["index"]] = {k: v / total for k, v in w.items()}
    groups = []  # [weights, [losses]] in file order
    for row in csv.DictReader(open(loss_csv)):
        w, loss = weights[row["index"]], float(row["metric/the_pile_" + metric])
        for group in groups:
            if sum(abs(group[0][k] - w[k]) for k in w) <= 1e-5:
                group[1].append(loss)
                break
        else:
            groups.append([w, [loss]])
    return groups

def ranks(values):  # 1-based, ties averaged
    order = sorted(range(len(values)), key=lambda i: values[i])
    r = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for t in range(i, j + 1):
            r[order[t]] = (i + j) / 2 + 1
        i = j + 1
    return r

def pearson(x, y):
    mx, my = sum(x) / len(x), sum(y) / len(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    return sxy / math.sqrt(sum((a - mx) ** 2 for a in x) * sum((b - my) ** 2 for b in y))

def kendall_tau_b(x, y):
    n, s, tx, ty = len(x), 0, 0, 0
    for i in range(n):
        for j in range(i + 1, n):
            dx, dy = x[i] - x[j], y[i] - y[j]
            tx += dx == 0
            ty += dy == 0
            if dx and dy:
                s += 1 if (dx > 0) == (dy > 0) else -1
    n0 = n * (n - 1) / 2
    return s / math.sqrt((n0 - tx) * (n0 - ty))

small_mix, small_loss, large_mix, large_loss, metric, k = sys.argv[1:7]
k = int(k)
small, large = read(small_mix, small_loss, metric), read(large_mix, large_loss, metric)
pairs = []
for w, losses in small:
    for w2, losses2 in large:
        if sum(abs(w[d] - w2[d]) for d in w) <= 1e-5:
            pairs.append((sum(losses) / len(losses), sum(losses2) / len(losses2)))
            break
x, y = [p[0] for p in pairs], [p[1] for p in pairs]
n = len(pairs)
by_small = sorted(range(n), key=lambda i: (x[i], i))
by_large = sorted(range(n), key=lambda i: (y[i], i))
shared = len(set(by_small[:k]) & set(by_large[:k]))
best_s, best_l = by_small[0], by_large[0]
print(json.dumps({
    "n": n, "spearman": pearson(ranks(x), ranks(y)), "kendall_tau_b": kendall_tau_b(x, y),
    "top_k_shared": shared, "top_k_overlap": shared / k,
    "small_best_rank_large": 1 + sum(v < y[best_s] for v in y),
    "large_best_rank_small": 1 + sum(v < x[best_l] for v in x),
    "large_gap": y[best_s] - y[best_l], "large_gap_relative": (y[best_s] - y[best_l]) / y[best_l],
    "best_still_best": y[best_s] <= min(y),
    "repeated_small": sum(len(l) > 1 for _, l in small)}))
PY

# compare ACTUAL.json EXPECTED.json: every figure the reference computes, to 1e-9.
cat > "$WORK/compare.py" <<'PY'
import json, sys
actual, expected = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
for name, value in expected.items():
    if name == "repeated_small":
        assert actual["small"]["repeated_mixtures"] == value, (name, actual["small"], value)
    elif isinstance(value, float):
        assert abs(actual[name] - value) <= 1e-9 * max(1, abs(value)), (name, actual[name], value)
    else:
        assert actual[name] == value, (name, actual[name], value)
print(" ".join(f"{name} {actual[name]}" for name in expected if name in actual))
PY

expect_exit 0 "$MIXRUN" report --store "$store" --transfer regmix-1m regmix-60m \
  --metric pile_cc_val_loss --top-k 10 --json
cp "$WORK/out" "$WORK/transfer.json"
/usr/bin/python3 "$WORK/reference.py" "$regmix/test_mixture_1m.csv" "$regmix/test_pile_loss_1m.csv" \
  "$regmix/test_mixture_60m.csv" "$regmix/test_pile_loss_60m.csv" pile_cc_val_loss 10 \
  > "$WORK/expected.json"
/usr/bin/python3 "$WORK/compare.py" "$WORK/transfer.json" "$WORK/expected.json" ||
  fail "rank transfer differs from the direct computation"
/usr/bin/python3 - "$WORK/transfer.json" <<'PY' || fail "rank transfer's pairing or counts are off"
import json, sys
t = json.load(open(sys.argv[1]))
assert t["n"] == 256 and t["top_k"] == 10, t["n"]
for side in ("small", "large"):
    s = t[side]
    assert (s["runs"], s["paired_runs"], s["unpaired_runs"], s["repeated_mixtures"]) == (256, 256, 0, 0), s
# Paired by mixture, not label: RegMix's best test mixture (index 217) is 1217 at 60M.
best = t["pairs"][0]
assert (best["small_labels"], best["large_labels"]) == (["217"], ["1217"]), best
assert abs(best["small"] - 5.1272) < 1e-4 and abs(best["large"] - 4.1001) < 1e-4, best
assert t["verdict"].startswith("regmix-1m's ranking of pile_cc_val_loss transfers to regmix-60m")
PY

# The text report: the sides, the top 10 and the summary.
expect_exit 0 "$MIXRUN" report --store "$store" --transfer regmix-1m regmix-60m \
  --metric pile_cc_val_loss
expect_in "$WORK/out" "rank transfer of pile_cc_val_loss (lower is better) from regmix-1m to regmix-60m"
expect_in "$WORK/out" "top 10 at regmix-1m:"
expect_in "$WORK/out" "Kendall tau-b"
expect_in "$WORK/out" "top-10 overlap"
expect_in "$WORK/out" "regmix-1m's best, at regmix-60m"

# --higher-is-better (an accuracy, say) picks the other end; the correlations do not change.
expect_exit 0 "$MIXRUN" report --store "$store" --transfer regmix-1m regmix-60m \
  --metric pile_cc_val_loss --higher-is-better --json
/usr/bin/python3 - "$WORK/out" "$WORK/transfer.json" <<'PY' || fail "--higher-is-better is off"
import json, sys
t, lower = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert t["higher_is_better"] and t["spearman"] == lower["spearman"], t["spearman"]
assert t["pairs"][0]["small"] == max(p["small"] for p in t["pairs"]), t["pairs"][0]
pick = t["pairs"][0]["large"]
best = max(p["large"] for p in t["pairs"])
assert abs(t["large_gap"] - (best - pick)) <= 1e-12 and t["large_gap"] >= 0, t["large_gap"]
assert t["small_best_rank_large"] == 1 + sum(p["large"] > pick for p in t["pairs"])
PY

# Seeds: three more 1M runs of mixtures already run (other labels, other losses) are averaged
# with them, and the figures still match the direct computation on the same rows.
awk -F, -v OFS=, 'NR == 1 || NR == 2 || NR == 50 || NR == 218 { if (NR > 1) $1 = $1 + 5000; print }' \
  "$regmix/test_mixture_1m.csv" > "$WORK/seed_mixture.csv"
awk -F, -v OFS=, 'NR == 1 { print; next } NR == 2 || NR == 50 || NR == 218 {
  $1 = $1 + 5000; for (i = 2; i <= NF; ++i) $i = $i + 0.05 * (NR % 3 + 1); print }' \
  "$regmix/test_pile_loss_1m.csv" > "$WORK/seed_loss.csv"
expect_exit 0 "$MIXRUN" import -q --store "$store" --experiment regmix-1m-seeds --on index \
  --weights-prefix train_the_pile_ --metrics-prefix metric/the_pile_ \
  "$regmix/test_mixture_1m.csv" "$regmix/test_pile_loss_1m.csv"
expect_exit 0 "$MIXRUN" import -q --store "$store" --experiment regmix-1m-seeds --on index \
  --weights-prefix train_the_pile_ --metrics-prefix metric/the_pile_ \
  "$WORK/seed_mixture.csv" "$WORK/seed_loss.csv"
{ cat "$regmix/test_mixture_1m.csv"; tail -n +2 "$WORK/seed_mixture.csv"; } > "$WORK/all_mixture.csv"
{ cat "$regmix/test_pile_loss_1m.csv"; tail -n +2 "$WORK/seed_loss.csv"; } > "$WORK/all_loss.csv"
expect_exit 0 "$MIXRUN" report --store "$store" --transfer regmix-1m-seeds regmix-60m \
  --metric pile_cc_val_loss --top-k 5 --json
cp "$WORK/out" "$WORK/seeds.json"
/usr/bin/python3 "$WORK/reference.py" "$WORK/all_mixture.csv" "$WORK/all_loss.csv" \
  "$regmix/test_mixture_60m.csv" "$regmix/test_pile_loss_60m.csv" pile_cc_val_loss 5 \
  > "$WORK/expected_seeds.json"
/usr/bin/python3 "$WORK/compare.py" "$WORK/seeds.json" "$WORK/expected_seeds.json" ||
  fail "rank transfer with seeds differs from the direct computation"
/usr/bin/python3 - "$WORK/seeds.json" <<'PY' || fail "seeds are not counted"
import json, sys
s = json.load(open(sys.argv[1]))["small"]
assert (s["runs"], s["mixtures"], s["repeated_mixtures"], s["paired_runs"]) == (259, 256, 3, 259), s
PY
expect_exit 0 "$MIXRUN" report --store "$store" --transfer regmix-1m-seeds regmix-60m \
  --metric pile_cc_val_loss
expect_in "$WORK/out" "regmix-1m-seeds: 3 mixtures have several runs (seeds); each one's metric is their mean"

# A comparison that could not pass: the reference on another metric disagrees.
/usr/bin/python3 "$WORK/reference.py" "$regmix/test_mixture_1m.csv" "$regmix/test_pile_loss_1m.csv" \
  "$regmix/test_mixture_60m.csv" "$regmix/test_pile_loss_60m.csv" github_val_loss 10 \
  > "$WORK/other.json"
if /usr/bin/python3 "$WORK/compare.py" "$WORK/transfer.json" "$WORK/other.json" 2>/dev/null; then
  fail "the comparison accepts another metric's figures"
fi

# Errors: exit 2, named.
expect_exit 2 "$MIXRUN" report --store "$store" --transfer regmix-1m regmix-60m
expect_in "$WORK/err" "--metric"
expect_exit 2 "$MIXRUN" report --store "$store" --transfer regmix-1m --metric pile_cc_val_loss
expect_in "$WORK/err" "report --transfer takes two experiments, EXP_SMALL EXP_LARGE"
expect_exit 2 "$MIXRUN" report --store "$store" --transfer regmix-1m regmix-60m \
  --metric pile_cc_val_loss --fit 1
expect_in "$WORK/err" "--fit"
expect_exit 2 "$MIXRUN" report --store "$store" --transfer regmix-1m regmix-6m \
  --metric pile_cc_val_loss
expect_in "$WORK/err" "regmix-6m"
expect_exit 2 "$MIXRUN" report --store "$store" --transfer regmix-1m regmix-60m --metric lost
expect_in "$WORK/err" "experiment 'regmix-1m' has no finished run with metric 'lost'"
expect_exit 2 "$MIXRUN" report --store "$store" --top-k 5
expect_in "$WORK/err" "--transfer"
expect_exit 2 "$MIXRUN" report --store "$store"
expect_in "$WORK/err" "give --fit ID --experiment E, or --transfer EXP_SMALL EXP_LARGE --metric M"
head -n 3 "$regmix/test_mixture_60m.csv" > "$WORK/two_mixture.csv"
head -n 3 "$regmix/test_pile_loss_60m.csv" > "$WORK/two_loss.csv"
expect_exit 0 "$MIXRUN" import -q --store "$store" --experiment two --on index \
  --weights-prefix train_the_pile_ --metrics-prefix metric/the_pile_ \
  "$WORK/two_mixture.csv" "$WORK/two_loss.csv"
expect_exit 2 "$MIXRUN" report --store "$store" --transfer regmix-1m two --metric pile_cc_val_loss
expect_in "$WORK/err" "needs 3 or more mixtures run in both experiments; 2 of the 256"
echo "rank transfer: ok"
