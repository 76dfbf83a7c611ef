#!/usr/bin/env bash
# On a Mac with Xcode: builds libimwallet_ffi for iOS device + simulator, generates the Swift
# bindings from that library and packs ImWalletFFI.xcframework next to Package.swift.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
for t in aarch64-apple-ios aarch64-apple-ios-sim; do
  rustup target add "$t"
  cargo build --release -p imwallet-ffi --lib --target "$t"
done
cargo build --release -p imwallet-ffi --bin uniffi-bindgen
GEN=$ROOT/ios/gen
./target/release/uniffi-bindgen generate --library --language swift --out-dir "$GEN" target/aarch64-apple-ios/release/libimwallet_ffi.a
mkdir -p "$ROOT/ios/Sources/ImWallet" "$GEN/headers"
cp "$GEN/ImWallet.swift" "$ROOT/ios/Sources/ImWallet/"
cp "$GEN/ImWalletFFI.h" "$GEN/headers/"
cp "$GEN/ImWalletFFI.modulemap" "$GEN/headers/module.modulemap"
rm -rf "$ROOT/ios/ImWalletFFI.xcframework"
xcodebuild -create-xcframework \
  -library target/aarch64-apple-ios/release/libimwallet_ffi.a -headers "$GEN/headers" \
  -library target/aarch64-apple-ios-sim/release/libimwallet_ffi.a -headers "$GEN/headers" \
  -output "$ROOT/ios/ImWalletFFI.xcframework"
