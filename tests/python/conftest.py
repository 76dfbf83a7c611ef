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


@pytest.fixture
def rig(tmp_path):
    env, rec = Env(), Recorder()
    cfg = iw.CoreConfig(data_dir=str(tmp_path), kdf_profile=iw.KdfProfile.INSECURE_FAST_FOR_TESTS, auto_lock=iw.AutoLock.NEVER())
    core = iw.WalletCore(cfg, env, rec)
    return core, env, rec, tmp_path


def reopen(path, listener=None):
    cfg = iw.CoreConfig(data_dir=str(path), kdf_profile=iw.KdfProfile.INSECURE_FAST_FOR_TESTS, auto_lock=iw.AutoLock.NEVER())
    return iw.WalletCore(cfg, None, listener)
