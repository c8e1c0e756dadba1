#!/usr/bin/env bash
# Installs everything mixrun's build, tests and demo need, from Debian 12's packages.
# Idempotent and quiet when all is present; run as root (or through sudo) on a fresh machine.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates
  libcli11-dev nlohmann-json3-dev libceres-dev libeigen3-dev libspdlog-dev libsqlite3-dev
  doctest-dev libopenblas-dev libomp-dev libxgboost-dev
  sqlite3 gnuplot-nox python3 python3-jsonschema python3-pil chromium
  slurmctld slurmd slurm-client munge
  clang libclang-rt-14-dev
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
