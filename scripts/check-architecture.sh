#!/usr/bin/env bash
# The crate boundaries of docs/ARCHITECTURE.md, checked from the dependency graph:
# - sora-core (the engine) depends on no terminal, CLI or HTTP-server crate;
# - sora-sim (the simulator) depends on no sora crate, so it cannot share a client's bug;
# - the binary built without the `demo` feature holds no simulator;
# - inside the crates, the layer rules of docs/ARCHITECTURE.md ("Layers") hold.
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

# The layers inside the crates (docs/ARCHITECTURE.md, "Layers"): a few imports that must not exist.
# The code of each file, without comments and without its test module: tests may use anything.
code_of() {
  find "$@" -name '*.rs' -print0 | xargs -0 awk '
    FNR == 1 { in_tests = 0 }
    /^#\[cfg\(test\)\]/ { in_tests = 1 }
    !in_tests && $0 !~ /^[[:space:]]*\/\// { print FILENAME ":" FNR ": " $0 }'
}
never() { # never <what> <pattern> <paths...>
  local what=$1 pattern=$2; shift 2
  local hits
  hits=$(code_of "$@" | grep -E "$pattern" || true)
  [ -z "$hits" ] || { echo "$what:" >&2; echo "$hits" >&2; fail=1; }
}
never "download must not import the engine (it reports through a sink)" \
  'crate::engine' crates/sora-core/src/download
never "the engine must not run the doctor (only its plain-data report)" \
  'crate::doctor::(run|Options|Subject)|doctor::run\(' crates/sora-core/src/engine
never "nothing in sora-core below setup may import it" \
  'crate::setup' crates/sora-core/src/{config,download,doctor,engine,http,journal,providers,storage}
never "app must not import ui (state does not depend on drawing)" \
  'crate::ui::' src/app
never "ui must not import the headless printer" \
  'crate::headless' src/ui

[ "$fail" = 0 ] && echo "crate boundaries and layers hold"
exit "$fail"
