#!/usr/bin/env bash
# Installs what the end-to-end tests (tests/e2e) need on Debian 12: the real podman and
# skopeo (which embed containers/image 5.23.1), iproute2 for the loopback-only network
# namespace, util-linux for unshare/mount, and openssl for the test registry's certificate.
# Idempotent and non-interactive; needs root.  CI calls it from .ci/run.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

if [ "$(id -u)" -ne 0 ]; then
    echo "tests/e2e/setup.sh: needs root (apt-get install); skipping" >&2
    exit 0
fi

need=()
for pkg in podman skopeo iproute2 util-linux openssl ca-certificates; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        need+=("$pkg")
    fi
done

if [ "${#need[@]}" -gt 0 ]; then
    echo "tests/e2e/setup.sh: installing ${need[*]}"
    # apt-get update once when the package lists are missing (a fresh machine).
    if ! apt-cache show podman >/dev/null 2>&1; then
        apt-get update -qq
    fi
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

podman --version
skopeo --version
ip -V
