#!/usr/bin/env bash
# A config with several faults: every fault is reported with file and JSON pointer, exit 2,
# and the store is untouched.
source "$(dirname "$0")/common.bash"

expect_exit 0 "$MIXRUN" import --store "$WORK/s.db" --experiment regmix --on index \
  --weights-prefix train_the_pile_ --metrics-prefix metric/the_pile_ \
  "$SHARED_DATA/regmix/train_mixture_1m.csv" "$SHARED_DATA/regmix/train_pile_loss_1m.csv"
before="$(sha256sum "$WORK/s.db")"

mkdir -p "$WORK/data"
echo "some text" > "$WORK/data/a.txt"
cat > "$WORK/broken.json" <<'JSON'
{
  // four faults below
  "name": "broken",
  "domains": [{"name": "a", "paths": ["data/*.txt"]}, {"name": "b", "paths": ["data/none*.txt"]}],
  "target": {"weights": {"a": 0.5, "c": 0.5}},
  "mixtures": {"design": "explicit", "include": [{"a": 1.0}]},
  "models": [{"name": "m", "layers": 1, "d_model": 16, "heads": 4, "dropout": 0.1}],
  "train": {"tokens": 1000, "lr": -1}
}
JSON
for dry in --dry-run ""; do
  expect_exit 2 "$MIXRUN" plan "$WORK/broken.json" --store "$WORK/s.db" $dry
  expect_in "$WORK/err" "$WORK/broken.json: /domains/1/paths/0: 'data/none*.txt' matches no file"
  expect_in "$WORK/err" "$WORK/broken.json: /target/weights/c: unknown domain 'c'"
  expect_in "$WORK/err" "$WORK/broken.json: /models/0/dropout: unknown key 'dropout'"
  expect_in "$WORK/err" "$WORK/broken.json: /train/lr: -1 is out of range"
done
[ "$before" = "$(sha256sum "$WORK/s.db")" ] || fail "the store changed"
expect_exit 0 "$MIXRUN" runs --store "$WORK/s.db" --json
/usr/bin/python3 -c "import json,sys; assert len(json.load(open(sys.argv[1])))==512" "$WORK/out" \
  || fail "runs lost"
echo "bad_config: ok"
