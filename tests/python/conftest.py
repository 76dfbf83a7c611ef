"""Shared fixtures: a core on a temp dir (fast KDF) bound to an in-memory phone's device keys,
scripted hooks."""
import os
import threading

import pytest
import imwallet as iw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PW = b"correct horse battery staple 42"
PW2 = b"another fine passphrase, 2026!"


class Env(iw.EnvironmentProbe):
    """A scripted environment probe. Starts known and safe (secured Wi-Fi, a screen lock, not
    rooted, no debugger, no emulator); `None` = cannot tell; `boom` makes every question throw."""

    def __init__(self):
        self.net = iw.NetworkKind.PRIVATE_WIFI
        self.lock_set = True
        self.root = False
        self.debugger = False
        self.emu = False
        self.boom = False

    def unknown(self):
        """Every answer 'cannot tell' (as a probe that cannot see anything)."""
        self.net, self.lock_set, self.root, self.debugger, self.emu = iw.NetworkKind.UNKNOWN, None, None, None, None

    def _answer(self, value):
        if self.boom:
            raise RuntimeError("probe exploded")
        return value

    def network(self):
        return self._answer(self.net)

    def screen_lock_set(self):
        return self._answer(self.lock_set)

    def rooted(self):
        return self._answer(self.root)

    def debugger_attached(self):
        return self._answer(self.debugger)

    def emulator(self):
        return self._answer(self.emu)


class Recorder(iw.SessionListener):
    def __init__(self):
        self.states = []
        self.events = []
        self.lock = threading.Lock()

    def on_state_changed(self, state):
        with self.lock:
            self.states.append(state)

    def on_security_event(self, event):
        with self.lock:
            self.events.append(event.kind)


class FakeKeyStore(iw.SecureKeyStore):
    """Behaves like BiometricPrompt + Keystore: scripted outcomes, enrollment changes."""

    def __init__(self):
        self.entries = {}
        self.invalidated = set()
        self.script = []
        self.prompts = []

    def store(self, alias, secret):
        self.invalidated.discard(alias)
        self.entries[alias] = bytes(secret)

    def load(self, alias, prompt):
        self.prompts.append(prompt.reason)
        if self.script:
            outcome = self.script.pop(0)
            if isinstance(outcome, Exception):
                raise outcome
        if alias in self.invalidated:
            raise iw.KeyStoreError.KeyInvalidated()
        if alias not in self.entries:
            raise iw.KeyStoreError.NotFound()
        return self.entries[alias]

    def delete(self, alias):
        self.entries.pop(alias, None)

    def list(self):
        return sorted(self.entries)

    def delete_all(self):
        self.entries.clear()

    def enroll_new_fingerprint(self):
        self.invalidated |= set(self.entries)


class Owner(iw.DeviceOwnerCheck):
    """A scripted device-owner check (KeyguardManager / LAContext in the real shells)."""

    def __init__(self, answer=True, secure=True):
        self.answer = answer
        self.secure = secure
        self.asked = []

    def can_confirm_device_owner(self):
        return self.secure

    def confirm_device_owner(self, reason):
        self.asked.append(reason)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


class FakeDeviceKeys(iw.DeviceKeyStore):
    """One phone's device key store, like the Rust `MemoryDeviceKeys`: a random AES-256 key per
    alias that never leaves this object (as it never leaves the Keystore / Secure Enclave), wrap =
    AES-GCM with a fresh 96-bit nonce and the alias as associated data (`nonce ‖ ciphertext ‖
    tag`). A new instance is a new phone. `unavailable` plays a phone before its first unlock."""

    PREFIX = "imwallet.dev."

    def __init__(self):
        self._keys = {}
        self.unavailable = False
        self.calls = 0
        self._lock = threading.Lock()

    def _gate(self):
        self.calls += 1
        if self.unavailable:
            raise iw.DeviceKeyError.Unavailable("the device is locked (before the first unlock)")

    def _key(self, alias):
        key = self._keys.get(alias)
        if key is None:
            raise iw.DeviceKeyError.NotFound()
        return AESGCM(key)

    def create_key(self, alias):
        with self._lock:
            self._gate()
            self._keys[alias] = AESGCM.generate_key(bit_length=256)

    def wrap(self, alias, plaintext):
        with self._lock:
            self._gate()
            nonce = os.urandom(12)
            return nonce + self._key(alias).encrypt(nonce, bytes(plaintext), alias.encode())

    def unwrap(self, alias, wrapped):
        with self._lock:
            self._gate()
            aead = self._key(alias)
            if len(wrapped) < 12 + 16:
                raise iw.DeviceKeyError.WrongKey()
            try:
                return aead.decrypt(bytes(wrapped[:12]), bytes(wrapped[12:]), alias.encode())
            except InvalidTag:
                raise iw.DeviceKeyError.WrongKey() from None

    def delete_key(self, alias):
        with self._lock:
            self._gate()
            self._keys.pop(alias, None)

    def list(self):
        with self._lock:
            self._gate()
            return sorted(a for a in self._keys if a.startswith(self.PREFIX))

    def aliases(self):
        """What the phone holds (for assertions; no gate)."""
        with self._lock:
            return sorted(self._keys)


_DEVICES = {}


def device_for(path):
    """The phone a data directory lives on: the same fake for every open of `path`."""
    return _DEVICES.setdefault(str(path), FakeDeviceKeys())


def config(path):
    return iw.CoreConfig(data_dir=str(path), kdf_profile=iw.KdfProfile.INSECURE_FAST_FOR_TESTS, auto_lock=iw.AutoLock.NEVER())


@pytest.fixture
def rig(tmp_path):
    env, rec = Env(), Recorder()
    core = iw.WalletCore(config(tmp_path), env, rec, None, device_keys=device_for(tmp_path))
    return core, env, rec, tmp_path


@pytest.fixture
def bio(tmp_path):
    ks, rec = FakeKeyStore(), Recorder()
    core = iw.WalletCore(config(tmp_path), None, rec, ks, device_keys=device_for(tmp_path))
    return core, ks, rec


def reopen(path, listener=None, device=None):
    """Opens `path` again on its phone (or on `device`)."""
    return iw.WalletCore(config(path), None, listener, None, device_keys=device or device_for(path))


def confirm(typed=None, password=None, bio=False):
    return iw.LogoutConfirmation(typed_account_name=typed, password=password, use_biometrics=bio)


class FakeDapps(iw.ConnectionHook):
    """The shell's WalletConnect side: records disconnections and rejections; fails while `fail`."""

    def __init__(self, fail=False):
        self.fail = fail
        self.disconnected = []
        self.rejected = []
        self.lock = threading.Lock()

    def disconnect(self, revocation):
        if self.fail:
            raise RuntimeError("relay unreachable")
        with self.lock:
            self.disconnected.append(revocation)

    def request_rejected(self, rejection):
        with self.lock:
            self.rejected.append(rejection)

    def ids(self):
        with self.lock:
            return sorted(r.connection_id for r in self.disconnected)


class FakeClipboard(iw.ClipboardHook):
    """The shell's clipboard: records each clear the core asks for."""

    def __init__(self):
        self.cleared = []

    def clear(self, reason):
        self.cleared.append(reason)


def open_dapps(path, dapps=None, clipboard=None, listener=None):
    """A core on `path` with the dapp and clipboard fakes."""
    dapps = dapps or FakeDapps()
    clipboard = clipboard or FakeClipboard()
    core = iw.WalletCore(config(path), None, listener, None, device_keys=device_for(path), connection_hook=dapps, clipboard=clipboard)
    return core, dapps, clipboard
