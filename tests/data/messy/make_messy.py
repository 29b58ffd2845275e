#!/usr/bin/python3
"""Messy exports of one dossier log and one task register, as offices have
them, written by independent writers (issue 11, done means).

The rows are the ones of test_messy_equals_tidy (tests/unit/test_services.c)
and test_messy_register_equals_tidy (tests/unit/test_tasks.c): the tests
assert that every file here gives the results of the tidy CSV there.

  dossiers-messy.csv           the CSV the one-stop system exports (';',
                               BOM, title rows, no unit column, Tổng cộng)
  dossiers-messy-openpyxl.xlsx openpyxl: a first sheet of instructions, the
                               data on sheet "Hồ sơ" with a merged title, a
                               header over two rows (merged "Ngày" over the
                               three dates, "STT" merged down), dates as
                               real Excel dates (date and date-time
                               formats) and as text ("03/01/2024 09:30 SA"),
                               a "Tổng cộng" row, a third sheet with a pivot
  dossiers-messy-xlsxwriter.xlsx  the same through xlsxwriter (shared strings,
                               inline numbers)
  dossiers-messy-lo.xlsx       LibreOffice's re-save of the openpyxl file
  dossiers-messy-lo.xls        LibreOffice's .xls (BIFF8) of it
  tasks-messy-*.{csv,xlsx,xls} the task register, the same way
  evidence-bad.xlsx            a self-assessment sheet (openpyxl) with a
                               title, an area row, two bad cells (C6, C8)
                               and a "Tổng cộng" row: every problem in one
                               pass, named by cell (test_csv.c)

`make_messy.py --evidence` rewrites evidence-bad.xlsx alone.

Run with /usr/bin/python3 (python3-openpyxl, python3-xlsxwriter) and
LibreOffice (soffice) on PATH; the outputs are committed, so the tests do
not need either.
"""
import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile

import openpyxl
import xlsxwriter
from openpyxl.styles import Alignment, Font

HERE = os.path.dirname(os.path.abspath(__file__))

D = dt.datetime

# dossiers: the header over two rows. Row A: group names (merged), row B:
# names under them; a column with one name has it in row A merged down.
DOSSIER_HEAD_A = ["STT", "Mã hồ sơ", "Chủ hồ sơ", "Địa chỉ chủ hồ sơ",
                  "Số điện thoại chủ hồ sơ", "Ngày", "Ngày", "Ngày",
                  "Hình thức nộp", "Số hóa", "Ký số kết quả",
                  "Mức độ hài lòng", "Trạng thái"]
DOSSIER_HEAD_B = [None, None, None, None, None, "Tiếp nhận", "Hẹn trả",
                  "Trả kết quả", None, None, None, None, None]
# the CSV has the one-stop system's field names on one row
DOSSIER_HEAD_CSV = ["STT", "MaHoSo", "ChuHoSo", "DiaChiChuHoSo",
                    "SoDienThoaiChuHoSo", "NgayTiepNhan", "NgayHenTra",
                    "NgayTra", "Hình thức nộp", "Số hóa", "Ký số kết quả",
                    "Mức độ hài lòng", "Trạng thái"]
# (value in the workbook, text in the CSV)
DOSSIERS = [
    [1, "H01", "Nguyễn Văn An", "Xã A, huyện B", "0912000001",
     D(2024, 1, 2, 8, 15), D(2024, 1, 5, 17, 0), D(2024, 1, 5, 16, 40),
     "Trực tuyến toàn trình", "Đã số hóa", "Đã ký số", "Rất hài lòng",
     "Đã trả kết quả"],
    [2, "H02", "Trần Thị Bình", "Xã C", "0912000002",
     "03/01/2024 09:30 SA", dt.date(2024, 1, 8), "09/01/2024 02:00 CH",
     "Nộp trực tiếp", "Chưa số hóa", "Chưa ký số", "Hài lòng",
     "Trả kết quả quá hạn"],
    [3, "H03", "Lê Văn Cường", "Xã D", "0912000003",
     D(2024, 2, 15, 10, 0), "25/02/2024 17:00:00", None,
     "Qua dịch vụ BCCI", "x", None, "Bình thường", "Đang giải quyết"],
    [4, "H04", "Phạm Thị Dung", "Xã E", "0912000004",
     "20/02/2024 14:00:00", dt.date(2024, 2, 25), None,
     "Trực tuyến một phần", "Có", "Không", None, "Đã hủy"],
    [5, "H05", "Hoàng Văn Em", "Xã F", "0912000005",
     dt.date(2024, 3, 1), "10/03/2024", dt.date(2024, 3, 10),
     "trực tuyến", "✓", "có", "Không hài lòng", None],
]
DOSSIER_TITLE = ["BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH",
                 "Đơn vị: Sở Tư pháp. Từ ngày 01/01/2024 đến ngày 30/06/2024"]

