//! # imwallet-ffi-exports
//!
//! The only `#[uniffi::export]`s of the workspace, shipped as `libimwallet_ffi` by the code-less
//! crate `imwallet-ffi` one directory up (ADR 0017): thin wrappers over `imwallet-core` for
//! Kotlin (`io.imwallet`), Swift (`ImWallet`) and Python (`imwallet`). No business logic lives
//! here — only type exports ([`types`]: the core's types via `uniffi::remote`, hand mirrors where
//! the FFI shape differs, see ADR 0008), the one error mapping ([`error`]), adapters for the
//! shell's hooks ([`hooks`]) and the exported object ([`wallet`], [`transactions`],
//! [`second_factor`]). KDF-bound calls are `async`
//! and run on tokio's blocking pool so a shell never blocks its UI thread. Secrets cross as
//! bytes (`Vec<u8>` → `ByteArray` / `Data` / `bytes`), never as strings, and a value holding one
//! prints `<redacted>` in its place (`Debug`/`Display` exports).

uniffi::setup_scaffolding!("imwallet");

pub mod accounts;
pub mod cache;
pub mod connections;
pub mod device_keys;
pub mod error;
pub mod gates;
pub mod hardware_key;
pub mod hooks;
pub mod keys;
pub mod keystore;
pub mod safety;
pub mod second_factor;
pub mod transactions;
pub mod types;
pub mod wallet;

pub use error::WalletError;
