#!/usr/bin/env bash
# Inspecting a store without sqlite3: `fits` lists fits with their best-judged accuracy and
# `fits show` prints one as fit-law did; `show RUN` prints a run with its curves; `runs` sorts,
# limits and marks interrupted runs; `plan --dry-run -v` lists the planned mixtures.
source "$(dirname "$0")/common.bash"
store="$WORK/s.db"
regmix="$SHARED_DATA/regmix"
json_check() {  # json_check FILE PYTHON: asserts about j, the file's JSON
  /usr/bin/python3 -c "import json,sys; j=json.load(open(sys.argv[1])); $2" "$1" ||
    fail "JSON check failed: $2"
}

# Fits: Chinchilla in-sample and with k-fold; RegMix linear with a held-out test experiment.
expect_exit 0 "$MIXRUN" import -q --store "$store" --experiment chinchilla --metric loss=loss \
  --n "Model Size" --c "Training FLOP" "$SHARED_DATA/epoch-chinchilla/svg_extracted_data.csv"
expect_exit 0 "$MIXRUN" fit-law chinchilla --store "$store" --experiment chinchilla --metric loss \
  --drop-highest 5 --bootstrap 20 --compute 5.76e23
cp "$WORK/out" "$WORK/fit1.txt"
expect_exit 0 "$MIXRUN" fit-law chinchilla --store "$store" --experiment chinchilla --metric loss \
  --drop-highest 5 --kfold 3 --json
cp "$WORK/out" "$WORK/fit2.json"
for part in train_mixture_1m:train_pile_loss_1m:regmix-1m test_mixture_1m:test_pile_loss_1m:test-1m; do
  IFS=: read -r weights losses experiment <<< "$part"
  expect_exit 0 "$MIXRUN" import -q --store "$store" --experiment "$experiment" --on index \
    --weights-prefix train_the_pile_ --metrics-prefix metric/the_pile_ \
    "$regmix/$weights.csv" "$regmix/$losses.csv"
done
expect_exit 0 "$MIXRUN" fit-law regmix --model linear --store "$store" --experiment regmix-1m \
  --metric pile_cc_val_loss --test-experiment test-1m

expect_exit 0 "$MIXRUN" fits --store "$store"
for text in "accuracy on" "coverage 95%" "3 fits" "in-sample" "k-fold (n 240)" "test (n 256)" \
            "pile_cc_val_loss" "regmix-1m"; do
  expect_in "$WORK/out" "$text"
