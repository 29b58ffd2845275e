#!/usr/bin/python3
"""check_table_xlsx.py - framework tables as workbooks, checked by openpyxl.

    check_table_xlsx.py CHISO SOURCE_ROOT WORKDIR

1. Every shipped framework exported as a workbook and as CSV imports back to
   the same JSON, byte for byte (the CSV round trip itself is a unit test).
   openpyxl reads the exported workbook: sheet "Tiêu chí" with the header
   row, sheet "Xếp loại" with the classification.
2. A table written by openpyxl (another program), the way an officer lays
   it out (a title, Roman areas, numbers as numbers, the classification on
   a second sheet), imports to the framework it describes.
3. A table with problems written by openpyxl: every problem at its cell,
   named the Excel way (file.xlsx:Tiêu chí!E3).
Exits 77 (skipped) while chiso cannot read workbooks.
"""
import glob
import json
import os
import subprocess
import sys

import openpyxl

CHISO, ROOT, WORK = sys.argv[1:4]
os.makedirs(WORK, exist_ok=True)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def chiso(*args, ok=(0,)):
    p = subprocess.run([CHISO, "--lang", "en"] + list(args),
                       capture_output=True, text=True,
                       env=dict(os.environ, LC_ALL="C"))
    if p.returncode not in ok:
        fail("chiso %s -> %d\n%s%s" % (" ".join(args), p.returncode,
                                        p.stdout, p.stderr))
    return p


def w(name):
    return os.path.join(WORK, name)


# can chiso read workbooks?
probe = w("probe.xlsx")
chiso("framework", "export",
      os.path.join(ROOT, "indicators/frameworks/qd766.json"), "-o", probe)
p = chiso("framework", "check", probe, ok=(0, 1, 2))
if "cannot read workbooks" in p.stderr:
    print("SKIP: chiso cannot read workbooks yet")
    sys.exit(77)

# 1. shipped frameworks: workbook and CSV give the same JSON
n = 0
for fw in sorted(glob.glob(os.path.join(ROOT, "indicators/frameworks/*.json"))):
    base = os.path.splitext(os.path.basename(fw))[0]
    for ext in ("csv", "xlsx"):
        out = w("%s.%s" % (base, ext))
        if os.path.exists(out):
            os.remove(out)
        chiso("framework", "export", fw, "-o", out)
        chiso("framework", "import", out, "-o", w("%s.%s.json" % (base, ext)))
    a = open(w(base + ".csv.json"), "rb").read()
    b = open(w(base + ".xlsx.json"), "rb").read()
    if a != b:
        fail("%s: the workbook imports differently from the CSV" % base)
    wb = openpyxl.load_workbook(w(base + ".xlsx"))
    ws = wb["Tiêu chí"]
    hdr = None
    for row in ws.iter_rows(values_only=True):
        if row and row[0] == "Mã":
            hdr = row
            break
    if hdr is None or "Điểm tối đa" not in hdr or "Cách chấm" not in hdr:
        fail("%s: no header row in the workbook" % base)
    doc = json.load(open(fw, encoding="utf-8"))
    if doc.get("classification"):
        rows = list(wb["Xếp loại"].iter_rows(values_only=True))
        if [r[0] for r in rows[1:]] != [c["label"] for c in doc["classification"]]:
            fail("%s: classification sheet %r" % (base, rows))
    n += 1

# 2. an officer's workbook written by openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Bảng tiêu chí"
ws.append(["BỘ TIÊU CHÍ THỬ"])
ws.append(["Căn cứ", "QĐ 1/QĐ-UBND"])
ws.append([])
ws.append(["STT", "Tên tiêu chí", "Điểm tối đa", "Cách chấm", "Mức chấm"])
ws.append(["I", "Chỉ đạo", 5, None, None])
ws.append([1, "Kế hoạch", 2, "có/không", None])
ws.append([2, "Hoàn thành", 3, "theo mức", "≥ 100%: 3; 80–<100%: 1,5; < 80%: 0"])
ws.append(["II", "TTHC", 4, None, None])
ws.append([1, "Trực tuyến", 4, "tỷ lệ", "đạt tối đa khi ≥ 90%"])
ws.append(["Tổng cộng", None, 9, None, None])
cs = wb.create_sheet("Xếp loại")
for r in (["Nhãn", "Từ (%)"], ["Tốt", "≥ 90"], ["Khá", "80–<90"], ["Yếu", "< 80"]):
    cs.append(r)
wb.save(w("officer.xlsx"))
chiso("framework", "import", w("officer.xlsx"), "-o", w("officer.json"))
j = json.load(open(w("officer.json"), encoding="utf-8"))
leaves = {c["id"]: c for a in j["nodes"] for c in a["children"]}
if j["max"] != 9 or j["name"] != "BỘ TIÊU CHÍ THỬ" or \
        [c["min"] for c in j["classification"]] != [90, 80, 0] or \
        leaves["I.2"]["rule"]["bands"][1] != {"min": 80, "points": 1.5} or \
        leaves["II.1"]["rule"]["target"] != 90:
    fail("officer.xlsx imported as %r" % j)

# 3. problems at their cells
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Tiêu chí"
ws.append(["Xếp loại", "Tốt ≥ 90%; Khá từ 80% đến dưới 90%; Yếu dưới 70%"])
ws.append(["Mã", "Tên tiêu chí", "Điểm tối đa", "Cách chấm", "Mức chấm"])
ws.append(["1", "A", 3, None, None])
ws.append(["1.1", "B", 2, "theo mức", "trên 90%: 2; từ 70% - 90%: 1; dưới 70%: 0"])
ws.append(["1.2", "C", "x", "tự chấm", None])
ws.append(["Tổng cộng", None, 4, None, None])
wb.save(w("bad.xlsx"))
p = chiso("framework", "check", w("bad.xlsx"), ok=(1,))
# each problem at the row that holds it: the stated total (row 6) and the
# classification (row 1) too, not the header row
for cell, text in (("Tiêu chí!E4", "leaves 90% out"),
                   ("Tiêu chí!C5", "is not a number"),
                   ("Tiêu chí!C6", "the total 4 the table states"),
                   ("Tiêu chí!B1", "ends at 70")):
    if not any(("bad.xlsx:" + cell) in l and text in l
               for l in p.stderr.splitlines()):
        fail("no problem '%s' at %s:\n%s" % (text, cell, p.stderr))
print("ok: %d frameworks round-trip through workbooks; an openpyxl table "
      "imports; problems at Excel cells" % n)
