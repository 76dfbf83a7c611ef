#!/usr/bin/env python3
"""Side-by-side Argon2id timings: the wallet's KDF (RustCrypto `argon2`, p = 1 and p = 4 lanes
on rayon threads, and a whole production login) against the C peers in ONE process run,
alternating rep by rep so machine load hits every arm alike:

* argon2-cffi (the C reference implementation, phc-winner-argon2) with the same m, t, p;
* libsodium's `crypto_pwhash` through PyNaCl (Argon2id, lanes fixed at 1): opslimit = t,
  memlimit = m KiB x 1024 bytes.

Every repetition checks that the outputs agree (Rust p = 1 == argon2-cffi p = 1 == libsodium;
Rust p = 4 == argon2-cffi p = 4). Prints a table of medians and the goal ratios of issue 16.

Usage (from the repository root; slow, never part of the test run):

    python3 tests/bench_kdf_peers.py [--reps 15] [--extra NAME=COMMAND ...]

It builds `cargo build --release -p imwallet-core --example kdf_peer` and, on first use, a venv
with pinned argon2-cffi and PyNaCl under $IMW_CACHE (default /var/cache/imwallet)/bench-venv.
`--extra` adds another process that speaks the kdf_peer protocol (`derive M T P` -> `ms hex`),
e.g. a scratch build of another Argon2 crate, to the same alternation.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

PINS = ["argon2-cffi==25.1.0", "argon2-cffi-bindings==26.2.0", "PyNaCl==1.6.2"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PW = b"correct horse battery staple 42"
SALT = b"imwallet/salt/16"  # 16 bytes: what the wallet uses, and all libsodium takes
M_KIB, T = 64 * 1024, 3
# Pause before every arm: the Rust KDF wipes and frees its memory on the pool after returning
# the key (off the caller's path); it must not run into the next arm's time, whichever it is.
SETTLE = 0.05


def ensure_venv():
    """Re-executes this script inside the bench venv (created on first use)."""
    try:
        import argon2  # noqa: F401
        import nacl  # noqa: F401
        return
    except ImportError:
        pass
    venv = os.path.join(os.environ.get("IMW_CACHE", "/var/cache/imwallet"), "bench-venv")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        subprocess.check_call([sys.executable, "-m", "venv", venv])
    subprocess.check_call([py, "-m", "pip", "install", "-q", *PINS])
    os.execv(py, [py, *sys.argv])


class Peer:
    """A process answering `derive M T P` with `<ms> <hex>` (and `login` with `<ms>`)."""

    def __init__(self, argv):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().split()
        if not answer:
            sys.exit(f"peer {self.proc.args} died on {line!r}")
        return answer

    def close(self):
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        self.proc.wait(timeout=30)


def busy_cpu_seconds():
    """CPU seconds all processes on the machine spent busy so far (Linux /proc/stat), or None."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds(peers):
    """CPU seconds this script and its running peer processes used so far."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    total = me.ru_utime + me.ru_stime
    for peer in peers:
        try:
            with open(f"/proc/{peer.proc.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
        except OSError:
            pass
    return total


def timed(f):
    start = time.perf_counter()
    out = f()
    return (time.perf_counter() - start) * 1e3, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--extra", action="append", default=[], help="NAME=COMMAND speaking the kdf_peer protocol")
    args = ap.parse_args()
    ensure_venv()
    import importlib.metadata as md

    import nacl.pwhash
    from argon2.low_level import Type, hash_secret_raw

    subprocess.check_call(["cargo", "build", "-q", "--release", "-p", "imwallet-core", "--example", "kdf_peer"], cwd=ROOT)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    rust = Peer([os.path.join(target, "release", "examples", "kdf_peer")])
    prod = tuple(int(x) for x in rust.ask("params"))
    extras = [(name, Peer(cmd.split())) for name, cmd in (e.split("=", 1) for e in args.extra)]

    def rust_derive(p):
        ms, tag = rust.ask(f"derive {M_KIB} {T} {p}")
        return float(ms), tag

    def cffi(p):
        ms, tag = timed(lambda: hash_secret_raw(PW, SALT, T, M_KIB, p, 32, Type.ID, 19))
        return ms, tag.hex()

    def sodium():
        ms, tag = timed(lambda: nacl.pwhash.argon2id.kdf(32, PW, SALT, opslimit=T, memlimit=M_KIB * 1024))
        return ms, tag.hex()

    def login():
        return float(rust.ask("login")[0]), None

    arms = [
        ("imwallet kdf::derive (RustCrypto argon2 0.6)", 1, lambda: rust_derive(1)),
        ("imwallet kdf::derive (RustCrypto argon2 0.6, rayon)", 4, lambda: rust_derive(4)),
        (f"imwallet login, production profile (p = {prod[2]})", prod[2], login),
        ("argon2-cffi (C reference)", 1, lambda: cffi(1)),
        ("argon2-cffi (C reference, threads)", 4, lambda: cffi(4)),
        ("libsodium crypto_pwhash (PyNaCl)", 1, sodium),
        ("imwallet kdf::derive (RustCrypto argon2 0.6, rayon)", 2, lambda: rust_derive(2)),
    ]  # the ratios below refer to these indices; extras follow
    for name, peer in extras:
        for p in (1, 4):
            arms.append((name, p, lambda peer=peer, p=p: tuple(f(x) for f, x in zip((float, str), peer.ask(f"derive {M_KIB} {T} {p}")))))

    login()  # creates the account (one KDF) outside the measurements
    for _, _, f in arms:  # warm-up: page faults, thread pools
        f()
    load_before = os.getloadavg()
    peers = [rust] + [peer for _, peer in extras]
    busy_before, own_before, wall_before = busy_cpu_seconds(), own_cpu_seconds(peers), time.perf_counter()
    times = {i: [] for i in range(len(arms))}
    for rep in range(args.reps):
        tags = {}
        # Rotate the starting arm each repetition so no arm always follows the same one.
        order = list(range(len(arms)))
        order = order[rep % len(order):] + order[: rep % len(order)]
        for i in order:
            time.sleep(SETTLE)
            ms, tag = arms[i][2]()
            times[i].append(ms)
            if tag is not None:
                tags.setdefault(arms[i][1], set()).add(tag)
        for p, seen in tags.items():
            if len(seen) != 1:
                sys.exit(f"outputs differ for p = {p}: {seen}")
    load_after = os.getloadavg()
    # Cores the rest of the machine kept busy meanwhile: what the lanes could not use.
    busy_after, own_after, wall = busy_cpu_seconds(), own_cpu_seconds(peers), time.perf_counter() - wall_before
    others = None if busy_before is None else ((busy_after - busy_before) - (own_after - own_before)) / wall
    for peer in peers:
        peer.close()

    med = {i: statistics.median(v) for i, v in times.items()}
    print(f"Argon2id m = {M_KIB // 1024} MiB, t = {T}, 32-byte tag; {args.reps} alternating repetitions; outputs equal in every one")
    print(f"cpus {os.cpu_count()}, load average before {load_before[0]:.2f}, after {load_after[0]:.2f}", end="")
    print("" if others is None else f"; other processes kept {max(others, 0):.2f} cores busy on average during the run")
    print(f"argon2-cffi {md.version('argon2-cffi')} (bindings {md.version('argon2-cffi-bindings')}), PyNaCl {md.version('PyNaCl')}")
    print()
    width = max(len(a[0]) for a in arms)
    print(f"| {'impl':<{width}} | params          | median ms | min–max ms    |")
    print(f"|{'-' * (width + 2)}|-----------------|-----------|---------------|")
    for i, (name, p, _) in enumerate(arms):
        v = times[i]
        print(f"| {name:<{width}} | m={M_KIB // 1024} MiB t={T} p={p} | {med[i]:9.1f} | {min(v):6.1f}–{max(v):6.1f} |")
    print()

    def ratio(label, a, b, goal=None):
        r = med[a] / med[b]
        verdict = "" if goal is None else ("  (goal ≤ %.2f: %s)" % (goal, "met" if r <= goal else "NOT met"))
        print(f"{label:<58} {r:5.2f}{verdict}")

    ratio("imwallet p=4 / imwallet p=1 (same m, t)", 1, 0, 0.60)
    ratio("imwallet p=4 / argon2-cffi p=4", 1, 4)
    ratio("imwallet p=1 / libsodium p=1", 0, 5, 1.10)
    ratio("imwallet p=1 / argon2-cffi p=1", 0, 3)
    ratio(f"imwallet login (p={prod[2]}) / imwallet kdf::derive p={prod[2]}", 2, 1 if prod[2] == 4 else 0)
    ratio(f"imwallet login (p={prod[2]}) / libsodium p=1", 2, 5)
    ratio("imwallet p=2 / imwallet p=1 (same m, t)", 6, 0)
    for j, (name, p, _) in enumerate(arms[7:], start=7):
        ratio(f"{name} p={p} / libsodium p=1" if p == 1 else f"{name} p={p} / imwallet p=4", j, 5 if p == 1 else 1)


if __name__ == "__main__":
    main()
