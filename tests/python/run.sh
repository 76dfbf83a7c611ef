#!/usr/bin/env bash
# Python suite: generated bindings + pytest (venv from tests/setup.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
"$ROOT/tests/setup.sh" python >&2
"$ROOT/tests/bindings.sh" >/dev/null
VENV=${IMW_CACHE:-/var/cache/imwallet}/venv
LOG=$(mktemp)   # private log: other checkouts may run this suite at the same time
trap 'rm -f "$LOG"' EXIT
set +e
PYTHONPATH="$ROOT/target/bindings/python:$ROOT/tests/python" "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$ROOT/tests/python" 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e
passed=$(grep -Eo '[0-9]+ passed' "$LOG" | tail -1 | awk '{print $1}' || true)
failed=$(grep -Eo '[0-9]+ failed' "$LOG" | tail -1 | awk '{print $1}' || true)
echo "python: ${passed:-0} passed, ${failed:-0} failed"
exit "$rc"
