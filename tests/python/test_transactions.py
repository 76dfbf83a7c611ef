"""Issue 18, "Sign transactions, not digests", through the Python bindings, checked by an
independent implementation: eth-account (pinned in tests/setup.sh) recovers the signer of every
signed transaction, its `rlp` package decodes the bytes field by field, eth-account signing the
same request with the exported key gives the same bytes, and the summary matches the request.
Also the SignTransaction gate, the declared-chain check and hostile requests."""
import asyncio
import json
import random

import pytest
import rlp
from eth_account import Account
from eth_utils import keccak, to_checksum_address

import imwallet as iw
from conftest import PW

JUNK = b"test test test test test test test test test test test junk"
ADDR0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
TOKEN = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
INIT_CODE = "0x6080604052348015600f57600080fd5b50603f80601d6000396000f3fe6080604052600080fdfea164736f6c6343000800000a"
TRANSFER_CALL = "0xa9059cbb" + "00" * 12 + "35" * 20 + "%064x" % 10
ACCESS = [
    {"address": TOKEN, "storageKeys": ["0x" + "00" * 31 + "01", "0x" + "ab" * 32]},
    {"address": "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "storageKeys": []},
]


def run(coro):
    return asyncio.run(coro)


CASES = {
    "legacy_transfer": {"nonce": 9, "gasPrice": "20000000000", "gas": 21000, "to": "0x" + "35" * 20, "value": "1000000000000000000"},
    "legacy_creation": {"nonce": 0, "gasPrice": "0x3b9aca00", "gas": "0x30d40", "value": "0x0", "data": INIT_CODE},
    "legacy_call_polygon": {"chainId": 137, "nonce": "0x10", "gasPrice": 30 * 10**9, "gas": 60000, "to": TOKEN, "data": TRANSFER_CALL},
    "eip2930_access_list": {"type": "0x1", "nonce": 3, "gasPrice": 7, "gas": 80000, "to": TOKEN, "value": 5, "data": TRANSFER_CALL, "accessList": ACCESS},
    "eip2930_creation": {"type": 1, "chainId": "0x1", "nonce": 4, "gasPrice": 1, "gas": 300000, "data": INIT_CODE, "accessList": []},
    "eip1559_transfer": {"type": "0x2", "nonce": 0, "maxFeePerGas": "0x6fc23ac00", "maxPriorityFeePerGas": "0x77359400", "gas": 21000, "to": "0x" + "35" * 20, "value": "1500000000000000000"},
    "eip1559_call_access_list": {"nonce": 7, "maxFeePerGas": 30 * 10**9, "maxPriorityFeePerGas": 10**9, "gasLimit": 100000, "to": TOKEN, "input": TRANSFER_CALL, "accessList": ACCESS, "from": ADDR0},
    "eip1559_creation_access_list": {"type": 2, "nonce": "0xfffffffffffffffe", "maxFeePerGas": 2, "maxPriorityFeePerGas": 2, "gas": 1000000, "data": INIT_CODE, "accessList": ACCESS[:1], "value": "0xffffffffffffffffffffff"},
    "eip1559_sepolia_big_value": {"chainId": 11155111, "nonce": 1, "maxFeePerGas": "0xffffffffffffffffffffffffffffffff", "maxPriorityFeePerGas": 0, "gas": 21000, "to": TOKEN, "value": str(10**60)},
}
CHAIN = {"legacy_call_polygon": 137, "eip1559_sepolia_big_value": 11155111}


def q(v):
    """A request quantity as an int."""
    if isinstance(v, int):
        return v
    return int(v, 16) if v.startswith("0x") else int(v)


def as_int(b):
    return int.from_bytes(b, "big")


def tx_type(req):
    if "type" in req:
        return q(req["type"])
    return 2 if "maxFeePerGas" in req else 1 if "accessList" in req else 0


@pytest.fixture
def tess(rig):
    core, _, _, _ = rig
    run(core.import_account("Tess", JUNK, None, PW))
    return core


@pytest.fixture
def tess_key(tess):
    keystore = run(tess.export_keystore(iw.AuthProof.PASSWORD(PW), 0, b"export pw"))
    return Account.decrypt(keystore, "export pw")


def check_decoded(raw, req, chain):
    """Decodes `raw` with the rlp package and compares every field with the request."""
    t = tx_type(req)
    if t == 0:
        nonce, price, gas, to, value, data, v, r, s = rlp.decode(raw)
        assert as_int(v) in (chain * 2 + 35, chain * 2 + 36)
        assert as_int(price) == q(req["gasPrice"])
        access = None
    else:
        assert raw[0] == t
        fields = rlp.decode(raw[1:])
        assert as_int(fields[0]) == chain
        if t == 1:
            _, nonce, price, gas, to, value, data, access, parity, r, s = fields
            assert as_int(price) == q(req["gasPrice"])
        else:
            _, nonce, prio, maxfee, gas, to, value, data, access, parity, r, s = fields
            assert (as_int(prio), as_int(maxfee)) == (q(req["maxPriorityFeePerGas"]), q(req["maxFeePerGas"]))
        assert as_int(parity) in (0, 1)
        expected = [[bytes.fromhex(i["address"][2:]), [bytes.fromhex(k[2:]) for k in i["storageKeys"]]] for i in req.get("accessList", [])]
        assert [[a, list(ks)] for a, ks in access] == expected
    assert as_int(nonce) == q(req["nonce"])
    assert as_int(gas) == q(req.get("gas", req.get("gasLimit")))
    assert to == (bytes.fromhex(req["to"][2:]) if "to" in req else b"")
    assert as_int(value) == q(req.get("value", 0))
    assert data == bytes.fromhex(req.get("data", req.get("input", "0x"))[2:])
    assert 0 < as_int(r) and 0 < as_int(s) <= 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0


def check_summary(s, req, chain):
    assert s.chain_id == chain and s.nonce == q(req["nonce"])
    assert s.sender == (to_checksum_address(req["from"]) if "from" in req else None)
    assert s.transaction_type == [iw.TransactionType.LEGACY, iw.TransactionType.EIP2930, iw.TransactionType.EIP1559][tx_type(req)]
    data = bytes.fromhex(req.get("data", req.get("input", "0x"))[2:])
    if "to" not in req:
        assert s.kind == iw.TransactionKind.CONTRACT_CREATION and s.to is None
    else:
        assert s.to == to_checksum_address(req["to"])
        assert s.kind == (iw.TransactionKind.CONTRACT_CALL if data else iw.TransactionKind.TRANSFER)
    value = q(req.get("value", 0))
    assert s.value_wei == str(value)
    whole, frac = divmod(value, 10**18)
    assert s.value_eth == (str(whole) if frac == 0 else f"{whole}.{frac:018d}".rstrip("0"))
    gas = q(req.get("gas", req.get("gasLimit")))
    per_gas = q(req.get("gasPrice", req.get("maxFeePerGas")))
    assert s.gas_limit == gas and s.max_fee_wei == str(gas * per_gas) and s.max_total_wei == str(gas * per_gas + value)
    assert s.data_len == len(data)
    assert s.method_selector == ("0x" + data[:4].hex() if "to" in req and len(data) >= 4 else None)
    access = req.get("accessList", [])
    assert (s.access_list_addresses, s.access_list_storage_keys) == (len(access), sum(len(i["storageKeys"]) for i in access))


def eth_account_dict(req, chain):
    """The request in eth-account's `sign_transaction` form."""
    d = {"chainId": chain, "nonce": q(req["nonce"]), "gas": q(req.get("gas", req.get("gasLimit"))), "value": q(req.get("value", 0)),
         "data": req.get("data", req.get("input", "0x"))}
    if "to" in req:
        d["to"] = to_checksum_address(req["to"])
    t = tx_type(req)
    if t == 2:
        d.update(type=2, maxFeePerGas=q(req["maxFeePerGas"]), maxPriorityFeePerGas=q(req["maxPriorityFeePerGas"]))
    else:
        d["gasPrice"] = q(req["gasPrice"])
    if t >= 1:
        d.update(type=t, accessList=req.get("accessList", []))
    return d


@pytest.mark.parametrize("name", sorted(CASES))
def test_signed_transactions_decode_and_recover_independently(tess, tess_key, name):
    req, chain = CASES[name], CHAIN.get(name, 1)
    text = json.dumps(req)
    summary = run(iw.summarize_transaction(text, chain))
    signed = run(tess.sign_transaction(0, text, chain))
    assert signed.sender == ADDR0
    assert Account.recover_transaction(signed.raw) == ADDR0
    assert Account.recover_transaction(signed.raw_hex) == ADDR0
    assert signed.raw_hex == "0x" + signed.raw.hex()
    assert signed.hash == "0x" + keccak(signed.raw).hex()
    check_decoded(signed.raw, req, chain)
    check_summary(signed.summary, req, chain)
    assert signed.summary == summary
    # eth-account signs the same request with the exported key to the same bytes (RFC 6979).
    theirs = Account.sign_transaction(eth_account_dict(req, chain), tess_key)
    assert bytes(theirs.raw_transaction) == signed.raw
    assert "0x" + bytes(theirs.hash).hex() == signed.hash


def test_the_declared_chain_is_checked(tess):
    on_5 = json.dumps({**CASES["eip1559_transfer"], "chainId": 5})
    with pytest.raises(iw.WalletError.ChainIdMismatch) as e:
        run(tess.sign_transaction(0, on_5, 1))
    assert (e.value.expected, e.value.found) == (1, 5)
    with pytest.raises(iw.WalletError.ChainIdMismatch):
        run(iw.summarize_transaction(on_5, 1))
    assert Account.recover_transaction(run(tess.sign_transaction(0, on_5, 5)).raw) == ADDR0
    with pytest.raises(iw.WalletError.InvalidInput) as e:
        run(tess.sign_transaction(0, json.dumps(CASES["eip1559_transfer"]), 0))
    assert e.value.kind == "InvalidArgument"


def test_the_sign_transaction_gate(tess):
    assert iw.GatedAction.SIGN_TRANSACTION in list(iw.GatedAction)
    assert tess.gate_policy(iw.GatedAction.SIGN_TRANSACTION) == iw.GatePolicy(gate=iw.Gate.NONE, fresh_within_secs=None)
    strict = iw.GatePolicy(gate=iw.Gate.PASSWORD, fresh_within_secs=None)
    run(tess.set_gate_policy(iw.GatedAction.SIGN_TRANSACTION, strict, iw.AuthProof.PASSWORD(PW)))
    text = json.dumps(CASES["eip1559_transfer"])
    with pytest.raises(iw.WalletError.AuthorizationRequired) as e:
        run(tess.sign_transaction(0, text, 1))
    assert e.value.action == "sign_transaction"
    # Blind signing the same transaction's hash is held to the same gate.
    digest = bytes.fromhex(run(iw.summarize_transaction(text, 1)).signing_hash[2:])
    with pytest.raises(iw.WalletError.AuthorizationRequired):
        run(tess.sign_digest(0, digest))
    run(tess.authorize(iw.GatedAction.SIGN_TRANSACTION, iw.AuthProof.PASSWORD(PW)))
    assert Account.recover_transaction(run(tess.sign_transaction(0, text, 1)).raw) == ADDR0
    with pytest.raises(iw.WalletError.AuthorizationRequired):
        run(tess.sign_transaction(0, text, 1))


def test_from_must_be_the_signing_address(tess):
    req = {**CASES["eip1559_transfer"], "from": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"}
    with pytest.raises(iw.WalletError.InvalidInput) as e:
        run(tess.sign_transaction(0, json.dumps(req), 1))
    assert e.value.kind == "SignerMismatch"
    assert Account.recover_transaction(run(tess.sign_transaction(1, json.dumps(req), 1)).raw) == req["from"]


def test_hostile_requests_are_typed_errors(tess):
    base = CASES["eip1559_transfer"]
    bad = [
        ("", "InvalidTransaction"),
        ("[]", "InvalidTransaction"),
        (json.dumps({**base, "data": "0x" + "00" * (128 * 1024 + 1)}), "TransactionTooLarge"),
        (json.dumps({**base, "maxPriorityFeePerGas": "0x6fc23ac01"}), "InvalidTransaction"),
        (json.dumps({**base, "gas": 0}), "InvalidTransaction"),
        (json.dumps({**base, "gas": 10**12}), "InvalidTransaction"),
        (json.dumps({**base, "value": str(2**256)}), "InvalidTransaction"),
        (json.dumps({**base, "to": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"}), "InvalidTransaction"),
        (json.dumps({**base, "to": "0x1234"}), "InvalidTransaction"),
        (json.dumps({**base, "data": "0xabc"}), "InvalidTransaction"),
        (json.dumps({**base, "type": 3}), "InvalidTransaction"),
        (json.dumps({**base, "gasPrice": 1}), "InvalidTransaction"),
        (json.dumps({**base, "nonce": -1}), "InvalidTransaction"),
    ]
    for text, kind in bad:
        with pytest.raises(iw.WalletError.InvalidInput) as e:
            run(tess.sign_transaction(0, text, 1))
        assert e.value.kind == kind, (text[:80], e.value)
    rnd = random.Random(18)
    keys = list(base) + ["chainId", "gasPrice", "accessList", "from", "bogus"]
    values = [None, -1, 0, 1, 2**64, 2**256, 1.5, "", "0x", "0xzz", "0x" + "ff" * 40, [], {}, "0x" + "35" * 20, True]
    for _ in range(300):
        req = dict(base)
        for _ in range(rnd.randint(1, 3)):
            req[rnd.choice(keys)] = rnd.choice(values)
        try:
            signed = run(tess.sign_transaction(0, json.dumps(req), 1))
            assert Account.recover_transaction(signed.raw) == ADDR0
        except (iw.WalletError.InvalidInput, iw.WalletError.ChainIdMismatch):
            pass
    assert tess.state().is_unlocked()
