#!/usr/bin/env python3
"""check_province.py CHISO SOURCE_ROOT WORKDIR

The province pack (`chiso report` with "scope": "province", issue 13),
checked independently of chiso's code:
  1. the shipped sample (datasets/samples/province-2024) is regenerated from
     its seed into WORKDIR: same bytes as the committed files;
  2. the pack is built twice: same bytes (reproducible);
  3. every unit's points, index %, per-area % and appraised points are
     recomputed here by a separate scorer written from the rules'
     definitions (points rounded half-up to the framework's decimals; a
     leaf without appraised points counts its scored points in the
     appraised total); ranks overall and within groups are recomputed in R
     (rank(-x, ties.method = "min")); the criteria lost (units below a
     leaf's maximum, points lost) are recounted; all compared with
     units.csv, appraisal.csv and criteria-lost.csv (tolerance 0.005);
  4. summary.json lists exactly the files of the folder, holds every unit
     and the bands of the framework;
  5. safety: a pack inside the sheets' folder or over the unit list is
     refused (exit 2) and creates nothing;
  6. groups from the sheets, no unit list: the 22 sheets written as .xlsx
     (openpyxl, a title row above the header, a `Khối` column), one per
     unit in a folder, and all of them in one .xlsx with a unit column:
     `chiso report` (one command) and `chiso score --all-units --csv` give
     every unit its group, points and index % as computed above, and ranks
     and group ranks recomputed here in Python (competition ranks: 1 + the
     number of units with a higher index %); summary.json says
     groups_from "sheets"; one ranking chart per group. One unit given two
     groups is exit 1 naming the cell (FILE:SHEET!A9) and both groups,
     nothing written; sheets without a group column rank without groups
     (groups_from "none", warning units_without_groups, no group chart).
Exit status 0 when everything agrees.
"""
import csv, filecmp, io, json, os, shutil, subprocess, sys
from decimal import Decimal, ROUND_HALF_UP

chiso, root, work = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
PY = sys.executable
FW = os.path.join(root, "indicators/frameworks/par-department-template.json")
TOL = 0.005
bad = 0


def fail(msg):
    global bad
    print("FAIL: " + msg)
    bad += 1


def half_up(x, d):
    return float(Decimal(format(x, ".12g")).quantize(Decimal(1).scaleb(-d), ROUND_HALF_UP))


def num(s):
    s = s.strip().replace("%", "")
    if s == "" or not any(c.isdigit() for c in s):
        return None
    return float(s.replace(",", "."))


YES = {"có", "co", "1", "x", "yes", "đạt", "true"}


def score_leaf(n, row):
    r = n["rule"]
    t = r if isinstance(r, str) else r["type"]
    mx = n["max"]
    if row is None:
        return 0.0
    v, nu, de, pts = (num(row.get(k, "")) for k in ("value", "num", "den", "points"))
    text = row.get("value", "").strip().lower()
    if t == "manual":
        return pts or 0.0
    if t == "binary":
        return mx if text in YES else 0.0
    if nu is not None and de is not None:
        if de == 0:
            return 0.0
        v = 100.0 * nu / de
    if v is None:
        return pts or 0.0
    if t == "deduction":
        return max(0.0, mx - r["per"] * v)
    if t == "proportional":
        p = mx * v / r.get("target", 100)
        return min(p, mx) if r.get("capped", True) else p
    if t == "bands":
        for b in r["bands"]:
            if "min" in b and v >= b["min"] - 1e-9:
                return b["points"]
            if "max" in b and (b["max"] is None or v <= b["max"] + 1e-9):
                return b["points"]
    raise ValueError("cannot score %s" % n["id"])


COLS = {"Mã tiêu chí": "id", "Giá trị": "value", "Tử số": "num", "Mẫu số": "den",
        "Điểm tự chấm": "points", "Điểm thẩm định": "appraised"}


def read_sheet(path):
    with open(path, encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter=";"))
    head = [COLS.get(h, h) for h in rows[0]]
    return [dict(zip(head, r)) for r in rows[1:]]


fw = json.load(open(FW, encoding="utf-8"))
dec = fw.get("points_decimals", 2)
leaves, areas, area_max = {}, [], {}


