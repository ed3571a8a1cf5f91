#!/usr/bin/env bash
# Creates .venv-test/ with the pinned official `openai` Python SDK, Supabase's `storage3` client,
# Runway's `runwayml` SDK and `fal-client`, which crates/sora-sim/tests/python/ uses to prove the
# simulator speaks the real wire formats (run by the sora-sim test modules sim_openai_sdk,
# storage3_sdk, runway_sdk and fal_client_sdk).
# Idempotent: does nothing when the pinned versions are already installed. Fails loudly when
# python3, venv or pip is missing: the test suite must never skip this check quietly.
set -euo pipefail
cd "$(dirname "$0")/.."

OPENAI_VERSION="3.57.0"
# The storage3 version docs/supabase-storage.md was checked with.
STORAGE3_VERSION="2.34.1"
# The versions docs/runway-api.md and docs/fal-queue-api.md were written from.
RUNWAYML_VERSION="5.24.0"
FAL_CLIENT_VERSION="1.0.3"
VENV=".venv-test"
PINS="openai==$OPENAI_VERSION storage3==$STORAGE3_VERSION runwayml==$RUNWAYML_VERSION fal-client==$FAL_CLIENT_VERSION"

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

if [ "$(version_of openai)" = "$OPENAI_VERSION" ] && [ "$(version_of storage3)" = "$STORAGE3_VERSION" ] &&
  [ "$(version_of runwayml)" = "$RUNWAYML_VERSION" ] && [ "$(version_of fal-client)" = "$FAL_CLIENT_VERSION" ]; then
  echo "scripts/setup-python.sh: $VENV already has $PINS"
  exit 0
fi

# shellcheck disable=SC2086 # PINS is a list of words on purpose.
"$VENV/bin/python" -m pip install --disable-pip-version-check --quiet $PINS ||
  fail "pip could not install $PINS"
echo "scripts/setup-python.sh: installed $PINS into $VENV"
