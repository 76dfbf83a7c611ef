#!/usr/bin/env bash
# Builds the Android AAR: libimwallet_ffi.so per ABI (cargo-ndk, shipping profile, cdylib only),
# the Kotlin bindings generated from that very library, and the glue in src/main/kotlin.
#
# NOT RUN ON THE PROJECT MACHINES: they have no Android NDK, SDK or Gradle distribution (only
# crates.io, PyPI, Maven Central, npm and Debian are reachable). Run it on a developer machine
# with: Android SDK + NDK r26 or newer (ANDROID_NDK_HOME), `cargo install cargo-ndk`, Gradle 8
# with the Android Gradle Plugin. Output: android/build/outputs/aar/android-release.aar.
#
# minSdk 28 (BiometricPrompt). The linker packs relative relocations as Android 9+ reads them
# (`--pack-dyn-relocs=android+relr`), like DT_RELR on Linux (bindings/build.rs): ~1.3 MB less per
# ABI; Gradle strips the symbol table when it packages the AAR.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
ABIS=${ABIS:-"arm64-v8a armeabi-v7a x86_64"}
: "${ANDROID_NDK_HOME:?set ANDROID_NDK_HOME to an NDK r26+}"
command -v cargo-ndk >/dev/null || { echo "cargo install cargo-ndk" >&2; exit 1; }
for abi in $ABIS; do
  case "$abi" in
    arm64-v8a) t=aarch64-linux-android ;; armeabi-v7a) t=armv7-linux-androideabi ;;
    x86_64) t=x86_64-linux-android ;; x86) t=i686-linux-android ;; *) echo "unknown ABI $abi" >&2; exit 2 ;;
  esac
  rustup target add "$t"
done
NDK_ARGS=()
for abi in $ABIS; do NDK_ARGS+=(-t "$abi"); done
RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,--pack-dyn-relocs=android+relr -C link-arg=-Wl,--use-android-relr-tags" \
  cargo ndk --platform 28 "${NDK_ARGS[@]}" -o android/jniLibs \
  rustc --profile ship -p imwallet-ffi --lib --crate-type cdylib
# Kotlin bindings from the arm64 library (the metadata is the same for every ABI).
cargo build -q -p imwallet-ffi --bin uniffi-bindgen --features bindgen
TD=${CARGO_TARGET_DIR:-$ROOT/target}
rm -rf target/bindings/kotlin
"$TD/debug/uniffi-bindgen" generate --no-format --library --language kotlin --out-dir target/bindings/kotlin \
  "$TD/aarch64-linux-android/ship/libimwallet_ffi.so"
# android/build.gradle.kts takes the sources from src/main/kotlin + target/bindings/kotlin and the
# libraries from android/jniLibs.
(cd android && gradle assembleRelease)
ls -l android/build/outputs/aar/