def walk(ns, area):
    for n in ns:
        if "children" in n:
            walk(n["children"], area)
        else:
            leaves[n["id"]] = (n, area)


for a in fw["nodes"]:
    areas.append(a["id"])
    area_max[a["id"]] = a["max"]
    walk(a.get("children", [a]), a["id"])


def score_unit(rows):
    by_id = {r["id"]: r for r in rows}
    pts, app, lost = {a: 0.0 for a in areas}, {a: 0.0 for a in areas}, {}
    for lid, (n, area) in leaves.items():
        p = half_up(score_leaf(n, by_id.get(lid)), dec)
        pts[area] += p
        ap = num(by_id.get(lid, {}).get("appraised", "")) if lid in by_id else None
        app[area] += half_up(ap, dec) if ap is not None else p
        if p < n["max"] - 1e-9:
            lost[lid] = n["max"] - p
    total = half_up(sum(pts.values()), dec)
    atotal = half_up(sum(app.values()), dec)
    return {"points": total, "index": half_up(total / fw["max"] * 100, 2),
            "appraised": atotal,
            "areas": {a: 100.0 * pts[a] / area_max[a] for a in areas}, "lost": lost}


# 1. the sample, regenerated from its seed
sample = os.path.join(root, "datasets/samples/province-2024")
regen = os.path.join(work, "regen")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
subprocess.run([PY, os.path.join(root, "datasets/samples/make_province_samples.py"),
                "--out", regen], check=True)
cmp = filecmp.dircmp(sample, regen)
for f in sorted(set(os.listdir(sample)) | set(os.listdir(regen))):
    pa, pb = os.path.join(sample, f), os.path.join(regen, f)
    if os.path.isdir(pa):
        for g in sorted(os.listdir(pa)):
            if not filecmp.cmp(os.path.join(pa, g), os.path.join(pb, g), shallow=False):
                fail("sample %s/%s differs from its regeneration" % (f, g))
    elif not os.path.exists(pb) or not filecmp.cmp(pa, pb, shallow=False):
        fail("sample %s differs from its regeneration" % f)

# 2. the pack, twice
data = os.path.join(work, "data")
shutil.copytree(sample, data)
cfg = json.load(open(os.path.join(data, "report-province-2024.json"), encoding="utf-8"))
cfg["framework"] = FW
json.dump(cfg, open(os.path.join(data, "report-province-2024.json"), "w", encoding="utf-8"),
          ensure_ascii=False)
conf = os.path.join(data, "report-province-2024.json")
packs = []
for k in (1, 2):
    out = os.path.join(work, "pack%d" % k)
    p = subprocess.run([chiso, "report", conf, "--out", out, "--quiet"], capture_output=True,
                       text=True)
    if p.returncode != 0:
        sys.exit("chiso report failed (%d): %s" % (p.returncode, p.stderr))
    packs.append(out)
for f in sorted(os.listdir(packs[0])):
    if not filecmp.cmp(os.path.join(packs[0], f), os.path.join(packs[1], f), shallow=False):
        fail("two runs give different %s" % f)
pack = packs[0]

# 3. numbers
ulist = list(csv.DictReader(open(os.path.join(data, "units.csv"), encoding="utf-8")))
expect = {}
for u in ulist:
    s = score_unit(read_sheet(os.path.join(data, "sheets", u["Mã đơn vị"] + ".csv")))
    s["group"] = u["Khối"]
    expect[u["Mã đơn vị"]] = s
buf = io.StringIO()
w = csv.writer(buf)
w.writerow(["unit", "index", "group"])
for k, s in expect.items():
    w.writerow([k, repr(s["index"]), s["group"]])
src = ("d <- read.csv(file('stdin'), stringsAsFactors = FALSE)\n"
       "d$rank <- rank(-d$index, ties.method = 'min')\n"
       "d$grank <- ave(-d$index, d$group, FUN = function(x) rank(x, ties.method = 'min'))\n"
       "write.csv(d[, c('unit', 'rank', 'grank')], stdout(), row.names = FALSE)\n")
rout = subprocess.run(["Rscript", "-e", src], input=buf.getvalue(), capture_output=True,
                      text=True, check=True).stdout
