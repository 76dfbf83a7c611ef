"""Shared fixtures: a core on a temp dir (fast KDF), scripted hooks."""
import threading

import pytest
import imwallet as iw

PW = b"correct horse battery staple 42"
PW2 = b"another fine passphrase, 2026!"


class Env(iw.EnvironmentProbe):
    def __init__(self):
        self.net = iw.NetworkKind.UNKNOWN
        self.integrity = iw.DeviceIntegrity.UNKNOWN
        self.boom = False

    def network(self):
        if self.boom:
            raise RuntimeError("probe exploded")
        return self.net

    def device_integrity(self):
        return self.integrity


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


def config(path):
    return iw.CoreConfig(data_dir=str(path), kdf_profile=iw.KdfProfile.INSECURE_FAST_FOR_TESTS, auto_lock=iw.AutoLock.NEVER())


@pytest.fixture
def rig(tmp_path):
    env, rec = Env(), Recorder()
    core = iw.WalletCore(config(tmp_path), env, rec, None)
    return core, env, rec, tmp_path


@pytest.fixture
def bio(tmp_path):
    ks, rec = FakeKeyStore(), Recorder()
    core = iw.WalletCore(config(tmp_path), None, rec, ks)
    return core, ks, rec


def reopen(path, listener=None):
    return iw.WalletCore(config(path), None, listener, None)


def confirm(typed=None, password=None, bio=False):
    return iw.LogoutConfirmation(typed_account_name=typed, password=password, use_biometrics=bio)
