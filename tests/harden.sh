#!/usr/bin/env bash
# The hardening harness (issue 15). One line per part, then "harden: N passed, N failed".
#
#   tests/harden.sh          short mode (part of tests/run.sh, a few minutes after the build):
#                            fuzz corpora replayed under stable `cargo test`, the memory-residue
#                            test, 100 kill -9 faults, the 8-thread session stress test (20 s)
#   tests/harden.sh --long   each fuzz target for >= 10 M executions or 30 minutes
#                            (tests/fuzz.sh --long), 1,000 kills, the stress test for 10 minutes,
#                            the vendored password estimator against upstream on 200,000 passwords
#
# Each part runs under a watchdog (`timeout`): a hang is a failure, never a stuck CI.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
LONG=0
[ "${1:-}" = "--long" ] && LONG=1
export CARGO_TERM_COLOR=never
KILLS=100; STRESS=20; KILL_TIMEOUT=600; STRESS_TIMEOUT=300
if [ "$LONG" = 1 ]; then KILLS=1000; STRESS=600; KILL_TIMEOUT=5400; STRESS_TIMEOUT=1200; fi
PASSED=0; FAILED=0
WRAP=()
if command -v keyctl >/dev/null && keyctl session - true >/dev/null 2>&1; then WRAP=(keyctl session -); fi

part() { # name timeout command...
  local name=$1 secs=$2; shift 2
  local log; log=$(mktemp)
  local t0=$SECONDS
  timeout --kill-after=10 "$secs" "$@" >"$log" 2>&1
  local rc=$?
  local took=$((SECONDS - t0))
  local detail
  detail=$(grep -Eo 'kill campaign: [0-9]+ kills in [0-9.]+ s|fuzz: [0-9]+ passed, [0-9]+ failed|residue: .*' "$log" | tail -1)
  [ -n "$detail" ] || detail=$(grep -Eo '[0-9]+ passed; [0-9]+ failed' "$log" | tail -1)
  if [ "$rc" -eq 0 ]; then
    echo "harden $name: ok (${detail:-done}, ${took} s)"; PASSED=$((PASSED + 1))
  else
    [ "$rc" -eq 124 ] && detail="watchdog: no result after ${secs} s"
    echo "harden $name: failed (${detail:-exit $rc}, ${took} s)"; tail -40 "$log" | sed 's/^/    /'
    FAILED=$((FAILED + 1))
  fi
  rm -f "$log"
}

T="cargo test -q -p imwallet-core --all-features --test"
part "fuzz corpora replayed (stable)" 300 $T fuzz_corpus
if [ "$LONG" = 1 ]; then
  part "fuzz --long (10 M execs or 30 min per target)" 30000 "$ROOT/tests/fuzz.sh" --long
  # The vendored password estimator against upstream zxcvbn on 200,000 generated passwords
  # (the test command runs 4,000).
  part "zxcvbn vs upstream (200,000 passwords)" 7200 env IMW_ZXCVBN_CASES=200000 cargo test -q -p imwallet-zxcvbn
fi
part "memory residue (lock, logout, remove, erase)" 300 $T memory_residue
part "kill-9 ($KILLS kills)" "$KILL_TIMEOUT" env IMW_KILLS="$KILLS" "${WRAP[@]}" $T kill_campaign -- --nocapture
part "stress (8 threads, ${STRESS} s)" "$STRESS_TIMEOUT" env IMW_STRESS_SECS="$STRESS" $T session_races stress_mixed_calls_keep_the_invariant
echo "harden: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
