#!/usr/bin/python3
"""score_units_pandas.py FW.json EV.csv OUT.csv  (the peer of chiso score --all-units)

Scores every unit of a gen_framework.py sheet in pandas, vectorised: the rules the
generator uses (binary, bands with "min", proportional with target and cap, deduction,
manual), each leaf's points rounded half-up to the framework's decimals (after removing
binary noise, as chiso does), areas and totals summed from the rounded points, the
index % over the applicable maximum, and the competition rank (ties share the best
rank). Writes unit,points,index_pct,rank sorted by unit. Only the rule kinds and keys
that gen_framework.py writes are supported: it is a benchmark peer, not a scorer.
"""
import json, sys
import numpy as np
import pandas as pd

fw_path, ev_path, out_path = sys.argv[1:4]
fw = json.load(open(fw_path, encoding="utf-8"))
dec = fw.get("points_decimals", 2)
rows = []
for area in fw["nodes"]:
    for n in area["children"]:
        r = n["rule"]
        r = {"type": r} if isinstance(r, str) else r
        b = r.get("bands", [])
        rows.append({"criterion_id": n["id"], "area": area["id"], "max": n["max"],
                     "type": r["type"], "target": r.get("target", 100.0),
                     "capped": r.get("capped", True), "per": r.get("per", 0.0),
                     "b_min": json.dumps([x["min"] for x in b]),
                     "b_pts": json.dumps([x["points"] for x in b])})
leaves = pd.DataFrame(rows)
ev = pd.read_csv(ev_path, dtype={"unit": str, "criterion_id": str})
d = ev.merge(leaves, on="criterion_id", how="left")
v = d["value"].astype(float)
num, den = d["numerator"].astype(float), d["denominator"].astype(float)
pct = np.where(den.notna() & (den > 0), 100.0 * num / den, v)
pts = np.zeros(len(d))
t = d["type"].values
mx = d["max"].values
pts = np.where(t == "binary", np.where(v > 0.5, mx, 0.0), pts)
prop = mx * pct / d["target"].values
prop = np.where(d["capped"].values, np.minimum(prop, mx), prop)
prop = np.where(den.values == 0, 0.0, prop)
pts = np.where(t == "proportional", prop, pts)
pts = np.where(t == "deduction", np.maximum(0.0, mx - d["per"].values * v), pts)
pts = np.where(t == "manual", d["points"].astype(float).fillna(0).values, pts)
# bands ("min" thresholds listed from the highest down): the first band reached
bands = d["type"].values == "bands"
if bands.any():
    sub = d[bands]
    b_min = np.array([json.loads(s) for s in sub["b_min"]])
    b_pts = np.array([json.loads(s) for s in sub["b_pts"]])
    val = pct[bands][:, None]
    hit = np.argmax(val >= b_min - 1e-9, axis=1)
    pts[bands] = b_pts[np.arange(len(sub)), hit]
def half_up(x, decimals=dec):
    # remove binary noise at 12 significant digits, then round half away from 0
    scale = 10.0 ** decimals
    x = np.asarray(x, dtype=float) * scale
    mag = np.where(x == 0, 0, np.floor(np.log10(np.abs(np.where(x == 0, 1, x)))))
    q = 10.0 ** (11 - mag)
    x = np.round(x * q) / q
    return np.floor(np.abs(x) + 0.5) * np.sign(x) / scale


d["pts"] = half_up(np.minimum(pts, mx))
area = d.groupby(["unit", "area"], sort=False)["pts"].sum().reset_index()
area["pts"] = half_up(area["pts"].values)
tot = area.groupby("unit")["pts"].sum()
tot = pd.Series(half_up(tot.values), index=tot.index)
appl = d.groupby("unit")["max"].sum()
idx = pd.Series(half_up(tot.values / appl.loc[tot.index].values * 100,
                        fw.get("index_decimals", 2)), index=tot.index)
res = pd.DataFrame({"unit": tot.index, "points": tot.values, "index_pct": idx.values})
res["rank"] = res["index_pct"].rank(method="min", ascending=False).astype(int)
res.sort_values("unit").to_csv(out_path, index=False, float_format="%.2f")
