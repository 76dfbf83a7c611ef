#!/usr/bin/env bash
# Builds the FFI library and generates Kotlin/Swift/Python bindings from that very library
# (UniFFI library mode) into target/bindings/{kotlin,swift,python}. Idempotent.
# Prints the library path on stdout.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
cargo build -q -p imwallet-ffi --lib --bin uniffi-bindgen >&2
TD=${CARGO_TARGET_DIR:-$ROOT/target}/debug
SO=$TD/libimwallet_ffi.so
OUT=$ROOT/target/bindings
stamp=$OUT/.stamp
if [ ! -f "$stamp" ] || [ "$SO" -nt "$stamp" ]; then
  rm -rf "$OUT"
  for lang in kotlin swift python; do
    "$TD/uniffi-bindgen" generate --no-format --library --language "$lang" --out-dir "$OUT/$lang" "$SO" >&2
  done
  cp "$SO" "$OUT/python/"
  touch "$stamp"
fi
echo "$SO"
