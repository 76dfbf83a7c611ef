//! # imwallet-core
//!
//! The security core of the imwallet non-custodial wallet. [`engine::WalletCore`] owns an
//! account's life on a device — create/import, login, lock, auto-lock, safe logout — on top of
//! [`wallet`] (phrases, HD keys, addresses, signing), [`vault`] (secret types, key hierarchy,
//! keystore files), [`store`] (SQLite), [`session`] (state machine, limiter, logout plans),
//! [`auth`] (password policy, platform hooks), [`safety`] (environment policy, password rehearsal,
//! activity since the last login) and [`events`] (security log). It has no FFI
//! dependency: `imwallet-ffi` exports it and `imwallet-cli` drives it from a terminal.

pub mod auth;
pub mod cache;
pub mod clock;
pub mod connections;
pub mod engine;
pub mod error;
pub mod events;
pub mod safety;
pub mod session;
pub mod store;
pub mod vault;
pub mod wallet;

pub use engine::{Cancel, Config, CreatedAccount, Hooks, WalletCore};
pub use error::{Error, Result};
