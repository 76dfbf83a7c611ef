#!/usr/bin/env bash
# Swift suite: stages the generated bindings + .so into a SwiftPM package inside the Debian
# trixie chroot (swiftlang 6.0.3) and runs `swift test` there. Mounts are always undone.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
"$ROOT/tests/setup.sh" swift >&2
source "$ROOT/tests/setup.sh"   # helpers: swift_mounts_up/down, in_chroot, SWIFT_CHROOT
SO=$("$ROOT/tests/bindings.sh")
# One Swift run at a time on this machine: the staging folder and the chroot's /proc, /dev mounts
# are shared by every checkout (a concurrent run's cleanup would unmount them, or overwrite the
# sources mid-compile). Held until this script exits.
exec 9>"${IMW_CACHE:-/var/cache/imwallet}/swift-run.lock"
flock 9
GEN=$ROOT/target/bindings/swift
W=$SWIFT_CHROOT/work/imwallet
mkdir -p "$W/lib" "$W/Sources/ImWalletFFI" "$W/Sources/ImWallet"
rm -rf "$W/Sources/ImWalletIOS" && cp -r "$ROOT/ios/Sources/ImWalletIOS" "$W/Sources/ImWalletIOS"
rm -rf "$W/Sources/ImWalletUI" && cp -r "$ROOT/ios/Sources/ImWalletUI" "$W/Sources/ImWalletUI"
cp "$ROOT/tests/swift/Package.swift" "$W/"
rm -rf "$W/Tests" && cp -r "$ROOT/tests/swift/Tests" "$W/Tests"
cp "$GEN/ImWalletFFI.h" "$W/Sources/ImWalletFFI/"
cp "$GEN/ImWalletFFI.modulemap" "$W/Sources/ImWalletFFI/module.modulemap"
cp "$GEN/ImWallet.swift" "$W/Sources/ImWallet/"
cp "$SO" "$W/lib/"
LOG=$(mktemp)   # private log: other checkouts may run this suite at the same time
trap 'swift_mounts_down; rm -f "$LOG"' EXIT
swift_mounts_up
set +e
in_chroot "cd /work/imwallet && swift test 2>&1" | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e
passed=$(grep -Eo "Executed [0-9]+ tests?, with [0-9]+ failures?" "$LOG" | tail -1 | awk '{print $2 - $5}' || true)
failed=$(grep -Eo "Executed [0-9]+ tests?, with [0-9]+ failures?" "$LOG" | tail -1 | awk '{print $5}' || true)
echo "swift: ${passed:-0} passed, ${failed:-0} failed"
exit "$rc"
