#!/usr/bin/env python3
"""Reference values for tests/unit/test_stats.c and test_survey.c.

Run offline with Debian's python3-numpy and python3-scipy:
    /usr/bin/python3 tests/data/make_fixtures.py > tests/data/fixtures.txt
The tests do not run this script; they compare against the numbers it
printed, copied into the C tests (each names its fixture key). scipy is
an independent implementation of OLS (linregress), Pearson (pearsonr),
Spearman (spearmanr: average ranks, t-approximation p-value) and type-7
quantiles (numpy.quantile, method "linear").

The bootstrap check re-implements, in plain Python, MT19937 seeded as GSL
seeds gsl_rng_mt19937 (init_genrand; seed 0 means 4357), GSL's
gsl_rng_uniform_int rejection rule, the estimator documented in the README
and the type-7 percentile interval. The MT19937 stream is first checked
against numpy's MT19937 (legacy seeding), so the generator itself is
verified independently.
"""
import csv
import math
import os
import numpy as np
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))


def show(key, v):
    print(f"{key} = {v!r}")


# ---- OLS: NIST Norris --------------------------------------------------
ys, xs = [], []
for line in open(os.path.join(HERE, "nist_norris.txt")):
    if line.startswith("#") or not line.strip():
        continue
    y, x = map(float, line.split())
    ys.append(y)
    xs.append(x)
r = stats.linregress(xs, ys)
show("norris.slope", r.slope)
show("norris.intercept", r.intercept)
show("norris.se_slope", r.stderr)
show("norris.se_intercept", r.intercept_stderr)
show("norris.r2", r.rvalue ** 2)

# ---- OLS on a short yearly series (trend) --------------------------------
def ols(x, y, key, level=0.95):
    r = stats.linregress(x, y)
    n = len(x)
    tq = stats.t.ppf(0.5 + level / 2, n - 2)
    show(key + ".slope", r.slope)
    show(key + ".se", r.stderr)
    show(key + ".ci_low", r.slope - tq * r.stderr)
    show(key + ".ci_high", r.slope + tq * r.stderr)
    show(key + ".p", r.pvalue)
    show(key + ".r2", r.rvalue ** 2)


ols([2019, 2020, 2021, 2022, 2023], [81.25, 82.9, 82.1, 84.75, 86.02], "trend5")
ols([2017, 2018, 2019], [78.4, 80.15, 80.3], "trend3")
ols([2017, 2018, 2019], [78.4, 80.15, 80.3], "trend3_90", 0.90)

# ---- correlation ----------------------------------------------------------
def corr(x, y, key):
    p = stats.pearsonr(x, y)
    s = stats.spearmanr(x, y)
    show(key + ".pearson_r", p[0])
    show(key + ".pearson_p", p[1])
    show(key + ".spearman_r", s.correlation)
    show(key + ".spearman_p", s.pvalue)


# PAPI 2023: D6 vs aggregate for the four provinces in the store with both
corr([7.8486, 7.1872, 8.0022, 8.2568], [43.9603, 43.5493, 45.78, 45.70],
     "papi2023_d6")
# ties on both sides
corr([2.385, 3.1, 3.1, 4.75, 5.2, 5.2, 6.05], [10.4, 12.7, 11.9, 15.2, 15.2, 14.8, 18.3],
     "ties")
show("ties.avg_ranks_x", list(stats.rankdata([2.385, 3.1, 3.1, 4.75, 5.2, 5.2, 6.05])))

# ---- type-7 quantiles --------------------------------------------------------
q = [91.03, 81.32, 92.18, 87.32, 91.43, 86.89, 91.16, 91.81]
for p in (0.25, 0.5, 0.75):
    show(f"par2023.q{p}", float(np.quantile(q, p, method="linear")))


