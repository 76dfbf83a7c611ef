#!/usr/bin/env bash
# Builds the Python wheel (maturin, UniFFI mode) from the shipping library (`--profile ship`,
# the one tests/size.sh checks) into target/wheels/, and prints its path.
# maturin comes from PyPI into its own venv ($IMW_CACHE/maturin-venv); the bindings are made by
# this workspace's own uniffi-bindgen (same uniffi version as the library by construction),
# which maturin finds on PATH.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
IMW_CACHE=${IMW_CACHE:-/var/cache/imwallet}
TD=${CARGO_TARGET_DIR:-$ROOT/target}
VENV=$IMW_CACHE/maturin-venv
if [ ! -x "$VENV/bin/maturin" ]; then
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install -q "maturin>=1.9,<2" >&2
fi
cargo build -q -p imwallet-ffi --bin uniffi-bindgen --features bindgen >&2
OUT=$ROOT/target/wheels
rm -f "$OUT"/imwallet-*.whl
PATH="$TD/debug:$PATH" "$VENV/bin/maturin" build --quiet -m bindings/Cargo.toml --profile ship --out "$OUT" >&2
ls "$OUT"/imwallet-*.whl