TASK_HEAD = ["STT", "Trích yếu nội dung nhiệm vụ", "Số, ký hiệu văn bản",
             "Ngày giao", "Thời hạn hoàn thành", "Ngày hoàn thành",
             "Tình hình thực hiện"]
TASKS = [
    [1, "Báo cáo CCHC quý I", "12/KH-UBND", dt.date(2024, 1, 5),
     dt.date(2024, 3, 31), dt.date(2024, 3, 28), "Đã hoàn thành đúng hạn"],
    [2, "Rà soát TTHC", "15/KH-UBND", "10/01/2024", "31/03/2024",
     "05/04/2024", "Đã hoàn thành quá hạn"],
    [3, "Số hóa hồ sơ", "20/QĐ-UBND", dt.date(2024, 2, 1),
     dt.date(2024, 6, 30), None, "Đang thực hiện trong hạn"],
    [4, "Kiểm tra công vụ", "22/KH-UBND", dt.date(2024, 2, 1),
     "15/04/2024", None, "Đang thực hiện quá hạn"],
]
TASK_TITLE = ["SỔ THEO DÕI NHIỆM VỤ ĐƯỢC GIAO NĂM 2024",
              "Đơn vị: Sở Tư pháp"]


def text(v, kind="dt"):
    """A cell as the CSV export writes it."""
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(v, dt.date):
        return v.strftime("%d/%m/%Y")
    return str(v)


def write_csv(path, titles, head, rows, totals):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        n = len(head) + 1
        for t in titles:
            w.writerow([""] + [t] + [""] * (n - 2))
        w.writerow([""] * n)
        w.writerow([""] + head)
        for r in rows:
            w.writerow([""] + [text(v) for v in r])
        w.writerow(["", ""] + [totals] + [""] * (n - 3))


def fmt_cell(ws, cell, v):
    if isinstance(v, dt.datetime):
        cell.number_format = "dd/mm/yyyy hh:mm"
    elif isinstance(v, dt.date):
        cell.number_format = "dd/mm/yyyy"


def write_openpyxl(path, titles, head_a, head_b, rows, sheet, totals):
    wb = openpyxl.Workbook()
    info = wb.active
    info.title = "Hướng dẫn"
    info["A1"] = "Hướng dẫn: xuất từ Hệ thống thông tin giải quyết TTHC."
    info["A2"] = "Không sửa tên cột."
    ws = wb.create_sheet(sheet)
    ncol = len(head_a) + 1  # column A stays empty
    last = openpyxl.utils.get_column_letter(ncol)
    r = 1
    for t in titles:
        ws.cell(row=r, column=2, value=t).font = Font(bold=True)
        ws.merge_cells("B%d:%s%d" % (r, last, r))
        ws.cell(row=r, column=2).alignment = Alignment(horizontal="center")
        r += 1
    r += 1  # an empty row
    top = r
    two = head_b is not None
    for i, h in enumerate(head_a):
        ws.cell(row=top, column=2 + i, value=h)
    if two:
        for i, h in enumerate(head_b):
            if h is not None:
                ws.cell(row=top + 1, column=2 + i, value=h)
        # group names merged across, single names merged down
        i = 0
        while i < len(head_a):
            j = i
            while j + 1 < len(head_a) and head_a[j + 1] == head_a[i]:
                j += 1
            if j > i:
                for k in range(i + 1, j + 1):
                    ws.cell(row=top, column=2 + k, value=None)
                ws.merge_cells(start_row=top, start_column=2 + i,
                               end_row=top, end_column=2 + j)
            elif head_b[i] is None:
                ws.merge_cells(start_row=top, start_column=2 + i,
                               end_row=top + 1, end_column=2 + i)
            i = j + 1
        r = top + 2
    else:
        r = top + 1
    for row in rows:
        for i, v in enumerate(row):
            c = ws.cell(row=r, column=2 + i, value=v)
            fmt_cell(ws, c, v)
        r += 1
    ws.cell(row=r, column=3, value=totals)
    ws.cell(row=r, column=4, value=len(rows))
    piv = wb.create_sheet("Tổng hợp")
    piv.append(["Chỉ tiêu", "Số lượng"])
    piv.append(["Tổng số", len(rows)])
    wb.save(path)


