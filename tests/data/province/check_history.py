#!/usr/bin/env python3
"""check_history.py CHISO SOURCE_ROOT WORKDIR

The department pack's history (issue 13), checked independently:
  1. the shipped sample (report-skhcn-2024-h2-history.json, a history table
     of four semesters with a framework change) gives history.csv rows equal
     to the table's rows for the unit plus the current period, whose index %
     and per-area % equal the pack's own par.* figures; rows in time order;
     break_before set exactly where the framework id changes; the change
     since the same period a year earlier recomputed here (rounded values,
     2 decimals), and "not comparable" across a framework change;
  2. all three kinds of source at once: an earlier pack's summary.json and a
     `chiso score --json` result (each with its period), a table in
     quarters: their index % arrive unchanged;
  3. bad history: a period given twice, the report's own period repeated,
     a percentage out of range - exit 1, one message naming the file (and
     line, for a table), nothing written.
"""
import csv, json, os, shutil, subprocess, sys

chiso, root, work = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
S = os.path.join(root, "datasets/samples")
bad = 0


def fail(msg):
    global bad
    print("FAIL: " + msg)
    bad += 1


def run(conf, out, expect=0):
    p = subprocess.run([chiso, "report", conf, "--out", out, "--quiet"], capture_output=True,
                       text=True, env=dict(os.environ, LC_ALL="C"))
    if p.returncode != expect:
        fail("%s: exit %d (expected %d): %s" % (conf, p.returncode, expect, p.stderr))
    return p


def key(period):
    y, _, k = period.partition("-")
    if k.startswith("H"):
        return float(y) + (int(k[1]) - 0.5) / 2
    if k.startswith("Q"):
        return float(y) + (int(k[1]) - 0.5) / 4
    return float(y) + 0.5


shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
# a copy of the tree the sample's relative paths walk through
d = os.path.join(work, "root/datasets/samples")
shutil.copytree(S, d, ignore=shutil.ignore_patterns("coinr-asem"))
shutil.copytree(os.path.join(root, "datasets/published"),
                os.path.join(work, "root/datasets/published"))
shutil.copytree(os.path.join(root, "indicators/frameworks"),
                os.path.join(work, "root/indicators/frameworks"))
conf = os.path.join(d, "province-2024", "report-skhcn-2024-h2-history.json")
out = os.path.join(work, "pack")
run(conf, out)
summ = json.load(open(os.path.join(out, "summary.json"), encoding="utf-8"))
cfg0 = json.load(open(conf, encoding="utf-8"))
par = summ["par"]
table = [r for r in csv.DictReader(open(os.path.join(d, "province-2024", "history-skhcn.csv"),
                                        encoding="utf-8")) if r["unit"] == "SKHCN"]
got = list(csv.DictReader(open(os.path.join(out, "history.csv"), encoding="utf-8-sig")))
want = sorted(table + [{"period": cfg0["period"],
                        "index_pct": "%.2f" % par["index_pct"],
                        "framework": par["framework"]["id"], "rank": "", "rank_of": "",
                        **{"area_%s_pct" % a["id"]: "%.2f" % a["index_pct"]
                           for a in par["areas"]}}], key=lambda r: key(r["period"]))
if [r["period"] for r in got] != [r["period"] for r in want]:
    fail("periods %s, expected %s" % ([r["period"] for r in got], [r["period"] for r in want]))
for g, w in zip(got, want):
    for k in ["index_pct", "rank", "rank_of", "framework"] + \
            ["area_%s_pct" % a["id"] for a in par["areas"]]:
        if k in ("index_pct",) or k.startswith("area_"):
            if abs(float(g[k]) - float(w[k])) > 0.005:
                fail("%s %s: %s, expected %s" % (g["period"], k, g[k], w[k]))
        elif g[k] != w[k]:
            fail("%s %s: %s, expected %s" % (g["period"], k, g[k], w[k]))
for i, g in enumerate(got):
    brk = i > 0 and got[i - 1]["framework"] != g["framework"]
    if g["break_before"] != ("1" if brk else "0"):
        fail("%s break_before %s, expected %s" % (g["period"], g["break_before"], brk))
prev = [r for r in got if r["period"] == "2023-H2"][0]
cur = [r for r in got if r["period"] == "2024-H2"][0]
yoy = summ["history"]["change_since_last_year"]
exp = round(float(cur["index_pct"]) - float(prev["index_pct"]), 2)
if yoy["compared_with"] != "2023-H2" or yoy["comparable"] is not True or \
        abs(yoy["change_pct_points"] - exp) > 0.005:
    fail("change since last year %s, expected %.2f against 2023-H2" % (yoy, exp))
