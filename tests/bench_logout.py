#!/usr/bin/env python3
"""Logout as a Python shell sees it, through the bindings on the shipping build (issue 21):
10,000 cache rows, 1,000 cache files and 20 dapp connections revoked through a Python hook, on a
directory bound to device keys — the workload of `core/benches/cache.rs`
(`logout_shell_10k_rows_1k_files_20_dapps`), timed around the awaited FFI call.

It also times what the criterion bench cannot see, to explain the gap between the two:

* `ffi_roundtrip`: an async call that does almost nothing (`retry_revocations` with nothing owed):
  asyncio.run + UniFFI's future polling + tokio's blocking pool;
* `logout_unbound_no_dapps`: the same logout on an unbound store without dapps (what the bench
  measured before issue 21), through the bindings;
* `logout_after_restart`: the fill done in an earlier app session (its WAL frames already in the
  main file), so the logout's scrub checkpoints only the logout's own pages.

Usage (from the repository root; slow, never part of the test run), with a Python that has
the suite's test dependencies (`tests/setup.sh python` makes $IMW_CACHE/venv):

    /var/cache/imwallet/venv/bin/python tests/bench_logout.py [--reps 15] [--no-build]

It runs `tests/bindings.sh` (the shipping library, `--profile ship`) and imports the generated
module from target/bindings/python, with the test suite's fakes (tests/python/conftest.py).
"""

import argparse
import asyncio
import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    if not args.no_build:
        subprocess.run([os.path.join(ROOT, "tests", "bindings.sh")], check=True, stdout=subprocess.DEVNULL)
    sys.path[:0] = [os.path.join(ROOT, "target", "bindings", "python"), os.path.join(ROOT, "tests", "python")]
    import imwallet as iw  # noqa: E402
    from conftest import FakeDapps, FakeDeviceKeys, PW  # noqa: E402

    def config(path):
        return iw.CoreConfig(data_dir=str(path), kdf_profile=iw.KdfProfile.INSECURE_FAST_FOR_TESTS, auto_lock=iw.AutoLock.NEVER())

    def open_core(path, device, dapps):
        return iw.WalletCore(config(path), None, None, None, device_keys=device, connection_hook=dapps)

    def fill(core, rows, files, dapps):
        scope = iw.CacheScope.CURRENT_ACCOUNT()
        kinds = ["balances", "transaction_history", "dapp_connections", "prices"]
        for i in range(rows):
            core.cache_put(kinds[i % 4], scope, f"key-{i}", bytes([i % 256]) * 96, None)
        for i in range(files):
            core.cache_put_file("images", scope, f"img-{i}.png", b"\x07" * 2048)
        address = core.addresses(1)[0]
        for i in range(dapps):
            core.add_connection(iw.NewConnection(id=f"wc-topic-{i:04}", origin=f"https://dapp{i}.example", name=f"Dapp {i}",
                                                 accounts=[address], chains=[1, 137], permissions=["personal_sign"]))

    def template(bound, dapps_n, restart):
        """Filled once per arm (10,000 committed puts take seconds); each rep logs out of a copy."""
        tmp = tempfile.mkdtemp(prefix="imw-bench-template-")
        device = FakeDeviceKeys() if bound else None
        core = open_core(tmp, device, FakeDapps())
        asyncio.run(core.create_account("Bench", PW, 12, iw.Language.ENGLISH))
        core.register_file_cache("images")
        fill(core, 10_000, 1_000, dapps_n)
        if restart:
            del core
            gc.collect()
            core = None
        return tmp, device, core

    def one(t, dapps_n):
        src, device, _keep = t
        tmp = tempfile.mkdtemp(prefix="imw-bench-logout-")
        try:
            shutil.copytree(src, tmp, dirs_exist_ok=True)
            # Written long before the logout, as a shell's caches are: no dirty pages of the copy
            # left for the logout's fsyncs to wait for.
            os.sync()
            dapps = FakeDapps()
            core = open_core(tmp, device, dapps)
            asyncio.run(core.unlock(PW))
            plan = core.prepare_logout(iw.LogoutOptions(clear_caches=True, keep_global_caches=True, remove_wallet=False))
            confirmation = iw.LogoutConfirmation(typed_account_name=None, password=None, use_biometrics=False)
            time.sleep(0.3)  # the user reads the plan and taps "Log out" (the core checkpoints meanwhile)
            t0 = time.perf_counter()
            report = asyncio.run(core.logout(plan.token, confirmation))
            ms = (time.perf_counter() - t0) * 1000
            assert report.cache_entries_cleared == 11_000 and len(report.dapps_disconnected) == dapps_n
            assert len(dapps.disconnected) == dapps_n
            # The FFI round trip alone, on the same core.
            t0 = time.perf_counter()
            asyncio.run(core.retry_revocations())
            rt = (time.perf_counter() - t0) * 1000
            del core
            gc.collect()
            return ms, rt
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    arms = {
        "logout_shell_10k_rows_1k_files_20_dapps": (True, 20, False),
        "logout_after_restart": (True, 20, True),
        "logout_unbound_no_dapps": (False, 0, False),
    }
    results = {k: [] for k in arms}
    roundtrips = []
    templates = {name: template(*arm) for name, arm in arms.items()}
    # Alternate arm by arm so machine load hits each alike.
    for rep in range(args.reps):
        for name, (_, dapps_n, _) in arms.items():
            ms, rt = one(templates[name], dapps_n)
            results[name].append(ms)
            roundtrips.append(rt)
        print(f"rep {rep + 1}/{args.reps}: " + ", ".join(f"{k} {v[-1]:.1f} ms" for k, v in results.items()), file=sys.stderr)
    print(f"{'arm':<42} {'median ms':>10} {'min':>8} {'max':>8}")
    for name, v in results.items():
        print(f"{name:<42} {statistics.median(v):>10.1f} {min(v):>8.1f} {max(v):>8.1f}")
    print(f"{'ffi_roundtrip (async call, nothing to do)':<42} {statistics.median(roundtrips):>10.2f} {min(roundtrips):>8.2f} {max(roundtrips):>8.2f}")
    print(f"load average: {os.getloadavg()[0]:.1f}")
    for src, _, _ in templates.values():
        shutil.rmtree(src, ignore_errors=True)


if __name__ == "__main__":
    main()
