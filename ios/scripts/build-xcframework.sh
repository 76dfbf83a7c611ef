#!/usr/bin/env bash
# Builds the iOS binary package: libimwallet_ffi.a for device (aarch64-apple-ios) and simulator
# (aarch64-apple-ios-sim, x86_64-apple-ios) with the shipping profile (staticlib only), the
# Swift bindings generated from that very library, and ImWalletFFI.xcframework next to
# Package.swift, whose `binaryTarget` the Swift package uses. Optionally (ZIP=1) zips the
# xcframework and prints the checksum a remote `.binaryTarget(url:checksum:)` needs.
#
# NOT RUN ON THE PROJECT MACHINES: it needs macOS with Xcode 15+ (xcodebuild, lipo); the
# project machines are Linux, where tests/swift/run.sh compiles and tests the Swift bindings
# and the platform-neutral glue instead. Minimum iOS 15 (Package.swift).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
TD=${CARGO_TARGET_DIR:-$ROOT/target}
for t in aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios; do
  rustup target add "$t"
  cargo rustc --profile ship -p imwallet-ffi --lib --crate-type staticlib --target "$t"
done
# The simulator slices share one library in the xcframework.
mkdir -p "$TD/ios-sim/ship"
lipo -create "$TD/aarch64-apple-ios-sim/ship/libimwallet_ffi.a" "$TD/x86_64-apple-ios/ship/libimwallet_ffi.a" \
  -output "$TD/ios-sim/ship/libimwallet_ffi.a"
cargo build -q -p imwallet-ffi --bin uniffi-bindgen --features bindgen
GEN=$ROOT/ios/gen
rm -rf "$GEN"
"$TD/debug/uniffi-bindgen" generate --no-format --library --language swift --out-dir "$GEN" \
  "$TD/aarch64-apple-ios/ship/libimwallet_ffi.a"
mkdir -p "$ROOT/ios/Sources/ImWallet" "$GEN/headers"
cp "$GEN/ImWallet.swift" "$ROOT/ios/Sources/ImWallet/"
cp "$GEN/ImWalletFFI.h" "$GEN/headers/"
cp "$GEN/ImWalletFFI.modulemap" "$GEN/headers/module.modulemap"
rm -rf "$ROOT/ios/ImWalletFFI.xcframework"
xcodebuild -create-xcframework \
  -library "$TD/aarch64-apple-ios/ship/libimwallet_ffi.a" -headers "$GEN/headers" \
  -library "$TD/ios-sim/ship/libimwallet_ffi.a" -headers "$GEN/headers" \
  -output "$ROOT/ios/ImWalletFFI.xcframework"
if [ "${ZIP:-0}" = 1 ]; then
  (cd "$ROOT/ios" && rm -f ImWalletFFI.xcframework.zip && zip -qry ImWalletFFI.xcframework.zip ImWalletFFI.xcframework)
  swift package compute-checksum "$ROOT/ios/ImWalletFFI.xcframework.zip"
fi
