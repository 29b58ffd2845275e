#!/usr/bin/env python3
"""Open a chiso workbook in LibreOffice (headless) as a user would: every
sheet exported to CSV "as shown" with a Vietnamese locale, and the whole
workbook to PDF. The CSV shows what the user sees: Vietnamese separators
from the locale (the file stores locale-free formats), percentages,
dates dd/mm/yyyy, formulas recalculated, missing values empty.

usage: check_sheet_lo.py TEST_SHEET_BINARY WORKDIR
"""
import csv
import glob
import re
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "word"))
import lo  # noqa: E402

fails = []


def check(cond, what):
    if not cond:
        fails.append(what)


def main():
    binary, work = sys.argv[1], os.path.abspath(sys.argv[2])
    os.makedirs(work, exist_ok=True)
    subprocess.run([binary, "--write", work], check=True)
    src = os.path.join(work, "full.xlsx")
    outdir = os.path.join(work, "csv")
    for f in glob.glob(os.path.join(outdir, "*")):
        os.remove(f)
    # 59 = ';' separator, 34 = '"', 76 = UTF-8, "as shown" on, all sheets
    lo.convert(src, 'csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,'
               'true,true,false,false,-1', outdir, work, "csv", "vi-VN")
    sheets = {}
    for f in glob.glob(os.path.join(outdir, "full-*.csv")):
        name = os.path.basename(f)[5:-4]
        with open(f, encoding="utf-8", newline="") as fh:
            sheets[name] = list(csv.reader(fh, delimiter=";"))
    check(set(sheets) == {"Tổng hợp", "Tiêu chí", "Tự chấm",
                          "Bảng _1__ a_b_c_", "TỔNG HỢP (2)"},
          f"sheets {sorted(sheets)}")
    s = sheets.get("Tổng hợp", [])
    check(len(s) > 6 and s[2][1] == "81,23%", f"percent shown {s[2:3]}")
    check(len(s) > 6 and s[3][1] == "24,50", "decimal comma")
    check(len(s) > 6 and s[4][1] == "12.345", "thousands dot")
    check(len(s) > 6 and s[5][1] == "(không có số liệu)", "no data said")
    t = sheets.get("Tiêu chí", [])
    check(len(t) > 3 and t[1][5] == "30/06/2024", f"date {t[1:2]}")
    check(len(t) > 3 and t[1][4] == "75,00%", "rate")
    check(len(t) > 3 and t[2][3] == "" and t[2][4] == "", "missing stays empty")
    check(len(t) > 3 and t[2][6] == "0", "real zero")
    f = sheets.get("Tự chấm", [])
    # recalculated by LibreOffice: 2 + 1,5 and 1,25 + 1
    check(len(f) > 4 and f[2][2] == "3,50" and f[2][3] == "2,25",
          f"formulas {f[2:3]}")

    pdf = lo.convert(src, "pdf", os.path.join(work, "pdf"), work, "pdf")
    with open(pdf, "rb") as fh:
        data = fh.read()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    check(data.startswith(b"%PDF") and pages >= 3,
          "PDF with a page per sheet at least")

    if fails:
        for w in fails:
            print("FAIL:", w)
        sys.exit(1)
    print("check_sheet_lo: all checks passed")


main()