for f in ("chart-history-index.png", "chart-history-areas.png", "chart-history-rank.png",
          "history.csv"):
    if f not in summ["files"]:
        fail("%s not in the pack" % f)

# 2. a summary.json, a score JSON and a table in quarters; a break across the year
cfg = json.load(open(conf, encoding="utf-8"))
prev_pack = os.path.join(work, "pack-2023-h2")
shutil.copytree(out, prev_pack)
score_json = os.path.join(work, "score-2024-h1.json")
p = subprocess.run([chiso, "score", os.path.join(work, "root/indicators/frameworks/par-department-template.json"),
                    os.path.join(d, "evidence-skhcn-2024-h2.csv"), "--json", score_json],
                   capture_output=True, text=True)
if p.returncode != 0:
    fail("chiso score --json: %s" % p.stderr)
sj = json.load(open(score_json, encoding="utf-8"))
qt = os.path.join(work, "history-q.csv")
with open(qt, "w", encoding="utf-8") as f:
    f.write("unit,period,index_pct,framework\nSKHCN,2022-Q3,70.10,par-department-2019\n"
            "SKHCN,2022-Q4,71.20,par-department-2019\nOTHER,2022-Q4,12.00,x\n")
cfg["history"] = [{"summary": prev_pack + "/summary.json", "period": "2023-H2", "rank": 4,
                   "rank_of": 20},
                  {"score": score_json, "period": "2024-H1"}, {"table": qt}]
c2 = os.path.join(work, "cfg2.json")
json.dump(cfg, open(c2, "w", encoding="utf-8"), ensure_ascii=False)
# paths in cfg are relative to the sample folder: keep them resolvable
for k in ("framework", "evidence", "tasks", "dossiers", "published"):
    cfg[k] = os.path.normpath(os.path.join(os.path.dirname(conf), cfg[k]))
json.dump(cfg, open(c2, "w", encoding="utf-8"), ensure_ascii=False)
out2 = os.path.join(work, "pack2")
run(c2, out2)
h = {r["period"]: r for r in csv.DictReader(open(os.path.join(out2, "history.csv"),
                                                   encoding="utf-8-sig"))}
if sorted(h) != sorted(["2022-Q3", "2022-Q4", "2023-H2", "2024-H1", "2024-H2"]):
    fail("sources gave periods %s" % sorted(h))
else:
    if abs(float(h["2023-H2"]["index_pct"]) - par["index_pct"]) > 0.005 or \
            h["2023-H2"]["rank"] != "4" or h["2023-H2"]["rank_of"] != "20":
        fail("summary.json source: %s" % h["2023-H2"])
    if abs(float(h["2024-H1"]["index_pct"]) - sj["total"]["index_pct"]) > 0.005:
        fail("score JSON source: %s vs %s" % (h["2024-H1"]["index_pct"], sj["total"]["index_pct"]))
    if h["2022-Q4"]["index_pct"] != "71.20" or h["2022-Q4"]["break_before"] != "0" or \
            h["2023-H2"]["break_before"] != "1":
        fail("quarter table rows / breaks: %s %s" % (h["2022-Q4"], h["2023-H2"]))

# 3. bad history
def bad_case(name, hist, needle):
    cfg["history"] = hist
    c = os.path.join(work, "bad-%s.json" % name)
    json.dump(cfg, open(c, "w", encoding="utf-8"), ensure_ascii=False)
    o = os.path.join(work, "bad-%s" % name)
    p = run(c, o, 1)
    if needle not in p.stderr:
        fail("%s: message %r lacks %r" % (name, p.stderr, needle))
    if os.path.exists(o):
        fail("%s: wrote %s" % (name, o))


dup = os.path.join(work, "dup.csv")
open(dup, "w", encoding="utf-8").write("unit,period,index_pct\nSKHCN,2023-H1,70\nSKHCN,2023-H1,71\n")
bad_case("dup", [{"table": dup}], "dup.csv:3")
same = os.path.join(work, "same.csv")
open(same, "w", encoding="utf-8").write("unit,period,index_pct\nSKHCN,2024-H2,70\n")
bad_case("same", [{"table": same}], "same.csv:2")
rng = os.path.join(work, "range.csv")
open(rng, "w", encoding="utf-8").write("unit,period,index_pct\nSKHCN,2023-H1,170\n")
bad_case("range", [{"table": rng}], "range.csv:2")
print("history: %d disagreements" % bad)
sys.exit(1 if bad else 0)
