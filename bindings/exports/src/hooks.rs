//! The shell's hooks as UniFFI foreign traits, and adapters to the core's traits.
//!
//! Every foreign method returns `Result<_, WalletError>`: a Kotlin/Swift/Python exception
//! becomes `WalletError::HookFailed` (via `UnexpectedUniFFICallbackError`) instead of a panic.

use std::sync::Arc;

use imwallet_core::auth::hooks as core_hooks;
use imwallet_core::auth::hooks::HookError;

use crate::error::WalletError;
use crate::types::{NetworkKind, SecurityEvent, SessionState};

/// Network and device facts for the environment policy and the logout plan (implemented by the
/// shell). Each answer may be "cannot tell" (`NetworkKind::Unknown`, `null`/`nil`/`None`); a
/// method that throws counts as "cannot tell" for that answer — never as safe. Shipped: Android
/// `io.imwallet.android.AndroidEnvironmentProbe`, iOS `ImWalletIOS.IOSEnvironmentProbe`.
#[uniffi::export(with_foreign)]
pub trait EnvironmentProbe: Send + Sync {
    fn network(&self) -> Result<NetworkKind, WalletError>;
    /// Whether the device has a screen lock (PIN, pattern, password, passcode).
    fn screen_lock_set(&self) -> Result<Option<bool>, WalletError>;
    /// Whether the device is rooted / jailbroken.
    fn rooted(&self) -> Result<Option<bool>, WalletError>;
    /// Whether a debugger is attached to the app's process.
    fn debugger_attached(&self) -> Result<Option<bool>, WalletError>;
    /// Whether the app runs on an emulator or simulator.
    fn emulator(&self) -> Result<Option<bool>, WalletError>;
}

/// Hears state transitions and security events (implemented by the shell).
#[uniffi::export(with_foreign)]
pub trait SessionListener: Send + Sync {
    fn on_state_changed(&self, state: SessionState) -> Result<(), WalletError>;
    fn on_security_event(&self, event: SecurityEvent) -> Result<(), WalletError>;
}

/// Confirms the device owner (Android device credential via `KeyguardManager`, iOS `LAContext`
/// `.deviceOwnerAuthentication`); implemented by the shell. `confirm_device_owner` blocks while
/// the system screen shows; the core calls it from a background thread with no lock held.
#[uniffi::export(with_foreign)]
pub trait DeviceOwnerCheck: Send + Sync {
    /// Whether the device has a credential the owner can confirm.
    fn can_confirm_device_owner(&self) -> Result<bool, WalletError>;
    /// Shows the system screen with `reason`; true only when the owner confirmed.
    fn confirm_device_owner(&self, reason: String) -> Result<bool, WalletError>;
}

fn hook_err(e: WalletError) -> HookError {
    HookError { message: e.to_string() }
}

pub(crate) struct EnvAdapter(pub Arc<dyn EnvironmentProbe>);

impl core_hooks::EnvironmentProbe for EnvAdapter {
    fn network(&self) -> Result<NetworkKind, HookError> {
        self.0.network().map_err(hook_err)
    }

    fn screen_lock_set(&self) -> Result<Option<bool>, HookError> {
        self.0.screen_lock_set().map_err(hook_err)
    }

    fn rooted(&self) -> Result<Option<bool>, HookError> {
        self.0.rooted().map_err(hook_err)
    }

    fn debugger_attached(&self) -> Result<Option<bool>, HookError> {
        self.0.debugger_attached().map_err(hook_err)
    }

    fn emulator(&self) -> Result<Option<bool>, HookError> {
        self.0.emulator().map_err(hook_err)
    }
}

pub(crate) struct ListenerAdapter(pub Arc<dyn SessionListener>);

impl core_hooks::SessionListener for ListenerAdapter {
    fn on_state_changed(&self, state: SessionState) -> Result<(), HookError> {
        self.0.on_state_changed(state).map_err(hook_err)
    }
    fn on_security_event(&self, event: imwallet_core::events::SecurityEvent) -> Result<(), HookError> {
        self.0.on_security_event(event.into()).map_err(hook_err)
    }
}

/// Time since boot that survives app restarts (implemented by the shell): Android
/// `SystemClock.elapsedRealtime()` + `Settings.Global.BOOT_COUNT`, iOS `kern.boottime` + a
/// monotonic clock. The attempt limiter measures its delays on it; without it a delay
/// restarts in full on every app start.
#[uniffi::export(with_foreign)]
pub trait BootClock: Send + Sync {
    /// Changes on every reboot.
    fn boot_id(&self) -> Result<String, WalletError>;
    /// Seconds since boot, including time asleep.
    fn since_boot_secs(&self) -> Result<u64, WalletError>;
}

pub(crate) struct BootClockAdapter(pub Arc<dyn BootClock>);

impl imwallet_core::clock::BootClock for BootClockAdapter {
    fn boot_id(&self) -> Result<String, HookError> {
        self.0.boot_id().map_err(hook_err)
    }
    fn since_boot_secs(&self) -> Result<u64, HookError> {
        self.0.since_boot_secs().map_err(hook_err)
    }
}

pub(crate) struct DeviceOwnerAdapter(pub Arc<dyn DeviceOwnerCheck>);

impl core_hooks::DeviceOwnerCheck for DeviceOwnerAdapter {
    fn can_confirm_device_owner(&self) -> Result<bool, HookError> {
        self.0.can_confirm_device_owner().map_err(hook_err)
    }
    fn confirm_device_owner(&self, reason: &str) -> Result<bool, HookError> {
        self.0.confirm_device_owner(reason.to_string()).map_err(hook_err)
    }
}
