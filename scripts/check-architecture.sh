#!/usr/bin/env bash
# The crate boundaries of docs/ARCHITECTURE.md, checked from the dependency graph:
# - sora-core (the engine) depends on no terminal, CLI or HTTP-server crate;
# - sora-sim (the simulator) depends on no sora crate, so it cannot share a client's bug;
# - the binary built without the `demo` feature holds no simulator.
set -euo pipefail
cd "$(dirname "$0")/.."

fail=0
deps() { cargo tree --locked --prefix none --format '{p}' "$@" | awk '{print $1}' | sort -u; }

bad=$(deps -p sora-core -e normal | grep -xE 'ratatui|crossterm|tui-input|clap|axum' || true)
[ -z "$bad" ] || { echo "sora-core must not depend on: $bad" >&2; fail=1; }

bad=$(deps -p sora-sim | grep -E '^sora-' | grep -vx 'sora-sim' || true)
[ -z "$bad" ] || { echo "sora-sim must not depend on: $bad" >&2; fail=1; }

bad=$(deps -p sora-tui --no-default-features -e normal | grep -xE 'sora-sim|axum' || true)
[ -z "$bad" ] || { echo "sora-tui without the demo feature must not contain: $bad" >&2; fail=1; }

[ "$fail" = 0 ] && echo "crate boundaries hold"
exit "$fail"
