//! # imwallet-ffi
//!
//! The only `#[uniffi::export]`s of the workspace: thin wrappers over `imwallet-core` for
//! Kotlin (`io.imwallet`), Swift (`ImWallet`) and Python (`imwallet`). No business logic lives
//! here — only type conversion ([`types`]), the one error mapping ([`error`]), adapters for the
//! shell's hooks ([`hooks`]) and the exported object ([`wallet`]). KDF-bound calls are `async`
//! and run on tokio's blocking pool so a shell never blocks its UI thread. Secrets cross as
//! bytes (`Vec<u8>` → `ByteArray` / `Data` / `bytes`), never as strings.

uniffi::setup_scaffolding!("imwallet");

pub mod cache;
pub mod error;
pub mod gates;
pub mod hooks;
pub mod keys;
pub mod keystore;
pub mod types;
pub mod wallet;

pub use error::WalletError;
