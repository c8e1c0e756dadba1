#!/usr/bin/env bash
# collect with a good shard and a bad one (not a store; a store damaged past its header) merges
# nothing: exit 2, the bad shard named, the main store as it was.
source "$(dirname "$0")/common.bash"
regmix="$SHARED_DATA/regmix"
main="$WORK/main.db"

expect_exit 0 "$MIXRUN" import -q --store "$main" --experiment chinchilla --metric loss=loss \
  --n "Model Size" --c "Training FLOP" "$SHARED_DATA/epoch-chinchilla/svg_extracted_data.csv"
for shard in good damaged; do
  expect_exit 0 "$MIXRUN" import -q --store "$WORK/$shard.db" --experiment "regmix-$shard" \
    --on index --weights-prefix train_the_pile_ --metrics-prefix metric/the_pile_ \
    "$regmix/train_mixture_1m.csv" "$regmix/train_pile_loss_1m.csv"
done
# Pages 2 to 10 of the damaged shard overwritten: it opens as a store, and fails while merged.
/usr/bin/python3 - "$WORK/damaged.db" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(4096)
    f.write(b"\x5a" * 4096 * 9)
PY
printf 'garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage\n' \
  > "$WORK/garbage.db"
expect_exit 0 "$MIXRUN" export --store "$main" --history
cp "$WORK/out" "$WORK/before.csv"

for bad in garbage damaged; do
  expect_exit 2 "$MIXRUN" collect --store "$main" --shard-store "$WORK/good.db" \
    --shard-store "$WORK/$bad.db"
  cp "$WORK/err" "$WORK/collect.err"
  expect_exit 0 "$MIXRUN" export --store "$main" --history
  cmp -s "$WORK/out" "$WORK/before.csv" || fail "collect with the $bad shard changed the store"
  expect_in "$WORK/collect.err" "$WORK/$bad.db"
  expect_in "$WORK/collect.err" "nothing was merged: $main is unchanged"
done

expect_exit 0 "$MIXRUN" collect --store "$main" --shard-store "$WORK/good.db" --json
expect_in "$WORK/out" '"added": 512'
echo "collect_all_or_nothing: ok"
