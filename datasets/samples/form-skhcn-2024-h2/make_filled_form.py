#!/usr/bin/python3
"""make_filled_form.py - the shipped self-assessment form, filled by another
program, and its expected score derived without chiso.

    make_filled_form.py CHISO            write tucham-skhcn-2024-h2.xlsx and
                                         expected-score.json (this folder)
    make_filled_form.py CHISO --check    score the shipped workbook with
                                         `chiso score --json` and compare it
                                         with what this script computes from
                                         the workbook's cells (a test)

Run from anywhere; paths are relative to the repository root, so the form
names the sample logs the way the README's command does.

Writing: `chiso form` writes the blank form for SKHCN, 2024-H2, with the
values the task register and the dossier log give pre-filled (the README's
command); openpyxl fills the yellow cells as the office would (values, the
points it gives itself, evidence references, an explanation where evidence is
missing, one criterion marked KAD); LibreOffice opens and saves it, as an
office's spreadsheet program does (so the subtotal formulas carry values).
The office's answers are synthetic (see README.md here), not a real unit's.

Checking: the points of every leaf are recomputed here from the framework's
JSON (python's json module, the rules of docs/frameworks.md re-implemented)
and the cells of the filled workbook (openpyxl), then summed and turned into
the index and the classification; `chiso score`'s JSON must agree within
0.005 points.
"""
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
FRAMEWORK = "indicators/frameworks/par-department-template.json"
TASKS = "datasets/samples/tasks-skhcn-2024.csv"
DOSSIERS = "datasets/samples/dossiers-skhcn-2024.csv"
FILLED = os.path.join(HERE, "tucham-skhcn-2024-h2.xlsx")
EXPECTED = os.path.join(HERE, "expected-score.json")
HEADER_ROW = 6
HEADERS = ["Mã", "Tên tiêu chí", "Điểm tối đa", "Cách chấm", "Áp dụng",
           "Giá trị", "Tử số", "Mẫu số", "Điểm tự chấm",
           "Tài liệu kiểm chứng", "Giải trình", "Nguồn số liệu", "Kiểm tra"]
COL = {h: i + 1 for i, h in enumerate(HEADERS)}

