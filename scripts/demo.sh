#!/usr/bin/env bash
# The demo on a new machine: install, build, then walk through mixrun on the built-in data.
# (Grows with mixrun: today it validates an example study and imports published results.)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
mixrun="${MIXRUN_BUILD_DIR:-$root/build}/mixrun"
demo="${MIXRUN_DEMO_DIR:-$root/runs/demo}"
mkdir -p "$demo"

"$mixrun" --help
echo
"$mixrun" plan "$root/configs/examples/two-text-domains.json" --dry-run
shared="$root/../shared/data"
if [ -d "$shared/regmix" ]; then
  echo
  "$mixrun" import --store "$demo/demo.db" --experiment regmix-1m --on index \
    --weights-prefix train_the_pile_ --metrics-prefix metric/the_pile_ \
    "$shared/regmix/train_mixture_1m.csv" "$shared/regmix/train_pile_loss_1m.csv"
  "$mixrun" runs --store "$demo/demo.db" --experiment regmix-1m | tail -n 4
fi
