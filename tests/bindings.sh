#!/usr/bin/env bash
# Builds the FFI library and generates Kotlin/Swift/Python bindings from that very library
# (UniFFI library mode) into target/bindings/{kotlin,swift,python}. Idempotent.
# The library is the shipping build (`--profile ship`, as tests/size.sh checks and the packages
# ship); IMW_BINDINGS_PROFILE=dev uses the quick debug build while iterating.
# Prints the library path on stdout.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PROFILE=${IMW_BINDINGS_PROFILE:-ship}
TD=${CARGO_TARGET_DIR:-$ROOT/target}
# The bindgen is a build tool: a debug build with the `bindgen` feature (never in the library).
cargo build -q -p imwallet-ffi --bin uniffi-bindgen --features bindgen >&2
if [ "$PROFILE" = dev ]; then
  cargo build -q -p imwallet-ffi --lib >&2
else
  # The cdylib alone, exactly as tests/size.sh and the wheel build it (no rebuild between them).
  cargo rustc -q --profile "$PROFILE" -p imwallet-ffi --lib --crate-type cdylib >&2
fi
case "$PROFILE" in dev) DIR=debug ;; *) DIR=$PROFILE ;; esac
SO=$TD/$DIR/libimwallet_ffi.so
OUT=$ROOT/target/bindings
stamp=$OUT/.stamp
if [ ! -f "$stamp" ] || [ "$SO" -nt "$stamp" ] || [ "$(cat "$stamp")" != "$SO" ]; then
  rm -rf "$OUT"
  for lang in kotlin swift python; do
    "$TD/debug/uniffi-bindgen" generate --no-format --library --language "$lang" --out-dir "$OUT/$lang" "$SO" >&2
  done
  cp "$SO" "$OUT/python/"
  echo "$SO" > "$stamp"
fi
echo "$SO"
