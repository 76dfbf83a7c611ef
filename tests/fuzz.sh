#!/usr/bin/env bash
# Coverage-guided fuzzing of imwallet-core (issue 15): cargo-fuzz / libFuzzer on nightly.
#
#   tests/fuzz.sh [--smoke]        each target for FUZZ_SECS (default 20) seconds (CI, harden.sh)
#   tests/fuzz.sh --long           each target until 10 M executions or 30 minutes, whichever first
#   options:  --secs N             time per target (overrides the mode's time)
#             --merge              afterwards, add the inputs that found new edges to
#                                  fuzz/corpus/<target>/ (libFuzzer -merge=1 -use_counters=0,
#                                  then a byte budget per target: under 1.2 MB in all); commit them
#             --merge-only         only the merge of what earlier runs found (no fuzzing)
#             --jobs N             run N targets at once (default 1; the machines have 2 cores)
#             TARGET...            only these targets
#
# Prints one line per target, `fuzz <target>: ok (<execs> execs, <secs> s)` or
# `fuzz <target>: failed (<why>)`, then `fuzz: N passed, N failed`; exits non-zero on a failure.
# Without a nightly toolchain it prints `fuzz: SKIP (...)` and exits 0. Build progress and
# libFuzzer logs go to stderr and to $FUZZ_WORK/logs/ (default fuzz/work/, git-ignored).
#
# Each target asserts no panic, round trips where they exist, and a memory bound (the rss column
# below: libFuzzer -rss_limit_mb, which also caps a single malloc). An input slower than TIMEOUT
# seconds is a hang. A crash, hang or OOM input is copied into fuzz/corpus/<target>/ (so the
# stable replay, core/tests/fuzz_corpus.rs, fails until it is fixed) and the target is reported
# failed.
# The checks themselves are core/tests/fuzz_checks/mod.rs.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FUZZ="$ROOT/fuzz"
export CARGO_TERM_COLOR=never

# target  rss_limit_mb  max_len (bytes)
TARGET_TABLE="
mnemonic         256  4096
derivation_path  256  4096
address          256  4096
keystore         256  4096
eip712           512  16384
journal_payload  256  4096
cache_ids        256  4096
store_open       512  65536
transaction      256  16384
"
TIMEOUT=10            # seconds per input
LONG_RUNS=10000000    # --long: executions per target ...
LONG_SECS=1800        # ... or this many seconds, whichever comes first

mode=smoke secs="" merge=0 fuzz=1 jobs=1
declare -a only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) mode=smoke ;;
    --long) mode=long ;;
    --secs) secs=$2; shift ;;
    --merge | --cmin) merge=1 ;;
    --merge-only) merge=1 fuzz=0 ;;
    --jobs) jobs=$2; shift ;;
    -h | --help) sed -n '2,24p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) only+=("$1") ;;
  esac
  shift
done
if [ -z "$secs" ]; then
  if [ "$mode" = long ]; then secs=$LONG_SECS; else secs=${FUZZ_SECS:-20}; fi
fi

# ---- toolchain ------------------------------------------------------------------------------
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: SKIP (no nightly toolchain; install it with: rustup toolchain install nightly)"
  exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: installing cargo-fuzz" >&2
  if ! cargo install cargo-fuzz --locked >&2; then
    echo "fuzz: 0 passed, 1 failed (cargo install cargo-fuzz failed)"
    exit 1
  fi
fi

WORK=${FUZZ_WORK:-$FUZZ/work}
mkdir -p "$WORK/logs" "$WORK/corpus" "$WORK/artifacts"
# ASan's quarantine of freed memory (256 MB by default) would dominate the RSS the limits bound.
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=32}
# The store target creates a data directory per input: keep it in memory when possible.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi

