#!/usr/bin/python3
"""check_form.py - the self-assessment workbook, checked by other programs.

    check_form.py CHISO FRAMEWORK.json SOURCE_ROOT WORKDIR STEP

STEP is one of:
  structure  chiso writes the form; openpyxl checks it against the framework
             (one row per node in tree order, subtotal formulas over exactly
             the children, maxima, validation, protection, pre-filled derived
             values marked), then fills it as an office would and LibreOffice
             recalculates it: every subtotal equals the sum python computes.
  score      the form filled by openpyxl (not by chiso) is scored by
             `chiso score`: every leaf's points equal the points python
             computes from the framework's rules, independently of chiso.
             Exits 77 (skipped) while chiso cannot read workbooks as
             evidence sheets.
  score-csv  the same, through a CSV that python writes from the filled
             workbook (header row and leaf rows, as an office exports a
             sheet): runs until chiso reads workbooks itself.
  appraisal  the filled form becomes the council's copy (chiso form
             --appraisal); openpyxl checks the unit's cells are locked and
             fills the appraised points; `chiso form review` and `chiso
             score` report the criteria changed and the explanations
             missing. Exits 77 like `score`.

The framework is read from its JSON (python's json module); the rules are
re-implemented here from docs/frameworks.md, not taken from chiso.
"""
import json
import math
import os
import shutil
import subprocess
import sys

import openpyxl

CHISO, FRAMEWORK, ROOT, WORK, STEP = sys.argv[1:6]
os.makedirs(WORK, exist_ok=True)
SKIP = 77
HEADER_ROW = 6  # 1-based
HEADERS = ["Mã", "Tên tiêu chí", "Điểm tối đa", "Cách chấm", "Áp dụng",
           "Giá trị", "Tử số", "Mẫu số", "Điểm tự chấm",
           "Tài liệu kiểm chứng", "Giải trình", "Nguồn số liệu", "Kiểm tra"]
COL = {h: i + 1 for i, h in enumerate(HEADERS)}
TASKS = os.path.join(ROOT, "datasets/samples/tasks-skhcn-2024.csv")
DOSSIERS = os.path.join(ROOT, "datasets/samples/dossiers-skhcn-2024.csv")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(args, ok=(0,)):
    p = subprocess.run([CHISO] + args, capture_output=True, text=True,
                       env=dict(os.environ, LC_ALL="C"))
    if p.returncode not in ok:
        fail("chiso %s -> %d\n%s%s" % (" ".join(args), p.returncode,
                                        p.stdout, p.stderr))
    return p


# ---- the framework, walked in tree order -------------------------------

fw = json.load(open(FRAMEWORK, encoding="utf-8"))
DEC = fw.get("points_decimals")
nodes = []  # (node, depth, parent_id)


def walk(lst, depth, parent):
    for n in lst:
        nodes.append((n, depth, parent))
        if "children" in n:
            walk(n["children"], depth + 1, n["id"])


walk(fw["nodes"], 0, None)
by_id = {n["id"]: n for n, _, _ in nodes}


def rule(n):
    r = n.get("rule")
    return {"type": r} if isinstance(r, str) else r


def round_half_up(x, d):
    if d is None:
        return x
    f = 10 ** d
    return math.floor(x * f + 0.5 + 1e-9) / f


def unit_full(u):
    return 1.0 if u == "ratio" else 100.0


def leaf_points(n, value, entered, terms_values):
    """Points of a leaf from its rule (docs/frameworks.md, 'Scoring rules')."""
    r = rule(n)
    t, mx = r["type"], n["max"]
    if t == "manual":
        return entered if entered is not None else 0.0
    if t == "binary":
        return mx if value == "có" else 0.0
    if t == "proportional":
        u = r.get("unit", "percent")
        target = r.get("target", unit_full(u))
        p = mx * value / target
        return min(mx, p) if r.get("capped", True) else p
    if t == "bands":
        bands = r["bands"]
        if "min" in bands[0]:
            for b in bands:
                if value >= b["min"] - 1e-12:
                    return b["points"]
        else:
            for b in bands:
                if b["max"] is None or value <= b["max"] + 1e-12:
                    return b["points"]
        fail("value %r in no band of %s" % (value, n["id"]))
    if t == "deduction":
        return max(0.0, mx - r["per"] * value)
    if t == "terms":
        s = 0.0
        for term in r["terms"]:
            v = terms_values[term["input"]]
            u = term.get("unit", "percent")
            full = term.get("full_at", unit_full(u))
            p = term["points"] * v / full
            s += min(term["points"], p) if term.get("capped", True) else p
        return min(mx, s)
    if t == "tracked":
        return 0.0
    fail("unknown rule " + t)


