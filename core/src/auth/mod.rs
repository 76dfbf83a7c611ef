//! Authentication policy and the platform hooks the shells implement.
//!
//! [`password`] is the password policy (length + zxcvbn strength), [`names`] validates account
//! names, [`hooks`] declares the traits a shell implements (environment probe, session
//! listener) with safe defaults.

pub mod hooks;
pub mod names;
pub mod password;
