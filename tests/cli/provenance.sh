#!/usr/bin/env bash
# Provenance (issue 12): a config changed under the same experiment name trains new runs that
# are told apart (labels, settings), fit-law refuses to mix the two settings unless asked or
# told which, every config version stays, fits record their selection; a study copied to another
# folder plans no run anew.
source "$(dirname "$0")/common.bash"

study="$WORK/study"
mkdir -p "$study/data"
echo "some code" > "$study/data/a.txt"
echo "some prose" > "$study/data/b.txt"
cat > "$study/trainer.sh" <<'SH'
#!/usr/bin/env bash
# A stand-in trainer whose losses depend on the mixture and the learning rate.
run_dir="$1" lr="$2" mixture="$3"
/usr/bin/python3 - "$run_dir" "$lr" "$mixture" <<'PY'
import json, sys
run_dir, lr, mixture = sys.argv[1], float(sys.argv[2]), json.loads(sys.argv[3])
code = mixture["code"]
with open(run_dir + "/metrics.jsonl", "w") as out:
    for name, value in (("eval/code/loss", 2.0 - code + lr * 100), ("eval/prose/loss", 1.0 + code)):
        out.write(json.dumps({"step": 10, "tokens": 1000, "name": name, "value": value}) + "\n")
PY
SH
chmod +x "$study/trainer.sh"
write_config() {  # write_config LR
  cat > "$study/study.json" <<JSON
{
  "name": "prov",
  "domains": [{"name": "code", "paths": ["data/a.txt"]}, {"name": "prose", "paths": ["data/b.txt"]}],
  "target": {"weights": {"code": 0.5, "prose": 0.5}},
  "mixtures": {"design": "grid", "grid_steps": 5},
  "models": [{"name": "m", "layers": 1, "d_model": 8, "heads": 1}],
  "train": {"tokens": 1000, "seeds": [0], "lr": $1},
  "backend": {"kind": "command", "command": ["./trainer.sh", "{run_dir}", "{lr}", "{mixture_json}"]}
}
JSON
}
store="$WORK/s.db"
write_config 0.003
expect_exit 0 "$MIXRUN" train "$study/study.json" --store "$store"
write_config 0.001
expect_exit 0 "$MIXRUN" train "$study/study.json" --store "$store"

/usr/bin/python3 - "$store" <<'PY' || fail "runs of the two settings are not told apart"
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
runs = db.execute("SELECT label, settings_id, settings_json, spec_json FROM runs").fetchall()
assert len(runs) == 12, len(runs)
labels = [r[0] for r in runs]
assert len(set(labels)) == 12, labels                      # no two rows share a label
assert len({r[1] for r in runs}) == 2                      # two settings
lrs = sorted({json.loads(r[2])["train"]["lr"] for r in runs})
assert lrs == [0.001, 0.003], lrs                          # the lr is stored per run
assert all(json.loads(r[3])["train"]["lr"] in lrs for r in runs)
configs = db.execute("SELECT COUNT(*) FROM experiment_configs").fetchone()[0]
assert configs == 2, configs                               # both config versions kept
PY
expect_exit 0 "$MIXRUN" runs --store "$store" --experiment prov
expect_in "$WORK/out" "@"

expect_exit 0 "$MIXRUN" export --store "$store" --experiment prov
/usr/bin/python3 - "$WORK/out" <<'PY' || fail "export does not tell the settings apart"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 12
assert sorted({r["setting/train.lr"] for r in rows}) == ["0.001", "0.003"], rows[0].keys()
assert len({r["settings_id"] for r in rows}) == 2
PY

# fit-law refuses to mix them, naming what differs; --where selects, --allow-mixed-settings mixes.
expect_exit 2 "$MIXRUN" fit-law regmix --store "$store" --experiment prov --metric eval/target/loss
expect_in "$WORK/err" "different settings"
expect_in "$WORK/err" "differing in train.lr: 0.00"
expect_in "$WORK/err" "0.001"
expect_in "$WORK/err" "0.003"
expect_exit 0 "$MIXRUN" fit-law regmix --store "$store" --experiment prov \
  --metric eval/target/loss --where lr=1e-3 --json
/usr/bin/python3 - "$WORK/out" <<'PY' || fail "--where did not select the lr=1e-3 runs"
import json, sys
fit = json.load(open(sys.argv[1]))
assert fit["stats"]["n"] == 6, fit["stats"]["n"]
assert fit["options"]["where"] == ["lr=1e-3"], fit["options"]
assert fit["options"]["mixrun_version"], fit["options"]
PY
expect_exit 0 "$MIXRUN" fit-law regmix --store "$store" --experiment prov \
  --metric eval/target/loss --allow-mixed-settings --json
/usr/bin/python3 -c "import json,sys; f=json.load(open(sys.argv[1])); assert f['stats']['n'] == 12" \
  "$WORK/out" || fail "--allow-mixed-settings did not fit every run"
expect_exit 2 "$MIXRUN" fit-law regmix --store "$store" --experiment prov \
  --metric eval/target/loss --where nosuch=1
expect_in "$WORK/err" "no such setting"

# The same study in another folder: planning it again adds nothing.
cp -r "$study" "$WORK/moved"
expect_exit 0 "$MIXRUN" plan "$WORK/moved/study.json" --store "$store"
count=$(/usr/bin/python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM runs').fetchone()[0])" "$store")
[ "$count" = 12 ] || fail "the moved study planned runs anew: $count runs"
