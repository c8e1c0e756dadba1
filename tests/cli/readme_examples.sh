#!/usr/bin/env bash
# The README's examples work when followed literally: every example command from "## Usage" on is
# run, in order, as written, on the reference data in ../shared/data, and each must exit 0.
#
# Which lines are commands (the rule the README's Usage section states): every code line indented
# by 4 spaces from the "## Usage" heading to the end, outside ``` fences (the config and JSON
# blocks are fenced: they are not commands); a line ending in `\` continues on the next one. The
# set-up section's commands (scripts/demo.sh, scripts/test.sh) come before "## Usage" and are not
# run here: they install, build and run this very suite.
#
# They run in a scratch copy of the repository ($WORK/repo: configs/, scripts/ and experiments/
# copied, build/mixrun a symlink to the binary under test) next to $WORK/shared/data (a symlink to
# the reference data), so `export PATH="$PWD/build:$PATH"` and `../shared/data/...` mean there
# what they mean in a checkout, and the files the examples write stay out of the source tree.
# One bash runs them all, each from the scratch repository's root (so an `export` holds for the
# commands after it, as in the reader's shell); the first failure stops the test with the
# command, its exit code and the tail of its stderr.
source "$(dirname "$0")/common.bash"
readme="$SOURCE_DIR/README.md"
repo="$WORK/repo"
cmds="$WORK/commands"
logs="$WORK/logs"
mkdir -p "$repo/build" "$WORK/shared" "$cmds" "$logs"
data_dir="$(cd "$SHARED_DATA" && pwd)"
ln -s "$data_dir" "$WORK/shared/data"
ln -s "$(cd "$(dirname "$MIXRUN")" && pwd)/$(basename "$MIXRUN")" "$repo/build/mixrun"
cp -R "$SOURCE_DIR/configs" "$SOURCE_DIR/scripts" "$SOURCE_DIR/experiments" "$repo/"

# The commands, one file each ($cmds/1.sh, ...), in README order; prints how many.
count="$(awk -v out="$cmds" '
  /^## Usage/ { usage = 1 }
  /^```/ { fence = !fence; next }
  !usage || fence { if (open) { dangling = NR; exit } next }
  /^    / {
    if (!open) { n++; file = out "/" n ".sh"; printf "" > file }
    line = substr($0, 5)
    print line > file
    open = (line ~ /\\$/)
    next
  }
  { if (open) { dangling = NR; exit } }
  END {
    if (dangling) { print "README.md:" dangling ": a command continued (\\) into a non-code line" > "/dev/stderr"; exit 1 }
    print n + 0
  }' "$readme")" || fail "could not extract the README's commands"

# At least this many: an extraction that found nothing (or half) must not pass. The README has
# 53 commands (44 of them mixrun) when this test was written; lower the floor only on purpose.
min_commands=50
min_mixrun=40
[ "$count" -ge "$min_commands" ] ||
  fail "found $count example commands in README.md, expected at least $min_commands"
mixrun_count="$(cat "$cmds"/*.sh | grep -c '^mixrun ' || true)"
[ "$mixrun_count" -ge "$min_mixrun" ] ||
  fail "found $mixrun_count mixrun commands in README.md, expected at least $min_mixrun"
echo "README.md: $count example commands ($mixrun_count mixrun)"

# The runner: one bash, no MIXRUN_STORE from the caller's environment, each command from the
# scratch repository's root; a mixrun command must find the build's mixrun first on PATH.
cat > "$WORK/run.bash" <<'RUNNER'
repo="$1" cmds="$2" logs="$3" count="$4"
since() { awk -v from="$1" -v now="$EPOCHREALTIME" 'BEGIN { printf "%.2f", now - from }'; }
began=$EPOCHREALTIME
for ((i = 1; i <= count; i++)); do
  cd "$repo" || exit 1
  file="$cmds/$i.sh"
  if [[ "$(head -n 1 "$file")" == mixrun\ * && "$(command -v mixrun)" != "$repo/build/mixrun" ]]; then
    echo "FAIL: README example $i of $count runs mixrun, but mixrun on PATH is" \
      "'$(command -v mixrun)', not build/mixrun (does the README export PATH first?):" >&2
    sed 's/^/    /' "$file" >&2
    exit 1
  fi
  start=$EPOCHREALTIME
  source "$file" > "$logs/$i.out" 2> "$logs/$i.err" < /dev/null
  code=$?
  seconds=$(since "$start")
  if [ "$code" != 0 ]; then
    echo "FAIL: README example $i of $count exited with $code after ${seconds} s:" >&2
    sed 's/^/    /' "$file" >&2
    echo "  its stderr (last 20 lines):" >&2
    tail -n 20 "$logs/$i.err" | sed 's/^/    /' >&2
    exit 1
  fi
  printf '%3d %6s s  %s\n' "$i" "$seconds" "$(head -n 1 "$file" | cut -c 1-110)"
done
echo "all $count README examples ran in $(since "$began") s"
RUNNER
env -u MIXRUN_STORE bash "$WORK/run.bash" "$repo" "$cmds" "$logs" "$count" ||
  fail "a README example failed (above)"
echo "readme_examples: ok"