# ---- MT19937 as GSL seeds it, checked against numpy ----------------------------
class MT:
    def __init__(self, seed):
        if seed == 0:
            seed = 4357  # GSL's default
        self.mt = [0] * 624
        self.mt[0] = seed & 0xFFFFFFFF
        for i in range(1, 624):
            prev = self.mt[i - 1]
            self.mt[i] = (1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF
        self.i = 624

    def next32(self):
        if self.i >= 624:
            mt = self.mt
            for k in range(624):
                y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7FFFFFFF)
                mt[k] = mt[(k + 397) % 624] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
            self.i = 0
        y = self.mt[self.i]
        self.i += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        return y

    def uniform_int(self, n):
        # gsl_rng_uniform_int: scale = range / n; reject k >= n
        scale = 0xFFFFFFFF // n
        while True:
            k = self.next32() // scale
            if k < n:
                return k


bg = np.random.MT19937()
bg._legacy_seeding(20240417)
ref = [int(v) for v in bg.random_raw(2000)]
m = MT(20240417)
assert [m.next32() for _ in range(2000)] == ref, "MT19937 stream mismatch"
show("mt.checked_against_numpy", True)


def survey(path):
    rows = list(csv.reader(open(path, encoding="utf-8")))
    head = rows[0]
    resp, crit, elem, ans, weight, crit_elem = [], [], [], {}, {}, {}
    for r in rows[1:]:
        rid, e, c, a = r[0], r[1], r[2], r[3]
        w = float(r[4]) if len(head) > 4 else 1.0
        if rid not in resp:
            resp.append(rid)
            weight[rid] = w
        if e not in elem:
            elem.append(e)
        if c not in crit:
            crit.append(c)
            crit_elem[c] = e
        if a != "":
            ans[(rid, c)] = int(a)
    return resp, crit, elem, ans, weight, crit_elem


def estimate(sv, mult):
    resp, crit, elem, ans, weight, crit_elem = sv
    shares = {}
    for c in crit:
        num = den = 0.0
        for i, rid in enumerate(resp):
            if mult[i] == 0 or (rid, c) not in ans:
                continue
            w = weight[rid] * mult[i]
            den += w
            if ans[(rid, c)] >= 4:
                num += w
        shares[c] = 100.0 * num / den if den > 0 else float("nan")
    es = {}
    for e in elem:
        cs = [shares[c] for c in crit if crit_elem[c] == e]
        es[e] = sum(cs) / len(cs)
    overall = sum(es.values()) / len(es)
    return shares, es, overall


def q7(v, p):
    v = sorted(v)
    h = (len(v) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (h - lo) * (v[hi] - v[lo])


def bootstrap(path, seed, reps, key, level=0.95):
    sv = survey(path)
    n = len(sv[0])
    s, e, o = estimate(sv, [1] * n)
    show(key + ".overall", o)
    for k in sv[2]:
        show(key + ".element." + k, e[k])
    for k in sv[1]:
        show(key + ".criterion." + k, s[k])
    mt = MT(seed)
    reps_o, reps_e, reps_c = [], {k: [] for k in sv[2]}, {k: [] for k in sv[1]}
    for _ in range(reps):
        mult = [0] * n
        for _ in range(n):
            mult[mt.uniform_int(n)] += 1
        s2, e2, o2 = estimate(sv, mult)
        reps_o.append(o2)
        for k in sv[2]:
            reps_e[k].append(e2[k])
        for k in sv[1]:
            reps_c[k].append(s2[k])
    lo, hi = (1 - level) / 2, (1 + level) / 2

    def ci(vals, name):
        v = [x for x in vals if not math.isnan(x)]
        show(name + ".ci", (q7(v, lo), q7(v, hi), len(v)))

    ci(reps_o, key + ".overall")
    for k in sv[2]:
        ci(reps_e[k], key + ".element." + k)
    for k in sv[1]:
        ci(reps_c[k], key + ".criterion." + k)


bootstrap(os.path.join(HERE, "survey_small.csv"), 7, 500, "small")
bootstrap(os.path.join(HERE, "..", "..", "datasets", "samples",
                       "survey-synthetic-department-2024.csv"),
          20240417, 2000, "sample")
