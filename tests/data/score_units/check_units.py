#!/usr/bin/env python3
"""check_units.py CHISO SOURCE_ROOT [--emit-must]

Cross-checks `chiso score --all-units` independently of chiso's code:
  1. every unit's points and index % are recomputed here, by a separate
     scorer written from the rules' definitions (README "Scoring rules"):
     binary, bands, proportional, deduction, manual; points rounded half-up
     to the framework's decimals (after removing binary noise, as a person
     rounds the decimal), areas and total add the rounded points;
  2. the ranks and the ranks within groups are recomputed in R from the
     per-unit index % (rank(-x, ties.method = "min"), competition ranking);
  3. both are compared with chiso's --csv output, for the province folder of
     the golden case score-units/province-folder and for a generated sheet
     with many ties (40 units, 3 groups, values from a small set).
With --emit-must, prints the facts for the golden's `must` file instead.
Exit status 0 when everything agrees.
"""
import csv, io, json, os, random, subprocess, sys, tempfile
from decimal import Decimal, ROUND_HALF_UP

chiso, root = sys.argv[1], sys.argv[2]
emit = "--emit-must" in sys.argv
FW = os.path.join(root, "indicators/frameworks/par-department-template.json")
CASE = os.path.join(root, "tests/golden/score-units/province-folder")


def half_up(x, d):
    return float(Decimal(format(x, ".12g")).quantize(Decimal(1).scaleb(-d), ROUND_HALF_UP))


def num(s):
    s = s.strip().replace("%", "")
    if s == "":
        return None
    if not any(c.isdigit() for c in s):
        return None  # yes/no
    if "," in s and "." in s:
        s = s.replace(".", "").replace(",", ".") if s.rfind(",") > s.rfind(".") else s.replace(",", "")
    return float(s.replace(",", "."))


YES = {"có", "co", "1", "x", "yes", "đạt", "true"}
NO = {"không", "khong", "0", "no", "không đạt", "false"}


def load_fw():
    fw = json.load(open(FW, encoding="utf-8"))
    leaves, areas = {}, []

    def walk(ns, area):
        for n in ns:
            if "children" in n:
                walk(n["children"], area)
            else:
                leaves[n["id"]] = (n, area)
    for a in fw["nodes"]:
        areas.append(a["id"])
        walk(a.get("children", [a]), a["id"])
    return fw, leaves, areas


def score_leaf(n, row):
    """Points (unrounded) of a leaf from its row (dict of column -> text)."""
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
            return 0.0  # zero denominator: no score / 0 in this framework
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
        "Điểm tự chấm": "points", "Đơn vị": "unit", "Khối": "group"}


def read_sheet(path):
    with open(path, encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter=";"))
    head = [COLS.get(h, h) for h in rows[0]]
    return [dict(zip(head, r)) for r in rows[1:]]


def score_unit(fw, leaves, areas, rows):
    dec = fw.get("points_decimals", 2)
    by_id = {r["id"]: r for r in rows}
    area_pts = {a: 0.0 for a in areas}
    for lid, (n, area) in leaves.items():
        area_pts[area] += half_up(score_leaf(n, by_id.get(lid)), dec)
    total = half_up(sum(half_up(p, dec) for p in area_pts.values()), dec)
    return total, half_up(total / fw["max"] * 100, fw.get("index_decimals", 2))


def r_ranks(units):
    """Ranks overall and within groups, computed by R."""
    src = "d <- read.csv(file('stdin'), stringsAsFactors = FALSE)\n" \
          "d$rank <- rank(-d$index, ties.method = 'min')\n" \
          "d$grank <- ave(-d$index, d$group, FUN = function(x) rank(x, ties.method = 'min'))\n" \
          "write.csv(d[, c('unit', 'rank', 'grank')], stdout(), row.names = FALSE)\n"
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["unit", "index", "group"])
    for u in units:
        w.writerow([u["unit"], repr(u["index"]), u["group"]])
    out = subprocess.run(["Rscript", "-e", src], input=buf.getvalue(), capture_output=True,
                         text=True, check=True).stdout
    return {r["unit"]: (int(float(r["rank"])), int(float(r["grank"])))
            for r in csv.DictReader(io.StringIO(out))}


