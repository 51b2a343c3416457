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

stop_one() { # stop_one <pid-file name> <program name>
    local f=$dir/pids/$1.pid pid
    [[ -s $f ]] || return 0
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$2" ]]; then
        kill -TERM "$pid"
        for _ in $(seq 1 40); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
        say "stopped $2 ($pid)"
    fi
    rm -f "$f"
}

stop_one slurmd slurmd
stop_one slurmctld slurmctld
stop_one slurmdbd slurmdbd
stop_one mariadb mariadbd
stop_one munged munged

for name in slurm.conf slurmdbd.conf; do
    link=/etc/slurm/$name
    [[ -L $link && $(readlink "$link") == "$dir/etc/$name" ]] && rm -f "$link"
done
exit 0