# ---- writing and reading the form --------------------------------------

def form_path(name):
    return os.path.join(WORK, name)


def make_form():
    path = form_path("tucham.xlsx")
    if os.path.exists(path):
        os.remove(path)
    run(["form", FRAMEWORK, "-o", path, "--unit", "SKHCN", "--period",
         "2024-H2", "--tasks", TASKS, "--dossiers", DOSSIERS])
    return path


def rows_by_code(ws):
    out = {}
    order = []
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        code = ws.cell(r, COL["Mã"]).value
        if code is None or code == "Tổng cộng":
            continue
        out[str(code)] = r
        order.append(str(code))
    return out, order


def cell_ref(col, row):
    return "%s%d" % (openpyxl.utils.get_column_letter(col), row)


def check_structure(path):
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    got = [ws.cell(HEADER_ROW, c).value for c in range(1, len(HEADERS) + 1)]
    if got != HEADERS:
        fail("header row %r" % got)
    if not ws.protection.sheet:
        fail("the sheet is not protected")
    rows, order = rows_by_code(ws)
    want = []
    for n, _, _ in nodes:
        want.append(n["id"])
        for term in (rule(n) or {}).get("terms", []) if "rule" in n else []:
            want.append(term["input"])
    if order != want:
        fail("rows are not the framework's nodes in tree order:\n%r\n%r"
             % (order[:12], want[:12]))
    dv = {}
    for v in ws.data_validations.dataValidation:
        for rng in str(v.sqref).split():
            dv[rng] = v
    n_derived = 0
    for n, depth, _ in nodes:
        r = rows[n["id"]]
        if ws.cell(r, COL["Điểm tối đa"]).value != n["max"]:
            fail("%s: maximum %r" % (n["id"], ws.cell(r, COL["Điểm tối đa"]).value))
        pts = ws.cell(r, COL["Điểm tự chấm"])
        if "children" in n:
            want_f = "=SUM(%s)" % ",".join(
                cell_ref(COL["Điểm tự chấm"], rows[c["id"]])
                for c in n["children"])
            if pts.value != want_f:
                fail("%s: subtotal %r, expected %r" % (n["id"], pts.value, want_f))
            for c in ("Mã", "Tên tiêu chí", "Điểm tối đa", "Điểm tự chấm"):
                if not ws.cell(r, COL[c]).protection.locked:
                    fail("%s: structure cell %s is not locked" % (n["id"], c))
            continue
        ru = rule(n)
        if ws.cell(r, COL["Cách chấm"]).value in (None, ""):
            fail("%s: no rule in words" % n["id"])
        if not ws.cell(r, COL["Mã"]).protection.locked:
            fail("%s: code cell unlocked" % n["id"])
        if ru["type"] != "tracked":
            if pts.protection.locked:
                fail("%s: points cell locked" % n["id"])
            v = dv.get(pts.coordinate)
            if v is None or v.type != "decimal" or \
                    float(v.formula1) != 0 or float(v.formula2) != n["max"]:
                fail("%s: points validation %r" % (n["id"], v and (v.type, v.formula1, v.formula2)))
        if ru["type"] == "binary":
            v = dv.get(ws.cell(r, COL["Giá trị"]).coordinate)
            if v is None or v.type != "list" or "có" not in v.formula1:
                fail("%s: yes/no list missing" % n["id"])
        if ws.cell(r, COL["Tài liệu kiểm chứng"]).protection.locked or \
                ws.cell(r, COL["Giải trình"]).protection.locked:
            fail("%s: evidence/explanation locked" % n["id"])
        src = ru.get("source")
        val = ws.cell(r, COL["Giá trị"])
        if src and val.value is not None:
            n_derived += 1
            color = val.fill.fgColor.rgb if val.fill else None
            if ws.cell(r, COL["Nguồn số liệu"]).value != src or \
                    not str(color).upper().endswith("DDEBF7"):
                fail("%s: pre-filled value not marked (%r, %r)" % (n["id"], src, color))
    return rows, n_derived


