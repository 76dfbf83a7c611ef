#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what it needs, then runs
#   1. Rust: clippy (lib/bins, warnings are errors) and every workspace test;
#   2. the size check (tests/size.sh: the shipping build of the FFI library against its budget)
#      and cargo deny (tests/deny.sh: licences, bans, sources);
#   3. the cross-language suites (Python, Kotlin/JVM, the Android sample Activities under
#      Robolectric, Swift on Linux) when present;
#   4. the hardening harness, short mode (tests/harden.sh: fuzz corpora, memory residue,
#      100 kill -9 faults, the session stress test).
# Prints one closing line per suite and a final "N passed, N failed" line; exits non-zero if
# any suite failed or ran no test.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export CARGO_TERM_COLOR=never
declare -a RESULTS=()
FAILED=0

record() { # name status detail
  RESULTS+=("$1: $2 ($3)")
  [ "$2" = ok ] || FAILED=$((FAILED + 1))
}

# ---- Rust ---------------------------------------------------------------------------------
rust_suite() {
  local log; log=$(mktemp)
  "$ROOT/tests/setup.sh" apt >&2   # keyutils: the desktop keyring store is tested for real
  if ! cargo clippy -q --workspace --lib --bins -- -D warnings; then
    record rust-clippy failed "see above"; return
  fi
  record rust-clippy ok "no warnings"
  # A fresh kernel session keyring for the keyring-backed tests.
  local wrap=()
  if command -v keyctl >/dev/null && keyctl session - true >/dev/null 2>&1; then wrap=(keyctl session -); fi
  "${wrap[@]}" cargo test -q --workspace --all-features 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local passed failed
  passed=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
  failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
  rm -f "$log"
  if [ "$rc" -ne 0 ] || [ "$passed" -eq 0 ]; then record rust failed "$passed passed, $failed failed"
  else record rust ok "$passed passed, $failed failed"; fi
}

rust_suite
for suite in tests/size.sh tests/deny.sh tests/python/run.sh tests/kotlin/run.sh tests/robolectric/run.sh tests/swift/run.sh tests/harden.sh; do
  [ -x "$suite" ] || continue
  name=$(basename "$(dirname "$suite")")
  [ "$suite" = tests/harden.sh ] && name=harden
  [ "$suite" = tests/size.sh ] && name=size
  [ "$suite" = tests/deny.sh ] && name=deny
  log=$(mktemp)
  "$suite" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  out=$(grep -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -1 || true)
  rm -f "$log"
  if [ "$rc" -eq 0 ] && [ -n "$out" ] && ! echo "$out" | grep -q ': 0 passed'; then record "$name" ok "${out#*: }"
  else record "$name" failed "${out:-no result line} (exit $rc)"; fi
done

echo
echo "==== summary"
for r in "${RESULTS[@]}"; do echo "$r"; done
total=${#RESULTS[@]}
echo "suites: $((total - FAILED)) passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
