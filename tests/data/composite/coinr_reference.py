#!/usr/bin/python3
"""Independent reference values for chiso composite / chiso uncertainty.

    /usr/bin/python3 tests/data/composite/coinr_reference.py [OUTDIR]

Written from the formulas in COINr's documentation (bluefoxr/COINr 1.1.x,
MIT: n_minmax, n_zscore, n_rank, n_goalposts, n_dist2targ, a_amean,
a_gmean, a_hmean, Aggregate.coin; Treat/winsorise/log_CT, Denominate,
Impute i_mean_grp for the example pipeline) and from chiso's README, not
from chiso's C code. numpy only (Debian python3-numpy); run offline, the
outputs are committed next to this script:

  asem_treated_iData.csv  the ASEM example after COINr's example pipeline
                          (build_example_coin(): Denominate, Impute by
                          EurAsia group mean, Screen, Treat with winmax 5),
                          i.e. the input of its Normalise + Aggregate steps;
                          min-max 0-100 + arithmetic mean on it reproduces
                          the table printed in COINr's "Presenting Results"
                          vignette (checked below, and in test_composite.c)
  ref_<case>.csv          uCode, every node's value (normalised indicators,
                          then aggregates), then index_rank, for the cases
                          listed in CASES
  asem_complete_iData.csv ASEM with each missing cell filled by its
                          column's mean (complete data for the Monte Carlo)
  ref_mc_<case>.csv       unit, nominal_rank, median_rank, p5_rank,
                          p95_rank, nominal_score from a re-implementation of
                          chiso uncertainty's documented sampling scheme
                          (SplitMix64 streams), percentiles by np.percentile
"""
import csv
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
ASEM = os.path.join(ROOT, "datasets", "samples", "coinr-asem")

# Published: COINr "Presenting Results" vignette (CRAN 1.1.14,
# https://stat.ethz.ch/CRAN/web/packages/COINr/vignettes/results.html),
# head(get_results(build_example_coin(), dset = "Aggregated", tab_type =
# "Aggs")), rounded to 2 decimals by get_results().
PUBLISHED = [
    ("CHE", 1, 68.38, 62.79, 73.98),
    ("NLD", 2, 64.82, 61.94, 67.70),
    ("DNK", 3, 64.80, 57.10, 72.51),
    ("NOR", 4, 64.47, 57.44, 71.50),
    ("BEL", 5, 63.54, 63.99, 63.09),
    ("SWE", 6, 63.00, 53.87, 72.12),
]


def num(s):
    s = s.strip()
    if s in ("", "NA"):
        return math.nan
    return float(s)


def read_coin(data_path, meta_path):
    """Units, indicator matrix (units x indicators, NaN = missing), tree."""
    rows = list(csv.DictReader(open(data_path, encoding="utf-8-sig")))
    meta = list(csv.DictReader(open(meta_path, encoding="utf-8-sig")))
    inds = [m for m in meta if m["Type"] == "Indicator"]
    aggs = [m for m in meta if m["Type"] == "Aggregate"]
    # chiso's documented node order: indicators in iMeta order, then
    # aggregates by level, iMeta order within a level
    aggs = sorted(aggs, key=lambda m: int(m["Level"]))  # stable
    nodes = inds + aggs
    units = [r["uCode"] for r in rows]
    x = np.array([[num(r[m["iCode"]]) for m in inds] for r in rows])
    return units, nodes, x, rows


def normalise(x, nodes, method, lo=0.0, hi=100.0, zm=0.0, zsd=1.0):
    n_ind = x.shape[1]
    out = np.full(x.shape, math.nan)
    for i in range(n_ind):
        m = nodes[i]
        d = float(m["Direction"])
        xi = x[:, i] * d
        ok = ~np.isnan(xi)
        v = xi[ok]
        if method == "minmax":  # COINr n_minmax
            out[ok, i] = (v - v.min()) / (v.max() - v.min()) * (hi - lo) + lo
        elif method == "zscore":  # COINr n_zscore: sample sd
            out[ok, i] = (v - v.mean()) / v.std(ddof=1) * zsd + zm
        elif method == "rank":  # COINr n_rank: rank(ties = "min")
            out[ok, i] = [1 + np.sum(v < a) for a in v]
        elif method == "goalposts":  # COINr n_goalposts, scaled to range
            gl, gu = float(m["goalpost_lower"]), float(m["goalpost_upper"])
            raw = x[ok, i]
            f = (raw - gl) / (gu - gl) if d > 0 else (raw - gu) / (gl - gu)
            out[ok, i] = lo + (hi - lo) * np.clip(f, 0, 1)
        elif method == "target":  # COINr n_dist2targ(cap_max), oriented
            t = d * float(m["Target"])
            f = np.where(v >= t, 1.0, 1 - (t - v) / (t - v.min()))
            out[ok, i] = lo + (hi - lo) * f
        else:
            raise ValueError(method)
    return out


