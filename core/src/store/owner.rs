//! One owner per data directory: an exclusive OS file lock (`flock` on Unix, `LockFileEx` on
//! Windows, through `std::fs::File::try_lock`) on `imwallet.lock`, held for as long as the
//! store is open. A second opener — in this process or another — gets `DataDirectoryInUse`
//! with the owner's process id, so a shell can say which program to close. The OS drops the
//! lock when the owner exits or is killed, so a crash never leaves the directory locked.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::{Error, Result};

/// File name of the owner lock inside the data directory.
pub const LOCK_FILE: &str = "imwallet.lock";

/// Extra attempts (25 ms apart) before the directory counts as in use.
const RETRIES: u32 = 8;

/// The held lock (released on drop).
pub struct DirLock {
    _file: File,
}

impl DirLock {
    /// Takes the data directory's lock or reports who holds it.
    pub fn acquire(dir: &Path) -> Result<DirLock> {
        let path = dir.join(LOCK_FILE);
        super::private_fs::create_file(&path)?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(false)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::Storage { reason: format!("cannot open the data directory lock: {e}") })?;
        // A lock released a moment ago can still be held through a descriptor that a fork in
        // this process copied and has not closed at its exec yet: retry briefly before
        // reporting the directory in use.
        let mut tries = 0;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if tries < RETRIES => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(25));
                }
                Err(TryLockError::WouldBlock) => {
                    let mut text = String::new();
                    let _ = file.read_to_string(&mut text);
                    let holder_pid = text.trim().parse::<u32>().ok();
                    return Err(Error::DataDirectoryInUse { holder_pid });
                }
                Err(TryLockError::Error(e)) => {
                    return Err(Error::Storage { reason: format!("cannot lock the data directory: {e}") });
                }
            }
        }
        // Record the owner for the next opener's error message (best effort).
        let _ = file.set_len(0).and_then(|_| file.seek(SeekFrom::Start(0))).and_then(|_| write!(file, "{}", std::process::id()));
        Ok(DirLock { _file: file })
    }
}
