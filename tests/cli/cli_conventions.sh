#!/usr/bin/env bash
# The conventions users bring from other CLIs: did-you-mean for commands and flags, `help CMD`,
# completion scripts, where the store comes from (and saying so), errors as JSON with --json.
source "$(dirname "$0")/common.bash"

expect_exit 2 "$MIXRUN" trian
expect_in "$WORK/err" "unknown command 'trian'; did you mean 'train'?"
expect_exit 2 "$MIXRUN" fits --sotre x.db
expect_in "$WORK/err" "--sotre: did you mean '--store'?"
expect_exit 2 "$MIXRUN" fit-law chinchilla --bootstap 10
expect_in "$WORK/err" "did you mean '--bootstrap'?"

expect_exit 0 "$MIXRUN" help recommend
cp "$WORK/out" "$WORK/help.txt"
expect_exit 0 "$MIXRUN" recommend --help
cmp -s "$WORK/out" "$WORK/help.txt" || fail "'help recommend' differs from 'recommend --help'"

for shell in bash zsh; do
  expect_exit 0 "$MIXRUN" completion "$shell"
  expect_in "$WORK/out" "complete -F _mixrun mixrun"
done
"$MIXRUN" completion bash > "$WORK/completion.bash"
words="$(bash -c "source '$WORK/completion.bash'; COMP_WORDS=(mixrun fit-); COMP_CWORD=1; _mixrun;
  echo \${COMPREPLY[@]}; COMP_WORDS=(mixrun fit-law --boot); COMP_CWORD=2; _mixrun;
  echo \${COMPREPLY[@]}")"
[ "$words" = "fit-law
--bootstrap" ] || fail "completion gave: $words"

# Experiment names complete after --experiment (and its kin) from the store the line names.
csv="$SHARED_DATA/epoch-chinchilla/svg_extracted_data.csv"
for name in chinchilla chinchilla-small other; do
  expect_exit 0 "$MIXRUN" import -q --store "$WORK/names.db" --experiment "$name" --metric loss=loss \
    --n "Model Size" --c "Training FLOP" "$csv"
done
words="$(PATH="$(dirname "$MIXRUN"):$PATH" bash -c "source '$WORK/completion.bash';
  COMP_WORDS=(mixrun fit-law chinchilla --store '$WORK/names.db' --experiment chin); COMP_CWORD=6;
  _mixrun; echo \${COMPREPLY[@]}; COMP_WORDS=(mixrun report --store '$WORK/names.db' --transfer o);
  COMP_CWORD=5; _mixrun; echo \${COMPREPLY[@]}")"
[ "$words" = "chinchilla chinchilla-small
other" ] || fail "experiment completion gave: $words"
# experiments: what the store holds.
expect_exit 0 "$MIXRUN" experiments --store "$WORK/names.db"
expect_in "$WORK/out" "chinchilla-small"
expect_exit 0 "$MIXRUN" experiments --store "$WORK/names.db" --json
/usr/bin/python3 -c "
import json, sys
rows = json.load(open(sys.argv[1]))
assert [r['experiment'] for r in rows] == ['chinchilla', 'chinchilla-small', 'other'], rows
assert all(r['runs'] == r['done'] == 245 and r['fits'] == 0 for r in rows), rows
" "$WORK/out" || fail "experiments --json"

# The store: --store, else $MIXRUN_STORE, else the one config's in this folder, else mixrun.db.
csv="$SHARED_DATA/epoch-chinchilla/svg_extracted_data.csv"
MIXRUN_STORE="$WORK/env.db" expect_exit 0 "$MIXRUN" import --experiment c --metric loss=loss \
  --n "Model Size" --c "Training FLOP" "$csv"
[ -f "$WORK/env.db" ] || fail "MIXRUN_STORE was not used"
expect_in "$WORK/err" "store $WORK/env.db (\$MIXRUN_STORE"
mkdir -p "$WORK/folder"
cat > "$WORK/folder/exp.json" <<JSON
{"name": "exp", "store": "$WORK/folder/exp.db",
 "domains": [{"name": "a", "paths": ["$WORK/folder/a.txt"]}, {"name": "b", "paths": ["$WORK/folder/b.txt"]}],
 "mixtures": {"design": "explicit", "include": [{"a": 0.5, "b": 0.5}]},
 "models": [{"name": "s", "layers": 1, "d_model": 16, "heads": 2}],
 "train": {"tokens": 1000, "context": 16, "batch": 2}}
JSON
head -c 4000 "$csv" > "$WORK/folder/a.txt"
head -c 4000 "$SHARED_DATA/epoch-chinchilla/README.md" > "$WORK/folder/b.txt"
(cd "$WORK/folder" && "$MIXRUN" import --experiment c --metric loss=loss --n "Model Size" \
  --c "Training FLOP" "$csv" 2> "$WORK/err") || fail "import in a config's folder: $(cat "$WORK/err")"
[ -f "$WORK/folder/exp.db" ] || fail "the folder's config's store was not used: $(cat "$WORK/err")"
expect_in "$WORK/err" "the store of exp.json in this folder"

# With --json an error is JSON on stdout too.
expect_exit 2 "$MIXRUN" fit-law --store "$WORK/env.db" --fit 99 --predict '{"N": 1e9, "D": 2e10}' --json
/usr/bin/python3 -c "
import json, sys
error = json.load(open(sys.argv[1]))
assert error['exit_code'] == 2 and 'no fit with id 99' in error['error'], error
" "$WORK/out" || fail "--json error"

# export --json is export --format json.
expect_exit 0 "$MIXRUN" export --store "$WORK/env.db" --experiment c --json
/usr/bin/python3 -c "import json,sys; rows = json.load(open(sys.argv[1])); assert len(rows) == 245, len(rows)" \
  "$WORK/out" || fail "export --json"
