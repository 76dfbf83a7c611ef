//! # imwallet-core
//!
//! The security core of the imwallet non-custodial wallet: recovery phrases, HD keys,
//! addresses and signing ([`wallet`]), the encrypted vault and secret types ([`vault`]).
//! It has no FFI dependency: `imwallet-ffi` exports it to Kotlin, Swift and Python, and
//! `imwallet-cli` drives it from a terminal.

pub mod error;
pub mod vault;
pub mod wallet;

pub use error::{Error, Result};
