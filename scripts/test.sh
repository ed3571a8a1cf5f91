#!/usr/bin/env bash
# The whole test suite, as README.md gives it. Runs on a fresh machine by itself: it installs
# what the tests need (the official Python clients, into .venv-test/, which prove the simulator
# speaks the real protocols; iproute2 for the network-fault tests) and never skips a test quietly.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "scripts/test.sh: cargo is not installed; install Rust from rustup.rs first" >&2
  exit 1
fi

# Tests talk only to servers they start on 127.0.0.1; a proxy setting must not divert them.
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
export no_proxy="$NO_PROXY"

bash scripts/setup-python.sh
bash scripts/setup-net.sh

cargo test --workspace --locked "$@"
