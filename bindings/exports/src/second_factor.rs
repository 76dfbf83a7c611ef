//! The second factor at the FFI (issue 19, ADR 0014): the factor a login passes, the account's
//! method and status, the authenticator enrollment, recovery codes, the app-verified code hook
//! (a foreign trait) and the `WalletCore` methods that turn it on and off.
//!
//! Codes and secrets cross as bytes (`ByteArray` / `Data` / `bytes`), never strings, and every
//! value holding one prints `<redacted>` in its place.

use std::fmt;
use std::sync::Arc;

pub use imwallet_core::auth::second_factor::{SecondFactorMethod, SecondFactorStatus};

use imwallet_core::auth::second_factor as core_sf;
use imwallet_core::vault::SecretBytes;
use zeroize::Zeroizing;

use crate::error::Result;
use crate::types::Redacted;
use crate::wallet::WalletCore;

/// The second-factor method an account has on.
#[uniffi::remote(Enum)]
pub enum SecondFactorMethod {
    /// An authenticator app (RFC 6238 TOTP: SHA-1, 6 digits, 30 s).
    Totp,
    /// A code the app's server sends (email, SMS), checked by the app's `AppCodeVerifier`.
    AppVerified,
}

/// The session account's second factor, for a settings screen.
#[uniffi::remote(Record)]
pub struct SecondFactorStatus {
    /// The method on (none: the password alone logs in).
    pub method: Option<SecondFactorMethod>,
    pub recovery_codes_left: u32,
    /// An authenticator enrollment was started and waits for its first code.
    pub totp_enrollment_pending: bool,
}

/// The second factor given with the password to `login` (and to `unlock` when the app's policy
/// asks for it). Codes are bytes (UTF-8 of what the user typed); printing shows `<redacted>`.
// Mirror: the core holds each code in a `SecretBytes`; bytes here, redacted when printed.
#[derive(uniffi::Enum)]
#[uniffi::export(Debug)]
pub enum SecondFactor {
    /// The 6-digit code of the authenticator app.
    Totp { code: Vec<u8> },
    /// One of the account's recovery codes (`XXXXX-XXXXX`; case, dashes and spaces ignored).
    RecoveryCode { code: Vec<u8> },
    /// A code the app's server sent; the app's `AppCodeVerifier` checks it.
    AppVerified { code: Vec<u8> },
}

impl fmt::Debug for SecondFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            SecondFactor::Totp { .. } => "Totp",
            SecondFactor::RecoveryCode { .. } => "RecoveryCode",
            SecondFactor::AppVerified { .. } => "AppVerified",
        };
        f.debug_struct(name).field("code", &Redacted).finish()
    }
}

impl From<SecondFactor> for core_sf::SecondFactor {
    fn from(f: SecondFactor) -> Self {
        match f {
            SecondFactor::Totp { code } => core_sf::SecondFactor::Totp { code: SecretBytes::new(code) },
            SecondFactor::RecoveryCode { code } => core_sf::SecondFactor::RecoveryCode { code: SecretBytes::new(code) },
            SecondFactor::AppVerified { code } => core_sf::SecondFactor::AppVerified { code: SecretBytes::new(code) },
        }
    }
}

/// What an authenticator app needs: the secret as Base32 (to type in) and the `otpauth://` URI
/// (to draw as a QR code), UTF-8 bytes. Show once, then wipe; printing shows `<redacted>`.
// Mirror: `SecretBytes` in the core, bytes here; printing is redacted.
#[derive(uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct TotpEnrollment {
    pub secret_base32: Vec<u8>,
    pub otpauth_uri: Vec<u8>,
}

impl fmt::Debug for TotpEnrollment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TotpEnrollment").field("secret_base32", &Redacted).field("otpauth_uri", &Redacted).finish()
    }
}

impl fmt::Display for TotpEnrollment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Ten one-time recovery codes (`XXXXX-XXXXX`, UTF-8 bytes), shown once: the core keeps only
/// their hashes. Printing shows `<redacted>`.
// Mirror: a `Vec<SecretBytes>` in the core; a record so that printing can be redacted.
#[derive(uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct RecoveryCodes {
    pub codes: Vec<Vec<u8>>,
}

impl fmt::Debug for RecoveryCodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecoveryCodes").field("count", &self.codes.len()).field("codes", &Redacted).finish()
    }
}

impl fmt::Display for RecoveryCodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