targets=()
while read -r name _; do
  [ -n "$name" ] || continue
  if [ ${#only[@]} -eq 0 ] || printf '%s\n' "${only[@]}" | grep -qx "$name"; then targets+=("$name"); fi
done <<<"$TARGET_TABLE"
if [ ${#targets[@]} -eq 0 ]; then echo "fuzz.sh: no such target: ${only[*]}" >&2; exit 2; fi

# ---- build (cargo-fuzz's default: optimised, debug assertions and overflow checks, ASan) -----
cd "$FUZZ"
t0=$(date +%s)
build() {
  if [ ${#only[@]} -eq 0 ]; then cargo +nightly fuzz build; else
    for t in "${targets[@]}"; do cargo +nightly fuzz build "$t" || return 1; done
  fi
}
if ! build >"$WORK/logs/build.log" 2>&1; then
  tail -30 "$WORK/logs/build.log" >&2
  echo "fuzz: 0 passed, ${#targets[@]} failed (build failed, see $WORK/logs/build.log)"
  exit 1
fi
echo "fuzz.sh: build $(( $(date +%s) - t0 )) s (mode $mode, $secs s per target)" >&2

# ---- run --------------------------------------------------------------------------------------
run_target() { # name -> writes $WORK/result.<name>
  local t=$1 rss len runs_arg=() log="$WORK/logs/$t.log" art="$WORK/artifacts/$t/"
  read -r _ rss len < <(grep -E "^$t " <<<"$TARGET_TABLE")
  [ "$mode" = long ] && runs_arg=(-runs=$LONG_RUNS)
  mkdir -p "$WORK/corpus/$t" "$art"
  rm -f "$art"*
  local start=$(date +%s)
  # The first corpus dir receives new inputs: the scratch one, never the committed corpus.
  cargo +nightly fuzz run "$t" "$WORK/corpus/$t" "$FUZZ/corpus/$t" -- \
    -max_total_time="$secs" "${runs_arg[@]}" -rss_limit_mb="$rss" \
    -max_len="$len" -timeout=$TIMEOUT -print_final_stats=1 -artifact_prefix="$art" >"$log" 2>&1
  local rc=$? took=$(( $(date +%s) - start ))
  local execs; execs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1)
  local rssmb; rssmb=$(grep -Eo 'stat::peak_rss_mb: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1)
  local found; found=$(find "$art" -type f 2>/dev/null | head -1)
  if [ "$rc" -eq 0 ] && [ -z "$found" ] && [ -n "$execs" ]; then
    echo "ok ${execs} ${took} ${rssmb:-?}" >"$WORK/result.$t"
  else
    local why="exit $rc"
    grep -q 'out-of-memory' "$log" && why="out of memory (> $rss MB)"
    grep -q 'ERROR: libFuzzer: timeout' "$log" && why="hang (> $TIMEOUT s on one input)"
    if grep -q 'deadly signal\|panicked at\|ERROR: AddressSanitizer' "$log"; then
      why="crash: $(grep -m1 -A1 'panicked at\|ERROR: AddressSanitizer' "$log" | tr '\n' ' ' | cut -c1-200)"
    fi
    if [ -n "$found" ]; then
      local keep; keep="$FUZZ/corpus/$t/$(basename "$found")"
      cp "$found" "$keep"
      why="$why; input saved as fuzz/corpus/$t/$(basename "$found")"
    fi
    echo "failed ${execs:-0} ${took} ${rssmb:-?} $why" >"$WORK/result.$t"
  fi
}

rm -f "$WORK"/result.*
for t in "${targets[@]}"; do
  [ "$fuzz" -eq 1 ] || break
  run_target "$t" &
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
done
wait

passed=0 failed=0
[ "$fuzz" -eq 1 ] && : >"$WORK/last-run.tsv"
for t in "${targets[@]}"; do
  [ "$fuzz" -eq 1 ] || break
  read -r status execs took rssmb why <"$WORK/result.$t" || { status=failed execs=0 took=0 rssmb=? why="no result"; }
  printf '%s\t%s\t%s\t%s\t%s\n' "$t" "$status" "$execs" "$took" "$rssmb" >>"$WORK/last-run.tsv"
  if [ "$status" = ok ]; then
    passed=$((passed + 1))
    echo "fuzz $t: ok ($execs execs, $took s)"
    echo "fuzz.sh: $t peak RSS ${rssmb} MB" >&2
  else
    failed=$((failed + 1))
    echo "fuzz $t: failed ($why)"
    tail -40 "$WORK/logs/$t.log" >&2
  fi
done

# ---- merge new coverage into the committed corpus ---------------------------------------------
# Edge coverage only (-use_counters=0: hit counts would keep thousands of near-duplicates), then
# a byte budget per target: the largest fuzzer-found files (named by hash) go first; seed-* and
# regression inputs always stay.
budget() { case "$1" in store_open) echo 524288 ;; eip712) echo 262144 ;; *) echo 131072 ;; esac; }
if [ "$merge" -eq 1 ]; then
  for t in "${targets[@]}"; do
    read -r _ rss len < <(grep -E "^$t " <<<"$TARGET_TABLE")
    dir="$FUZZ/corpus/$t"
    before=$(find "$dir" -type f | wc -l)
    cargo +nightly fuzz run "$t" "$dir" "$WORK/corpus/$t" -- -merge=1 -use_counters=0 \
      -rss_limit_mb="$rss" -max_len="$len" -timeout=$TIMEOUT >"$WORK/logs/$t.merge.log" 2>&1 ||
      echo "fuzz.sh: merge of $t failed, see $WORK/logs/$t.merge.log" >&2
    max=$(budget "$t")
    while [ "$(du -sb "$dir" | cut -f1)" -gt "$max" ]; do
      big=$(find "$dir" -type f -regextype posix-extended -regex '.*/[0-9a-f]{40}' -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
      [ -n "$big" ] || break
      rm -f "$big"
    done
    echo "fuzz.sh: $t corpus $before -> $(find "$dir" -type f | wc -l) files, $(du -sb "$dir" | cut -f1) bytes" >&2
  done
  echo "fuzz.sh: fuzz/corpus is $(du -sb "$FUZZ/corpus" | cut -f1) bytes" >&2
fi

[ "$fuzz" -eq 1 ] && echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
