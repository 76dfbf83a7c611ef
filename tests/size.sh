#!/usr/bin/env bash
# The size check: builds the FFI library with the shipping profile (`ship`: fat LTO, one codegen
# unit, opt-level "s", then stripped; packed relocations on Linux; SQLite without the modules the core
# does not use) and holds it to its budget. A dependency that grows the library past the budget
# fails the test command; docs/performance.md ("Size") says what each dependency costs and how
# to measure it (scripts/size_report.py).
#
# Goal: 4 MB (met at 3.63 MB once the password estimator lost its regex engines and the word lists
# were compressed or packed, and at 3.78 MB with the second factor; docs/performance.md). Budget:
# 4.20 MB since the dapp connections (issue 21, +0.26 MB of its own code, weighed there) took the
# library to 4.15 MB; getting back under 4 MB is the open part of issue 22. Change the budget only
# with a measurement.
# Prints the library path and size, then "size: N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUDGET=${IMW_SIZE_BUDGET:-4200000}   # bytes, stripped, x86_64-unknown-linux-gnu (see docs/performance.md)
GOAL=4000000
TD=${CARGO_TARGET_DIR:-$ROOT/target}
# Only the cdylib crate type, as a package ships it (cargo-ndk's .so, maturin's wheel): built
# next to the rlib and staticlib, the same library came out 1 MB larger.
if ! cargo rustc -q --profile ship -p imwallet-ffi --lib --crate-type cdylib >&2; then
  echo "size: 0 passed, 1 failed (the shipping build failed)"; exit 1
fi
# What an app ships: the library stripped of its symbol table (the build keeps it for UniFFI's
# library mode; Gradle and Xcode strip at packaging).
SO=$TD/ship/libimwallet_ffi.stripped.so
strip --strip-all -o "$SO" "$TD/ship/libimwallet_ffi.so"
bytes=$(stat -c %s "$SO")
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1000000 }'; }
echo "$SO: $bytes bytes ($(mb "$bytes")); budget $(mb "$BUDGET"), goal $(mb "$GOAL")"
if [ "$bytes" -le "$BUDGET" ]; then
  [ "$bytes" -le "$GOAL" ] || echo "size: over the 4 MB goal by $(mb $((bytes - GOAL))) (within the budget)"
  echo "size: 1 passed, 0 failed"
else
  echo "size: the shipping library grew past its budget by $((bytes - BUDGET)) bytes:" \
    "weigh the new dependency (scripts/size_report.py) or trim it before raising IMW_SIZE_BUDGET" >&2
  echo "size: 0 passed, 1 failed"
  exit 1
fi
