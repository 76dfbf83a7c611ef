"""The attempt limiter attacked through the bindings: another account's success must not reset
the victim's counter, and every failure tells the UI what is left."""
import asyncio

import pytest
import imwallet as iw
from conftest import PW, PW2, config

WRONG = b"wrong wrong wrong"


def run(c):
    return asyncio.run(c)


def test_an_added_accounts_success_does_not_reset_the_victims_counter(tmp_path):
    core = iw.WalletCore(config(tmp_path), None, None, None)
    run(core.create_account("Victim", PW, 12, iw.Language.ENGLISH))
    core.lock()
    # The attacker with the phone adds an account whose password they know.
    run(core.create_account("Mallory", PW2, 12, iw.Language.ENGLISH))
    evaluated, refused = 0, 0
    for _ in range(3):
        for _ in range(4):
            try:
                run(core.login("Victim", WRONG))
            except iw.WalletError.InvalidCredentials:
                evaluated += 1
            except iw.WalletError.TooManyAttempts:
                refused += 1
        run(core.login("Mallory", PW2))
    assert evaluated == 5 and refused == 7
    with pytest.raises(iw.WalletError.TooManyAttempts):
        run(core.login("Victim", PW))


def test_each_failure_says_attempts_left_and_the_delay(tmp_path):
    core = iw.WalletCore(config(tmp_path), None, None, None)
    run(core.create_account("Ula", PW, 12, iw.Language.ENGLISH))
    core.lock()
    assert core.attempt_status("ula") == iw.AttemptStatus(attempts_left=5, retry_after_secs=0)
    seen = []
    for _ in range(5):
        with pytest.raises(iw.WalletError.InvalidCredentials) as e:
            run(core.unlock(WRONG))
        seen.append((e.value.attempts_left, e.value.retry_after_secs))
    assert seen[:4] == [(4, 0), (3, 0), (2, 0), (1, 0)]
    assert seen[4][0] == 0 and 25 <= seen[4][1] <= 30
    status = core.attempt_status(None)
    assert status.attempts_left == 0 and status.retry_after_secs > 0
