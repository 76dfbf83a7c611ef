//! Platform hooks: traits the shells implement, with defaults for when they do not.
//!
//! Every hook method returns `Result` so a host exception (Kotlin/Swift/Python) becomes a
//! typed [`HookError`] instead of a panic. The core treats a failing probe as "unknown".

use crate::events::SecurityEvent;
use crate::session::SessionState;

/// A failure reported by (or while calling) a host-implemented hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookError {
    pub message: String,
}

/// The network the device is on, as the shell sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkKind {
    /// The shell cannot tell (or its probe failed).
    Unknown,
    Offline,
    Cellular,
    /// Wi-Fi secured with WPA2/WPA3 (or 802.1X) and no captive portal.
    PrivateWifi,
    /// Open (unencrypted or OWE-only) or public Wi-Fi: a hotspot, a captive portal.
    PublicWifi,
    /// Wi-Fi whose security the platform does not report (iOS): counts as unknown.
    WifiSecurityUnknown,
    /// Traffic goes through a VPN.
    Vpn,
}

/// Network and device facts for the environment policy (ADR 0015) and the logout plan.
///
/// Every answer may be "cannot tell": `NetworkKind::Unknown` or `None`. A method that fails
/// (a host exception) counts as "cannot tell" for that answer only — never as safe.
pub trait EnvironmentProbe: Send + Sync {
    fn network(&self) -> Result<NetworkKind, HookError>;
    /// Whether the device has a screen lock (PIN, pattern, password, passcode).
    fn screen_lock_set(&self) -> Result<Option<bool>, HookError>;
    /// Whether the device is rooted / jailbroken.
    fn rooted(&self) -> Result<Option<bool>, HookError>;
    /// Whether a debugger is attached to the app's process.
    fn debugger_attached(&self) -> Result<Option<bool>, HookError>;
    /// Whether the app runs on an emulator or simulator.
    fn emulator(&self) -> Result<Option<bool>, HookError>;
}

/// The default probe: knows nothing (every answer unknown).
pub struct UnknownEnvironment;

impl EnvironmentProbe for UnknownEnvironment {
    fn network(&self) -> Result<NetworkKind, HookError> {
        Ok(NetworkKind::Unknown)
    }
    fn screen_lock_set(&self) -> Result<Option<bool>, HookError> {
        Ok(None)
    }
    fn rooted(&self) -> Result<Option<bool>, HookError> {
        Ok(None)
    }
    fn debugger_attached(&self) -> Result<Option<bool>, HookError> {
        Ok(None)
    }
    fn emulator(&self) -> Result<Option<bool>, HookError> {
        Ok(None)
    }
}

/// Hears every state transition and security event. Called after the change is persisted,
/// outside the core's locks (a listener may call back into the core).
pub trait SessionListener: Send + Sync {
    fn on_state_changed(&self, state: SessionState) -> Result<(), HookError>;
    fn on_security_event(&self, event: SecurityEvent) -> Result<(), HookError>;
}

/// Confirms that the person holding the device is its owner: the device credential (Android
/// `KeyguardManager` confirm-credential screen) or `LAContext` `.deviceOwnerAuthentication` on
/// iOS. Used where a wallet password may be forgotten but an unbacked wallet is at stake ("reset
/// app"). Called with no core lock held; `confirm_device_owner` blocks while the screen shows.
pub trait DeviceOwnerCheck: Send + Sync {
    /// Whether the device has a credential the owner can confirm (a PIN, pattern, passcode...).
    fn can_confirm_device_owner(&self) -> Result<bool, HookError>;
    /// Shows the system screen with `reason`; `Ok(true)` only when the owner confirmed.
    fn confirm_device_owner(&self, reason: &str) -> Result<bool, HookError>;
}

/// The shell's side of dapp connections (issue 21, ADR 0016): the WalletConnect SDK's
/// `disconnect` for a session topic, clearing the in-app browser's site data for an origin,
/// and answering a dapp whose signing request the core rejected. Called from a background
/// thread or the calling thread, never with a core lock held; it may go to the network, but
/// should hand the work to the SDK and return.
pub trait ConnectionHook: Send + Sync {
    /// Disconnect this connection. `Ok` means the disconnection was requested; an error leaves
    /// the revocation journaled and retried on the next open (so it may be asked again for a
    /// connection it already disconnected: treat that as done).
    fn disconnect(&self, revocation: crate::connections::Revocation) -> Result<(), HookError>;
    /// The core rejected a pending signing request (lock, logout, revoked connection): answer
    /// the dapp with `rejection.code` / `rejection.message`.
    fn request_rejected(&self, rejection: crate::connections::RejectedRequest) -> Result<(), HookError>;
}

/// The shell's clipboard (issue 21): the core tells it when to clear what it copied. Called
/// from the core's timer thread or the locking/logging-out call, never under a core lock.
/// Implementations clear only if the clipboard still holds what the wallet put there.
pub trait ClipboardHook: Send + Sync {
    fn clear(&self, reason: crate::connections::clipboard::ClipboardClearReason) -> Result<(), HookError>;
}
