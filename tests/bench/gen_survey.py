#!/usr/bin/python3
"""gen_survey.py --respondents N [--criteria C] [--elements E] [--seed S]
[--shuffle] [--weights] OUT.csv

A synthetic satisfaction survey in the long format `chiso survey` reads
(respondent_id, element, criterion, answer[, weight]): N respondents, C
criteria spread over E elements (SIPAS-like default: 22 criteria in 5
elements), answers 1-5 with about 5 % left blank, a per-respondent
propensity so that answers of one person are correlated. --shuffle writes
the rows in random order (respondents not contiguous), --weights adds a
sampling weight per respondent. Deterministic for a seed."""
import argparse, random

ap = argparse.ArgumentParser()
ap.add_argument("--respondents", type=int, required=True)
ap.add_argument("--criteria", type=int, default=22)
ap.add_argument("--elements", type=int, default=5)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--shuffle", action="store_true")
ap.add_argument("--weights", action="store_true")
ap.add_argument("out")
a = ap.parse_args()
rnd = random.Random(a.seed)
crit = [("E%d" % (c * a.elements // a.criteria + 1), "C%d" % (c + 1))
        for c in range(a.criteria)]
rows = []
for r in range(a.respondents):
    p = rnd.random()
    w = "%.3f" % (0.5 + rnd.random()) if a.weights else None
    for e, c in crit:
        if rnd.random() < 0.05:
            ans = ""
        else:
            x = 3 + p * 2 + rnd.gauss(0, 1)
            ans = str(min(5, max(1, int(round(x)))))
        rows.append((r, e, c, ans, w))
if a.shuffle:
    rnd.shuffle(rows)
with open(a.out, "w") as f:
    f.write("respondent_id,element,criterion,answer" + (",weight" if a.weights else "") + "\n")
    for r, e, c, ans, w in rows:
        f.write("R%07d,%s,%s,%s%s\n" % (r, e, c, ans, "," + w if w else ""))