done
expect_exit 0 "$MIXRUN" fits --store "$store" --json
json_check "$WORK/out" "
assert [f['id'] for f in j] == [1, 2, 3], j
assert [f['accuracy_on'] for f in j] == ['in-sample', 'k-fold', 'test'], j
assert j[0]['coverage_95'] is None and 0 < j[1]['coverage_95'] <= 1, j
assert j[2]['accuracy_n'] == 256 and j[2]['n'] == 512 and j[2]['metric'] == 'pile_cc_val_loss', j
assert j[1]['experiment'] == 'chinchilla' and j[1]['law'] == 'chinchilla' and j[1]['n'] == 240, j
assert all(f['stage_of'] is None and f['created_at'] for f in j), j
assert abs(j[1]['mre'] - $(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['stats']['kfold']['mre'])" "$WORK/fit2.json")) < 1e-12"
expect_exit 0 "$MIXRUN" fits --store "$store" --experiment chinchilla --law chinchilla --last --id-only
[ "$(cat "$WORK/out")" = 2 ] || fail "--last --id-only: expected 2, got $(cat "$WORK/out")"
expect_exit 0 "$MIXRUN" fits --store "$store" --law mixing --json
[ "$(cat "$WORK/out")" = "[]" ] || fail "--law mixing lists fits"
expect_exit 2 "$MIXRUN" fits --store "$store" --experiment nope
expect_in "$WORK/err" "nope"

# fits show prints what fit-law printed, and --json what fit-law --json printed.
expect_exit 0 "$MIXRUN" fits show 1 --store "$store"
diff "$WORK/fit1.txt" "$WORK/out" || fail "fits show 1 differs from what fit-law printed"
expect_exit 0 "$MIXRUN" fits --store "$store" show 2 --json
/usr/bin/python3 -c "import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); assert a==b" \
  "$WORK/fit2.json" "$WORK/out" || fail "fits show 2 --json differs from fit-law --json"
expect_exit 2 "$MIXRUN" fits show 99 --store "$store"
expect_in "$WORK/err" "no fit with id 99"
expect_in "$WORK/err" "$store"

# A chain's stages (pipeline) are fits of their own, named by the fit that uses them; here made
# by hand: fit 4 a stage, fit 5 the chain's last fit naming it.
sqlite3 "$store" "INSERT INTO fits (experiment_id, law, options_json, params_json, stats_json)
  SELECT experiment_id, 'pipeline/step', options_json, params_json, stats_json FROM fits WHERE id = 1;
  INSERT INTO fits (experiment_id, law, options_json, params_json, stats_json)
  SELECT experiment_id, law, options_json, params_json,
         json_set(stats_json, '\$.stages', json('[{\"law\": \"pipeline/step\", \"fit_id\": 4}]'))
  FROM fits WHERE id = 2"
expect_exit 0 "$MIXRUN" fits --store "$store" --json
json_check "$WORK/out" "assert [f['stage_of'] for f in j] == [None, None, None, 5, None], j"
expect_exit 0 "$MIXRUN" fits --store "$store" --law pipeline/step
expect_in "$WORK/out" "fit 5"
expect_exit 0 "$MIXRUN" fits show 5 --store "$store"
expect_in "$WORK/out" "stage pipeline/step (fit 4): 240 points, in-sample MRE"
sqlite3 "$store" "UPDATE fits SET stats_json = json_set(stats_json, '\$.stages[0].fit_id', 5)
                  WHERE id = 5"
expect_exit 2 "$MIXRUN" fits show 5 --store "$store"
expect_in "$WORK/err" "fit 5: stats \"stages\" names no earlier fit"

# Runs with histories: two tiny trained runs.
copy_example_data
cat > "$WORK/tiny.json" <<'JSON'
{
  "name": "tiny",
  "domains": [{"name": "code", "paths": ["data/*.txt"]},
              {"name": "web", "paths": ["data/pages.jsonl"], "format": "jsonl"}],
  "target": {"weights": {"code": 0.5, "web": 0.5}},
  "mixtures": {"design": "explicit", "include": [{"code": 0.3, "web": 0.7}, {"code": 0.8, "web": 0.2}]},
  "models": [{"name": "small", "layers": 1, "d_model": 32, "heads": 2}],
  "train": {"tokens": 40000, "context": 32, "batch": 8, "lr": 0.003, "seeds": [0],
            "eval_every": 20, "eval_tokens": 1024, "checkpoint_every": 50}
}
JSON
expect_exit 0 "$MIXRUN" plan "$WORK/tiny.json" --store "$store" --dry-run -v
for text in "label" "code" "web" "0.3" "0.7" "0.8" "0.2"; do expect_in "$WORK/out" "$text"; done
expect_exit 0 "$MIXRUN" plan "$WORK/tiny.json" --store "$store" --dry-run --json -v
json_check "$WORK/out" "
r = j['planned_runs']
assert [x['weights'] for x in r] == [{'code': 0.3, 'web': 0.7}, {'code': 0.8, 'web': 0.2}], r
assert all(x['model'] == 'small' and x['tokens'] == 40000 for x in r), r"
expect_exit 0 "$MIXRUN" plan "$WORK/tiny.json" --store "$store" --dry-run --json
json_check "$WORK/out" "assert 'planned_runs' not in j"
expect_exit 0 "$MIXRUN" train -q "$WORK/tiny.json" --store "$store"

expect_exit 0 "$MIXRUN" runs --store "$store" --experiment tiny --json
json_check "$WORK/out" "
assert len(j) == 2 and all(r['loss_metric'] == 'eval/target/loss' for r in j), j
assert all(r['loss'] == r['metrics']['eval/target/loss'] and r['wall_s'] > 0 for r in j), j
assert not any(r['interrupted'] for r in j), j"
read -r first second best key label < <(/usr/bin/python3 -c "
import json,sys; j=json.load(open(sys.argv[1])); b=min(j, key=lambda r: r['loss'])
print(j[0]['run_id'], j[1]['run_id'], b['run_id'], b['run_key'], b['label'])" "$WORK/out")
expect_exit 0 "$MIXRUN" runs --store "$store" --experiment tiny --sort loss --limit 1 --json
json_check "$WORK/out" "assert [r['run_id'] for r in j] == [$best], j"
expect_exit 0 "$MIXRUN" runs --store "$store" --sort=-id --limit 2 --json
json_check "$WORK/out" "assert [r['run_id'] for r in j] == [$second, $first], j"
expect_exit 0 "$MIXRUN" runs --store "$store" --sort=-loss --json
json_check "$WORK/out" "
losses = [r['loss'] for r in j if r['loss'] is not None]
assert losses == sorted(losses, reverse=True) and j[-1]['loss'] is None, j"
expect_exit 0 "$MIXRUN" runs --store "$store" --experiment tiny --sort wall
expect_in "$WORK/out" "eval/target/loss"
expect_in "$WORK/out" " s "
expect_exit 2 "$MIXRUN" runs --store "$store" --sort size
expect_in "$WORK/err" "--sort: 'size'"

# An interrupted run: left running by a process of this host that is gone.
true & gone=$!
wait "$gone"
sqlite3 "$store" "UPDATE runs SET status = 'running', host = '$(hostname)', pid = $gone
                  WHERE id = $first"
expect_exit 0 "$MIXRUN" runs --store "$store" --experiment tiny
expect_in "$WORK/out" "interrupted"
expect_exit 0 "$MIXRUN" runs --store "$store" --experiment tiny --json
json_check "$WORK/out" "assert [r['interrupted'] for r in j] == [True, False], j"
sqlite3 "$store" "UPDATE runs SET pid = $$ WHERE id = $first"  # alive: running, not interrupted
expect_exit 0 "$MIXRUN" runs --store "$store" --experiment tiny --json
json_check "$WORK/out" "assert [r['interrupted'] for r in j] == [False, False], j"
sqlite3 "$store" "UPDATE runs SET status = 'done' WHERE id = $first"

# show RUN: by id, key prefix or label; curves as sparklines; --json with full histories.
for run in "$best" "${key:0:8}" "$label"; do
  expect_exit 0 "$MIXRUN" show "$run" --store "$store"
  expect_in "$WORK/out" "key         $key"
done
for text in "experiment  tiny" "status      done" "mixture" "settings" "spec" "eval/target/loss" \
            "train/loss" "first" "min" "last" "▁"; do
  expect_in "$WORK/out" "$text"
done
expect_exit 0 "$MIXRUN" show "$best" --store "$store" --json
json_check "$WORK/out" "
h = j['histories']['eval/target/loss']
assert len(h) >= 3 and all(set(p) == {'step', 'tokens', 'value'} for p in h), h
assert [p['step'] for p in h] == sorted(p['step'] for p in h), h
assert j['metrics']['eval/target/loss'] == h[-1]['value'], j['metrics']
assert j['run_key'] == '$key' and j['spec'] and j['settings'] and j['status'] == 'done', j"
expect_exit 2 "$MIXRUN" show "${key:0:4}" --store "$store"
expect_in "$WORK/err" "no run '${key:0:4}'"
expect_exit 2 "$MIXRUN" show no-such-run --store "$store"
expect_in "$WORK/err" "its runs include"
expect_exit 2 "$MIXRUN" show small-40K --store "$store"
expect_in "$WORK/err" "runs whose label contains it"
expect_in "$WORK/err" "(label mix0-small-40K-s0, experiment tiny"
# Imported runs' labels are numbers, repeated across experiments: an id names its run first; a
# label several runs share is ambiguous, and the error names each.
expect_exit 0 "$MIXRUN" show 1 --store "$store" --json
json_check "$WORK/out" "assert j['run_id'] == 1 and j['experiment'] == 'chinchilla', j"
sqlite3 "$store" "UPDATE runs SET label = 'twin' WHERE id IN ($first, $second)"
expect_exit 2 "$MIXRUN" show twin --store "$store"
expect_in "$WORK/err" "names 2 runs"
expect_in "$WORK/err" "run $first (label twin, experiment tiny"
expect_in "$WORK/err" "run $second (label twin, experiment tiny"
echo "inspect: ok"
