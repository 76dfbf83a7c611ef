#!/usr/bin/env bash
# Project hygiene: `cargo deny check licenses bans sources` (deny.toml), offline. Installs
# cargo-deny from crates.io once (`cargo install --locked`, a few minutes on 2 cores).
# Advisories need the RustSec database from GitHub, which the project machines do not reach:
# run `cargo deny check advisories` elsewhere. Prints "deny: N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if ! command -v cargo-deny >/dev/null; then
  echo "[setup] cargo install cargo-deny" >&2
  cargo install -q --locked cargo-deny >&2 || { echo "deny: 0 passed, 1 failed (cargo-deny could not be installed)"; exit 1; }
fi
passed=0; failed=0
for check in licenses bans sources; do
  if cargo deny --offline --log-level error check "$check" >&2; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "deny: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
