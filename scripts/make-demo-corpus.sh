#!/usr/bin/env bash
# Assembles the demo's four domains from text every Debian 12 machine has, deterministically:
# sorted file lists (C locale), each domain capped in size. Usage: make-demo-corpus.sh OUT_DIR
#   c_headers   C headers in /usr/include
#   python      Python's standard library sources
#   licenses    license texts in /usr/share/common-licenses
#   changelogs  Debian package changelogs in /usr/share/doc
set -euo pipefail
out="${1:?usage: make-demo-corpus.sh OUT_DIR}"
cap_bytes="${MIXRUN_DEMO_DOMAIN_BYTES:-1500000}"
export LC_ALL=C
mkdir -p "$out"

# append_capped FILE: appends FILE (or stdin when FILE is -) to $target until it holds $cap_bytes.
append_capped() {
  local have
  have=$(stat -c %s "$target")
  [ "$have" -lt "$cap_bytes" ] || return 1
  head -c $((cap_bytes - have)) "$1" >> "$target"
}

build_domain() {  # build_domain NAME: reads file paths on stdin
  target="$out/$1.txt"
  : > "$target"
  while IFS= read -r file; do
    case "$file" in
      *.gz) gzip -dc "$file" > "$out/.chunk" 2>/dev/null || continue ;;
      *) cp "$file" "$out/.chunk" 2>/dev/null || continue ;;
    esac
    append_capped "$out/.chunk" || break
  done
  rm -f "$out/.chunk"
  [ -s "$target" ] || { echo "make-demo-corpus: no text found for domain $1" >&2; exit 1; }
}

# The file lists are read whole first: build_domain stops early once its domain is full.
sorted_files() { find "$@" -type f | sort; }
build_domain c_headers < <(sorted_files /usr/include -maxdepth 1 -name '*.h')
build_domain python < <(sorted_files /usr/lib/python3.11 -maxdepth 1 -name '*.py')
build_domain licenses < <(sorted_files /usr/share/common-licenses)
build_domain changelogs < <(sorted_files /usr/share/doc -maxdepth 2 -name 'changelog.Debian.gz')
wc -c "$out"/*.txt >&2