def aggregate(xn, nodes, method, weights=None):
    """Level by level, COINr a_amean / a_gmean / a_hmean with NAs dropped."""
    n_units = xn.shape[0]
    vals = {}
    for i in range(xn.shape[1]):
        vals[nodes[i]["iCode"]] = xn[:, i]
    w = {m["iCode"]: (weights[k] if weights is not None else
                      (float(m["Weight"]) if m["Weight"] else 1.0))
         for k, m in enumerate(nodes)}
    levels = sorted({int(m["Level"]) for m in nodes if m["Type"] == "Aggregate"})
    for lev in levels:
        for m in nodes:
            if m["Type"] != "Aggregate" or int(m["Level"]) != lev:
                continue
            ch = [c["iCode"] for c in nodes if c["Parent"] == m["iCode"]]
            out = np.full(n_units, math.nan)
            for u in range(n_units):
                xs = np.array([vals[c][u] for c in ch])
                ws = np.array([w[c] for c in ch])
                keep = ~np.isnan(xs)
                xs, ws = xs[keep], ws[keep]
                if len(xs) == 0 or ws.sum() <= 0:
                    continue
                if method == "arithmetic":
                    out[u] = np.sum(ws / ws.sum() * xs)
                elif method == "geometric":
                    out[u] = math.exp(np.sum(ws * np.log(xs)) / ws.sum())
                elif method == "harmonic":
                    out[u] = ws.sum() / np.sum(ws / xs)
            vals[m["iCode"]] = out
    return vals


def ranks_desc(v):
    """Competition ranks, 1 = highest, ties share the best place; 0 = NaN."""
    r = np.zeros(len(v), dtype=int)
    for u, a in enumerate(v):
        if not math.isnan(a):
            r[u] = 1 + np.sum(v[~np.isnan(v)] > a)
    return r


def root_code(nodes):
    return [m for m in nodes if m["Type"] == "Aggregate" and not m["Parent"]][0]["iCode"]


def write_ref(path, units, nodes, vals):
    idx = vals[root_code(nodes)]
    rk = ranks_desc(idx)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["uCode"] + [m["iCode"] for m in nodes] + ["index_rank"])
        for u, code in enumerate(units):
            row = [code]
            for m in nodes:
                a = vals[m["iCode"]][u]
                row.append("" if math.isnan(a) else repr(float(a)))
            row.append(rk[u] if rk[u] else "")
            w.writerow(row)


# ---- COINr's example pipeline (build_example_coin) up to Treat -------------

def skew(x):  # COINr skew(): e1071 type 2
    n = len(x)
    x = x - x.mean()
    y = math.sqrt(n) * np.sum(x ** 3) / (np.sum(x ** 2) ** 1.5)
    return y * math.sqrt(n * (n - 1)) / (n - 2)


def kurt(x):  # COINr kurt(): e1071 type 2
    n = len(x)
    x = x - x.mean()
    r = n * np.sum(x ** 4) / (np.sum(x ** 2) ** 2)
    return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def passes(x):  # check_SkewKurt(skew_thresh = 2, kurt_thresh = 3.5)
    return abs(skew(x)) < 2 or kurt(x) < 3.5


def winsorise(x, winmax=5):
    # COINr winsorise(): as written, nwin counts the points of the latest
    # step only (imax/imin are reassigned, not accumulated)
    x = x.copy()
    nwin = 0
    imax = imin = np.array([], dtype=int)
    while not passes(x) and nwin < winmax:
        if skew(x) >= 0:
            imax = np.where(x == x.max())[0]
            x[imax] = np.max(np.delete(x, imax))
        else:
            imin = np.where(x == x.min())[0]
            x[imin] = np.min(np.delete(x, imin))
        nwin = len(imax) + len(imin)
    return x


