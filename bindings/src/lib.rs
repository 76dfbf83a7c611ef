//! # imwallet-ffi
//!
//! The library an app ships: `libimwallet_ffi` for Kotlin (`io.imwallet`), Swift (`ImWallet`)
//! and Python (`imwallet`). It has no code of its own. Everything it exports is in
//! [`imwallet_ffi_exports`] (bindings/exports), re-exported here. Its UniFFI scaffolding and
//! metadata symbols are linked in through the macro below, the way UniFFI documents for a
//! library that bundles a component crate.
//!
//! It is a crate of its own because of how the shipping profile optimises. A fat-LTO build runs
//! its link-time pipeline, including loop and SLP vectorisation, at the opt-level of the final
//! crate. With the exports as the final crate at opt-level "s", Argon2's block compression and
//! the signing hashes were not vectorised, and a login took 1.2 × as long as in a release
//! build. This crate is built at opt-level 3. The crates with code keep their own levels:
//! the core and the exports stay size-optimised, and the crypto and the KDF are at 3
//! (docs/performance.md, "Library size"; ADR 0017).

pub use imwallet_ffi_exports::*;

imwallet_ffi_exports::uniffi_reexport_scaffolding!();