# What the office enters, by criterion: value ("có"/"không", a % or a
# count), numerator/denominator where it has them, its own points, the
# evidence reference, the explanation. Leaves not listed keep what chiso
# pre-filled from the logs (1.5.1, 1.5.2, 3.3, 3.4.x, 3.5, 7.3).
ENTRIES = {
    "1.1": dict(value="có", points=1,
                evidence="KH 15/KH-SKHCN ngày 12/01/2024 về CCHC năm 2024"),
    "1.2": dict(value=95, num=19, den=20, points=1,
                evidence="BC 402/BC-SKHCN ngày 10/12/2024 (19/20 nhiệm vụ)"),
    "1.3": dict(value="có", points=1,
                evidence="BC quý I, 6 tháng, quý III, năm: 88, 201, 310, 402/BC-SKHCN"),
    "1.4": dict(points=1.5,
                evidence="KH 40/KH-SKHCN kiểm tra nội bộ; BB kiểm tra 3/4 phòng"),
    "1.6": dict(points=1, evidence="Chuyên mục CCHC trên trang TTĐT của Sở, 12 tin bài"),
    "1.7": dict(points=0.5,
                explain="Sáng kiến 'Số hóa hồ sơ thẩm định công nghệ' đang chờ "
                        "Hội đồng sáng kiến tỉnh công nhận; chưa có quyết định"),
    "1.8": dict(points=1, evidence="KH 22/KH-SKHCN khắc phục hạn chế sau Chỉ số CCHC 2023"),
    "2.1": dict(value=100, num=2, den=2, points=3,
                evidence="QĐ 12/2024/QĐ-UBND, QĐ 30/2024/QĐ-UBND (2/2 văn bản đúng chương trình)"),
    "2.2": dict(value="có", points=1, evidence="BC 150/BC-SKHCN rà soát VBQPPL"),
    "2.3": dict(value=100, num=1, den=1, points=1,
                evidence="TTr 77/TTr-SKHCN đề nghị bãi bỏ 1 văn bản"),
    "2.4": dict(value="có", points=1, evidence="BC 280/BC-SKHCN theo dõi thi hành pháp luật"),
    "2.5": dict(points=1.5, evidence="KH 18/KH-SKHCN triển khai Luật Tiêu chuẩn, đo lường"),
    "2.6": dict(points=1, evidence="KH 9/KH-SKHCN phổ biến, giáo dục pháp luật"),
    "3.1.1": dict(value=100, num=3, den=3, points=1.5,
                  evidence="QĐ 501, 733, 1120/QĐ-UBND công bố TTHC"),
    "3.1.2": dict(value="có", points=0.5, evidence="Ảnh chụp Cổng DVC và nơi tiếp nhận ngày 30/12/2024"),
    "3.2": dict(points=1, evidence="BC 190/BC-SKHCN rà soát, đơn giản hóa 4 TTHC"),
    "3.6": dict(value=1, points=0.5,
                evidence="Sổ theo dõi PAKN 2024: 1 PAKN xử lý quá hạn (PAKN số 07)"),
    "3.7": dict(value="có", points=1, evidence="2 thư xin lỗi, số 05/TXL và 09/TXL"),
    "3.8": dict(value="có", points=1, evidence="QĐ 45/QĐ-SKHCN quy chế một cửa"),
    "4.1": dict(value="có", points=2, evidence="QĐ 15/2023/QĐ-UBND chức năng, nhiệm vụ của Sở"),
    "4.2": dict(value=100, num=2, den=2, points=2,
                evidence="QĐ 60/QĐ-SKHCN, QĐ 61/QĐ-SKHCN sắp xếp phòng"),
    "4.3": dict(value="có", points=1, evidence="Danh sách lãnh đạo phòng ngày 31/12/2024"),
    "4.4": dict(value="có", points=2, evidence="BC biên chế năm 2024 (38/40 biên chế)"),
    "4.5": dict(points=1, explain="Chưa kiểm tra việc thực hiện ủy quyền năm 2024; "
                                 "sẽ kiểm tra trong quý I/2025"),
    "5.1": dict(value="có", points=2, evidence="QĐ 2011/QĐ-UBND phê duyệt vị trí việc làm"),
    "5.2": dict(value="có", points=2, evidence="Hồ sơ tuyển dụng 2024 (2 công chức)"),
    "5.3": dict(value="có", points=1, evidence="QĐ 98/QĐ-SKHCN xếp loại CBCCVC 2024"),
    "5.4": dict(value=85, num=34, den=40, points=1,
                evidence="BC 380/BC-SKHCN: 34/40 lượt bồi dưỡng theo kế hoạch"),
    "5.5": dict(value=0, points=2, evidence="BC 399/BC-SKHCN: không có CBCCVC bị kỷ luật"),
    "5.6": dict(points=1, evidence="Quy chế văn hóa công vụ, QĐ 12/QĐ-SKHCN"),
    "5.7": dict(points=2, evidence="Hồ sơ nâng lương, chế độ năm 2024"),
    "6.1": dict(kad=True,
                explain="Năm 2024 Sở không được giao vốn đầu tư công (QĐ 2200/QĐ-UBND giao kế hoạch vốn)"),
    "6.2": dict(value="có", points=2, evidence="BC 12/BC-SKHCN công khai tài sản công"),
    "6.3": dict(value="có", points=1, evidence="QĐ 03/QĐ-SKHCN quy chế chi tiêu nội bộ"),
    "6.4": dict(points=1.5, evidence="Phương án tự chủ của Trung tâm Ứng dụng KH&CN"),
    "6.5": dict(value="không", points=0,
                explain="Công khai quyết toán 2023 chậm 20 ngày so với quy định"),
    "6.6": dict(points=1, evidence="BC 405/BC-SKHCN thực hành tiết kiệm"),
    "7.1": dict(value="có", points=2, evidence="KH 16/KH-SKHCN chuyển đổi số 2024"),
    "7.2": dict(value=90, num=9, den=10, points=1,
                evidence="BC 398/BC-SKHCN: 9/10 nhiệm vụ chuyển đổi số hoàn thành"),
    "7.4": dict(value=62.5, num=50, den=80, points=1.56,
                evidence="Báo cáo từ Hệ thống thông tin giải quyết TTHC tỉnh, 31/12/2024"),
    "7.5": dict(value=96, num=1152, den=1200, points=2.88,
                evidence="Thống kê hệ thống quản lý văn bản: 1152/1200 văn bản đi ký số"),
    "7.6": dict(value="có", points=2, evidence="QĐ 70/QĐ-SKHCN công bố ISO 9001:2015"),
    "7.7": dict(points=1.5, evidence="Hồ sơ đề xuất cấp độ an toàn hệ thống thông tin"),
    "7.8": dict(points=1, evidence="Trang TTĐT của Sở, chuyên mục TTHC"),
    "7.9": dict(points=1,
                explain="Đã kết nối CSDL KH&CN quốc gia; CSDL chuyên ngành chưa chia sẻ, "
                        "văn bản chứng minh đang chờ Sở TT&TT xác nhận"),
}


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run_chiso(chiso, args, ok=(0,)):
    p = subprocess.run([chiso] + args, cwd=ROOT, capture_output=True,
                       text=True, env=dict(os.environ, LC_ALL="C.UTF-8"))
    if p.returncode not in ok:
        fail("chiso %s -> %d\n%s%s" % (" ".join(args), p.returncode,
                                        p.stdout, p.stderr))
    return p