ranks = {r["unit"]: (int(float(r["rank"])), int(float(r["grank"])))
         for r in csv.DictReader(io.StringIO(rout))}
got = {r["unit"]: r for r in csv.DictReader(open(os.path.join(pack, "units.csv"),
                                                  encoding="utf-8-sig"))}
if set(got) != set(expect):
    fail("units.csv units %s, expected %s" % (sorted(got), sorted(expect)))
for k, s in expect.items():
    g = got.get(k)
    if g is None:
        continue
    for what, want, have in (("points", s["points"], g["points"]),
                             ("index_pct", s["index"], g["index_pct"])):
        if abs(float(have) - want) > TOL:
            fail("%s %s: chiso %s, independently %.4f" % (k, what, have, want))
    for a in areas:
        have = float(g["area_%s_pct" % a])
        # the CSV writes 2 decimals, rounded half-up
        if abs(have - half_up(s["areas"][a], 2)) > 1e-9:
            fail("%s area %s: chiso %s, independently %.4f" % (k, a, have, s["areas"][a]))
    rk, grk = ranks[k]
    if int(g["rank"]) != rk or int(g["group_rank"]) != grk:
        fail("%s rank %s/%s, R says %d/%d" % (k, g["rank"], g["group_rank"], rk, grk))
    if g["group"] != s["group"]:
        fail("%s group %s, listed %s" % (k, g["group"], s["group"]))
app = {r["unit"]: r for r in csv.DictReader(open(os.path.join(pack, "appraisal.csv"),
                                                  encoding="utf-8-sig"))}
for k, s in expect.items():
    if k not in app:
        fail("appraisal.csv has no row for %s" % k)
        continue
    if abs(float(app[k]["appraised_points"]) - s["appraised"]) > TOL:
        fail("%s appraised: chiso %s, independently %.4f" % (k, app[k]["appraised_points"],
                                                              s["appraised"]))
    if abs(float(app[k]["change_points"]) - (s["appraised"] - s["points"])) > TOL:
        fail("%s change: chiso %s" % (k, app[k]["change_points"]))
losing, lostpts = {}, {}
for s in expect.values():
    for lid, l in s["lost"].items():
        losing[lid] = losing.get(lid, 0) + 1
        lostpts[lid] = lostpts.get(lid, 0.0) + l
crit = list(csv.DictReader(open(os.path.join(pack, "criteria-lost.csv"), encoding="utf-8-sig")))
if len(crit) != len(losing):
    fail("criteria-lost.csv has %d criteria, independently %d" % (len(crit), len(losing)))
prev = None
for r in crit:
    lid = r["criterion_id"]
    if int(r["units_losing"]) != losing.get(lid, -1):
        fail("criterion %s: %s units losing, independently %s" % (lid, r["units_losing"],
                                                                 losing.get(lid)))
    if abs(float(r["points_lost"]) - lostpts.get(lid, -1)) > TOL:
        fail("criterion %s: %s points lost, independently %.4f" % (lid, r["points_lost"],
                                                                   lostpts.get(lid, -1)))
    if prev is not None and int(r["units_losing"]) > prev:
        fail("criteria-lost.csv is not ordered by units losing")
    prev = int(r["units_losing"])

# 4. summary.json
summ = json.load(open(os.path.join(pack, "summary.json"), encoding="utf-8"))
listed = sorted(summ["files"])
present = sorted(f for f in os.listdir(pack) if not f.startswith("."))
if listed != present:
    fail("summary.json files %s, folder %s" % (listed, present))
if summ["kind"] != "province" or len(summ["scores"]["units"]) != len(expect):
    fail("summary.json kind/units")
groups = sorted(set(s["group"] for s in expect.values()))
n_rank_charts = sum(1 for f in present if f.startswith("chart-ranking-group-") and
                    f.endswith(".png"))
if n_rank_charts != len(groups):
    fail("%d group ranking charts for %d groups" % (n_rank_charts, len(groups)))

