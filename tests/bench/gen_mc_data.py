#!/usr/bin/python3
"""Write the Monte Carlo benchmark's synthetic data as COINr-style tables.

    /usr/bin/python3 gen_mc_data.py OUTDIR [--units 63] [--dims 8]
        [--per-dim 30] [--seed 1]

Uses make_data() of the numpy peer (mc_numpy.py, beside this file) with the
same generator and seed, so chiso reads exactly the matrix the peer
builds: OUTDIR/mc_iData.csv (uCode, I001..) and OUTDIR/mc_iMeta.csv
(indicators -> D1..D8 -> Index, equal weights, direction 1).
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mc_numpy import make_data  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--units", type=int, default=63)
    ap.add_argument("--dims", type=int, default=8)
    ap.add_argument("--per-dim", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    x = make_data(rng, a.units, a.dims, a.per_dim)
    k = a.dims * a.per_dim
    codes = ["I%03d" % (i + 1) for i in range(k)]
    with open(os.path.join(a.outdir, "mc_iData.csv"), "w") as f:
        f.write("uCode," + ",".join(codes) + "\n")
        for u in range(a.units):
            f.write("U%02d," % (u + 1) + ",".join(repr(float(v)) for v in x[u]) + "\n")
    with open(os.path.join(a.outdir, "mc_iMeta.csv"), "w") as f:
        f.write("Level,iCode,iName,Direction,Weight,Parent,Type\n")
        for i, c in enumerate(codes):
            f.write("1,%s,,1,1,D%d,Indicator\n" % (c, i // a.per_dim + 1))
        for d in range(a.dims):
            f.write("2,D%d,Dimension %d,1,1,Index,Aggregate\n" % (d + 1, d + 1))
        f.write("3,Index,Index,1,1,,Aggregate\n")


if __name__ == "__main__":
    main()
