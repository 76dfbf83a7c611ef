//! Authentication policy and the platform hooks the shells implement.
//!
//! [`password`] is the password policy (length + zxcvbn strength), [`names`] validates account
//! names, [`hooks`] declares the environment probe and session listener, [`keystore`] the
//! secure key store (with an in-memory fake), [`gates`] the per-action authentication policy,
//! [`second_factor`] the login's second factor ([`totp`], [`recovery_codes`] and the app-verified
//! code hook, ADR 0014), and `desktop_keyring` (feature `desktop-keyring`) a keyring-backed store
//! for the CLI.

#[cfg(feature = "desktop-keyring")]
pub mod desktop_keyring;
pub mod device_keys;
pub mod gates;
pub mod hardware_key;
pub mod hooks;
pub mod keystore;
pub mod names;
pub mod password;
pub mod recovery_codes;
pub mod second_factor;
pub mod totp;
