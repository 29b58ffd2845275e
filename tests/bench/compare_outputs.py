#!/usr/bin/env python3
# Copied unchanged (apart from this note) from the peer benchmark scripts that
# came with the project brief; it compares two outputs of the QUERY.md query.
"""Compare two outputs of the reference query (same columns, same keys).

    python3 compare_outputs.py A.csv B.csv [--rtol 1e-9] [--atol 1e-9]

Counts must match exactly; floats within atol + rtol*|b|.  Empty cells (no
finished dossier, no satisfaction answer) must be empty on both sides.
Prints the largest difference per column; exit 1 on any mismatch.
"""
import argparse
import csv
import sys

ap = argparse.ArgumentParser()
ap.add_argument("a")
ap.add_argument("b")
ap.add_argument("--rtol", type=float, default=1e-9)
ap.add_argument("--atol", type=float, default=1e-9)
o = ap.parse_args()


def load(p):
    with open(p, newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        return next(r), list(r)


ha, ra = load(o.a)
hb, rb = load(o.b)
bad = 0
if ha != hb:
    print("header differs:\n  %s\n  %s" % (ha, hb)); sys.exit(1)
print("rows: %d vs %d" % (len(ra), len(rb)))
if len(ra) != len(rb):
    bad += 1
keys_a = [tuple(r[:2]) for r in ra]
keys_b = [tuple(r[:2]) for r in rb]
if keys_a != keys_b:
    print("group keys / order differ"); sys.exit(1)
maxdiff = {h: 0.0 for h in ha[2:]}
for x, y in zip(ra, rb):
    for h, u, v in zip(ha[2:], x[2:], y[2:]):
        if u == "" or v == "":
            if u != v:
                bad += 1; print("empty mismatch", x[:2], h, repr(u), repr(v))
            continue
        fu, fv = float(u), float(v)
        d = abs(fu - fv)
        maxdiff[h] = max(maxdiff[h], d)
        if d > o.atol + o.rtol * abs(fv):
            bad += 1
            if bad < 20:
                print("mismatch", x[:2], h, u, v)
for h, d in maxdiff.items():
    print("  max |diff| %-25s %.3g" % (h, d))
print("AGREE" if bad == 0 else "DISAGREE (%d cells)" % bad)
sys.exit(1 if bad else 0)
