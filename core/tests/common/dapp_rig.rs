//! Fakes for the dapp-connection and clipboard hooks (issue 21), and a rig that opens a core
//! with them.

use std::path::Path;
use std::sync::{Arc, Mutex};

use imwallet_core::auth::hooks::{ClipboardHook, ConnectionHook, HookError};
use imwallet_core::connections::clipboard::ClipboardClearReason;
use imwallet_core::connections::{NewConnection, NewSigningRequest, RejectedRequest, RequestPayload, Revocation};

use super::{open_extra, Rig};

/// The shell's WalletConnect side: records every call; fails while `fail` is set.
#[derive(Default)]
pub struct FakeDapps {
    pub disconnected: Mutex<Vec<Revocation>>,
    pub rejected: Mutex<Vec<RejectedRequest>>,
    pub fail: Mutex<bool>,
}

impl ConnectionHook for FakeDapps {
    fn disconnect(&self, revocation: Revocation) -> Result<(), HookError> {
        if *self.fail.lock().unwrap() {
            return Err(HookError { message: "relay unreachable".into() });
        }
        self.disconnected.lock().unwrap().push(revocation);
        Ok(())
    }
    fn request_rejected(&self, rejection: RejectedRequest) -> Result<(), HookError> {
        self.rejected.lock().unwrap().push(rejection);
        Ok(())
    }
}

impl FakeDapps {
    pub fn ids(&self) -> Vec<String> {
        self.disconnected.lock().unwrap().iter().map(|r| r.connection_id.clone()).collect()
    }
}

/// The shell's clipboard: records each clear.
#[derive(Default)]
pub struct FakeClipboard {
    pub cleared: Mutex<Vec<ClipboardClearReason>>,
}

impl ClipboardHook for FakeClipboard {
    fn clear(&self, reason: ClipboardClearReason) -> Result<(), HookError> {
        self.cleared.lock().unwrap().push(reason);
        Ok(())
    }
}

pub struct DappRig {
    pub r: Rig,
    pub dapps: Arc<FakeDapps>,
    pub clip: Arc<FakeClipboard>,
}

/// A core on `dir` with the given fakes (new ones for a "reopened app").
pub fn open_dapps_with(dir: &Path, dapps: Arc<FakeDapps>, clip: Arc<FakeClipboard>) -> DappRig {
    let (d, c) = (dapps.clone(), clip.clone());
    let r = open_extra(dir, move |h| imwallet_core::Hooks { connections: Some(d), clipboard: Some(c), ..h });
    DappRig { r, dapps, clip }
}

pub fn open_dapps(dir: &Path) -> DappRig {
    open_dapps_with(dir, Arc::default(), Arc::default())
}

/// A connection named `name` granted `accounts` on chain 1.
pub fn connection(id: &str, name: &str, accounts: &[String]) -> NewConnection {
    NewConnection {
        id: id.into(),
        origin: format!("https://{}.example", name.to_lowercase()),
        name: name.into(),
        accounts: accounts.to_vec(),
        chains: vec![1],
        permissions: vec!["personal_sign".into(), "eth_sendTransaction".into()],
    }
}

pub fn message_request(conn: &str, account: &str, chain_id: u64) -> NewSigningRequest {
    NewSigningRequest {
        connection_id: conn.into(),
        account: account.into(),
        chain_id,
        payload: RequestPayload::PersonalSign { message: b"Sign in to Example".to_vec() },
    }
}

/// The crash child's dapp hook, in the parent: appends each disconnected id to the log the
/// child (`imwallet-crash-child`, `FileDapps`) writes, `<dir>-revoked.log`.
pub struct LogDapps(pub String);

impl LogDapps {
    pub fn of(dir: &Path) -> LogDapps {
        LogDapps(format!("{}-revoked.log", dir.display()))
    }
}

impl ConnectionHook for LogDapps {
    fn disconnect(&self, r: Revocation) -> Result<(), HookError> {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&self.0).unwrap();
        writeln!(f, "{}", r.connection_id).unwrap();
        Ok(())
    }
    fn request_rejected(&self, _: RejectedRequest) -> Result<(), HookError> {
        Ok(())
    }
}

/// The connection ids the dapp hook was asked to disconnect, in order (child and parent append
/// to the same log).
pub fn revoked_log(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(format!("{}-revoked.log", dir.display())).unwrap_or_default().lines().map(str::to_string).collect()
}

/// Removes a data directory's revocation log when dropped.
pub struct RevokedLog(pub std::path::PathBuf);

impl RevokedLog {
    pub fn of(dir: &Path) -> RevokedLog {
        RevokedLog(format!("{}-revoked.log", dir.display()).into())
    }
}

impl Drop for RevokedLog {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
