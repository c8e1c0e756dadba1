#!/usr/bin/env bash
# A real single-node Slurm on localhost for mixrun's tests and demos, from Debian's packages
# (slurmctld, slurmd, slurm-client, munge; scripts/install-deps.sh installs them).
#
#   scripts/slurm-local.sh start   # munged + slurmctld + slurmd, waits until the node is idle
#   eval "$(scripts/slurm-local.sh env)"   # then sbatch/squeue/mixrun submit use it
#   scripts/slurm-local.sh status
#   scripts/slurm-local.sh stop
#
# Everything (config, munge key and socket, state, spool, logs, pid files) lives under one
# directory: $MIXRUN_SLURM_DIR, default /tmp/mixrun-slurm. Runs as root, needs no systemd and
# writes nothing to /etc. $MIXRUN_SLURM_PORT (default 6817) is slurmctld's port; slurmd takes the
# next one, so that several instances (one per test) can coexist.
set -euo pipefail

dir="${MIXRUN_SLURM_DIR:-/tmp/mixrun-slurm}"
port="${MIXRUN_SLURM_PORT:-6817}"
conf="$dir/slurm.conf"
munge_socket="$dir/munge-run/munge.socket.2"

say() { echo "slurm-local: $*" >&2; }
die() { say "$*"; exit 1; }

# pid_alive PIDFILE: the process the file names is alive.
pid_alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

write_config() {
  local host cpus mem_mb
  host="$(hostname -s)"
  cpus="$(nproc)"
  # What slurmd will find, a little less: a node declaring more memory than it has is drained.
  mem_mb=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 - 256))
  mkdir -p "$dir"/{state,spool,log,run}
  cat > "$conf" <<EOF
# Written by mixrun's scripts/slurm-local.sh: a single-node Slurm whose state is all in $dir.
ClusterName=mixrun-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire is also how long a requeued job waits before it may start again (default 120 s).
AuthInfo=socket=$munge_socket,cred_expire=5
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
# No cgroups, no systemd: plain process tracking and no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
# Start jobs at once (tests wait on them) and keep finished jobs visible to squeue/scontrol.
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,sched_interval=1,bf_interval=1
MinJobAge=3600
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

start_munge() {
  if pid_alive "$dir/munge-run/munged.pid"; then return; fi
  # munged insists on a private key directory and a socket directory others can traverse.
  mkdir -p "$dir/munge-key" "$dir/munge-run"
  chmod 700 "$dir/munge-key"
  chmod 755 "$dir" "$dir/munge-run"
  if [ ! -s "$dir/munge-key/munge.key" ]; then
    dd if=/dev/urandom of="$dir/munge-key/munge.key" bs=1024 count=1 status=none
    chmod 400 "$dir/munge-key/munge.key"
  fi
  rm -f "$munge_socket" "$munge_socket.lock"
  munged --force --key-file="$dir/munge-key/munge.key" --socket="$munge_socket" \
    --pid-file="$dir/munge-run/munged.pid" --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munge-key/munged.seed" \
    || die "munged did not start (see $dir/log/munged.log)"
}

start() {
  local tool
  for tool in slurmctld slurmd munged sinfo scontrol; do
    command -v "$tool" > /dev/null || die "$tool missing: run scripts/install-deps.sh"
  done
  [ "$(id -u)" -eq 0 ] || die "must run as root (slurmd starts jobs as their users)"
  local began=$SECONDS
  mkdir -p "$dir"
  write_config
  start_munge
  export SLURM_CONF="$conf"
  # -c: a fresh controller state each start (no jobs left over from a previous life).
  pid_alive "$dir/run/slurmctld.pid" || slurmctld -c \
    || die "slurmctld did not start (see $dir/log/slurmctld.log)"
  pid_alive "$dir/run/slurmd.pid" || slurmd \
    || die "slurmd did not start (see $dir/log/slurmd.log)"
  # sinfo blocks for a long time when slurmctld is gone, so look at the pid before each query.
  local state=""
  local i name
  for i in $(seq 1 150); do
    # The daemons write their pid files a moment after they detach: a missing file is only an
    # error after a while, a dead pid at once.
    for name in slurmctld slurmd; do
      if [ -s "$dir/run/$name.pid" ] || [ "$i" -gt 25 ]; then
        pid_alive "$dir/run/$name.pid" || die "$name died (see $dir/log/$name.log)"
      fi
    done
    state="$(timeout 5 sinfo -h -o %T 2>/dev/null | head -n 1 || true)"
    case "$state" in idle | mixed | allocated) break ;; esac
    sleep 0.2
  done
  case "$state" in
    idle | mixed | allocated) ;;
    *) die "the node did not come up (state '$state'; see $dir/log)" ;;
  esac
  say "started in $((SECONDS - began)) s (node $(hostname -s) $state; state in $dir)"
}

stop() {
  export SLURM_CONF="$conf"
  if pid_alive "$dir/run/slurmctld.pid"; then
    # Jobs left running would outlive slurmd (their slurmstepd stays): cancel them first.
    if [ -n "$(timeout 5 squeue -h -o %A 2>/dev/null)" ]; then
      timeout 10 scancel --user="$(id -un)" > /dev/null 2>&1 || true
      for _ in $(seq 1 100); do
        [ -z "$(timeout 5 squeue -h -o %A 2>/dev/null)" ] && break
        sleep 0.1
      done
    fi
    timeout 10 scontrol shutdown > /dev/null 2>&1 || true
  fi
  # scontrol shutdown also stops slurmd; whatever is left after a few seconds is killed.
  local pidfile
  for pidfile in "$dir/run/slurmd.pid" "$dir/run/slurmctld.pid" "$dir/munge-run/munged.pid"; do
    if [ "$pidfile" = "$dir/munge-run/munged.pid" ] && pid_alive "$pidfile"; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
    fi
    for _ in $(seq 1 50); do
      pid_alive "$pidfile" || break
      sleep 0.1
    done
    if pid_alive "$pidfile"; then
      say "killing $(basename "$pidfile" .pid) (pid $(cat "$pidfile"))"
      kill -9 "$(cat "$pidfile")" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
  say "stopped"
}

status() {
  local name pidfile
  for name in munged slurmctld slurmd; do
    pidfile="$dir/run/$name.pid"
    [ "$name" = munged ] && pidfile="$dir/munge-run/munged.pid"
    if pid_alive "$pidfile"; then echo "$name running (pid $(cat "$pidfile"))"; else
      echo "$name stopped"
    fi
  done
  if pid_alive "$dir/run/slurmctld.pid"; then
    SLURM_CONF="$conf" timeout 5 sinfo || true
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) echo "export SLURM_CONF=$conf" ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|env|status" \
      "(state in \$MIXRUN_SLURM_DIR, default /tmp/mixrun-slurm)" >&2
    exit 2
    ;;
esac