# ---- the framework and its rules (re-implemented, not chiso's) ----------

def load_framework():
    fw = json.load(open(os.path.join(ROOT, FRAMEWORK), encoding="utf-8"))
    nodes = []

    def walk(lst, parent):
        for n in lst:
            nodes.append((n, parent))
            if "children" in n:
                walk(n["children"], n["id"])
    walk(fw["nodes"], None)
    return fw, nodes


def rule(n):
    r = n.get("rule")
    return {"type": r} if isinstance(r, str) else r


def round_half_up(x, d):
    if d is None:
        return x
    f = 10 ** d
    return math.floor(x * f + 0.5 + 1e-9) / f


def leaf_points(n, value, entered):
    r = rule(n)
    t, mx = r["type"], n["max"]
    if t == "manual":
        return entered
    if t == "binary":
        return mx if value == "có" else 0.0
    if t == "proportional":
        p = mx * value / r.get("target", 100.0)
        return min(mx, p) if r.get("capped", True) else p
    if t == "bands":
        for b in r["bands"]:  # "min" bands, highest first
            if value >= b["min"] - 1e-12:
                return b["points"]
        fail("%s: %r in no band" % (n["id"], value))
    if t == "deduction":
        return max(0.0, mx - r["per"] * value)
    fail("%s: rule %s not used by this framework" % (n["id"], t))


def rows_by_code(ws):
    out = {}
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        code = ws.cell(r, COL["Mã"]).value
        if code is not None:
            out[str(code)] = r
    return out


def expected_from_workbook(path):
    """The score, from the filled workbook's cells and the framework's
    rules only."""
    fw, nodes = load_framework()
    dec = fw.get("points_decimals")
    ws = openpyxl.load_workbook(path).worksheets[0]
    got = [ws.cell(HEADER_ROW, c).value for c in range(1, len(HEADERS) + 1)]
    if got != HEADERS:
        fail("header row %r" % got)
    rows = rows_by_code(ws)
    leaves, pts, app = {}, {}, {}

    def total(n):
        """(points, applicable max) of a node."""
        if "children" in n:
            p = m = 0.0
            for c in n["children"]:
                cp, cm = total(c)
                p, m = p + cp, m + cm
            pts[n["id"]], app[n["id"]] = p, m
            return p, m
        r = rows[n["id"]]
        kad = str(ws.cell(r, COL["Áp dụng"]).value or "").strip().upper() == "KAD"
        value = ws.cell(r, COL["Giá trị"]).value
        entered = ws.cell(r, COL["Điểm tự chấm"]).value
        if kad:
            p, m = 0.0, 0.0
        else:
            if rule(n)["type"] != "manual" and value is None:
                fail("%s: no value in the filled form" % n["id"])
            if isinstance(value, str) and rule(n)["type"] != "binary":
                value = float(value.replace(",", "."))
            p = round_half_up(leaf_points(n, value, entered), dec)
            m = float(n["max"])
        leaves[n["id"]] = {"points": p, "applicable": not kad,
                           "self_points": entered}
        pts[n["id"]], app[n["id"]] = p, m
        return p, m

    tp = tm = 0.0
    for n, parent in nodes:
        if parent is None:
            p, m = total(n)
            tp, tm = tp + p, tm + m
    index = round_half_up(tp / tm * 100.0, fw.get("index_decimals", 2))
    group = None
    for b in fw["classification"]:  # highest first
        if index >= b["min"]:
            group = b["id"]
            break
    return {
        "framework": fw["id"],
        "total": {"points": round(tp, 6), "applicable_max": tm,
                  "index_pct": index, "group": group},
        "areas": {n["id"]: {"points": round(pts[n["id"]], 6),
                            "applicable_max": app[n["id"]]}
                  for n, parent in nodes if parent is None},
        "leaves": leaves,
    }