fn codes(v: Vec<SecretBytes>) -> RecoveryCodes {
    RecoveryCodes { codes: v.into_iter().map(SecretBytes::into_vec).collect() }
}

/// Typed outcomes of the app's code check other than yes or no.
// Mirror: an error raised by foreign code (`reason`, not the core's `message`); errors stay hand-written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum AppCodeError {
    /// The app cannot reach its server now (offline, timeout, 5xx): the user tries again.
    #[error("{reason}")]
    Unavailable { reason: String },
    #[error("{reason}")]
    Other { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for AppCodeError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        AppCodeError::Other { reason: e.reason }
    }
}

/// Implemented by the shell: asks the app's server whether `code` (UTF-8 bytes the user typed)
/// is the one it sent to `account_id`'s user. True = yes, false = no. A server policy, not
/// cryptography: see ADR 0014. Called from a background thread with no core lock held; may
/// block on the network.
#[uniffi::export(with_foreign)]
pub trait AppCodeVerifier: Send + Sync {
    fn verify_code(&self, account_id: String, code: Vec<u8>) -> std::result::Result<bool, AppCodeError>;
}

pub(crate) struct AppCodeAdapter(pub Arc<dyn AppCodeVerifier>);

impl core_sf::AppCodeVerifier for AppCodeAdapter {
    fn verify_code(&self, account_id: &str, code: &[u8]) -> std::result::Result<bool, core_sf::AppCodeError> {
        self.0.verify_code(account_id.to_string(), code.to_vec()).map_err(|e| match e {
            AppCodeError::Unavailable { reason } => core_sf::AppCodeError::Unavailable { message: reason },
            AppCodeError::Other { reason } => core_sf::AppCodeError::Other { message: reason },
        })
    }
}

fn secret(v: Vec<u8>) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(v)
}

#[uniffi::export(async_runtime = "tokio")]
impl WalletCore {
    /// Starts adding an authenticator app to the session's (unlocked) account: the password,
    /// then a new secret, returned once. Logins change only after `confirm_totp_enrollment`.
    /// `issuer` is the name the authenticator app shows (default "imwallet").
    #[uniffi::method(default(issuer = "imwallet"))]
    pub async fn begin_totp_enrollment(&self, password: Vec<u8>, issuer: String) -> Result<TotpEnrollment> {
        let pw = secret(password);
        let e = self.blocking(move |c| c.begin_totp_enrollment(&pw, &issuer)).await?;
        Ok(TotpEnrollment { secret_base32: e.secret_base32.into_vec(), otpauth_uri: e.otpauth_uri.into_vec() })
    }

    /// Finishes the enrollment with the code the app shows now (`SecondFactorCodeRejected`
    /// otherwise): the factor is on, and the ten recovery codes are returned (shown once).
    pub fn confirm_totp_enrollment(&self, code: Vec<u8>) -> Result<RecoveryCodes> {
        let code = secret(code);
        Ok(codes(self.core().confirm_totp_enrollment(&code)?))
    }

    /// Turns on the app-verified code: the password, then a code the app's server sent, which
    /// the app's `AppCodeVerifier` must accept. Returns the ten recovery codes (shown once).
    pub async fn enable_app_verified_factor(&self, password: Vec<u8>, code: Vec<u8>) -> Result<RecoveryCodes> {
        let (pw, code) = (secret(password), secret(code));
        Ok(codes(self.blocking(move |c| c.enable_app_verified_factor(&pw, &code)).await?))
    }

    /// Turns the second factor off: the password and a valid factor (a code or a recovery
    /// code), checked together; wrong, it fails like a wrong login (`InvalidCredentials`).
    pub async fn disable_second_factor(&self, password: Vec<u8>, factor: SecondFactor) -> Result<()> {
        let (pw, factor) = (secret(password), core_sf::SecondFactor::from(factor));
        self.blocking(move |c| c.disable_second_factor(&pw, &factor)).await
    }

    /// New recovery codes (the old ones stop working): the password and a valid factor.
    pub async fn regenerate_recovery_codes(&self, password: Vec<u8>, factor: SecondFactor) -> Result<RecoveryCodes> {
        let (pw, factor) = (secret(password), core_sf::SecondFactor::from(factor));
        Ok(codes(self.blocking(move |c| c.regenerate_recovery_codes(&pw, &factor)).await?))
    }

    /// The session account's second factor (`Locked` or `Unlocked`).
    pub fn second_factor_status(&self) -> Result<SecondFactorStatus> {
        Ok(self.core().second_factor_status()?)
    }
}
