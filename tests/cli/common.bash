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

# interrupt_when SQL: "$@" (a mixrun command) runs in the background, its stderr in $WORK/int.err;
# once the query SQL on the store $INTERRUPT_STORE prints 1, it gets Ctrl-C (SIGINT) and must exit
# 130.
interrupt_when() {
  local query="$1"; shift
  "$@" > /dev/null 2> "$WORK/int.err" &
  local pid=$! code
  for _ in $(seq 600); do
    [ "$(sqlite3 "$INTERRUPT_STORE" "$query" 2>/dev/null || echo 0)" = 1 ] && break
    sleep 0.1
  done
  kill -INT "$pid"
  set +e
  wait "$pid"
  code=$?
  set -e
  [ "$code" = 130 ] || { cat "$WORK/int.err"; fail "Ctrl-C: exit $code, not 130: $*"; }
}

# import_regmix_1m STORE: RegMix's 512 1M train runs as experiment regmix-1m (Pile-CC loss etc.).
import_regmix_1m() {
  expect_exit 0 "$MIXRUN" import -q --store "$1" --experiment regmix-1m --on index \
    --weights-prefix train_the_pile_ --metrics-prefix metric/the_pile_ \
    "$SHARED_DATA/regmix/train_mixture_1m.csv" "$SHARED_DATA/regmix/train_pile_loss_1m.csv"
}
