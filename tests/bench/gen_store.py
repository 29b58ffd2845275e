#!/usr/bin/python3
"""gen_store.py --units N [--years Y] [--indices K] [--seed S] OUTDIR

A synthetic published-results store (results.csv, breaks.csv in the
shipped store's format) for the scaling benchmarks of chiso trend, rank
and compare: N departments (unit_type department, which has no fixed count) x Y years (from 2010) x K indices (IDX1 ..), each
row a published total with its value (two decimals, 0-100) and its
competition rank among the N units that year; one methodology break of
IDX1 in the middle year. Deterministic for a seed."""
import argparse, os, random

ap = argparse.ArgumentParser()
ap.add_argument("--units", type=int, required=True)
ap.add_argument("--years", type=int, default=12)
ap.add_argument("--indices", type=int, default=2)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("outdir")
a = ap.parse_args()
rnd = random.Random(a.seed)
os.makedirs(a.outdir, exist_ok=True)
cols = ("index,year,unit_code,unit,unit_type,component,component_id,"
        "component_name,value,scale,max,rank,rank_of,rank_derived,status,"
        "preferred,conflict,preferred_reason,confidence,source,note")
base = [[rnd.uniform(40, 90) for _ in range(a.units)] for _ in range(a.indices)]
with open(os.path.join(a.outdir, "results.csv"), "w") as f:
    f.write(cols + "\n")
    for k in range(a.indices):
        for y in range(a.years):
            year = 2010 + y
            vals = [round(min(100, max(0, b + 0.4 * y + rnd.gauss(0, 2))), 2)
                    for b in base[k]]
            order = sorted(vals, reverse=True)
            first = {}
            for i, v in enumerate(order):
                first.setdefault(v, i + 1)
            for u, v in enumerate(vals):
                f.write("IDX%d,%d,u%06d,Tỉnh %d,department,total,,,%.2f,%%,,%d,%d,0,"
                        "published,1,,,high,synthetic,\n"
                        % (k + 1, year, u, u, v, first[v], a.units))
with open(os.path.join(a.outdir, "breaks.csv"), "w") as f:
    f.write("index,year,unit_code,kind,what_changed,source,confidence\n")
    f.write("IDX1,%d,,methodology,synthetic break,synthetic,high\n"
            % (2010 + a.years // 2))