# ---- writing the shipped workbook ---------------------------------------

def fill(blank, out):
    _, nodes = load_framework()
    wb = openpyxl.load_workbook(blank)
    ws = wb.worksheets[0]
    rows = rows_by_code(ws)
    for n, _ in nodes:
        if "children" in n:
            continue
        r = rows[n["id"]]
        e = ENTRIES.get(n["id"])
        if e is None:
            if ws.cell(r, COL["Giá trị"]).value is None:
                fail("%s: neither pre-filled nor filled" % n["id"])
            continue
        if e.get("kad"):
            ws.cell(r, COL["Áp dụng"]).value = "KAD"
        for key, col in (("value", "Giá trị"), ("num", "Tử số"),
                         ("den", "Mẫu số"), ("points", "Điểm tự chấm"),
                         ("evidence", "Tài liệu kiểm chứng"),
                         ("explain", "Giải trình")):
            if key in e:
                ws.cell(r, COL[col]).value = e[key]
    wb.save(out)


def saved_by_office(path, outdir):
    soffice = shutil.which("soffice")
    if soffice is None:
        fail("LibreOffice (soffice) is needed to save the form as an office does")
    p = subprocess.run([soffice, "--headless", "--norestore",
                        "-env:UserInstallation=file://" + os.path.join(outdir, "lo-profile"),
                        "--convert-to", "xlsx", "--outdir",
                        os.path.join(outdir, "saved"), path],
                       capture_output=True, text=True, timeout=300)
    res = os.path.join(outdir, "saved", os.path.basename(path))
    if p.returncode != 0 or not os.path.exists(res):
        fail("LibreOffice could not save the form: %s %s" % (p.stdout, p.stderr))
    return res


