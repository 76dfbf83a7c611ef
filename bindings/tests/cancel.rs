//! A cancelled foreign future (a Kotlin coroutine or Swift task that stopped waiting) discards
//! its result: dropping the `unlock_with_biometrics` future while the platform prompt is still
//! up must not leave the session unlocked once the prompt returns.

use std::collections::HashMap;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use imwallet_ffi::keystore::{BiometricPrompt, KeyStoreError, SecureKeyStore};
use imwallet_ffi::types::{AutoLock, CoreConfig, KdfProfile, Language, SessionState};
use imwallet_ffi::wallet::WalletCore;

const PW: &[u8] = b"correct horse battery staple 42";

/// A key store whose `load` waits for the test (the user looking at the prompt).
#[derive(Default)]
struct SlowPrompt {
    entries: Mutex<HashMap<String, Vec<u8>>>,
    hold: Mutex<Option<Receiver<()>>>,
    entered: Mutex<Option<Sender<()>>>,
}

impl SecureKeyStore for SlowPrompt {
    fn store(&self, alias: String, secret: Vec<u8>) -> Result<(), KeyStoreError> {
        self.entries.lock().unwrap().insert(alias, secret);
        Ok(())
    }
    fn load(&self, alias: String, _: BiometricPrompt) -> Result<Vec<u8>, KeyStoreError> {
        if let Some(tx) = self.entered.lock().unwrap().take() {
            let _ = tx.send(());
        }
        let hold = self.hold.lock().unwrap().take();
        if let Some(rx) = hold {
            let _ = rx.recv_timeout(Duration::from_secs(30));
        }
        self.entries.lock().unwrap().get(&alias).cloned().ok_or(KeyStoreError::NotFound)
    }
    fn delete(&self, alias: String) -> Result<(), KeyStoreError> {
        self.entries.lock().unwrap().remove(&alias);
        Ok(())
    }
    fn list(&self) -> Result<Vec<String>, KeyStoreError> {
        Ok(self.entries.lock().unwrap().keys().cloned().collect())
    }
    fn delete_all(&self) -> Result<(), KeyStoreError> {
        self.entries.lock().unwrap().clear();
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_unlock_future_discards_its_result() {
    let dir = tempfile::tempdir().unwrap();
    let ks = Arc::new(SlowPrompt::default());
    let config = CoreConfig {
        data_dir: dir.path().to_string_lossy().into_owned(),
        kdf_profile: KdfProfile::InsecureFastForTests,
        auto_lock: AutoLock::Never,
        unlock_needs_second_factor: false,
        safety: None,
    };
    let core = WalletCore::new(config, None, None, Some(ks.clone()), None, None, None, None, None, None, None, None).unwrap();
    core.create_account("Eve".into(), PW.to_vec(), 12, Language::English).await.unwrap();
    core.enable_biometric_unlock(PW.to_vec()).await.unwrap();
    assert!(matches!(core.lock().unwrap(), SessionState::Locked { .. }));

    let (release, hold) = channel();
    let (entered_tx, entered) = channel();
    *ks.hold.lock().unwrap() = Some(hold);
    *ks.entered.lock().unwrap() = Some(entered_tx);
    let c = core.clone();
    let waited = tokio::time::timeout(Duration::from_millis(300), async move { c.unlock_with_biometrics().await }).await;
    assert!(waited.is_err(), "the prompt is still up: the call cannot have finished");
    entered.recv_timeout(Duration::from_secs(10)).unwrap();
    // The future is gone (cancelled); now the user touches the sensor.
    release.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(matches!(core.state(), SessionState::Locked { .. }), "a cancelled unlock must not unlock: {:?}", core.state());
    // Nothing is stuck: a fresh unlock works.
    assert!(matches!(core.unlock_with_biometrics().await.unwrap().state, SessionState::Unlocked { .. }));
}
