//! The second factor on login (issue 19, ADR 0014): what a caller passes, what an account has
//! on, and the app-verified code hook.
//!
//! An account has at most one method on — an authenticator app ([`SecondFactorMethod::Totp`]) or
//! a code the app's own server sends and checks ([`SecondFactorMethod::AppVerified`]) — plus ten
//! one-time recovery codes, each usable once instead of the method's code. `login` needs it;
//! `unlock` only when the app's policy says so ([`crate::Config::unlock_needs_second_factor`]).
//! A missing or wrong factor fails exactly like a wrong password and counts the same.

use std::fmt;

use crate::vault::SecretBytes;

/// The second factor given with a password. Codes are bytes in zeroizing buffers.
#[derive(Clone)]
pub enum SecondFactor {
    /// The 6-digit code of the authenticator app.
    Totp { code: SecretBytes },
    /// One of the account's recovery codes (`XXXXX-XXXXX`; case, dashes and spaces are ignored).
    RecoveryCode { code: SecretBytes },
    /// A code the app's server sent (email, SMS); the app's [`AppCodeVerifier`] checks it.
    AppVerified { code: SecretBytes },
}

impl SecondFactor {
    pub fn totp(code: &[u8]) -> SecondFactor {
        SecondFactor::Totp { code: SecretBytes::from_slice(code) }
    }
    pub fn recovery_code(code: &[u8]) -> SecondFactor {
        SecondFactor::RecoveryCode { code: SecretBytes::from_slice(code) }
    }
    pub fn app_verified(code: &[u8]) -> SecondFactor {
        SecondFactor::AppVerified { code: SecretBytes::from_slice(code) }
    }
}

impl fmt::Debug for SecondFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SecondFactor::Totp { .. } => "Totp(<redacted>)",
            SecondFactor::RecoveryCode { .. } => "RecoveryCode(<redacted>)",
            SecondFactor::AppVerified { .. } => "AppVerified(<redacted>)",
        })
    }
}

/// The second-factor method an account has on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondFactorMethod {
    /// An authenticator app (RFC 6238 TOTP).
    Totp,
    /// A code the app's server sends and verifies ([`AppCodeVerifier`]).
    AppVerified,
}

impl SecondFactorMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            SecondFactorMethod::Totp => "totp",
            SecondFactorMethod::AppVerified => "app_verified",
        }
    }

    pub fn parse(s: &str) -> Option<SecondFactorMethod> {
        [SecondFactorMethod::Totp, SecondFactorMethod::AppVerified].into_iter().find(|m| m.as_str() == s)
    }
}

/// The second factor of the session's account, for a settings screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondFactorStatus {
    /// The method on (`None`: the password alone logs in).
    pub method: Option<SecondFactorMethod>,
    /// Unused recovery codes.
    pub recovery_codes_left: u32,
    /// An authenticator enrollment was started and waits for its first code.
    pub totp_enrollment_pending: bool,
}

/// What an authenticator app needs, shown once when enrollment starts. Both hold the secret:
/// show them (QR code, typed key) and wipe them.
pub struct TotpEnrollment {
    /// The secret in Base32 (RFC 4648, no padding), for typing into the app.
    pub secret_base32: SecretBytes,
    /// `otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30`.
    pub otpauth_uri: SecretBytes,
}

impl fmt::Debug for TotpEnrollment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpEnrollment(<redacted>)")
    }
}

/// Typed outcomes of the app's code check other than a yes or a no.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppCodeError {
    /// The app cannot reach its server now (offline, timeout, server error): try again.
    Unavailable { message: String },
    /// Anything else (including a host exception).
    Other { message: String },
}

/// The app's check of a code its server sent (email, SMS): the shell asks its server and
/// answers yes (`Ok(true)`), no (`Ok(false)`) or a typed error.
///
/// This is a **policy of the app's server, not a cryptographic factor**: the core cannot tell
/// a real server's yes from a patched app or a scripted hook that always says yes. It protects
/// a wallet as well as the server's rules protect the account (ADR 0014). Called with no core
/// lock held, from a background thread; it may block on the network.
pub trait AppCodeVerifier: Send + Sync {
    fn verify_code(&self, account_id: &str, code: &[u8]) -> Result<bool, AppCodeError>;
}

/// A scripted app server for tests: one valid code per account at a time, each accepted once
/// (as a server does); `script_next` makes the next call fail.
#[derive(Default)]
pub struct MemoryAppCodeVerifier {
    codes: std::sync::Mutex<std::collections::HashMap<String, SecretBytes>>,
    next: std::sync::Mutex<Option<AppCodeError>>,
    /// How many times the server was asked.
    pub calls: std::sync::atomic::AtomicU32,
}

fn lk<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl MemoryAppCodeVerifier {
    pub fn new() -> MemoryAppCodeVerifier {
        MemoryAppCodeVerifier::default()
    }
    /// The server "sends" `code` to `account_id`'s user (replacing any earlier one).
    pub fn send(&self, account_id: &str, code: &[u8]) {
        lk(&self.codes).insert(account_id.to_string(), SecretBytes::from_slice(code));
    }
    /// The next call fails with `error`.
    pub fn script_next(&self, error: AppCodeError) {
        *lk(&self.next) = Some(error);
    }
}

impl AppCodeVerifier for MemoryAppCodeVerifier {
    fn verify_code(&self, account_id: &str, code: &[u8]) -> Result<bool, AppCodeError> {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if let Some(e) = lk(&self.next).take() {
            return Err(e);
        }
        let mut codes = lk(&self.codes);
        let ok = codes.get(account_id).is_some_and(|c| *c == SecretBytes::from_slice(code));
        if ok {
            codes.remove(account_id);
        }
        Ok(ok)
    }
}