def make(chiso):
    with tempfile.TemporaryDirectory() as tmp:
        blank = os.path.join(tmp, "blank.xlsx")
        run_chiso(chiso, ["form", FRAMEWORK, "-o", blank, "--unit", "SKHCN",
                          "--period", "2024-H2", "--tasks", TASKS,
                          "--dossiers", DOSSIERS])
        filled = os.path.join(tmp, os.path.basename(FILLED))
        fill(blank, filled)
        saved = saved_by_office(filled, tmp)
        shutil.copyfile(saved, FILLED)
    exp = expected_from_workbook(FILLED)
    with open(EXPECTED, "w", encoding="utf-8") as f:
        json.dump(exp, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")
    t = exp["total"]
    print("wrote %s and %s: %.2f / %.0f = %.2f %% (%s)" % (
        os.path.relpath(FILLED, ROOT), os.path.relpath(EXPECTED, ROOT),
        t["points"], t["applicable_max"], t["index_pct"], t["group"]))


# ---- checking chiso against it ------------------------------------------

def check_saved_values():
    """The values the spreadsheet program stored: no row flagged in the
    Kiểm tra column, and every subtotal the sum of the points below."""
    _, nodes = load_framework()
    ws = openpyxl.load_workbook(FILLED, data_only=True).worksheets[0]
    rows = rows_by_code(ws)
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        v = ws.cell(r, COL["Kiểm tra"]).value
        if v not in (None, ""):
            fail("row %d: the check column says %r" % (r, v))

    def entered(n):
        if "children" in n:
            return sum(entered(c) for c in n["children"])
        v = ws.cell(rows[n["id"]], COL["Điểm tự chấm"]).value
        return float(v) if v is not None else 0.0
    for n, _ in nodes:
        if "children" in n:
            got = ws.cell(rows[n["id"]], COL["Điểm tự chấm"]).value
            if got is None or abs(got - entered(n)) > 1e-9:
                fail("%s: saved subtotal %r, sum of the points below %r"
                     % (n["id"], got, entered(n)))


def check(chiso):
    check_saved_values()
    exp = expected_from_workbook(FILLED)
    stored = json.load(open(EXPECTED, encoding="utf-8"))
    if stored != json.loads(json.dumps(exp)):
        fail("expected-score.json is not what the workbook's cells give: "
             "run make_filled_form.py again")
    p = run_chiso(chiso, ["score", FRAMEWORK, os.path.relpath(FILLED, ROOT),
                          "--json", "-"])
    res = json.loads(p.stdout)
    got = {x["id"]: x for x in res["nodes"]}
    n = 0
    for k, e in exp["leaves"].items():
        g = got[k]
        if g["applicable"] != e["applicable"]:
            fail("%s: applicable %r, expected %r" % (k, g["applicable"], e["applicable"]))
        if not e["applicable"]:
            continue
        if g["points"] is None or abs(g["points"] - e["points"]) > 0.005:
            fail("%s: chiso %r points, python %r" % (k, g["points"], e["points"]))
        n += 1
    for k, a in exp["areas"].items():
        if abs(got[k]["points"] - a["points"]) > 0.005 or \
                abs(got[k]["applicable_max"] - a["applicable_max"]) > 1e-9:
            fail("area %s: chiso %r/%r, python %r/%r" % (
                k, got[k]["points"], got[k]["applicable_max"], a["points"],
                a["applicable_max"]))
    t, gt = exp["total"], res["total"]
    if abs(gt["points"] - t["points"]) > 0.005 or \
            abs(gt["applicable_max"] - t["applicable_max"]) > 1e-9 or \
            abs(gt["index_pct"] - t["index_pct"]) > 0.005 or \
            (gt["group"] or {}).get("id") != t["group"]:
        fail("total: chiso %r, python %r" % (gt, t))
    # the self-assessment must be complete: no leaf without a row or value
    bad = [w for w in res.get("warnings", [])
           if w.get("code") in ("criterion_missing", "no_row", "missing_row")]
    if bad:
        fail("warnings about missing rows: %r" % bad)
    # the pack: report.json here names the filled form as its evidence
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        run_chiso(chiso, ["report", os.path.relpath(os.path.join(HERE, "report.json"), ROOT),
                          "--out", out, "--quiet"])
        par = json.load(open(os.path.join(out, "summary.json"), encoding="utf-8"))["par"]
    if abs(par["points"] - t["points"]) > 0.005 or \
            abs(par["applicable_max"] - t["applicable_max"]) > 1e-9 or \
            abs(par["index_pct"] - t["index_pct"]) > 0.005 or \
            (par["group"] or {}).get("id") != t["group"]:
        fail("report summary.json: %r, python %r" % (
            {k: par[k] for k in ("points", "applicable_max", "index_pct", "group")}, t))
    for a in par["areas"]:
        e = exp["areas"][a["id"]]
        if abs(a["points"] - e["points"]) > 0.005:
            fail("report area %s: %r, python %r" % (a["id"], a["points"], e["points"]))
    print("ok: %d leaves, 7 areas and the total agree in score and report: "
          "%.2f / %.0f = %.2f %% (%s)"
          % (n, gt["points"], gt["applicable_max"], gt["index_pct"],
             gt["group"]["label"]))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    chiso = os.path.abspath(sys.argv[1])
    if len(sys.argv) > 2 and sys.argv[2] == "--check":
        check(chiso)
    else:
        make(chiso)
