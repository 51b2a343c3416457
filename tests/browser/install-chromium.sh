#!/usr/bin/env bash
# Debian's chromium for the report test (tests/test_workflow.py::test_report_in_a_browser).
# Idempotent: does nothing when /usr/bin/chromium is there. Needs root (CI machines run as root).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "tests/browser/install-chromium.sh: chromium is missing and only root can install it" \
         "(apt-get install chromium); the report test is skipped outside CI" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1 || {
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends chromium >/dev/null
}
chromium --version