# ---- filling it as an office would (openpyxl, not chiso) ----------------

def fill(path, out):
    """Fill the input cells; return what was entered, by code."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    rows, _ = rows_by_code(ws)
    entered = {}
    k = 0
    unexplained = None
    for n, _, _ in nodes:
        if "children" in n:
            continue
        r = rows[n["id"]]
        ru = rule(n)
        e = {"value": ws.cell(r, COL["Giá trị"]).value,
             "points": ws.cell(r, COL["Điểm tự chấm"]).value,
             "kad": False, "terms": {}}
        k += 1
        derived = ru.get("source") and e["value"] is not None
        if not derived:
            t = ru["type"]
            if k == 3:
                ws.cell(r, COL["Áp dụng"]).value = "KAD"
                e["kad"] = True
            elif t == "manual":
                e["points"] = round_half_up(n["max"] * 0.5, 2)
                ws.cell(r, COL["Điểm tự chấm"]).value = e["points"]
            elif t == "binary":
                e["value"] = "có" if k % 2 else "không"
                ws.cell(r, COL["Giá trị"]).value = e["value"]
            elif t in ("proportional", "bands"):
                e["value"] = 0.75 if ru.get("unit") == "ratio" else 75.0
                ws.cell(r, COL["Giá trị"]).value = e["value"]
            elif t == "deduction":
                e["value"] = 1
                ws.cell(r, COL["Giá trị"]).value = 1
            elif t == "tracked":
                e["value"] = 10
                ws.cell(r, COL["Giá trị"]).value = 10
            for term in ru.get("terms", []):
                tr = rows[term["input"]]
                ws.cell(tr, COL["Giá trị"]).value = 60.0
                e["terms"][term["input"]] = 60.0
        # evidence for all but one manual leaf with points: it explains
        # nothing, and the form must ask for it
        if unexplained is None and ru["type"] == "manual" and not e["kad"]:
            unexplained = n["id"]
        else:
            ws.cell(r, COL["Tài liệu kiểm chứng"]).value = "VB %d/SKHCN" % k
        entered[n["id"]] = e
    entered["_unexplained"] = unexplained
    wb.save(out)
    return entered


def expected_points(entered):
    pts = {}
    for n, _, _ in nodes:
        if "children" in n or rule(n)["type"] == "tracked":
            continue
        e = entered[n["id"]]
        if e["kad"]:
            continue
        v = e["value"]
        if rule(n)["type"] in ("proportional", "bands", "deduction") and v is None:
            continue
        pts[n["id"]] = round_half_up(
            leaf_points(n, v, e["points"], e["terms"]), DEC)
    return pts


def recalc(path):
    """LibreOffice recalculates the workbook; its cached values back."""
    soffice = shutil.which("soffice")
    if soffice is None:
        fail("LibreOffice (soffice) is needed")
    outdir = form_path("lo")
    os.makedirs(outdir, exist_ok=True)
    p = subprocess.run([soffice, "--headless", "--norestore",
                        "-env:UserInstallation=file://" + form_path("lo-profile"),
                        "--convert-to", "xlsx", "--outdir", outdir, path],
                       capture_output=True, text=True, timeout=180)
    res = os.path.join(outdir, os.path.basename(path))
    if p.returncode != 0 or not os.path.exists(res):
        fail("LibreOffice could not open the form: %s %s" % (p.stdout, p.stderr))
    return openpyxl.load_workbook(res, data_only=True).worksheets[0]


def saved_by_office(path):
    """The workbook as an office saves it: openpyxl writes formulas without
    their values, Excel and LibreOffice store both. LibreOffice opens and
    saves it; the path of the saved copy."""
    soffice = shutil.which("soffice")
    if soffice is None:
        fail("LibreOffice (soffice) is needed")
    outdir = form_path("saved")
    os.makedirs(outdir, exist_ok=True)
    p = subprocess.run([soffice, "--headless", "--norestore",
                        "-env:UserInstallation=file://" + form_path("lo-profile"),
                        "--convert-to", "xlsx", "--outdir", outdir, path],
                       capture_output=True, text=True, timeout=180)
    res = os.path.join(outdir, os.path.basename(path))
    if p.returncode != 0 or not os.path.exists(res):
        fail("LibreOffice could not save the form: %s %s" % (p.stdout, p.stderr))
    return res


def reads_workbooks():
    """Can chiso read a workbook as an evidence sheet yet?"""
    p = subprocess.run([CHISO, "--lang", "en", "score", FRAMEWORK,
                        form_path("tucham.xlsx")],
                       capture_output=True, text=True)
    return "NUL byte" not in p.stderr and "not a text file" not in p.stderr


def step_structure():
    path = make_form()
    rows, n_derived = check_structure(path)
    if n_derived == 0 and any(rule(n).get("source") for n, _, _ in nodes
                              if "rule" in n):
        fail("no derived value was pre-filled")
    entered = fill(path, form_path("filled.xlsx"))
    ws = recalc(form_path("filled.xlsx"))
    # subtotals: the sum of the points entered (or pre-filled) below
    def entered_sum(n):
        if "children" in n:
            return sum(entered_sum(c) for c in n["children"])
        p = entered[n["id"]]["points"]
        return float(p) if p is not None else 0.0
    for n, _, _ in nodes:
        if "children" not in n:
            continue
        got = ws.cell(rows[n["id"]], COL["Điểm tự chấm"]).value
        if got is None or abs(got - entered_sum(n)) > 1e-9:
            fail("%s: LibreOffice subtotal %r, python %r" % (n["id"], got, entered_sum(n)))
    # the check column asks for the one explanation left out
    missing = [ws.cell(r, COL["Mã"]).value for r in range(HEADER_ROW + 1, ws.max_row + 1)
               if ws.cell(r, COL["Kiểm tra"]).value == "Thiếu giải trình"]
    want = [entered["_unexplained"]] if entered["_unexplained"] else []
    if missing != want:
        fail("the check column asks for explanations of %r, expected %r"
             % (missing, want))
    print("ok: %d nodes, %d pre-filled, subtotals recalculated by LibreOffice, "
          "explanation asked for: %s" % (len(nodes), n_derived, missing))


def step_score():
    path = make_form()
    entered = fill(path, form_path("filled.xlsx"))
    if not reads_workbooks():
        print("SKIP: chiso cannot read workbooks as evidence sheets yet")
        sys.exit(SKIP)
    # formulas openpyxl left without a value are refused at their cell,
    # never read as empty or zero
    p = run(["--lang", "en", "score", FRAMEWORK, form_path("filled.xlsx")],
            ok=(0, 1))
    if p.returncode == 1 and "filled.xlsx:" not in p.stderr:
        fail("an uncalculated formula is not named at its cell: " + p.stderr)
    p = run(["score", FRAMEWORK, saved_by_office(form_path("filled.xlsx")),
             "--json", "-"])
    res = json.loads(p.stdout)
    n = check_scores(res, entered)
    print("ok: %d leaves scored as python computes them; total %s" %
          (n, res["total"]["points"]))


def check_scores(res, entered):
    want = expected_points(entered)
    got = {x["id"]: x for x in res["nodes"]}
    for k, v in want.items():
        if got[k]["points"] is None or abs(got[k]["points"] - v) > 0.006:
            fail("%s: chiso %r, python %r" % (k, got[k]["points"], v))
    kad = [k for k, e in entered.items() if k[0] != "_" and e["kad"]]
    for k in kad:
        if got[k]["applicable"]:
            fail("%s: KAD not read as not applicable" % k)
    return len(want)


def export_csv(xlsx, out, n_cols):
    """The header row and the leaf rows of a filled workbook as CSV, the
    way an office exports a sheet (formulas have no value in the file)."""
    import csv
    ws = openpyxl.load_workbook(xlsx).worksheets[0]
    leaves = {n["id"] for n, _, _ in nodes if "children" not in n}
    for n, _, _ in nodes:
        for term in (rule(n) or {}).get("terms", []) if "rule" in n else []:
            leaves.add(term["input"])
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([ws.cell(HEADER_ROW, c).value for c in range(1, n_cols + 1)])
        for r in range(HEADER_ROW + 1, ws.max_row + 1):
            if str(ws.cell(r, 1).value) not in leaves:
                continue
            row = []
            for c in range(1, n_cols + 1):
                v = ws.cell(r, c).value
                if isinstance(v, str) and v.startswith("="):
                    v = ""
                row.append("" if v is None else v)
            w.writerow(row)
    return out


def step_score_csv():
    path = make_form()
    entered = fill(path, form_path("filled.xlsx"))
    out = export_csv(form_path("filled.xlsx"), form_path("filled.csv"),
                     len(HEADERS))
    p = run(["score", FRAMEWORK, out, "--json", "-"])
    n = check_scores(json.loads(p.stdout), entered)
    print("ok: %d leaves of the form filled by openpyxl scored as python "
          "computes them (through CSV)" % n)


def step_appraisal():
    path = make_form()
    fill(path, form_path("filled.xlsx"))
    direct = reads_workbooks()
    self_sheet = saved_by_office(form_path("filled.xlsx"))
    if not direct:
        # until chiso reads workbooks: the unit's sheet goes through CSV
        self_sheet = export_csv(self_sheet, form_path("filled.csv"),
                                len(HEADERS))
    copy = form_path("thamdinh.xlsx")
    if os.path.exists(copy):
        os.remove(copy)
    run(["form", FRAMEWORK, "-o", copy, "--appraisal", self_sheet,
         "--unit", "SKHCN"])
    wb = openpyxl.load_workbook(copy)
    ws = wb.worksheets[0]
    rows, _ = rows_by_code(ws)
    hdr = [ws.cell(HEADER_ROW, c).value for c in range(1, 17)]
    ca, cc = hdr.index("Điểm thẩm định") + 1, hdr.index("Ý kiến thẩm định") + 1
    changed = []
    for n, _, _ in nodes:
        if "children" in n or rule(n)["type"] == "tracked":
            continue
        r = rows[n["id"]]
        for c in ("Giá trị", "Điểm tự chấm", "Tài liệu kiểm chứng", "Giải trình"):
            if not ws.cell(r, COL[c]).protection.locked:
                fail("%s: the unit's %s is not read-only" % (n["id"], c))
        if ws.cell(r, ca).protection.locked:
            fail("%s: appraised points locked" % n["id"])
        self_pts = ws.cell(r, COL["Điểm tự chấm"]).value
        if self_pts is not None and len(changed) < 2 and self_pts > 0:
            ws.cell(r, ca).value = 0
            ws.cell(r, cc).value = "Không có tài liệu kiểm chứng"
            changed.append(n["id"])
        elif self_pts is not None:
            ws.cell(r, ca).value = self_pts
    filled = form_path("thamdinh-filled.xlsx")
    wb.save(filled)
    filled = saved_by_office(filled)
    if not direct:
        filled = export_csv(filled, form_path("thamdinh-filled.csv"), 16)
    p = run(["form", "review", FRAMEWORK, filled, "--unit", "SKHCN",
             "--json", "-"])
    rev = json.loads(p.stdout)
    if sorted(x["id"] for x in rev["changed"]) != sorted(changed):
        fail("review: changed %r, expected %r" % (rev["changed"], changed))
    unexplained = [x["id"] for x in rev["explanation_missing"]]
    # the score reads self and appraised points side by side
    res = json.loads(run(["score", FRAMEWORK, filled, "--json", "-"]).stdout)
    got = {x["id"]: x for x in res["nodes"]}
    for k in changed:
        if got[k]["appraised_points"] != 0 or got[k]["self_minus_appraised"] <= 0:
            fail("%s: score shows appraised %r" % (k, got[k]["appraised_points"]))
    print("ok: appraisal copy locks the unit's cells; review: changed %s, "
          "explanations missing %s%s" % (changed, unexplained,
                                         "" if direct else " (through CSV)"))


{"structure": step_structure, "score": step_score,
 "score-csv": step_score_csv,
 "appraisal": step_appraisal}[STEP]()
