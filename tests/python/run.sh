#!/usr/bin/env bash
# Python suite, against the *installed* package: builds the wheel (scripts/build-wheel.sh:
# maturin, UniFFI mode, the shipping library), `pip install`s it into a fresh venv with pytest,
# and runs the tests there (the checkout's generated bindings are not on the path).
# IMW_PY_FROM_BINDINGS=1 runs them on tests/bindings.sh's output instead (quicker while iterating).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
IMW_CACHE=${IMW_CACHE:-/var/cache/imwallet}
LOG=$(mktemp)   # private log: other checkouts may run this suite at the same time
WORK=$(mktemp -d)
trap 'rm -rf "$LOG" "$WORK"' EXIT
if [ "${IMW_PY_FROM_BINDINGS:-0}" = 1 ]; then
  "$ROOT/tests/setup.sh" python >&2
  "$ROOT/tests/bindings.sh" >/dev/null
  PY=$IMW_CACHE/venv/bin/python
  export PYTHONPATH="$ROOT/target/bindings/python:$ROOT/tests/python"
else
  WHEEL=$("$ROOT/scripts/build-wheel.sh")
  python3 -m venv "$WORK/venv"
  # The suite's own test dependencies, pinned where tests/setup.sh pins them.
  eval "$(grep -E '^(CRYPTOGRAPHY|ETH_ACCOUNT)_VERSION=' "$ROOT/tests/setup.sh")"
  "$WORK/venv/bin/pip" install -q "$WHEEL" pytest "cryptography==$CRYPTOGRAPHY_VERSION" "eth-account==$ETH_ACCOUNT_VERSION" >&2
  PY=$WORK/venv/bin/python
  export PYTHONPATH="$ROOT/tests/python"
  echo "python: testing $(basename "$WHEEL") installed in a fresh venv" >&2
fi
cd "$WORK"
set +e
"$PY" -m pytest -q -p no:cacheprovider "$ROOT/tests/python" 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e
passed=$(grep -Eo '[0-9]+ passed' "$LOG" | tail -1 | awk '{print $1}' || true)
failed=$(grep -Eo '[0-9]+ failed' "$LOG" | tail -1 | awk '{print $1}' || true)
echo "python: ${passed:-0} passed, ${failed:-0} failed"
exit "$rc"
