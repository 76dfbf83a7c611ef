//! Link options of the shipped library (docs/performance.md, "Size").
//!
//! On Linux (glibc ≥ 2.36) the cdylib is linked with packed relative relocations (DT_RELR):
//! the BIP39 word lists, SQLite's tables and every vtable are pointer tables, and their
//! 24-byte RELA entries were 1.3 MB of the 7.9 MB library. Android (minSdk 28) gets the
//! equivalent from `android/scripts/build-aar.sh`; Apple targets link the static library.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-z,pack-relative-relocs");
    }
}
