#!/usr/bin/env bash
# study: the closed loop on two example domains — the initial design, then rounds of fit,
# recommend, suggest, train until the budget; every round stored with its fit, recommendation and
# batch; run again it trains nothing more; a larger budget goes on; Ctrl-C in the middle exits 130
# and the next run finishes the study with no run trained twice.
source "$(dirname "$0")/common.bash"
source "$(dirname "$0")/report_common.bash"

copy_example_data
cat > "$WORK/st.json" <<'JSON'
{
  "name": "st",
  "domains": [{"name": "code", "paths": ["data/*.txt"]},
              {"name": "web", "paths": ["data/pages.jsonl"], "format": "jsonl"}],
  "target": {"weights": {"code": 0.5, "web": 0.5}},
  "mixtures": {"design": "dirichlet", "count": 6, "prior": "uniform", "seed": 1},
  "models": [{"name": "s", "layers": 1, "d_model": 32, "heads": 2}],
  "train": {"tokens": 40000, "context": 32, "batch": 8, "seeds": [1], "eval_every": 50,
            "eval_tokens": 2048, "checkpoint_every": 10}
}
JSON
store="$WORK/s.db"
study() { "$MIXRUN" study "$WORK/st.json" --store "$store" --batch 2 --jobs 2 --bootstrap 30 "$@"; }
count() { sqlite3 "$store" "$1"; }

expect_exit 0 study --budget 10 --json
/usr/bin/python3 - "$WORK/out" <<'PY' || fail "the study's rounds are off"
import json, sys
j = json.load(open(sys.argv[1]))
rounds = j["rounds"]
assert [r["runs"] for r in rounds] == [6, 8, 10], [r["runs"] for r in rounds]
assert all(len(r["suggestions"]) == 2 for r in rounds[:-1]) and rounds[-1]["suggestions"] == []
assert rounds[-1]["stop_reason"] == "budget spent: 10 finished runs of 10", rounds[-1]
for r in rounds:
    lo, hi = r["prediction_interval"]
    assert lo < r["predicted_loss"] < hi and abs(sum(r["recommended"].values()) - 1) < 1e-9, r
PY
expect_in "$WORK/err" "round 1: 8 runs; fit 2 recommends"
[ "$(count "SELECT COUNT(*) FROM runs WHERE status = 'done'")" = 10 ] || fail "not 10 runs done"
[ "$(count "SELECT COUNT(*) FROM study_rounds WHERE fit_id IS NOT NULL AND recommendation_id IS NOT NULL")" = 3 ] \
  || fail "rounds not stored with their fits and recommendations"
[ "$(count "SELECT stop_reason FROM study_rounds WHERE round = 2")" = "budget spent: 10 finished runs of 10" ] \
  || fail "the last round's stop is not stored"
[ -s "$WORK/runs/st/study/round-1.json" ] || fail "no batch file for round 1"
# The batch files are what train --include takes: training them again adds nothing.
expect_exit 0 "$MIXRUN" train "$WORK/st.json" --store "$store" --include "$WORK/runs/st/study/round-0.json" \
  --include "$WORK/runs/st/study/round-1.json"
expect_in "$WORK/err" "10 runs planned; 0 trained now, 10 were done"

# Again: nothing trained; a larger budget goes on from there.
expect_exit 0 study --budget 10
expect_in "$WORK/err" "0 trained now"
expect_in "$WORK/out" "stopped: budget spent: 10 finished runs of 10"
expect_exit 0 study --budget 12
[ "$(count "SELECT COUNT(*) FROM runs WHERE status = 'done'")" = 12 ] || fail "a larger budget did not go on"
[ "$(count "SELECT MAX(round) FROM study_rounds")" = 3 ] || fail "not 4 rounds"

# Ctrl-C in the middle of a round's training: exit 130; the next run finishes the study.
INTERRUPT_STORE="$store" interrupt_when \
  "SELECT COUNT(*) >= 14 AND SUM(status = 'running') >= 1 FROM runs" \
  "$MIXRUN" study "$WORK/st.json" --store "$store" --batch 2 --jobs 2 --bootstrap 30 --budget 20
expect_in "$WORK/int.err" "run it again to go on"
expect_exit 0 study --budget 20
[ "$(count "SELECT COUNT(*) FROM runs WHERE status = 'done'")" = 20 ] || fail "the study did not finish"
[ "$(count "SELECT COUNT(*) FROM runs")" = 20 ] || fail "runs beyond the budget"
[ "$(count "SELECT MAX(attempts) FROM runs")" = 1 ] || fail "a run was trained twice"
[ "$(count "SELECT COUNT(*) FROM study_rounds")" = "$(( $(count "SELECT MAX(round) FROM study_rounds") + 1 ))" ] \
  || fail "rounds are not consecutive"

# The report shows the loop: one point per round, the best measured so far beside it.
expect_exit 0 "$MIXRUN" report --store "$store" --experiment st --out "$WORK/report"
check_report "$WORK/report" loss_curves_eval_target_loss loss_curves_eval_code_loss \
  loss_curves_eval_web_loss study_progress
/usr/bin/python3 - "$WORK/report/study_progress.csv" "$(count "SELECT COUNT(*) FROM study_rounds")" <<'PY' \
  || fail "the study's figure is off"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == int(sys.argv[2]), (len(rows), sys.argv[2])
assert [int(r["runs"]) for r in rows] == sorted(int(r["runs"]) for r in rows)
best = [float(r["best_observed"]) for r in rows]
assert all(b <= a for a, b in zip(best, best[1:])), best  # the best so far never rises
for r in rows:
    assert float(r["pi_low"]) < float(r["predicted"]) < float(r["pi_high"]), r
PY
echo "study: ok"
