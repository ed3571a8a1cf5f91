#!/usr/bin/env bash
# Fuzz sora-core's parsers of remote data and local files (fuzz/, docs/FUZZING.md): build every
# target once, then run each for a bounded time. Exits non-zero if any target crashes, panics,
# times out or runs out of memory, naming the input that did it.
#
#   bash scripts/fuzz.sh                 # every target, 20 s each
#   bash scripts/fuzz.sh 300             # every target, 5 min each
#   bash scripts/fuzz.sh 60 journal download_wire  # some targets (FUZZ_SECONDS=60 works too)
#
# Needs the nightly toolchain (libFuzzer's instrumentation); installs cargo-fuzz if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-20}"
if [[ $# -gt 0 && "$1" =~ ^[0-9]+$ ]]; then
  seconds="$1"
  shift
fi
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [[ "$seconds" -lt 1 ]]; then
  echo "scripts/fuzz.sh: the time per target must be a whole number of seconds, got '$seconds'" >&2
  exit 2
fi

if ! command -v rustup >/dev/null 2>&1 || ! cargo +nightly --version >/dev/null 2>&1; then
  echo "scripts/fuzz.sh: fuzzing needs the nightly Rust toolchain (libFuzzer instrumentation)." >&2
  echo "  Install it with: rustup toolchain install nightly" >&2
  exit 2
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz (cargo install cargo-fuzz --locked)"
  cargo install cargo-fuzz --locked
fi

# Every target, unless some are named.
mapfile -t all < <(cargo +nightly fuzz list)
if [[ ${#all[@]} -eq 0 ]]; then
  echo "scripts/fuzz.sh: \`cargo +nightly fuzz list\` found no fuzz targets in fuzz/" >&2
  exit 2
fi
if [[ $# -gt 0 ]]; then
  targets=("$@")
  for t in "${targets[@]}"; do
    if ! printf '%s\n' "${all[@]}" | grep -qx -- "$t"; then
      echo "scripts/fuzz.sh: no fuzz target '$t'; the targets are: ${all[*]}" >&2
      exit 2
    fi
  done
else
  targets=("${all[@]}")
fi

# On a loaded machine, one compiler at a time.
if [[ -z "${CARGO_BUILD_JOBS:-}" ]]; then
  load="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)"
  if awk -v l="$load" 'BEGIN { exit !(l > 4) }'; then
    export CARGO_BUILD_JOBS=1
  fi
fi

# Release with debug assertions and overflow checks (cargo-fuzz's default); no AddressSanitizer:
# the parsers are safe Rust, and without it the build and every run are about twice as fast.
build=(--sanitizer none)
echo "== fuzz build (${targets[*]})"
if [[ $# -gt 0 ]]; then
  for t in "${targets[@]}"; do
    cargo +nightly fuzz build "${build[@]}" "$t"
  done
else
  cargo +nightly fuzz build "${build[@]}"
fi

triple="$(rustc +nightly -vV | sed -n 's/^host: //p')"
bin_dir="fuzz/target/$triple/release"
failed=()
for t in "${targets[@]}"; do
  corpus="fuzz/corpus/$t"
  artifacts="fuzz/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  dirs=("$corpus")
  [[ -d "fuzz/seeds/$t" ]] && dirs+=("fuzz/seeds/$t")
  echo "== fuzz $t for ${seconds}s"
  log="$artifacts/last-run.log"
  if "$bin_dir/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "${dirs[@]}" >"$log" 2>&1; then
    grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true
  else
    failed+=("$t")
    grep -E 'panicked at|ERROR: libFuzzer|SUMMARY|Test unit written to' "$log" >&2 || tail -20 "$log" >&2
    echo "   full log: $log; reproduce with: cargo +nightly fuzz run ${build[*]} $t <the input above>" >&2
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "scripts/fuzz.sh: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
echo "== fuzz: ${#targets[@]} target(s), ${seconds}s each, no crash"