def treat(x):  # Treat.numeric: winsorise, else log_CT on the original
    if passes(x):
        return x
    x1 = winsorise(x)
    if passes(x1):
        return x1
    return np.log(x - x.min() + 0.01 * (x.max() - x.min()))


def example_pipeline(out_path):
    units, nodes, x, rows = read_coin(os.path.join(ASEM, "asem_iData.csv"),
                                      os.path.join(ASEM, "asem_iMeta.csv"))
    meta = list(csv.DictReader(open(os.path.join(ASEM, "asem_iMeta.csv"))))
    inds = [m for m in meta if m["Type"] == "Indicator"]
    x = x.copy()
    grp = np.array([r["EurAsia_group"] for r in rows])
    for i, m in enumerate(inds):  # Denominate: x / denominator
        if m["Denominator"]:
            x[:, i] = x[:, i] / np.array([num(r[m["Denominator"]]) for r in rows])
    for i in range(x.shape[1]):  # Impute i_mean_grp by EurAsia_group
        for g in set(grp):
            sel = grp == g
            mu = np.nanmean(x[sel, i])
            x[sel & np.isnan(x[:, i]), i] = mu
    assert not np.isnan(x).any()  # so Screen(dat_thresh 0.9) keeps all
    for i in range(x.shape[1]):
        x[:, i] = treat(x[:, i])
    header = list(rows[0].keys())
    with open(out_path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for u, r in enumerate(rows):
            out = []
            for h in header:
                j = next((k for k, m in enumerate(inds) if m["iCode"] == h), None)
                out.append(repr(float(x[u, j])) if j is not None else r[h])
            w.writerow(out)
    return units, nodes, x


# ---- chiso uncertainty's sampling scheme ------------------------------------

M64 = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15


def mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


class Stream:
    def __init__(self, seed, r):
        self.s = mix((seed + (r + 1) * GAMMA) & M64)

    def uniform(self):
        self.s = (self.s + GAMMA) & M64
        return (mix(self.s) >> 11) * 2.0 ** -53


def monte_carlo(units, nodes, x, reps, seed, noise, norms, aggs,
                lo=0.0, hi=100.0):
    root = root_code(nodes)
    nominal_w = [float(m["Weight"]) if m["Weight"] else 1.0 for m in nodes]
    xn = {k: normalise(x, nodes, k, lo, hi) for k in norms}
    nominal = aggregate(xn[norms[0]], nodes, aggs[0], nominal_w)[root]
    ranks = []
    for r in range(reps):
        st = Stream(seed, r)
        w = [nominal_w[k] if nodes[k]["iCode"] == root else
             nominal_w[k] * (1.0 + noise * (2.0 * st.uniform() - 1.0))
             for k in range(len(nodes))]
        kn = norms[int(st.uniform() * len(norms))]
        ka = aggs[int(st.uniform() * len(aggs))]
        ranks.append(ranks_desc(aggregate(xn[kn], nodes, ka, w)[root]))
    ranks = np.array(ranks, dtype=float)
    ranks[ranks == 0] = np.nan
    return nominal, ranks_desc(nominal), ranks


def write_mc(path, units, nominal, nom_rank, ranks):
    order = sorted(range(len(units)),
                   key=lambda u: (nom_rank[u] == 0, nom_rank[u], u))
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["unit", "nominal_rank", "median_rank", "p5_rank",
                    "p95_rank", "nominal_score"])
        for u in order:
            col = ranks[:, u]
            if nom_rank[u] == 0:
                w.writerow([units[u], "", "", "", "", ""])
                continue
            p5, p50, p95 = np.percentile(col, [5, 50, 95])  # 'linear'
            w.writerow([units[u], nom_rank[u], repr(float(np.median(col))),
                        repr(float(p5)), repr(float(p95)),
                        repr(float(nominal[u]))])
            assert p50 == np.median(col)


