#!/usr/bin/env bash
# Commands that only read (runs, export, report, fit-law --fit --predict) work on a store in a
# folder the user cannot write, and leave it as it was. Tests run as root, whom permissions do
# not stop: the commands then run as nobody (setpriv); skipped (exit 0, "SKIPPED") without it.
source "$(dirname "$0")/common.bash"
skip() { echo "SKIPPED: $*"; exit 0; }
regmix="$SHARED_DATA/regmix"
store="$WORK/s.db"

expect_exit 0 "$MIXRUN" import -q --store "$store" --experiment regmix-1m --on index \
  --weights-prefix train_the_pile_ --metrics-prefix metric/the_pile_ \
  "$regmix/train_mixture_1m.csv" "$regmix/train_pile_loss_1m.csv"
expect_exit 0 "$MIXRUN" fit-law regmix --model linear --store "$store" --experiment regmix-1m \
  --metric pile_cc_val_loss --json
fit_id="$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['fit_id'])" "$WORK/out")"

# The store copied (closed cleanly: no -wal or -shm file) into a folder no one may write.
ro="$WORK/read-only"
mkdir "$ro"
cp "$store" "$ro/s.db"
[ ! -e "$store-wal" ] || fail "the store was not closed cleanly"
chmod 0755 "$WORK"
chmod 0444 "$ro/s.db"
chmod 0555 "$ro"
trap 'chmod -R u+w "$WORK"; rm -rf "$WORK"' EXIT
as_reader=()
if [ "$(id -u)" -eq 0 ]; then
  command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
  as_reader=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  "${as_reader[@]}" test -x "$MIXRUN" || skip "nobody cannot run $MIXRUN"
  if "${as_reader[@]}" touch "$ro/probe" 2>/dev/null; then skip "nobody can write $ro"; fi
fi
before="$(ls -l --time-style=full-iso "$ro"; sha256sum "$ro/s.db")"

expect_exit 0 "${as_reader[@]}" "$MIXRUN" runs --store "$ro/s.db" --experiment regmix-1m
expect_in "$WORK/out" "512 runs"
expect_exit 0 "${as_reader[@]}" "$MIXRUN" export --store "$ro/s.db" --experiment regmix-1m
[ "$(wc -l < "$WORK/out")" -eq 513 ] || fail "export: expected 512 rows"
expect_exit 0 "${as_reader[@]}" "$MIXRUN" fit-law --store "$ro/s.db" --fit "$fit_id" \
  --predict '{"pile_cc": 0.9, "ubuntu_irc": 0.1}'
expect_in "$WORK/out" "pile_cc=0.9 ubuntu_irc=0.1"
expect_exit 0 "${as_reader[@]}" "$MIXRUN" report --store "$ro/s.db" --fit "$fit_id" \
  --experiment regmix-1m --json
expect_in "$WORK/out" '"fit_id"'
[ "$before" = "$(ls -l --time-style=full-iso "$ro"; sha256sum "$ro/s.db")" ] \
  || fail "reading changed the read-only folder"

# A command that writes says why it cannot, naming the store (exit 1: the environment).
expect_exit 1 "${as_reader[@]}" "$MIXRUN" fit-law regmix --model linear --store "$ro/s.db" \
  --experiment regmix-1m --metric pile_cc_val_loss
expect_in "$WORK/err" "$ro/s.db"
echo "read_only_store: ok"
