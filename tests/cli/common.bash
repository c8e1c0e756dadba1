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

# write_six_runs_config: $WORK/six.json, experiment "six": 3 mixtures of the example domains × 2
# seeds of a tiny model (a few seconds a run), checkpointed every 5 steps; with its data.
write_six_runs_config() {
  copy_example_data
  cat > "$WORK/six.json" <<'JSON'
{
  "name": "six",
  "domains": [{"name": "code", "paths": ["data/*.txt"]},
              {"name": "web", "paths": ["data/pages.jsonl"], "format": "jsonl"}],
  "mixtures": {"design": "explicit",
               "include": [{"code": 0.1, "web": 0.9}, {"code": 0.5, "web": 0.5},
                           {"code": 0.9, "web": 0.1}]},
  "models": [{"name": "s", "layers": 1, "d_model": 48, "heads": 4}],
  "train": {"tokens": 120000, "context": 64, "batch": 8, "seeds": [1, 2], "eval_every": 50,
            "eval_tokens": 2048, "checkpoint_every": 5}
}
JSON
}
