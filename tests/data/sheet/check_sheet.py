#!/usr/bin/env python3
"""Read the sample workbooks written by `test_sheet --write DIR` back with
openpyxl (an independent reader) and check what chiso_sheet promises:
values stored as numbers, percentages as fractions, number formats,
frozen panes, autofilter, validation, protection with unlocked input cells,
notes, merged title rows, sheet names, fitted widths, identical reruns.

usage: check_sheet.py TEST_SHEET_BINARY WORKDIR
"""
import os
import subprocess
import sys
import zipfile

import openpyxl

fails = []


def check(cond, what):
    if not cond:
        fails.append(what)


def close(a, b, tol=1e-12):
    return a is not None and abs(a - b) <= tol


def main():
    binary, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    subprocess.run([binary, "--write", work], check=True)
    path = os.path.join(work, "full.xlsx")
    with open(path, "rb") as f1, open(os.path.join(work, "full2.xlsx"), "rb") as f2:
        check(f1.read() == f2.read(), "two runs give identical bytes")

    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == ["Tổng hợp", "Tiêu chí", "Tự chấm",
                            "Bảng _1__ a_b_c_", "TỔNG HỢP (2)"],
          f"sheet names {wb.sheetnames}")
    check(wb.properties.title == "Báo cáo CCHC", "title property")
    check(str(wb.properties.created).startswith("2000-01-01"),
          f"fixed creation date, got {wb.properties.created}")

    # summary sheet
    s = wb["Tổng hợp"]
    check(s["A1"].value == "Kết quả CCHC 6 tháng cuối năm 2024", "summary title")
    check("A1:D1" in [str(r) for r in s.merged_cells.ranges], "title merged")
    check([c.value for c in s[2]] == ["Chỉ tiêu", "Giá trị", "Đơn vị tính", "Nguồn số liệu"],
          f"summary header {[c.value for c in s[2]]}")
    check(s.freeze_panes == "A3", f"summary frozen at {s.freeze_panes}")
    check(close(s["B3"].value, 0.8123), f"percent as fraction: {s['B3'].value}")
    check(s["B3"].number_format == "0.00%", f"percent format {s['B3'].number_format}")
    check(close(s["B4"].value, 24.5) and s["B4"].number_format == "#,##0.00",
          "number with 2 decimals")
    check(s["B5"].value == 12345 and s["B5"].number_format == "#,##0",
          "integer grouped")
    check(s["B6"].value == "(không có số liệu)", f"missing figure says so: {s['B6'].value}")
    check(s["B7"].value == "Khá", "text figure")
    check(s["C3"].value == "%" and s["D3"].value == "Tự chấm theo Bộ tiêu chí",
          "unit and source")

    # typed table
    t = wb["Tiêu chí"]
    check(t.freeze_panes == "A2", f"table frozen at {t.freeze_panes}")
    check(t.auto_filter.ref == "A1:G4", f"autofilter {t.auto_filter.ref}")
    check([c.value for c in t[1]] == ["Mã", "Tên tiêu chí", "Điểm tối đa",
                                      "Điểm", "Tỷ lệ đạt", "Hạn", "Số hồ sơ"],
          "table header")
    check(t["A2"].value == "1.1" and t["A2"].number_format == "@",
          "code stays text")
    check(close(t["D2"].value, 1.5) and t["D2"].number_format == "#,##0.00",
          "points number")
    check(close(t["E2"].value, 0.75) and t["E2"].number_format == "0.00%",
          f"rate as fraction {t['E2'].value}")
    check(str(t["F2"].value).startswith("2024-06-30")
          and t["F2"].number_format == "dd/mm/yyyy",
          f"date {t['F2'].value} {t['F2'].number_format}")
    check(t["G2"].value == 1234 and t["G2"].number_format == "#,##0", "count")
    check(t["D3"].value is None and t["E3"].value is None,
          "missing numbers are empty cells, never 0")
    check(t["G3"].value == 0, "a real zero stays 0")
    check(t["B3"].alignment.wrap_text, "long text wraps")
    check(t["B4"].value == "Tổ chức bộ máy" and t["C4"].value is None,
          "row ended early")
    # widths fit the content: "Tên tiêu chí" capped (long text wraps)
    check(t.column_dimensions["B"].width >= 59, "long text column wide")
    check(6 <= t.column_dimensions["A"].width <= 12,
          f"header 'Mã' column narrow {t.column_dimensions['A'].width}")
    check(t["A1"].font.b, "header bold")

    # the form
    f = wb["Tự chấm"]
    check(f["A1"].value == "PHIẾU TỰ CHẤM ĐIỂM", "form title")
    check("A1:E1" in [str(r) for r in f.merged_cells.ranges], "form title merged")
    check(f["C3"].value == "=SUM(C4:C5)", f"formula {f['C3'].value}")
    check(f.protection.sheet, "form protected")
    check(f["D4"].protection.locked is False, "input cell unlocked")
    check(f["E4"].protection.locked is False, "input blank unlocked")
    check(f["C4"].protection.locked is not False, "structure cell locked")
    check(f["D4"].comment is not None
          and "sổ theo dõi" in f["D4"].comment.text, "note on D4")
    check(f.freeze_panes == "C3", f"form frozen at {f.freeze_panes}")
    check(abs(f.column_dimensions["B"].width - 40) < 1, "fixed width")
    check(f.row_dimensions[4].outline_level == 1, "row outline level")
    dvs = {str(dv.sqref): dv for dv in f.data_validations.dataValidation}
    check("D4" in dvs and dvs["D4"].type == "decimal"
          and float(dvs["D4"].formula1) == 0 and float(dvs["D4"].formula2) == 2,
          "points 0..2")
    check("D5" in dvs and float(dvs["D5"].formula2) == 1.5, "points 0..1.5")
    check("E4:E5" in dvs and dvs["E4:E5"].type == "list"
          and dvs["E4:E5"].formula1 == '"có,không"', "có/không list")
    check(dvs.get("D4") is not None and "0 đến 2" in (dvs["D4"].prompt or ""),
          f"Vietnamese prompt {dvs.get('D4') and dvs['D4'].prompt}")
    check(f.page_setup.orientation == "landscape" and f.page_setup.paperSize == 9,
          "A4 landscape")
    check(f.print_title_rows in ("1:2", "$1:$2"), f"print titles {f.print_title_rows}")

    # cached formula values (what a non-calculating viewer shows)
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet3.xml").decode()
    check("<f>SUM(C4:C5)</f><v>3.5</v>" in xml, "cached formula value")

    if fails:
        for w in fails:
            print("FAIL:", w)
        sys.exit(1)
    print("check_sheet: all checks passed")


main()
