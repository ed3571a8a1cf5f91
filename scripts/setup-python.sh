#!/usr/bin/env bash
# Creates .venv-test/ with the pinned official `openai` Python SDK and Supabase's `storage3`
# client, which crates/sora-sim/tests/python/ uses to prove the simulator speaks the real wire formats
# (run by the sora-sim test modules sim_openai_sdk and storage3_sdk).
# Idempotent: does nothing when the pinned versions are already installed. Fails loudly when
# python3, venv or pip is missing: the test suite must never skip this check quietly.
set -euo pipefail
cd "$(dirname "$0")/.."

OPENAI_VERSION="3.57.0"
# The storage3 version docs/supabase-storage.md was checked with.
STORAGE3_VERSION="2.34.1"
VENV=".venv-test"

fail() {
  echo "scripts/setup-python.sh: $*" >&2
  exit 1
}

command -v python3 >/dev/null 2>&1 ||
  fail "python3 is not installed; install Python 3.10 or newer (with the venv module and pip)"
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' ||
  fail "python3 is $(python3 --version 2>&1); openai==$OPENAI_VERSION needs Python 3.10 or newer"

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" ||
    fail "python3 -m venv failed; install the venv module (Debian/Ubuntu: apt-get install python3-venv)"
fi
"$VENV/bin/python" -m pip --version >/dev/null 2>&1 ||
  fail "pip is missing in $VENV; install it (Debian/Ubuntu: apt-get install python3-pip), then delete $VENV and rerun"

version_of() {
  "$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('$1'))" 2>/dev/null || true
}

if [ "$(version_of openai)" = "$OPENAI_VERSION" ] && [ "$(version_of storage3)" = "$STORAGE3_VERSION" ]; then
  echo "scripts/setup-python.sh: $VENV already has openai==$OPENAI_VERSION storage3==$STORAGE3_VERSION"
  exit 0
fi

"$VENV/bin/python" -m pip install --disable-pip-version-check --quiet \
  "openai==$OPENAI_VERSION" "storage3==$STORAGE3_VERSION" ||
  fail "pip could not install openai==$OPENAI_VERSION storage3==$STORAGE3_VERSION"
echo "scripts/setup-python.sh: installed openai==$OPENAI_VERSION storage3==$STORAGE3_VERSION into $VENV"
