#!/usr/bin/env python3
"""Login and signing as an app sees them: through the bindings, on the library an app ships.

The criterion benches (`core/benches/`) and `core/examples/kdf_peer.rs` are Rust binaries built
around the core, so their whole-program optimisation runs at the core's opt-level. The shipped
library is the `imwallet-ffi` cdylib, whose fat LTO runs at *its* opt-level: only timing that
very file says what a size-optimised profile costs a user (docs/performance.md, "Library size").

For each library given, the Python bindings are generated from it (UniFFI library mode), and one
child process per library and round creates a production-profile account (Argon2id m = 64 MiB,
t = 3, p = 4) and times, around the awaited FFI call:

* `login`: `lock()` then `login(name, password)` — the KDF, the key unwrap and the session;
* `sign`: the mean of 200 `sign_message` calls (EIP-191, a 32-byte message).

Rounds alternate the libraries, so machine load hits each alike; medians are printed.

Usage (slow, never part of the test run; a Python with the suite's dependencies):

    python3 tests/bench_login_ship.py NAME=PATH/libimwallet_ffi.so [NAME=PATH ...] [--rounds 5] [--logins 9]

e.g. `ship=target/ship/libimwallet_ffi.so release=target/release/libimwallet_ffi.so` after
`cargo rustc --profile ship -p imwallet-ffi --lib --crate-type cdylib` (and `--release`). It
needs `target/debug/uniffi-bindgen` (`cargo build -p imwallet-ffi --bin uniffi-bindgen
--features bindgen`).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHILD = r"""
import asyncio, os, sys, tempfile, time
import imwallet as iw
PW = b"correct horse battery staple 42"
logins, signs = int(sys.argv[1]), int(sys.argv[2])
with tempfile.TemporaryDirectory(prefix="imw-bench-login-") as d:
    core = iw.WalletCore(iw.CoreConfig(data_dir=d, kdf_profile=iw.KdfProfile.PRODUCTION, auto_lock=iw.AutoLock.NEVER()), None, None, None)
    asyncio.run(core.create_account("Bench", PW, 12, iw.Language.ENGLISH))
    times = []
    for _ in range(logins):
        core.lock()
        t0 = time.perf_counter()
        asyncio.run(core.login("Bench", PW))
        times.append((time.perf_counter() - t0) * 1e3)
    msg = b"\x42" * 32

    async def sign_all():
        for _ in range(signs):
            await core.sign_message(0, msg)

    asyncio.run(core.sign_message(0, msg))
    t0 = time.perf_counter()
    asyncio.run(sign_all())
    sign_us = (time.perf_counter() - t0) * 1e6 / signs
    times.sort()
    print(f"{times[len(times) // 2]:.3f} {sign_us:.1f}")
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("libs", nargs="+", help="NAME=PATH of a built libimwallet_ffi.so")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--logins", type=int, default=9)
    ap.add_argument("--signs", type=int, default=200)
    args = ap.parse_args()
    bindgen = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "debug", "uniffi-bindgen")
    work = tempfile.mkdtemp(prefix="imw-bench-libs-")
    arms = {}
    try:
        for spec in args.libs:
            name, _, path = spec.partition("=")
            out = os.path.join(work, name)
            subprocess.run([bindgen, "generate", "--no-format", "--library", "--language", "python", "--out-dir", out, path],
                           check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
            # Loaded by the name uniffi.toml gives (`cdylib_name`), whatever the file was called.
            shutil.copy(path, os.path.join(out, "libimwallet_ffi.so"))
            arms[name] = (out, os.path.getsize(path))
        results = {name: ([], []) for name in arms}
        for r in range(args.rounds):
            for name, (out, _) in arms.items():
                env = dict(os.environ, PYTHONPATH=out)
                line = subprocess.run([sys.executable, "-c", CHILD, str(args.logins), str(args.signs)], env=env, check=True,
                                      capture_output=True, text=True).stdout.split()
                results[name][0].append(float(line[0]))
                results[name][1].append(float(line[1]))
            print(f"round {r + 1}/{args.rounds}: " + ", ".join(f"{n} {v[0][-1]:.1f} ms / {v[1][-1]:.0f} µs"
                                                            for n, v in results.items()), file=sys.stderr)
        print(f"{'library':<16} {'login median ms':>16} {'sign median µs':>15}  (per round: login medians)")
        for name, (logins, signs) in results.items():
            print(f"{name:<16} {statistics.median(logins):>16.1f} {statistics.median(signs):>15.0f}  "
                  + " ".join(f"{x:.1f}" for x in logins))
        print(f"load average: {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
