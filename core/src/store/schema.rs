//! The database schema and its ordered migrations.
//!
//! `MIGRATIONS[i]` upgrades schema version `i` to `i + 1`; the version lives in SQLite's
//! `user_version`. Opening a database whose version is newer than [`SCHEMA_VERSION`] is a typed
//! error ([`crate::Error::SchemaTooNew`]), never an attempt to read it.

/// The schema version this code writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Ordered migrations; never edit a shipped entry, append a new one.
pub const MIGRATIONS: &[&str] = &[
    // v1: accounts, vault, session, limiter, events, logout journal, settings.
    r#"
    CREATE TABLE accounts (
        id            TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        name_key      TEXT NOT NULL UNIQUE,
        kind          TEXT NOT NULL CHECK (kind IN ('mnemonic', 'keystore')),
        created_at    INTEGER NOT NULL,
        backed_up     INTEGER NOT NULL DEFAULT 0,
        backup_challenge TEXT,
        kdf_m_kib     INTEGER NOT NULL,
        kdf_t         INTEGER NOT NULL,
        kdf_p         INTEGER NOT NULL,
        kdf_salt      BLOB NOT NULL,
        password_wrap BLOB NOT NULL,
        vault_blob    BLOB NOT NULL,
        format_version INTEGER NOT NULL,
        biometric_wrap BLOB,
        biometric_alias TEXT
    );
    CREATE TABLE address_cache (
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        idx        INTEGER NOT NULL,
        address    TEXT NOT NULL,
        PRIMARY KEY (account_id, idx)
    );
    CREATE TABLE session (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        state      TEXT NOT NULL CHECK (state IN ('none', 'logged_out', 'locked', 'unlocked')),
        account_id TEXT REFERENCES accounts(id) ON DELETE SET NULL,
        updated_at INTEGER NOT NULL
    );
    INSERT INTO session (id, state, account_id, updated_at) VALUES (1, 'none', NULL, 0);
    CREATE TABLE limiter (
        id              INTEGER PRIMARY KEY CHECK (id = 1),
        failures        INTEGER NOT NULL,
        last_attempt_at INTEGER NOT NULL
    );
    INSERT INTO limiter (id, failures, last_attempt_at) VALUES (1, 0, 0);
    CREATE TABLE events (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        at           INTEGER NOT NULL,
        kind         TEXT NOT NULL,
        account_id   TEXT,
        account_name TEXT,
        detail       TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE journal (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        op         TEXT NOT NULL,
        account_id TEXT,
        payload    TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    "#,
    // v2: app caches (issue: cache registry and clear data).
    r#"
    CREATE TABLE cache_entries (
        kind       TEXT NOT NULL,
        scope      TEXT NOT NULL,
        key        TEXT NOT NULL,
        value      BLOB NOT NULL,
        expires_at INTEGER,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (kind, scope, key)
    );
    CREATE TABLE cache_file_kinds (
        kind TEXT PRIMARY KEY
    );
    "#,
    // v3: per-account settings (gates, auto-lock) and the backup-check failure count (issue 12).
    // Device-wide gates and auto-lock of v1/v2 were in force for every account: each existing
    // account keeps them as its own, and the device-wide rows go.
    r#"
    CREATE TABLE account_settings (
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        key        TEXT NOT NULL,
        value      TEXT NOT NULL,
        PRIMARY KEY (account_id, key)
    );
    INSERT INTO account_settings (account_id, key, value)
        SELECT a.id, s.key, s.value FROM accounts a JOIN settings s ON s.key LIKE 'gate.%' OR s.key = 'auto_lock';
    DELETE FROM settings WHERE key LIKE 'gate.%' OR key = 'auto_lock';
    ALTER TABLE accounts ADD COLUMN backup_failures INTEGER NOT NULL DEFAULT 0;
    "#,
    // v4: per-account attempt buckets on the boot clock, and the device-wide ceiling window
    // (issue: an attempt limiter no sequence of calls, restarts or clock changes can get
    // around). The old device-wide counter carries over into the unknown-name bucket.
    r#"
    CREATE TABLE attempt_buckets (
        bucket          TEXT PRIMARY KEY,
        failures        INTEGER NOT NULL,
        last_attempt_at INTEGER NOT NULL,
        boot_id         TEXT NOT NULL,
        boot_secs       INTEGER NOT NULL
    );
    CREATE TABLE attempt_failures (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        boot_id   TEXT NOT NULL,
        boot_secs INTEGER NOT NULL
    );
    INSERT INTO attempt_buckets (bucket, failures, last_attempt_at, boot_id, boot_secs)
        SELECT '_unknown', failures, last_attempt_at, '', 0 FROM limiter WHERE failures > 0;
    "#,
    // v5: device-bound keys (issue: a copied data directory is worthless off the device).
    // `device_wraps` holds each scope's secret wrapped by the platform's device key store
    // (scope '' = the device, else an account id); metadata columns then hold values sealed
    // under the scope's key (`store::sealing`). Sealing existing rows needs the device key
    // store, so it runs in Rust when the directory is opened (`engine::device`), not here.
    // `device_pending` records a key before the platform creates it, so only keys this directory
    // made and then abandoned (a crash) are ever purged; `key_check` proves an unwrapped secret.
    // `events.seal_scope` names the scope an event's text is sealed under; `hw_salt` is the
    // hardware-key factor's per-account salt (NULL: no factor).
    r#"
    CREATE TABLE device_wraps (
        scope   TEXT PRIMARY KEY,
        alias   TEXT NOT NULL UNIQUE,
        wrapped BLOB NOT NULL,
        key_check BLOB NOT NULL
    );
    CREATE TABLE device_pending (
        alias TEXT PRIMARY KEY
    );
    ALTER TABLE events ADD COLUMN seal_scope TEXT NOT NULL DEFAULT '';
    UPDATE events SET seal_scope = account_id WHERE account_id IN (SELECT id FROM accounts);
    ALTER TABLE accounts ADD COLUMN hw_salt BLOB;
    "#,
    // v6 (issue 19, "second factor on re-login", ADR 0014): each account's second-factor method
    // and its one-time recovery codes. `method` ('totp' | 'app_verified'), `state` ('pending' |
    // 'on') and `last_step` (the last accepted TOTP time step) are sealed under the account's
    // device scope; `totp_secret` is encrypted under the account's vault key (so only the
    // password opens it), then sealed; `hash` is HMAC-SHA256 of a recovery code under a key
    // derived from the vault key, then sealed. A used recovery code's row is deleted.
    // `confirm_failures` counts wrong codes typed to finish a pending authenticator enrollment.
    r#"
    CREATE TABLE second_factor (
        account_id  TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        method      BLOB NOT NULL,
        state       BLOB NOT NULL,
        totp_secret BLOB,
        last_step   BLOB,
        confirm_failures INTEGER NOT NULL DEFAULT 0,
        created_at  INTEGER NOT NULL
    );
    CREATE TABLE recovery_codes (
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        idx        INTEGER NOT NULL,
        hash       BLOB NOT NULL,
        PRIMARY KEY (account_id, idx)
    );
    "#,
    // v7 (issue 21, ADR 0016 — "dapp connections"): the account's dapp connections and the
    // journal of their revocations. A connection row is looked up by `conn_key` (keyed hash of
    // account id and connection id); its id, origin, name and grants are sealed under the
    // account's device key (associated data: column + `conn_key`). A revocation is written in
    // the transaction that deletes its connection and deleted once the shell's hook accepted
    // it; its values are sealed under the *device* scope (`rkey` in the associated data), so a
    // revocation owed for a removed — crypto-shredded — wallet can still be carried out.
    r#"
    CREATE TABLE dapp_connections (
        account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        conn_key     TEXT NOT NULL,
        conn_id      BLOB NOT NULL,
        origin       BLOB NOT NULL,
        name         BLOB NOT NULL,
        grants       BLOB NOT NULL,
        created_at   INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, conn_key)
    );
    CREATE TABLE dapp_revocations (
        rkey       TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        conn_id    BLOB NOT NULL,
        origin     BLOB NOT NULL,
        name       BLOB NOT NULL,
        reason     TEXT NOT NULL,
        attempts   INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
    );
    "#,
];