# 5. safety: refused inside an input folder or over an input, nothing created
for out in (os.path.join(data, "sheets", "pack"), os.path.join(data, "units.csv")):
    before = sorted(os.listdir(os.path.dirname(out)))
    h = open(os.path.join(data, "units.csv"), "rb").read()
    p = subprocess.run([chiso, "report", conf, "--out", out, "--quiet"], capture_output=True,
                       text=True)
    if p.returncode != 2:
        fail("pack at %s: exit %d (expected 2): %s" % (out, p.returncode, p.stderr))
    if sorted(os.listdir(os.path.dirname(out))) != before or \
            open(os.path.join(data, "units.csv"), "rb").read() != h:
        fail("pack at %s changed the inputs" % out)

# 6. groups from the sheets' Khối column (no unit list), workbooks
import openpyxl  # Debian's python3-openpyxl (build.sh)

xdir = os.path.join(work, "xlsx-folder")
os.makedirs(xdir)
big = openpyxl.Workbook()
bs = big.active
bs.title = "Tự chấm"
bs.append(["Đơn vị", "Khối", "Mã tiêu chí", "Giá trị", "Tử số", "Mẫu số", "Điểm tự chấm",
           "Điểm thẩm định", "Tài liệu kiểm chứng"])
names = {u["Mã đơn vị"]: u for u in ulist}


def cell(v):
    v = v.strip()
    if v == "":
        return None
    try:
        return float(v.replace(",", "."))
    except ValueError:
        return v


for u in ulist:
    code = u["Mã đơn vị"]
    rows = list(csv.reader(open(os.path.join(data, "sheets", code + ".csv"), encoding="utf-8"),
                           delimiter=";"))
    hdr = rows[0]
    ix = {h: i for i, h in enumerate(hdr)}
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phiếu tự chấm"
    ws.append(["Bảng tự chấm điểm năm 2024 - " + u["Tên đơn vị"]])
    ws.append(["Khối"] + hdr)
    for r in rows[1:]:
        ws.append([u["Khối"], r[0], r[1]] + [cell(v) for v in r[2:]])
        bs.append([code, u["Khối"], r[0]] +
                  [cell(r[ix[h]]) if h in ix else None for h in
                   ("Giá trị", "Tử số", "Mẫu số", "Điểm tự chấm", "Điểm thẩm định",
                    "Tài liệu kiểm chứng")])
    wb.save(os.path.join(xdir, code + ".xlsx"))
xone = os.path.join(work, "all-units.xlsx")
big.save(xone)

# ranks recomputed here from the independent per-unit index %
def py_ranks(idx, grp):
    rk = {k: 1 + sum(1 for j in idx if idx[j] > idx[k] + 1e-9) for k in idx}
    grk = {k: 1 + sum(1 for j in idx if grp[j] == grp[k] and idx[j] > idx[k] + 1e-9)
           for k in idx}
    return rk, grk


idx = {k: half_up(s["index"], 2) for k, s in expect.items()}
grp = {k: s["group"] for k, s in expect.items()}
prk, pgrk = py_ranks(idx, grp)


def check_units_csv(path, what):
    got = {r["unit"]: r for r in csv.DictReader(open(path, encoding="utf-8-sig"))}
    if set(got) != set(expect):
        fail("%s: units %s" % (what, sorted(got)))
        return
    for k, s in expect.items():
        g = got[k]
        if g["group"] != s["group"]:
            fail("%s: %s group '%s', the sheet says '%s'" % (what, k, g["group"], s["group"]))
        if abs(float(g["index_pct"]) - s["index"]) > TOL or \
                abs(float(g["points"]) - s["points"]) > TOL:
            fail("%s: %s index %s points %s, independently %.4f %.4f" %
                 (what, k, g["index_pct"], g["points"], s["index"], s["points"]))
        ngrp = sum(1 for j in grp if grp[j] == s["group"])
        if (int(g["rank"] or -1), int(g["group_rank"] or -1),
                int(g["group_rank_of"] or -1)) != \
                (prk[k], pgrk[k], ngrp):
            fail("%s: %s rank %s, group rank %s/%s; recomputed %d, %d/%d" %
                 (what, k, g["rank"], g["group_rank"], g["group_rank_of"], prk[k], pgrk[k],
                  ngrp))


