#!/usr/bin/env python3
"""What each crate costs in a built library: symbol sizes (nm) grouped by crate.

Usage: scripts/size_report.py LIB_WITH_SYMBOLS [--top N]

Build the library with symbols for this (the shipping profile strips them):
  CARGO_PROFILE_SHIP_STRIP=false cargo build --profile ship -p imwallet-ffi --lib
(`cargo bloat` refuses a crate with several crate types, as imwallet-ffi has.) Code (.text)
and named data are attributed by the demangled symbol's first path segment; C symbols of
SQLite go to libsqlite3-sys. Anonymous constants (string literals, Rust's `.Lanon` data, the
relocations of pointer tables) have no symbol: they are listed by section instead.
"""
import collections
import re
import subprocess
import sys


def crate_of(name: str) -> str:
    n = name
    while n.startswith("<"):
        n = n[1:]
    if n.startswith("&"):
        n = n.lstrip("&").removeprefix("mut ")
    if n.startswith("dyn "):
        n = n[4:]
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)::", n)
    if m:
        c = m.group(1)
        return {"std": "std", "core": "std", "alloc": "std", "hashbrown": "std"}.get(c, c)
    if re.match(r"(sqlite3|fts[35]|rtree|json|unix|posix|yy|geopoly|sqlite)", n, re.I) or re.match(r"[a-z][A-Za-z0-9]*$", n):
        return "libsqlite3-sys (C)"
    return "other (C / runtime)"


def main() -> None:
    lib = sys.argv[1]
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 30
    out = subprocess.run(["nm", "-S", "-C", "--defined-only", lib], capture_output=True, text=True, check=True).stdout
    text = collections.Counter()
    data = collections.Counter()
    for line in out.splitlines():
        p = line.split(None, 3)
        if len(p) < 4:
            continue
        try:
            size = int(p[1], 16)
        except ValueError:
            continue
        kind = p[2].lower()
        crate = crate_of(p[3])
        if kind == "t":
            text[crate] += size
        elif kind in ("r", "d", "b", "v"):
            data[crate] += size
    sections = {}
    for line in subprocess.run(["readelf", "-SW", lib], capture_output=True, text=True, check=True).stdout.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)", line)
        if m:
            sections[m.group(1)] = int(m.group(2), 16)
    total = collections.Counter()
    for c in set(text) | set(data):
        total[c] = text[c] + data[c]
    print(f"{'crate':<28} {'code KiB':>9} {'named data KiB':>15} {'total KiB':>10}")
    for c, t in total.most_common(top):
        print(f"{c:<28} {text[c] / 1024:>9.1f} {data[c] / 1024:>15.1f} {t / 1024:>10.1f}")
    print(f"{'(all named)':<28} {sum(text.values()) / 1024:>9.1f} {sum(data.values()) / 1024:>15.1f} {sum(total.values()) / 1024:>10.1f}")
    print()
    print("sections (KiB):", ", ".join(f"{s} {sections[s] / 1024:.0f}" for s in
          (".text", ".rodata", ".data.rel.ro", ".rela.dyn", ".relr.dyn", ".eh_frame", ".gcc_except_table", ".data") if s in sections))


if __name__ == "__main__":
    main()
