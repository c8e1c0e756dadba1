#!/usr/bin/env bash
# A domain glob that matches a symlink loop is a config fault naming the file, the JSON pointer
# and the link (exit 2), not an internal error (issue 12).
source "$(dirname "$0")/common.bash"

mkdir -p "$WORK/data"
echo "some text" > "$WORK/data/a.txt"
ln -s loop.txt "$WORK/data/loop.txt"
cat > "$WORK/loop.json" <<'JSON'
{
  "name": "loop",
  "domains": [{"name": "a", "paths": ["data/*.txt"]}],
  "mixtures": {"design": "explicit", "include": ["uniform"]},
  "models": [{"name": "m", "layers": 1, "d_model": 16, "heads": 4}],
  "train": {"tokens": 1000}
}
JSON
expect_exit 2 "$MIXRUN" plan "$WORK/loop.json" --store "$WORK/s.db" --dry-run
expect_in "$WORK/err" "$WORK/loop.json: /domains/0/paths/0: $WORK/data/loop.txt: "
expect_in "$WORK/err" "many levels of symbolic links"
if grep -q "internal error" "$WORK/err"; then fail "an internal error"; fi
rm "$WORK/data/loop.txt"
expect_exit 0 "$MIXRUN" plan "$WORK/loop.json" --store "$WORK/s.db" --dry-run
echo "config_symlink_loop: ok"
