#!/usr/bin/env bash
# The whole test suite, as README.md gives it. Runs on a fresh machine by itself: it installs
# what the tests need (the official `openai` Python SDK, into .venv-test/, which proves the
# simulator speaks the real protocol) and never skips a test quietly.
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

cargo test --workspace --locked "$@"