def write_xlsxwriter(path, titles, head_a, head_b, rows, sheet, totals):
    wb = xlsxwriter.Workbook(path)
    info = wb.add_worksheet("Hướng dẫn")
    info.write(0, 0, "Hướng dẫn: xuất từ Hệ thống thông tin giải quyết TTHC.")
    ws = wb.add_worksheet(sheet)
    fd = wb.add_format({"num_format": "dd/mm/yyyy"})
    fdt = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    bold = wb.add_format({"bold": True, "align": "center"})
    ncol = len(head_a)
    r = 0
    for t in titles:
        ws.merge_range(r, 1, r, ncol, t, bold)
        r += 1
    r += 1
    top = r
    if head_b is not None:
        i = 0
        while i < len(head_a):
            j = i
            while j + 1 < len(head_a) and head_a[j + 1] == head_a[i]:
                j += 1
            if j > i:
                ws.merge_range(top, 1 + i, top, 1 + j, head_a[i])
            elif head_b[i] is None:
                ws.merge_range(top, 1 + i, top + 1, 1 + i, head_a[i])
            else:
                ws.write(top, 1 + i, head_a[i])
            i = j + 1
        for i, h in enumerate(head_b):
            if h is not None:
                ws.write(top + 1, 1 + i, h)
        r = top + 2
    else:
        for i, h in enumerate(head_a):
            ws.write(top, 1 + i, h)
        r = top + 1
    for row in rows:
        for i, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, dt.datetime):
                ws.write_datetime(r, 1 + i, v, fdt)
            elif isinstance(v, dt.date):
                ws.write_datetime(r, 1 + i, D(v.year, v.month, v.day), fd)
            else:
                ws.write(r, 1 + i, v)
        r += 1
    ws.write(r, 2, totals)
    ws.write(r, 3, len(rows))
    wb.close()


def libreoffice(src, ext, out):
    with tempfile.TemporaryDirectory() as tmp:
        prof = "file://" + os.path.join(tmp, "profile")
        subprocess.run(["soffice", "-env:UserInstallation=" + prof,
                        "--headless", "--convert-to", ext, "--outdir", tmp,
                        src], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        base = os.path.splitext(os.path.basename(src))[0]
        shutil.move(os.path.join(tmp, base + "." + ext), out)


def write_evidence(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phiếu"
    ws["A1"] = "PHIẾU TỰ ĐÁNH GIÁ CHẤM ĐIỂM CCHC NĂM 2024"
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append(["Mã tiêu chí", "Tên tiêu chí", "Giá trị", "Tử số", "Mẫu số",
               "Điểm tự chấm"])
    ws.append(["1", "Công tác chỉ đạo điều hành", None, None, None, 2])
    ws.append(["1.1", "Kế hoạch CCHC", "Có", None, None, 1])
    ws.append(["1.2", "Hoàn thành kế hoạch (%)", "chín mươi", 23, 25, 1])
    ws.append(["1.3", "Báo cáo định kỳ", "Có", None, None, 1])
    ws.append(["1.4", "Tuyên truyền", -3, None, None, 0])
    ws.append([None, "Tổng cộng", None, None, None, 5])
    wb.save(path)


def main():
    os.chdir(HERE)
    write_evidence("evidence-bad.xlsx")
    if len(sys.argv) > 1 and sys.argv[1] == "--evidence":
        return 0
    write_csv("dossiers-messy.csv", DOSSIER_TITLE, DOSSIER_HEAD_CSV,
              DOSSIERS, "Tổng cộng")
    write_openpyxl("dossiers-messy-openpyxl.xlsx", DOSSIER_TITLE,
                   DOSSIER_HEAD_A, DOSSIER_HEAD_B, DOSSIERS, "Hồ sơ",
                   "Tổng cộng")
    write_xlsxwriter("dossiers-messy-xlsxwriter.xlsx", DOSSIER_TITLE,
                     DOSSIER_HEAD_A, DOSSIER_HEAD_B, DOSSIERS, "Hồ sơ",
                     "Tổng cộng")
    write_csv("tasks-messy.csv", TASK_TITLE, TASK_HEAD, TASKS, "Tổng cộng")
    write_openpyxl("tasks-messy-openpyxl.xlsx", TASK_TITLE, TASK_HEAD, None,
                   TASKS, "Nhiệm vụ", "Tổng cộng")
    write_xlsxwriter("tasks-messy-xlsxwriter.xlsx", TASK_TITLE, TASK_HEAD,
                     None, TASKS, "Nhiệm vụ", "Tổng cộng")
    for kind in ("dossiers", "tasks"):
        src = os.path.join(HERE, kind + "-messy-openpyxl.xlsx")
        tmp = os.path.join(HERE, kind + "-lo-src.xlsx")
        shutil.copy(src, tmp)
        libreoffice(tmp, "xlsx", kind + "-messy-lo.xlsx")
        libreoffice(tmp, "xls", kind + "-messy-lo.xls")
        os.remove(tmp)


if __name__ == "__main__":
    sys.exit(main())