for ev, tag in ((xdir, "xlsx folder"), (xone, "one xlsx")):
    c = dict(cfg)
    c.pop("units", None)
    c["evidence"] = ev
    cpath = os.path.join(work, "cfg-%s.json" % tag.replace(" ", "-"))
    json.dump(c, open(cpath, "w", encoding="utf-8"), ensure_ascii=False)
    out = os.path.join(work, "pack-%s" % tag.replace(" ", "-"))
    p = subprocess.run([chiso, "report", cpath, "--out", out, "--quiet"], capture_output=True,
                       text=True)
    if p.returncode != 0:
        fail("%s: chiso report exit %d: %s" % (tag, p.returncode, p.stderr))
        continue
    check_units_csv(os.path.join(out, "units.csv"), tag + " pack")
    sm = json.load(open(os.path.join(out, "summary.json"), encoding="utf-8"))
    if sm.get("groups_from") != "sheets":
        fail("%s: groups_from %s" % (tag, sm.get("groups_from")))
    nch = sum(1 for f in os.listdir(out) if f.startswith("chart-ranking-group-") and
              f.endswith(".png"))
    if nch != len(groups):
        fail("%s: %d group charts for %d groups" % (tag, nch, len(groups)))
    ucsv = os.path.join(work, "score-%s.csv" % tag.replace(" ", "-"))
    p = subprocess.run([chiso, "score", FW, ev, "--all-units", "--csv", ucsv],
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail("%s: chiso score --all-units exit %d: %s" % (tag, p.returncode, p.stderr))
    else:
        check_units_csv(ucsv, tag + " score --all-units")

# one unit in two groups: an error at the cell, naming both
cdir = os.path.join(work, "xlsx-conflict")
shutil.copytree(xdir, cdir)
wb = openpyxl.load_workbook(os.path.join(cdir, "SNV.xlsx"))
other = [g for g in groups if g != names["SNV"]["Khối"]][0]
wb.active["A9"] = other
wb.save(os.path.join(cdir, "SNV.xlsx"))
c = dict(cfg)
c.pop("units", None)
c["evidence"] = cdir
cpath = os.path.join(work, "cfg-conflict.json")
json.dump(c, open(cpath, "w", encoding="utf-8"), ensure_ascii=False)
out = os.path.join(work, "pack-conflict")
for args in (["report", cpath, "--out", out], ["score", FW, cdir, "--all-units"]):
    p = subprocess.run([chiso] + args, capture_output=True, text=True)
    if p.returncode != 1 or "SNV.xlsx:Phiếu tự chấm!A9" not in p.stderr or \
            names["SNV"]["Khối"] not in p.stderr or other not in p.stderr:
        fail("conflicting groups (%s): exit %d: %s" % (args[0], p.returncode, p.stderr))
if os.path.exists(out):
    fail("conflicting groups: %s was written" % out)

# no unit list, no group column: ranked without groups, and said so
c = dict(cfg)
c.pop("units", None)
c["evidence"] = os.path.join(data, "sheets")
cpath = os.path.join(work, "cfg-nogroups.json")
json.dump(c, open(cpath, "w", encoding="utf-8"), ensure_ascii=False)
out = os.path.join(work, "pack-nogroups")
p = subprocess.run([chiso, "report", cpath, "--out", out, "--quiet"], capture_output=True,
                   text=True)
if p.returncode != 0:
    fail("no groups: exit %d: %s" % (p.returncode, p.stderr))
else:
    sm = json.load(open(os.path.join(out, "summary.json"), encoding="utf-8"))
    codes = [w["code"] for w in sm["warnings"]]
    if sm.get("groups_from") != "none" or "units_without_groups" not in codes or \
            any(f.startswith("chart-ranking-group-") for f in os.listdir(out)):
        fail("no groups: groups_from %s, warnings %s" % (sm.get("groups_from"), codes))
    for r in csv.DictReader(open(os.path.join(out, "units.csv"), encoding="utf-8-sig")):
        if r["group"] != "" or int(r["rank"]) != prk[r["unit"]]:
            fail("no groups: %s group '%s' rank %s (recomputed %d)" %
                 (r["unit"], r["group"], r["rank"], prk[r["unit"]]))

print("province pack: %d units, %d criteria, %d disagreements" % (len(expect), len(crit), bad))
sys.exit(1 if bad else 0)