CASES = [
    # name, data, normalise, aggregate, range
    ("asem_minmax_arith", "raw", "minmax", "arithmetic", (0, 100)),
    ("asem_minmax1_10_geo", "raw", "minmax", "geometric", (1, 10)),
    ("asem_minmax1_100_harm", "raw", "minmax", "harmonic", (1, 100)),
    ("asem_zscore_arith", "raw", "zscore", "arithmetic", (0, 100)),
    ("asem_rank_geo", "raw", "rank", "geometric", (0, 100)),
    ("asem_target_arith", "raw", "target", "arithmetic", (0, 100)),
    ("asem_treated_minmax_arith", "treated", "minmax", "arithmetic", (0, 100)),
]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else HERE
    treated = os.path.join(out, "asem_treated_iData.csv")
    example_pipeline(treated)
    meta = os.path.join(ASEM, "asem_iMeta.csv")
    for name, data, norm, agg, (lo, hi) in CASES:
        dpath = treated if data == "treated" else os.path.join(ASEM, "asem_iData.csv")
        units, nodes, x, _ = read_coin(dpath, meta)
        vals = aggregate(normalise(x, nodes, norm, lo, hi), nodes, agg)
        write_ref(os.path.join(out, "ref_%s.csv" % name), units, nodes, vals)
        if data == "treated":
            idx = vals["Index"]
            rk = ranks_desc(idx)
            for code, rank, ix, conn, sust in PUBLISHED:
                u = units.index(code)
                assert rk[u] == rank, (code, rk[u], rank)
                for got, want in ((idx[u], ix), (vals["Conn"][u], conn),
                                  (vals["Sust"][u], sust)):
                    assert abs(got - want) <= 0.005 + 1e-9, (code, got, want)
            print("published COINr table reproduced (6 units, 3 columns)")
    units, nodes, x, _ = read_coin(os.path.join(ASEM, "asem_iData.csv"), meta)
    nom, nrk, ranks = monte_carlo(units, nodes, x, 400, 42, 0.25,
                                  ["minmax", "zscore"], ["arithmetic"])
    write_mc(os.path.join(out, "ref_mc_asem_minmax_zscore.csv"), units, nom,
             nrk, ranks)
    nom, nrk, ranks = monte_carlo(units, nodes, x, 300, 7, 0.4, ["minmax"],
                                  ["geometric", "arithmetic", "harmonic"],
                                  1, 100)
    write_mc(os.path.join(out, "ref_mc_asem_3agg.csv"), units, nom, nrk, ranks)
    complete_case(out, meta)
    print("wrote reference files to", out)


def complete_case(out, meta):
    """ASEM with every missing cell filled by its column's mean of the
    units present (asem_complete_iData.csv): complete data, on which chiso
    uncertainty takes its grouped path (several replicates aggregated
    together), unlike the raw ASEM file with its 64 missing cells."""
    rd = csv.DictReader(open(os.path.join(ASEM, "asem_iData.csv"),
                             encoding="utf-8-sig"))
    rows = list(rd)
    inds = [m["iCode"] for m in csv.DictReader(open(meta, encoding="utf-8-sig"))
            if m["Type"] == "Indicator"]
    for code in inds:
        present = [num(r[code]) for r in rows if not math.isnan(num(r[code]))]
        fill = repr(sum(present) / len(present))
        for r in rows:
            if math.isnan(num(r[code])):
                r[code] = fill
    cols = rd.fieldnames
    path = os.path.join(out, "asem_complete_iData.csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([r[c] for c in cols])
    units, nodes, x, _ = read_coin(path, meta)
    assert not np.isnan(x).any()
    nom, nrk, ranks = monte_carlo(units, nodes, x, 700, 11, 0.3,
                                  ["zscore", "minmax", "rank"],
                                  ["arithmetic"])
    write_mc(os.path.join(out, "ref_mc_asem_complete.csv"), units, nom, nrk,
             ranks)
    nom, nrk, ranks = monte_carlo(units, nodes, x, 500, 5, 0.45, ["minmax"],
                                  ["harmonic", "geometric", "arithmetic"],
                                  1, 100)
    write_mc(os.path.join(out, "ref_mc_asem_complete_3agg.csv"), units, nom,
             nrk, ranks)


if __name__ == "__main__":
    main()
