#!/usr/bin/env bash
# Start a one-node SLURM cluster with accounting for the cluster tests (tests/test_cluster.py):
# munge, a private MariaDB, slurmdbd, slurmctld and slurmd, each with a PID file, configured under
# $CALET_CLUSTER_DIR (default /tmp/calet-aniso-slurm). Installs the Debian packages it needs.
#
# SLURM's job steps strip SLURM_* variables, so the configuration must also be found at
# /etc/slurm/slurm.conf: this script links /etc/slurm/{slurm,slurmdbd}.conf to its own files and
# refuses to run if either exists and is not such a link (a real cluster's configuration is never
# touched). Idempotent: a cluster already started by this script is left running and reused.
# Non-default ports (MariaDB 13306, slurmdbd 16819, slurmctld 16817, slurmd 16818) keep it apart
# from any system instance. Stop it with tests/cluster/stop.sh. Needs root (as CI has).
# Known facts about SLURM on these machines: ../shared/notes/slurm-single-node.md.
set -euo pipefail

dir=${CALET_CLUSTER_DIR:-/tmp/calet-aniso-slurm}
marker="# Written by calet-aniso tests/cluster/start.sh"

say() { echo "cluster: $*"; }
die() {
    echo "cluster: error: $*" >&2
    exit 1
}

[[ $(id -u) -eq 0 ]] || die "needs root (SLURM runs its daemons and jobs as root here)"

# 1. Packages.
"$(dirname "$0")/install.sh"
command -v slurmctld >/dev/null || die "SLURM is not installed (tests/cluster/install.sh)"

# 2. Never touch a configuration that is not ours.
mkdir -p /etc/slurm
for name in slurm.conf slurmdbd.conf; do
    link=/etc/slurm/$name
    if [[ -e $link || -L $link ]] && [[ $(readlink "$link" || true) != "$dir/etc/$name" ]]; then
        die "$link exists and is not this script's (a link to $dir/etc/$name); refusing to touch it"
    fi
done
if [[ -e $dir/etc/slurm.conf ]] && ! grep -qF "$marker" "$dir/etc/slurm.conf"; then
    die "$dir/etc/slurm.conf was not written by this script; refusing to touch it"
fi

alive() { # alive <name>: the PID file's process is running
    local f=$dir/pids/$1.pid
    [[ -s $f ]] && kill -0 "$(cat "$f")" 2>/dev/null
}

node_state() { sinfo --noheader --format=%T 2>/dev/null | head -1; }

wait_for() { # wait_for <seconds> <description> <command...>
    local limit=$1 what=$2
    shift 2
    local t0=$SECONDS
    until "$@" >/dev/null 2>&1; do
        ((SECONDS - t0 < limit)) || die "$what did not come up within $limit s (logs in $dir/log)"
        sleep 0.5
    done
}

if alive munged && alive mariadb && alive slurmdbd && alive slurmctld && alive slurmd; then
    say "already running (configuration in $dir)"
    wait_for 60 "the idle node" bash -c '[[ $(sinfo --noheader --format=%T | head -1) == idle ]]'
    exit 0
fi
# A half-started cluster is stopped first, so every daemon starts from a known state.
"$(dirname "$0")/stop.sh" --quiet || true

host=$(hostname -s)
getent hosts "$host" >/dev/null || die "host name $host does not resolve (SLURM needs it)"
cpus=$(nproc)
memory_mb=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
[[ -n $memory_mb ]] || die "slurmd -C reported no RealMemory"

mkdir -p "$dir"/{etc,pids,log,state/ctld,state/d,munge,mysql}
chmod 755 "$dir" "$dir/munge" # munge's socket directory must be world-executable
munge_socket=$dir/munge/munge.socket.2

# 3. munge: its own key and socket.
if [[ ! -s $dir/munge/munge.key ]]; then
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
fi
chmod 400 "$dir/munge/munge.key"
munged --force --socket="$munge_socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/pids/munged.pid" --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munge/munged.seed"
wait_for 20 "munged" test -S "$munge_socket"

# 4. A private MariaDB for the accounting database.
db_socket=$dir/mysql/mysqld.sock
if [[ ! -d $dir/mysql/data/mysql ]]; then
    mariadb-install-db --no-defaults --user=root --datadir="$dir/mysql/data" \
        --auth-root-authentication-method=socket >"$dir/log/mariadb-install.log" 2>&1 ||
        die "mariadb-install-db failed; see $dir/log/mariadb-install.log"
fi
mariadbd --no-defaults --user=root --datadir="$dir/mysql/data" --socket="$db_socket" \
    --port=13306 --bind-address=127.0.0.1 --pid-file="$dir/pids/mariadb.pid" \
    --log-error="$dir/log/mariadb.log" >/dev/null 2>&1 &
wait_for 60 "MariaDB" mariadb --no-defaults --socket="$db_socket" -u root -e "SELECT 1"
mariadb --no-defaults --socket="$db_socket" -u root -e "
    CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'calet-test';
    CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'calet-test';
    GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
    GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';"

# 5. Configuration (slurmdbd reads slurmdbd.conf beside /etc/slurm/slurm.conf).
cat >"$dir/etc/slurmdbd.conf" <<EOF
$marker
AuthType=auth/munge
AuthInfo=socket=$munge_socket
DbdHost=localhost
DbdPort=16819
SlurmUser=root
PidFile=$dir/pids/slurmdbd.pid
LogFile=$dir/log/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=13306
StorageUser=slurm
StoragePass=calet-test
StorageLoc=slurm_acct_db
EOF
chmod 600 "$dir/etc/slurmdbd.conf"

cat >"$dir/etc/slurm.conf" <<EOF
$marker
ClusterName=calettest
SlurmctldHost=$host
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$munge_socket
CredType=cred/munge
StateSaveLocation=$dir/state/ctld
SlurmdSpoolDir=$dir/state/d
SlurmctldPidFile=$dir/pids/slurmctld.pid
SlurmdPidFile=$dir/pids/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
# No cgroups in these containers.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
MpiDefault=none
MailProg=/bin/true
# Finished jobs stay visible to squeue for 5 min (the executor's squeue status checks need it).
MinJobAge=300
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
KillWait=5
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=16819
AccountingStoragePass=$munge_socket
JobCompType=jobcomp/none
NodeName=$host CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
ln -sfn "$dir/etc/slurm.conf" /etc/slurm/slurm.conf
ln -sfn "$dir/etc/slurmdbd.conf" /etc/slurm/slurmdbd.conf

# 6. The SLURM daemons.
slurmdbd
wait_for 30 "slurmdbd" bash -c "exec 3<>/dev/tcp/127.0.0.1/16819"
slurmctld
wait_for 30 "slurmctld" scontrol ping
slurmd
wait_for 60 "the idle node" bash -c '[[ $(sinfo --noheader --format=%T | head -1) == idle ]]'
# The cluster registers itself with slurmdbd; wait until sacct answers.
wait_for 30 "accounting (sacct)" sacct --noheader --starttime now-1hour
say "running: node $host, $cpus CPUs, $memory_mb MB (configuration in $dir)"