def run_chiso(args, cwd):
    p = subprocess.run([chiso] + args, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("chiso failed (%d): %s" % (p.returncode, p.stderr))


def check(label, expect, got_csv, facts):
    got = {r["unit"]: r for r in csv.DictReader(open(got_csv, encoding="utf-8"))}
    ranks = r_ranks(expect)
    bad = 0
    for u in expect:
        g = got[u["unit"]]
        rk, grk = ranks[u["unit"]]
        pairs = [("points", "%.2f" % u["points"], g["points"]),
                 ("index_pct", "%.2f" % u["index"], g["index_pct"]),
                 ("rank", str(rk), g["rank"]), ("group_rank", str(grk), g["group_rank"]),
                 ("group", u["group"], g["group"])]
        for what, want, have in pairs:
            if want != have:
                print("%s: unit %s: %s is %s, independently %s" % (label, u["unit"], what, have, want))
                bad += 1
        line = io.StringIO()
        csv.writer(line, lineterminator="").writerow(
            [rk, len(expect), u["unit"], u["name"], u["group"], grk])
        facts.append(line.getvalue())
    print("%s: %d units, %d disagreements" % (label, len(expect), bad))
    return bad


fw, leaves, areas = load_fw()
bad = 0
facts = []
# 1. the province folder of the golden case
units = list(csv.DictReader(open(os.path.join(CASE, "units.csv"), encoding="utf-8")))
expect = []
for u in units:
    path = os.path.join(CASE, "sheets", u["Mã đơn vị"] + ".csv")
    if not os.path.exists(path):
        continue
    pts, idx = score_unit(fw, leaves, areas, read_sheet(path))
    expect.append({"unit": u["Mã đơn vị"], "name": u["Tên đơn vị"], "group": u["Khối"],
                   "points": pts, "index": idx})
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "ranks.csv")
    run_chiso(["score", FW, os.path.join(CASE, "sheets"), "--units",
               os.path.join(CASE, "units.csv"), "--csv", out], tmp)
    bad += check("province folder", expect, out, facts)
    if emit:
        print("# ranks and group ranks from R, totals from tests/data/score_units/check_units.py")
        for f in facts:
            print("files/ranks.csv\t" + f)
        sys.exit(0)
    # 2. many ties: 40 units, 3 groups, one sheet with unit and group columns
    rng = random.Random(7)
    groups = ["Khối sở, ban, ngành", "Khối UBND cấp huyện", "Khối UBND cấp xã"]
    rows = [["Đơn vị", "Khối", "Mã tiêu chí", "Giá trị", "Tử số", "Mẫu số", "Điểm tự chấm",
             "Tài liệu kiểm chứng"]]
    expect = []
    profiles = []  # 9 profiles shared by 40 units: many ties, across groups too
    for p in range(9):
        prof = []
        for lid, (n, area) in leaves.items():
            r = n["rule"]
            t = r if isinstance(r, str) else r["type"]
            v = nu = de = pts = ""
            if t == "manual":
                pts = rng.choice(["0", "0,5", "1"]) if n["max"] >= 1 else "0"
            elif t == "binary":
                v = rng.choice(["Có", "Có", "Không"])
            elif t == "deduction":
                v = rng.choice(["0", "1", "2"])
            elif rng.random() < 0.5:
                de = str(rng.randrange(5, 40))
                nu = str(rng.randrange(0, int(de) + 1))
            else:
                v = rng.choice(["100", "90", "80,5"])
            prof.append({"id": lid, "value": v, "num": nu, "den": de, "points": pts})
        profiles.append(prof)
    for k in range(40):
        unit, grp = "Đơn vị %02d" % k, groups[k % 3]
        urows = profiles[rng.randrange(len(profiles))]
        for r in urows:
            rows.append([unit, grp, r["id"], r["value"], r["num"], r["den"], r["points"], "VB 1"])
        pts, idx = score_unit(fw, leaves, areas, urows)
        expect.append({"unit": unit, "name": "", "group": grp, "points": pts, "index": idx})
    sheet = os.path.join(tmp, "ties.csv")
    with open(sheet, "w", encoding="utf-8") as f:
        csv.writer(f, delimiter=";", lineterminator="\n").writerows(rows)
    out = os.path.join(tmp, "ties-ranks.csv")
    run_chiso(["score", FW, sheet, "--all-units", "--csv", out], tmp)
    n_tied = len(expect) - len({u["index"] for u in expect})
    print("ties: %d units share an index with another" % n_tied)
    if n_tied < 10:
        print("the tie sheet has too few ties to test the ranking")
        bad += 1
    bad += check("ties", expect, out, [])
sys.exit(1 if bad else 0)
