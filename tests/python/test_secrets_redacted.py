"""Values that can hold a secret never show it when printed: UniFFI generates `__str__` and
`__repr__` for records and enums, so these come from the Rust `Display`/`Debug` exports, not
from the fields."""
import asyncio

import imwallet as iw
from conftest import PW


def renderings(secret: bytes):
    """The ways a secret could show up in a printed value."""
    return [secret.decode(), repr(secret), str(list(secret)), secret.hex()]


def assert_redacted(value, secret: bytes):
    for shown in (str(value), repr(value), f"{value}", f"{value!r}", str([value])):
        for needle in renderings(secret):
            assert needle not in shown, f"secret visible in {shown!r}"
    assert "redacted" in str(value) and "redacted" in repr(value)


def test_created_account_hides_the_phrase(rig):
    core, *_ = rig
    created = asyncio.run(core.create_account("Red", PW, 12, iw.Language.ENGLISH))
    assert len(created.phrase.split()) == 12
    assert_redacted(created, created.phrase)
    assert "Red" in str(created) and "Red" in repr(created), "non-secret fields stay visible"


def test_auth_proof_hides_the_password():
    proof = iw.AuthProof.PASSWORD(password=PW)
    assert_redacted(proof, PW)
    assert proof.password == PW, "the field itself is unchanged"
    assert "Biometric" in str(iw.AuthProof.BIOMETRIC())


def test_logout_confirmation_hides_the_password():
    c = iw.LogoutConfirmation(typed_account_name="Red", password=PW, use_biometrics=False)
    assert_redacted(c, PW)
    assert "Red" in str(c) and "Red" in repr(c)
    assert c.password == PW
