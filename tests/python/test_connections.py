"""Dapp connections, pending signing requests and the clipboard through the Python bindings
(issue 21): connections survive a lock, logout revokes each once and reports it, a failing hook
leaves revocations that complete on the next open, a lock rejects pending requests, ungranted
accounts and chains are refused, the clipboard hook is told to clear."""
import asyncio
import gc
import time

import pytest
import imwallet as iw
from conftest import PW, FakeDapps, Recorder, confirm, open_dapps

JUNK = b"test test test test test test test test test test test junk"
ADDR0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"


def run(coro):
    return asyncio.run(coro)


def connection(cid, name, chains=(1,)):
    return iw.NewConnection(id=cid, origin=f"https://{name.lower()}.example", name=name, accounts=[ADDR0], chains=list(chains), permissions=["personal_sign"])


def message(cid, account=ADDR0, chain=1):
    return iw.NewSigningRequest(connection_id=cid, account=account, chain_id=chain, payload=iw.RequestPayload.PERSONAL_SIGN(message=b"Sign in"))


def three(path, dapps=None, clipboard=None, listener=None):
    core, dapps, clip = open_dapps(path, dapps, clipboard, listener)
    run(core.import_account("Tess", JUNK, None, PW))
    for cid, name in [("t1", "Swapper"), ("t2", "Lender"), ("t3", "Gallery")]:
        core.add_connection(connection(cid, name))
    return core, dapps, clip


def test_connections_survive_lock_and_logout_revokes_each_once(tmp_path):
    rec = Recorder()
    core, dapps, _ = three(tmp_path, listener=rec)
    core.lock()
    assert [c.name for c in core.connections()] == ["Swapper", "Lender", "Gallery"]
    assert dapps.ids() == []
    run(core.unlock(PW))
    plan = core.prepare_logout(iw.LogoutOptions(clear_caches=True, keep_global_caches=True, remove_wallet=False))
    assert iw.LogoutAction.DISCONNECT_DAPPS in plan.actions
    assert plan.dapps_to_disconnect == ["Swapper", "Lender", "Gallery"]
    report = run(core.logout(plan.token, confirm()))
    assert [d.status for d in report.dapps_disconnected] == [iw.RevocationStatus.REQUESTED] * 3
    assert report.revocations_pending == 0
    assert dapps.ids() == ["t1", "t2", "t3"], "the hook is called once per connection"
    assert rec.events.count("dapp_disconnected") == 3
    run(core.login("Tess", PW))
    assert core.connections() == []


def test_a_failing_hook_leaves_pending_revocations_completed_on_the_next_open(tmp_path):
    core, dapps, _ = three(tmp_path, dapps=FakeDapps(fail=True))
    plan = core.prepare_logout(iw.LogoutOptions(clear_caches=True, keep_global_caches=True, remove_wallet=False))
    report = run(core.logout(plan.token, confirm()))
    assert [d.status for d in report.dapps_disconnected] == [iw.RevocationStatus.PENDING] * 3
    assert report.revocations_pending == 3
    assert len(core.pending_revocations()) == 3
    del core
    gc.collect()
    core, dapps, _ = open_dapps(tmp_path)
    assert dapps.ids() == ["t1", "t2", "t3"]
    assert core.pending_revocations() == []


def test_pending_requests_are_rejected_on_lock(tmp_path):
    core, dapps, _ = three(tmp_path)
    a = run(core.submit_request(message("t1")))
    b = run(core.submit_request(message("t2")))
    assert [r.id for r in core.pending_requests()] == [a.id, b.id]
    core.lock()
    assert [(r.request_id, r.reason, r.code) for r in dapps.rejected] == [(a.id, iw.RejectReason.LOCKED, 4100), (b.id, iw.RejectReason.LOCKED, 4100)]
    run(core.unlock(PW))
    assert core.pending_requests() == []
    with pytest.raises(iw.WalletError.RequestNotFound):
        run(core.approve_request(a.id))
    assert len(core.connections()) == 3, "a lock keeps connections"


def test_ungranted_account_and_chain_are_refused_and_approval_signs(tmp_path):
    core, _, _ = three(tmp_path)
    other = core.addresses(2)[1]
    with pytest.raises(iw.WalletError.AccountNotGranted) as e:
        run(core.submit_request(message("t1", account=other)))
    assert e.value.account == other
    with pytest.raises(iw.WalletError.ChainNotGranted) as e:
        run(core.submit_request(message("t1", chain=137)))
    assert e.value.chain_id == 137
    with pytest.raises(iw.WalletError.ConnectionNotFound):
        run(core.submit_request(message("nope")))
    req = run(core.submit_request(message("t1")))
    done = run(core.approve_request(req.id))
    assert iw.recover_personal_signer(b"Sign in", done.signature) == ADDR0
    rejected = core.reject_request(run(core.submit_request(message("t2"))).id)
    assert (rejected.reason, rejected.code) == (iw.RejectReason.USER_REJECTED, 4001)


def test_revoking_one_connection_rejects_its_requests(tmp_path):
    core, dapps, _ = three(tmp_path)
    req = run(core.submit_request(message("t2")))
    r = run(core.revoke_connection("t2"))
    assert (r.name, r.status) == ("Lender", iw.RevocationStatus.REQUESTED)
    assert [x.reason for x in dapps.rejected] == [iw.RejectReason.CONNECTION_REVOKED]
    with pytest.raises(iw.WalletError.RequestNotFound):
        run(core.approve_request(req.id))
    with pytest.raises(iw.WalletError.ConnectionNotFound):
        run(core.revoke_connection("t2"))


def test_the_clipboard_hook_is_told_to_clear(tmp_path):
    core, _, clip = three(tmp_path)
    assert core.clipboard_copied(iw.ClipKind.PHRASE) == 20
    core.lock()
    assert clip.cleared == [iw.ClipboardClearReason.LOCKED]
    core.set_clipboard_timeout(iw.ClipKind.PRIVATE_KEY, 1)
    with pytest.raises(iw.WalletError.InvalidInput):
        core.set_clipboard_timeout(iw.ClipKind.PHRASE, 61)
    core.clipboard_copied(iw.ClipKind.PRIVATE_KEY)
    deadline = time.time() + 10
    while len(clip.cleared) < 2 and time.time() < deadline:
        time.sleep(0.02)
    assert clip.cleared[-1] == iw.ClipboardClearReason.TIMEOUT
    run(core.unlock(PW))
    core.clipboard_copied(iw.ClipKind.ADDRESS)
    plan = core.prepare_logout(iw.LogoutOptions(clear_caches=True, keep_global_caches=True, remove_wallet=False))
    assert iw.LogoutAction.CLEAR_CLIPBOARD in plan.actions
    report = run(core.logout(plan.token, confirm()))
    assert report.clipboard_cleared
    assert clip.cleared[-1] == iw.ClipboardClearReason.LOGGED_OUT
