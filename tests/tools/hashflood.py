#!/usr/bin/env python3
"""Datasets of eight-character ids that collide in kluster's old string hash.

Before the string pool was keyed, engine/intern.c hashed ids with a fixed
multiply-xorshift over 8-byte words.  Every step of it is invertible, so one
can pick a hash value whose low 32 bits are a constant, run the steps
backwards, and keep the ids whose 8 bytes come out as harmless printable
characters (about 1 in 4000).  Those ids land in one probe run of the pool's
open addressing table at every size: interning n of them costs O(n^2).  Now
the pool hashes with SipHash under a per-process key, and the same ids cost
what random ones do.

  hashflood.py --ids 100000 --out DIR              crafted ids, entities.csv + relations.csv
  hashflood.py --ids 100000 --random --out DIR     as many random ids of the same shape
  hashflood.py --check ID...                       print the old hash of each id (hex)

The dataset: N organisations with these ids, N/10 projects (plain ids), and
each organisation participating in one project, so relations look the ids up
again.  Deterministic for a given --seed; needs numpy.
"""
import argparse, os, sys

M64 = (1 << 64) - 1
H0 = 0x9E3779B97F4A7C15 ^ ((8 * 0xFF51AFD7ED558CCD) & M64)  # seed for len 8
A = 0xBF58476D1CE4E5B9
B = 0x94D049BB133111EB
TARGET = 0x5EED5EED  # the shared low 32 bits
# printable, and safe unquoted in CSV and JSON
ALPHABET = bytes(c for c in range(0x21, 0x7F) if chr(c) not in '",\\|\'')


def old_hash(data):
    """The old kl_i_hash (engine/intern.c before keying), as a reference."""
    h = (0x9E3779B97F4A7C15 ^ (len(data) * 0xFF51AFD7ED558CCD)) & M64
    while len(data) >= 8:
        k = int.from_bytes(data[:8], "little")
        h = ((h ^ (k * A & M64)) * B) & M64
        h ^= h >> 29
        data = data[8:]
    k = int.from_bytes(data, "little")
    h = ((h ^ (k * A & M64)) * B) & M64
    h ^= h >> 32
    return h


def crafted(n, seed):
    import numpy as np
    u = np.uint64
    a_inv = u(pow(A, -1, 1 << 64))
    b_inv = u(pow(B, -1, 1 << 64))
    high, low, plus = u(0x8080808080808080), u(0x5F5F5F5F5F5F5F5F), u(0x0101010101010101)
    bad = set(range(0x21, 0x7F)) - set(ALPHABET)
    found, seen, hi = [], set(), (seed % 1024) << 22
    with np.errstate(over="ignore"):
        while len(found) < n:
            # hash values with the target's low 32 bits, run backwards:
            # undo h ^= h >> 32, * B (the empty last word is 0), h ^= h >> 29, * B
            h = np.arange(hi, hi + (1 << 20), dtype=np.uint64)
            hi += 1 << 20
            t = h ^ u(TARGET)
            h <<= u(32)
            h |= t
            h *= b_inv
            h ^= (h >> u(29)) ^ (h >> u(58))
            h *= b_inv
            h ^= u(H0)
            h *= a_inv
            # every byte in 0x21..0x7e: below 0x80 (1 in 256 pass), and then
            # b + 0x5f has bit 7 and b + 1 has not
            k = h[(h & high) == 0]
            good = ((k + low) & ~(k + plus) & high) == high
            for v in k[good].tolist():
                s = v.to_bytes(8, "little")
                if s not in seen and not bad.intersection(s):
                    seen.add(s)
                    found.append(s)
    return [s.decode("ascii") for s in found[:n]]


def random_ids(n, seed):
    import random
    rnd = random.Random(seed)
    out, seen = [], set()
    while len(out) < n:
        s = "".join(chr(rnd.choice(ALPHABET)) for _ in range(8))
        if s not in seen:
            seen.add(s)
            out.append(s)
    return out


def write(ids, out):
    os.makedirs(out, exist_ok=True)
    nproj = max(1, len(ids) // 10)
    with open(os.path.join(out, "entities.csv"), "w") as f:
        f.write("id,kind,name\n")
        for n, i in enumerate(ids):
            f.write("%s,organisation,Organisation %d\n" % (i, n))
        for p in range(nproj):
            f.write("project-%06d,project,Project %d\n" % (p, p))
    with open(os.path.join(out, "relations.csv"), "w") as f:
        f.write("source,target,type\n")
        for j, i in enumerate(ids):
            f.write("%s,project-%06d,participates_in\n" % (i, j % nproj))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ids", type=int, default=100000)
    ap.add_argument("--random", action="store_true", help="random ids instead of crafted ones")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out")
    ap.add_argument("--check", nargs="+", metavar="ID")
    a = ap.parse_args()
    if a.check:
        for i in a.check:
            print("%016x %s" % (old_hash(i.encode()), i))
        return 0
    if not a.out:
        ap.error("--out is required")
    ids = random_ids(a.ids, a.seed) if a.random else crafted(a.ids, a.seed)
    if not a.random:
        assert all(old_hash(i.encode()) & 0xFFFFFFFF == TARGET for i in ids[:100])
    write(ids, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
