#!/usr/bin/env bash
# Install the Debian packages of the one-node test cluster (tests/cluster/start.sh) when missing:
# slurmctld, slurmd, slurm-client, munge, slurmdbd, mariadb-server (about 70 s on a fresh
# machine). Root only; elsewhere it says so and exits 0 (the cluster tests then skip outside CI).
set -euo pipefail

packages=(slurmctld slurmd slurm-client munge slurmdbd mariadb-server)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]})) || exit 0
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "cluster: not root or no apt-get: cannot install ${missing[*]} (cluster tests skip outside CI)"
    exit 0
fi
echo "cluster: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
log=${TMPDIR:-/tmp}/calet-slurm-apt.log
apt-get update -q >"$log" 2>&1 || true
# No service starts here (no systemd; policy-rc.d): start.sh starts its own daemons.
apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$log" 2>&1 || {
    echo "cluster: error: apt-get install ${missing[*]} failed; see $log" >&2
    exit 1
}
