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
     line, for a table), nothing written;
  4. the charts' time axis names the periods: the text of report.pdf
     (pdftotext; the charts are drawn in it as text) holds every period of
     history.csv as written ("2023-H1", "2022-Q3") and none of the
     fractional years the periods sit at ("2023,25"); a published store
     with semester and quarter ranks (2025-H1, 2025-Q3, 2025-Q4) gives the
     province-rank chart those periods and its reading names "2025-Q4";
     sixteen semesters on one chart: the latest labelled, each period's
     label either drawn or thinned (never a number).
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
# 4. the time axis names the periods (text of report.pdf)
import re


def pdf_text(path):
    p = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True)
    if p.returncode != 0:
        fail("pdftotext %s: %s" % (path, p.stderr))
    return p.stdout


def frac_years(periods):
    out = []
    for per in periods:
        x = key(per)
        if x != int(x):
            out.append(("%.2f" % x).replace(".", ","))
    return out


for pk in (out, out2):
    txt = pdf_text(os.path.join(pk, "report.pdf"))
    pers = [r["period"] for r in csv.DictReader(open(os.path.join(pk, "history.csv"),
                                                     encoding="utf-8-sig"))]
    for per in pers:
        # the index chart and the areas' panels: at least twice
        if len(re.findall(r"(?<![\w-])%s(?![\w-])" % re.escape(per), txt)) < 2:
            fail("%s: period %s is not on the charts' axis" % (pk, per))
    for f in frac_years(pers):
        if f in txt:
            fail("%s: a fractional year %s is written (an axis in years)" % (pk, f))

# the province's ranks from a store with semesters and quarters
store = os.path.join(work, "store")
shutil.copytree(os.path.join(work, "root/datasets/published"), store)
rows = list(csv.reader(open(os.path.join(store, "results.csv"), encoding="utf-8")))
base = [r for r in rows if r[0] == "SIPAS" and r[1] == "2024" and r[2] == "hung-yen" and
        r[5] == "total"][0]
for per, rk in (("2025-H1", 6), ("2025-Q3", 5), ("2025-Q4", 4)):
    r = list(base)
    r[1], r[11], r[12], r[13] = per, str(rk), "34", "0"
    rows.append(r)
csv.writer(open(os.path.join(store, "results.csv"), "w", encoding="utf-8", newline="")
           ).writerows(rows)
cfg = json.load(open(conf, encoding="utf-8"))
for k in ("framework", "evidence", "tasks", "dossiers"):
    cfg[k] = os.path.normpath(os.path.join(os.path.dirname(conf), cfg[k]))
cfg["history"] = [{"table": os.path.join(d, "province-2024", "history-skhcn.csv")}]
cfg["published"] = store
c3 = os.path.join(work, "cfg-store.json")
json.dump(cfg, open(c3, "w", encoding="utf-8"), ensure_ascii=False)
out3 = os.path.join(work, "pack-store")
run(c3, out3)
if os.path.exists(os.path.join(out3, "summary.json")):
    sm = json.load(open(os.path.join(out3, "summary.json"), encoding="utf-8"))
    rd = [c["reading"] for c in sm["charts"] if c["id"] == "chart-province-ranks"]
    if not rd or "2025-Q4" not in rd[0]:
        fail("province ranks reading %s does not name 2025-Q4" % rd)
    txt = pdf_text(os.path.join(out3, "report.pdf"))
    for per in ("2025-H1", "2025-Q4"):
        if per not in txt:
            fail("province ranks chart: %s not on its axis" % per)
    for f in ("2025,25", "2025,63", "2025,88", "2025,875"):
        if f in txt:
            fail("province ranks chart: fractional year %s" % f)

# sixteen semesters: thinned, the latest labelled, never a number
many = os.path.join(work, "history-many.csv")
with open(many, "w", encoding="utf-8") as f:
    f.write("unit,period,index_pct\n")
    for i in range(16):
        f.write("SKHCN,%d-H%d,%.2f\n" % (2016 + i // 2, i % 2 + 1, 70 + (i * 7) % 13))
cfg["history"] = [{"table": many}]
cfg["published"] = os.path.join(work, "root/datasets/published")
c4 = os.path.join(work, "cfg-many.json")
json.dump(cfg, open(c4, "w", encoding="utf-8"), ensure_ascii=False)
out4 = os.path.join(work, "pack-many")
run(c4, out4)
if os.path.exists(os.path.join(out4, "report.pdf")):
    txt = pdf_text(os.path.join(out4, "report.pdf"))
    pers = ["%d-H%d" % (2016 + i // 2, i % 2 + 1) for i in range(16)] + ["2024-H2"]
    if len(re.findall(r"(?<![\w-])2024-H2(?![\w-])", txt)) < 2:
        fail("many periods: the latest period 2024-H2 is not labelled")
    for fy in frac_years(pers):
        if fy in txt:
            fail("many periods: fractional year %s written" % fy)
print("history: %d disagreements" % bad)
sys.exit(1 if bad else 0)
