#!/usr/bin/env bash
# The network-fault tests (tests/it/net_faults.rs) build a network namespace with a veth pair
# and shape it with tc's tbf: they need iproute2 (`ip`, `tc`) and root. Installs iproute2 when
# it is missing; says why and fails when it cannot, so no test is skipped quietly.
set -euo pipefail

if command -v ip >/dev/null 2>&1 && command -v tc >/dev/null 2>&1; then
  exit 0
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "scripts/setup-net.sh: iproute2 (ip, tc) is missing and this user cannot install it: install iproute2 as root" >&2
    exit 1
  fi
fi
if command -v apt-get >/dev/null 2>&1; then
  echo "== installing iproute2 for the network-fault tests"
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq iproute2
else
  echo "scripts/setup-net.sh: iproute2 (ip, tc) is missing and there is no apt-get: install iproute2" >&2
  exit 1
fi
