#!/usr/bin/env bash
# The binary's contract: version, help with examples, exit codes, JSON on stdout, logs on stderr.
source "$(dirname "$0")/common.bash"

expect_exit 0 "$MIXRUN" --version
expect_in "$WORK/out" "mixrun "
expect_exit 0 "$MIXRUN" --help
commands="plan train fit-law recommend runs fits show import export submit collect status"
for command in $commands; do expect_in "$WORK/out" "$command"; done
for command in $commands; do
  expect_exit 0 "$MIXRUN" "$command" --help
  expect_in "$WORK/out" "Example"
done
expect_exit 2 "$MIXRUN"
expect_exit 2 "$MIXRUN" no-such-command
expect_exit 2 "$MIXRUN" runs --status sleeping
expect_exit 2 "$MIXRUN" runs --store "$WORK/missing.db"
expect_in "$WORK/err" "no such store"
[ ! -e "$WORK/missing.db" ] || fail "runs created a store"

expect_exit 0 "$MIXRUN" plan "$SOURCE_DIR/configs/examples/two-text-domains.json" --dry-run --json
/usr/bin/python3 -c "import json,sys; h=json.load(open(sys.argv[1])); assert h['runs']==4, h" \
  "$WORK/out" || fail "plan --json is not the expected JSON"
[ ! -s "$WORK/err" ] || fail "plan --dry-run --json wrote to stderr"
echo "basics: ok"
