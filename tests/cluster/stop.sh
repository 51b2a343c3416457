#!/usr/bin/env bash
# Stop the test cluster started by tests/cluster/start.sh: cancel its jobs, end exactly the
# processes named in its PID files (checking each PID still runs the daemon it was written for),
# and remove its /etc/slurm links. Data and logs stay in $CALET_CLUSTER_DIR for inspection.
# --quiet: say nothing when there is nothing to stop.
set -uo pipefail

dir=${CALET_CLUSTER_DIR:-/tmp/calet-aniso-slurm}
quiet=0
[[ ${1:-} == --quiet ]] && quiet=1
say() { ((quiet)) || echo "cluster: $*"; }

[[ -d $dir/pids ]] || {
    say "nothing to stop ($dir/pids does not exist)"
    exit 0
}

# Jobs first, while the controller still runs.
if [[ -s $dir/pids/slurmctld.pid ]] && kill -0 "$(cat "$dir/pids/slurmctld.pid")" 2>/dev/null; then
    scancel --full --quiet --user="$(id -un)" 2>/dev/null || true
fi

signal_one() { # signal_one <pid-file name> <program name>: TERM it if it is still that program
    local f=$dir/pids/$1.pid pid
    [[ -s $f ]] || return 0
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$2" ]]; then
        kill -TERM "$pid" && echo "$pid"
    fi
}

# The node first (it may still hold job steps), then the others together; 10 s each at most.
pids=$(signal_one slurmd slurmd)
for _ in $(seq 1 40); do
    [[ -z $pids ]] || ! kill -0 $pids 2>/dev/null || { sleep 0.25; continue; }
    break
done
pids="$pids $(signal_one slurmctld slurmctld) $(signal_one slurmdbd slurmdbd)"
pids="$pids $(signal_one mariadb mariadbd) $(signal_one munged munged)"
for _ in $(seq 1 40); do
    alive=""
    for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
    [[ -z $alive ]] && break
    sleep 0.25
done
for pid in $alive; do kill -KILL "$pid" 2>/dev/null; done
[[ -n ${pids// /} ]] && say "stopped PIDs:${pids}"
rm -f "$dir"/pids/*.pid

for name in slurm.conf slurmdbd.conf; do
    link=/etc/slurm/$name
    [[ -L $link && $(readlink "$link") == "$dir/etc/$name" ]] && rm -f "$link"
done
exit 0
