# Shared helpers of the CLI tests: sourced, never run. Each test gets $MIXRUN (the binary) and a
# scratch directory $WORK that is removed when the test ends.
set -euo pipefail
MIXRUN="$1"
SOURCE_DIR="${MIXRUN_SOURCE_DIR:?}"
SHARED_DATA="${MIXRUN_SHARED_DATA:?}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_exit CODE COMMAND...: runs the command, captures stdout/stderr into $WORK/out, $WORK/err.
expect_exit() {
  local expected="$1"; shift
  set +e
  "$@" >"$WORK/out" 2>"$WORK/err"
  local code=$?
  set -e
  if [ "$code" != "$expected" ]; then
    cat "$WORK/out" "$WORK/err" >&2
    fail "expected exit $expected, got $code: $*"
  fi
}

expect_in() {  # expect_in FILE TEXT
  grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "'$2' not found in $1"; }
}

# copy_example_data: the two example domains into $WORK/data, for configs naming "data/*.txt" (code)
# and "data/pages.jsonl" (web, JSONL).
copy_example_data() {
  mkdir -p "$WORK/data"
  cp "$SOURCE_DIR"/configs/examples/data/code/*.txt "$WORK/data/"
  cp "$SOURCE_DIR/configs/examples/data/web/pages.jsonl" "$WORK/data/"
}
