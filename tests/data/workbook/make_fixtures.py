#!/usr/bin/python3
"""Workbook fixtures for tests/unit/test_workbook.c, and what they hold.

    /usr/bin/python3 tests/data/workbook/make_fixtures.py [OUTDIR]

Writes each workbook with an independent writer, and beside it
NAME.expected.json: the rows a reader must return, derived here from the
values this script wrote (never from chiso's output):

  openpyxl_dossiers.xlsx    openpyxl (python3-openpyxl): shared strings,
                            hidden first sheet, merged title, error cell,
                            formulas without cached values
  openpyxl_1904.xlsx        openpyxl, 1904 date system
  xlsxwriter_inline.xlsx    XlsxWriter constant_memory mode: inline strings
  xlsxwriter_shared.xlsx    XlsxWriter default mode: shared strings, rich
                            text, cached formula values, "_xHHHH_" escapes,
                            1904 date system
  libreoffice_dossiers.xlsx LibreOffice headless, converted from the flat
  libreoffice_dossiers.xls  OpenDocument file this script writes (.fods)
  handmade_sdk.xlsx         a package written here by hand the way the .NET
                            Open XML SDK and strict-OOXML writers do: "x:"
                            prefixes, no "r" attributes, absolute and
                            non-default part names, t="d" ISO dates, raw
                            serials around Excel's 1900-02-29

Run it with Debian's /usr/bin/python3 (python3-openpyxl, python3-xlsxwriter)
and LibreOffice (soffice) installed. Outputs of openpyxl and LibreOffice
carry their own timestamps in docProps, so remade files differ in bytes but
not in cells.

Expected file format: {"sheets": [[name, hidden], ...], "reads": [{"sheet":
null or a name, "fill": bool, "selected": name, "rows": [[row, [[ref, kind,
text], ...]], ...]}]} where only non-empty cells are listed, kind is one of
text, number, bool, date, error, or "uncalculated" (a formula without a
cached value), and text is the cell text as chiso_workbook.h defines it.
"""
import datetime as dt
import decimal
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from xml.sax.saxutils import escape, quoteattr

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
FIXED_TIME = dt.datetime(2024, 12, 4, 0, 0, 0)

# ---- the data ----------------------------------------------------------------


class Date:
    """A date/time value with the number format it is shown with."""

    def __init__(self, value, fmt, cls):
        self.value = value  # datetime.datetime, datetime.date or datetime.time
        self.fmt = fmt      # Excel number format code
        self.cls = cls      # "date", "datetime" or "time"


class Formula:
    def __init__(self, excel, ods, value):
        self.excel = excel  # "=SUM(I6:I12)"
        self.ods = ods      # "of:=SUM([.I6:.I12])"
        self.value = value  # the value a spreadsheet program computes


class Error:
    def __init__(self, code, excel, ods):
        self.code = code    # "#N/A"
        self.excel = excel  # "=NA()"
        self.ods = ods


def DT(*a):
    return Date(dt.datetime(*a), "dd/mm/yyyy hh:mm:ss", "datetime")


def D(*a):
    return Date(dt.date(*a), "dd/mm/yyyy", "date")


def T(*a):
    return Date(dt.time(*a), "hh:mm:ss", "time")


TITLE = "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH"
SUBTITLE = "Đơn vị: Sở Tư pháp tỉnh Hòa Bình — Từ ngày 01/01/2024 đến ngày 31/03/2024"
HEADER = ["STT", "Mã hồ sơ", "Đơn vị", "Kênh nộp", "Ngày tiếp nhận",
          "Ngày hẹn trả", "Ngày trả kết quả", "Đã số hóa", "Lệ phí (đồng)",
          "Ghi chú"]
FEES = [50000, 0, 12.5, 1234567.891, -250.75, 300]
DATA = [
    [1, "000.00.12.H42-240102-0001", "STP", "Trực tuyến toàn trình",
     DT(2024, 1, 2, 8, 15, 0), D(2024, 1, 9), DT(2024, 1, 8, 16, 40, 0), True,
     FEES[0], "Đã nhận đủ hồ sơ"],
    [2, "000.00.12.H42-240103-0002", "STP", "Trực tuyến một phần",
     DT(2024, 1, 3, 9, 5, 30), D(2024, 1, 10), None, False, FEES[1], None],
    [3, "000.00.12.H42-240229-0003", "STP", "Qua bưu chính công ích",
     DT(2024, 2, 29, 10, 25, 0), D(2024, 3, 7), DT(2024, 3, 8, 7, 0, 0), True,
     FEES[2], 'Công dân ghi "cần gấp", đề nghị ưu tiên'],
    [4, "000.00.12.H42-240301-0004", "STP", "Nộp trực tiếp",
     DT(2024, 3, 1, 0, 0, 1), D(2024, 3, 15), DT(2024, 3, 15, 23, 59, 59),
     False, FEES[3], "Dòng 1\nDòng 2"],
    [5, "000.00.12.H42-240331-0005", "STP", "Trực tuyến toàn trình",
     DT(2024, 3, 31, 17, 0, 0), D(2024, 4, 5), Error("#N/A", "=NA()", "of:=NA()"),
     True, FEES[4], "  khoảng trắng đầu và cuối  "],
]
ROW6 = [6, "000.00.12.H42-240315-0006", "STP", "Qua dịch vụ BCCI",
        DT(2024, 3, 15, 14, 0, 0), D(2024, 3, 22), DT(2024, 3, 20, 9, 30, 0),
        True, FEES[5], "Hồ sơ sau một dòng trống"]


def dossier_sheet():
    """Rows (1-based index = list index + 1; None = an empty row) and merges."""
    rows = [[TITLE], [SUBTITLE], None, HEADER] + DATA + [None, ROW6]
    total_row = len(rows) + 1
    first, last = 5, total_row - 1
    total = Formula("=SUM(I%d:I%d)" % (first, last),
                    "of:=SUM([.I%d:.I%d])" % (first, last), sum(FEES))
    rows.append(["Tổng cộng", None, None, None, None, None, None, None, total])
    merges = [(1, 1, 1, 10), (2, 1, 2, 10), (total_row, 1, total_row, 4)]
    return rows, merges


def summary_sheet():
    rows = [
        ["Chỉ tiêu", "Giá trị", "Ngày", "Giờ"],
        ["Tỷ lệ đúng hạn", 0.1, Date(dt.date(2024, 1, 15), "yyyy-mm-dd", "date"),
         T(10, 25, 0)],
        ["Rất nhỏ", 1e-7, Date(dt.datetime(2024, 1, 15, 10, 25), "d/m/yyyy", "date"),
         T(0, 0, 1)],
        ["Rất lớn", 1.5e20, Date(dt.date(1999, 12, 31), "[$-42A]d mmmm yyyy", "date"),
         T(23, 59, 59)],
        ["Số nguyên lớn", 123456789012345, Date(dt.date(9999, 12, 31), "mm-dd-yy", "date"),
         None],
        ["Chữ có _x000D_ trong đó", "_x000D_", None, None],
        [None, None, None, None, "cột E, sau ô trống"],
    ]
    return rows, []


HIDDEN = [["Trang ẩn: không phải dữ liệu"], ["bí mật", 42]]

# ---- what a reader must return -----------------------------------------------


def num_text(x):
    """chiso_cell text of a number: shortest round-trip digits (Python's
    repr), plain for 1e-6 <= |x| < 1e15, else %g style."""
    x = float(x)
    if x == 0:
        return "0"
    r = repr(x)
    d = decimal.Decimal(r)
    if 1e-6 <= abs(x) < 1e15:
        s = format(d, "f")
        if "." in s:
            s = s.rstrip("0").rstrip(".")
        return s
    digits = d.normalize().as_tuple().digits
    return "%.*g" % (len(digits), x)


def date_text(v):
    """Text of a Date for its format class."""
    val, cls = v.value, v.cls
    if isinstance(val, dt.time):
        return val.strftime("%H:%M:%S")
    if isinstance(val, dt.datetime):
        if cls == "date" and val.time() == dt.time(0):
            return val.strftime("%Y-%m-%d")
        return val.strftime("%Y-%m-%d %H:%M:%S")
    if cls == "date":
        return val.strftime("%Y-%m-%d")
    return val.strftime("%Y-%m-%d") + " 00:00:00"


def col_letters(c):
    s = ""
    while c > 0:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def expect_cell(v, writer):
    """(kind, text) of a written value, or None when the cell is empty."""
    if v is None or (isinstance(v, str) and v == ""):
        return None
    if isinstance(v, bool):
        if writer == "xls":
            # libfreexl reports a BOOLERR cell as the integer 1 or 0
            return ("number", "1" if v else "0")
        return ("bool", "TRUE" if v else "FALSE")
    if isinstance(v, (int, float)):
        return ("number", num_text(v))
    if isinstance(v, str):
        if writer == "openpyxl":
            # openpyxl writes "_xHHHH_" as it is, without escaping the
            # underscore, so every reader (Excel too) decodes it
            v = re.sub("_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), v)
        return ("text", v)
    if isinstance(v, Date):
        if writer == "xls" and v.cls == "date" and isinstance(v.value, dt.datetime):
            # libfreexl turns a cell with a date-only format into its DATE
            # type, which keeps the day and drops the time of day
            return ("date", v.value.strftime("%Y-%m-%d"))
        return ("date", date_text(v))
    if isinstance(v, Formula):
        if writer == "openpyxl":
            return ("uncalculated", "")  # openpyxl stores no result
        if writer == "xls":
            return None  # libfreexl skips FORMULA records
        return ("number", num_text(v.value))
    if isinstance(v, Error):
        if writer == "xls":
            return None  # libfreexl drops error cells
        return ("error", v.code)
    raise TypeError(v)


def expect_rows(rows, writer, merges=(), fill=False):
    out = []
    filled = {}
    present = {i + 1 for i, r in enumerate(rows) if r is not None and
               any(expect_cell(v, writer) is not None for v in r)}
    if fill:
        for (r1, c1, r2, c2) in merges:
            if r1 not in present:
                continue
            top = expect_cell(rows[r1 - 1][c1 - 1], writer)
            if top is None:
                continue
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r1, c1):
                        filled[(r, c)] = top
    for i, r in enumerate(rows):
        rn = i + 1
        if rn not in present:
            continue
        cells = []
        ncols = max([len(r)] + [c for (rr, c) in filled if rr == rn])
        for c in range(1, ncols + 1):
            v = r[c - 1] if c <= len(r) else None
            e = expect_cell(v, writer)
            if e is None and (rn, c) in filled:
                e = filled[(rn, c)]
            if e is not None:
                cells.append([col_letters(c) + str(rn), e[0], e[1]])
        out.append([rn, cells])
    return out


def write_expected(name, sheets, reads):
    doc = {"sheets": sheets, "reads": reads}
    with open(os.path.join(OUT, name + ".expected.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")


def standard_reads(writer, hidden_known=True, merges_known=True):
    dossier, merges = dossier_sheet()
    summary, _ = summary_sheet()
    reads = [
        {"sheet": None, "fill": False,
         "selected": "Hồ sơ" if hidden_known else "Ẩn",
         "rows": expect_rows(dossier if hidden_known else HIDDEN, writer)},
        {"sheet": "Tổng hợp", "fill": False, "selected": "Tổng hợp",
         "rows": expect_rows(summary, writer)},
        {"sheet": "ho so", "fill": True, "selected": "Hồ sơ",
         "rows": expect_rows(dossier, writer, merges if merges_known else (),
                             fill=True)},
        {"sheet": "1", "fill": False, "selected": "Ẩn",
         "rows": expect_rows(HIDDEN, writer)},
    ]
    return reads


# ---- openpyxl ------------------------------------------------------------------


def openpyxl_write(path, date1904=False):
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    if date1904:
        wb.epoch = CALENDAR_MAC_1904
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    sheets = [("Ẩn", HIDDEN, []), ("Hồ sơ",) + dossier_sheet(), ("Tổng hợp",) + summary_sheet()]
    for k, (name, rows, merges) in enumerate(sheets):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = name
        for i, r in enumerate(rows):
            if r is None:
                continue
            for j, v in enumerate(r):
                if v is None:
                    continue
                cell = ws.cell(row=i + 1, column=j + 1)
                if isinstance(v, Date):
                    cell.value = v.value
                    cell.number_format = v.fmt
                elif isinstance(v, Formula):
                    cell.value = v.excel
                elif isinstance(v, Error):
                    cell.value = v.code  # openpyxl stores "#N/A" as t="e"
                else:
                    cell.value = v
        for (r1, c1, r2, c2) in merges:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    wb["Ẩn"].sheet_state = "hidden"
    wb.active = 1
    wb.save(path)


# ---- XlsxWriter ------------------------------------------------------------------


def xlsxwriter_write(path, constant_memory, date1904):
    import xlsxwriter

    wb = xlsxwriter.Workbook(path, {"constant_memory": constant_memory,
                                    "date_1904": date1904,
                                    "strings_to_numbers": False,
                                    "strings_to_formulas": False})
    wb.set_properties({"created": FIXED_TIME})
    fmts = {}
    bold = wb.add_format({"bold": True})

    def fmt(code):
        if code not in fmts:
            fmts[code] = wb.add_format({"num_format": code})
        return fmts[code]

    sheets = [("Ẩn", HIDDEN, []), ("Hồ sơ",) + dossier_sheet(), ("Tổng hợp",) + summary_sheet()]
    handles = []
    for name, rows, merges in sheets:
        ws = wb.add_worksheet(name)
        handles.append(ws)
        merge_at = {(m[0], m[1]): m for m in merges}
        for i, r in enumerate(rows):
            if r is None:
                continue
            for j, v in enumerate(r):
                rr, cc = i, j
                m = merge_at.get((i + 1, j + 1))
                if m is not None:
                    # merge_range writes the value into the top-left cell
                    ws.merge_range(m[0] - 1, m[1] - 1, m[2] - 1, m[3] - 1, v)
                    continue
                if v is None:
                    continue
                if isinstance(v, Date):
                    ws.write_datetime(rr, cc, v.value, fmt(v.fmt))
                elif isinstance(v, Formula):
                    ws.write_formula(rr, cc, v.excel, None, v.value)
                elif isinstance(v, Error):
                    ws.write_formula(rr, cc, v.excel, None, v.code)
                elif isinstance(v, bool):
                    ws.write_boolean(rr, cc, v)
                elif isinstance(v, (int, float)):
                    ws.write_number(rr, cc, v)
                else:
                    ws.write_string(rr, cc, v)
        if not constant_memory and name == "Tổng hợp":
            # a rich-text cell: runs joined by the reader
            ws.write_rich_string(7, 0, "Chữ ", bold, "đậm", " và thường")
    handles[1].activate()
    handles[1].set_first_sheet()
    handles[0].hide()
    wb.close()


def xlsxwriter_reads(constant_memory):
    reads = standard_reads("xlsxwriter")
    if not constant_memory:
        summary, _ = summary_sheet()
        summary = summary + [["Chữ đậm và thường"]]
        reads[1]["rows"] = expect_rows(summary, "xlsxwriter")
    return reads


# ---- LibreOffice (flat OpenDocument -> xlsx, xls) ---------------------------------

FODS_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"
 xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:settings><config:config-item-set config:name="ooo:view-settings">
 <config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>
 <config:config-item config:name="ActiveTable" config:type="string">Hồ sơ</config:config-item>
 </config:config-item-map-entry></config:config-item-map-indexed></config:config-item-set></office:settings>
<office:automatic-styles>
 <number:boolean-style style:name="Nbool"><number:boolean/></number:boolean-style>
 <style:style style:name="cbool" style:family="table-cell" style:data-style-name="Nbool"/>
 <number:date-style style:name="Ndate"><number:day number:style="long"/><number:text>/</number:text><number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/></number:date-style>
 <number:date-style style:name="Ndatetime"><number:day number:style="long"/><number:text>/</number:text><number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/><number:text> </number:text><number:hours number:style="long"/><number:text>:</number:text><number:minutes number:style="long"/><number:text>:</number:text><number:seconds number:style="long"/></number:date-style>
 <number:time-style style:name="Ntime"><number:hours number:style="long"/><number:text>:</number:text><number:minutes number:style="long"/><number:text>:</number:text><number:seconds number:style="long"/></number:time-style>
 <style:style style:name="cdate" style:family="table-cell" style:data-style-name="Ndate"/>
 <style:style style:name="cdatetime" style:family="table-cell" style:data-style-name="Ndatetime"/>
 <style:style style:name="ctime" style:family="table-cell" style:data-style-name="Ntime"/>
 <style:style style:name="tashow" style:family="table"><style:table-properties table:display="true"/></style:style>
 <style:style style:name="tahide" style:family="table"><style:table-properties table:display="false"/></style:style>
</office:automatic-styles>
<office:body><office:spreadsheet>
"""


def fods_cell(v, span=None):
    sp = ' table:number-columns-spanned="%d" table:number-rows-spanned="%d"' % span if span else ""
    if v is None:
        return "<table:table-cell%s/>" % sp
    if isinstance(v, bool):
        return ('<table:table-cell%s table:style-name="cbool" office:value-type="boolean" office:boolean-value="%s">'
                "<text:p>%s</text:p></table:table-cell>" % (sp, "true" if v else "false",
                                                          "TRUE" if v else "FALSE"))
    if isinstance(v, (int, float)):
        return ('<table:table-cell%s office:value-type="float" office:value="%s">'
                "<text:p>%s</text:p></table:table-cell>" % (sp, repr(float(v)), repr(v)))
    if isinstance(v, str):
        paras = "".join("<text:p>%s</text:p>" % escape(p) for p in v.split("\n"))
        # LibreOffice keeps leading and repeated spaces only as <text:s/>
        if v.startswith(" ") or "  " in v:
            paras = "<text:p>%s</text:p>" % ods_spaces(v)
        return '<table:table-cell%s office:value-type="string">%s</table:table-cell>' % (sp, paras)
    if isinstance(v, Date):
        val = v.value
        if isinstance(val, dt.time):
            return ('<table:table-cell%s table:style-name="ctime" office:value-type="time" '
                    'office:time-value="PT%02dH%02dM%02dS"><text:p/></table:table-cell>'
                    % (sp, val.hour, val.minute, val.second))
        style = "cdate" if v.cls == "date" else "cdatetime"
        iso = val.isoformat() if isinstance(val, dt.datetime) else val.isoformat()
        return ('<table:table-cell%s table:style-name="%s" office:value-type="date" '
                'office:date-value="%s"><text:p/></table:table-cell>' % (sp, style, iso))
    if isinstance(v, Formula):
        return ('<table:table-cell%s table:formula=%s office:value-type="float" office:value="%s">'
                "<text:p/></table:table-cell>" % (sp, quoteattr(v.ods), repr(float(v.value))))
    if isinstance(v, Error):
        return ('<table:table-cell%s table:formula=%s office:value-type="string" office:string-value="">'
                "<text:p>#N/A</text:p></table:table-cell>" % (sp, quoteattr(v.ods)))
    raise TypeError(v)


def ods_spaces(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == " ":
            j = i
            while j < len(s) and s[j] == " ":
                j += 1
            n = j - i
            if i == 0 or n > 1:
                out.append('<text:s text:c="%d"/>' % n if n > 1 else "<text:s/>")
            else:
                out.append(" ")
            i = j
        else:
            out.append(escape(s[i]))
            i += 1
    return "".join(out)


def fods_table(name, rows, merges, hidden):
    spans = {(m[0], m[1]): (m[3] - m[1] + 1, m[2] - m[0] + 1) for m in merges}
    covered = {(r, c) for (r1, c1, r2, c2) in merges for r in range(r1, r2 + 1)
               for c in range(c1, c2 + 1) if (r, c) != (r1, c1)}
    out = ['<table:table table:name=%s table:style-name="%s">' % (quoteattr(name), "tahide" if hidden else "tashow")]
    width = max(len(r) for r in rows if r is not None)
    for i, r in enumerate(rows):
        rn = i + 1
        out.append("<table:table-row>")
        r = r or []
        for c in range(1, width + 1):
            v = r[c - 1] if c <= len(r) else None
            if (rn, c) in covered:
                out.append("<table:covered-table-cell/>")
            else:
                out.append(fods_cell(v, spans.get((rn, c))))
        out.append("</table:table-row>")
    out.append("</table:table>")
    return "\n".join(out)


def libreoffice_write(outdir):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("make_fixtures.py: LibreOffice (soffice) is needed")
    tmp = tempfile.mkdtemp(prefix="chiso-fods-")
    try:
        fods = os.path.join(tmp, "libreoffice_dossiers.fods")
        parts = [FODS_HEAD,
                 fods_table("Ẩn", HIDDEN, [], True),
                 fods_table("Hồ sơ", *dossier_sheet(), False),
                 fods_table("Tổng hợp", *summary_sheet(), False),
                 "</office:spreadsheet></office:body></office:document>\n"]
        with open(fods, "w", encoding="utf-8") as f:
            f.write("\n".join(parts))
        env = dict(os.environ, HOME=tmp)
        for target, filt in (("xlsx", "xlsx:Calc Office Open XML"), ("xls", "xls:MS Excel 97")):
            subprocess.run([soffice, "--headless", "-env:UserInstallation=file://" + tmp + "/profile",
                            "--convert-to", filt, "--outdir", tmp, fods],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            shutil.copy(os.path.join(tmp, "libreoffice_dossiers." + target),
                        os.path.join(outdir, "libreoffice_dossiers." + target))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---- by hand: what .NET / strict writers produce -------------------------------


def handmade_write(path):
    ns = "http://purl.oclc.org/ooxml/spreadsheetml/main"  # strict namespace
    rns = "http://purl.oclc.org/ooxml/officeDocument/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    files = {}
    files["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/></Types>')
    files["_rels/.rels"] = (
        '<?xml version="1.0" encoding="utf-8"?><Relationships xmlns="%s">'
        '<Relationship Type="%s/officeDocument" Target="/book/main.xml" Id="R1"/></Relationships>' % (pkg, rns))
    files["book/_rels/main.xml.rels"] = (
        '<?xml version="1.0" encoding="utf-8"?><Relationships xmlns="%s">'
        '<Relationship Type="%s/worksheet" Target="/book/data/first.xml" Id="Rs1"/>'
        '<Relationship Type="%s/worksheet" Target="data/second.xml" Id="Rs2"/>'
        '<Relationship Type="%s/styles" Target="/book/look.xml" Id="Rst"/>'
        '<Relationship Type="http://example.com/external" Target="http://example.com/x.xml" TargetMode="External" Id="Rx"/>'
        '</Relationships>' % (pkg, rns, rns, rns))
    # the second sheet comes first in the tab order and points to second.xml
    files["book/main.xml"] = (
        '<?xml version="1.0" encoding="utf-8"?><x:workbook xmlns:x="%s" xmlns:r="%s">'
        '<x:workbookPr/><x:sheets>'
        '<x:sheet name="Dữ liệu" sheetId="7" r:id="Rs2"/>'
        '<x:sheet name="Lịch" sheetId="3" r:id="Rs1"/>'
        '</x:sheets></x:workbook>' % (ns, rns))
    files["book/look.xml"] = (
        '<?xml version="1.0" encoding="utf-8"?><x:styleSheet xmlns:x="%s">'
        '<x:numFmts count="2"><x:numFmt numFmtId="200" formatCode="&quot;Ngày&quot; dd/mm/yyyy"/>'
        '<x:numFmt numFmtId="201" formatCode="#,##0.00\\ &quot;đ&quot;;[Red]-#,##0.00"/></x:numFmts>'
        '<x:cellStyleXfs count="1"><x:xf numFmtId="14"/></x:cellStyleXfs>'
        '<x:cellXfs count="4"><x:xf numFmtId="0"/><x:xf numFmtId="200"/><x:xf numFmtId="201"/><x:xf numFmtId="22"/></x:cellXfs>'
        '</x:styleSheet>' % ns)
    # no r attributes anywhere; inline strings with runs and an escape
    files["book/data/second.xml"] = (
        '<?xml version="1.0" encoding="utf-8"?><x:worksheet xmlns:x="%s"><x:sheetData>'
        '<x:row><x:c t="inlineStr"><x:is><x:t>Mã</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>Số tiền</x:t></x:is></x:c>'
        '<x:c t="inlineStr"><x:is><x:t>Ngày</x:t></x:is></x:c></x:row>'
        '<x:row><x:c t="inlineStr"><x:is><x:r><x:t>HS</x:t></x:r><x:r><x:rPr/><x:t xml:space="preserve">-01</x:t></x:r>'
        '<x:rPh sb="0" eb="1"><x:t>phonetic, not text</x:t></x:rPh></x:is></x:c>'
        '<x:c s="2"><x:v>1234.5</x:v></x:c><x:c s="1"><x:v>45306</x:v></x:c></x:row>'
        '<x:row/>'
        '<x:row><x:c t="inlineStr"><x:is><x:t>a_x000D__x000A_b &amp; &lt;c&gt;</x:t></x:is></x:c>'
        '<x:c t="d"><x:v>2024-02-29T13:45:00</x:v></x:c><x:c t="b"><x:v>0</x:v></x:c></x:row>'
        '</x:sheetData></x:worksheet>' % ns)
    # raw serials around Excel's fictitious 1900-02-29, r attributes present
    serial_rows = [(1, 1.0), (2, 59.0), (3, 60.0), (4, 61.0), (5, 0.5),
                   (6, 45306 + 86399.4 / 86400)]  # 23:59:59.4 rounds down
    cells = "".join('<x:row r="%d"><x:c r="A%d" s="%d"><x:v>%r</x:v></x:c></x:row>'
                    % (r, r, 3 if r >= 5 else 1, v) for r, v in serial_rows)
    files["book/data/first.xml"] = (
        '<?xml version="1.0" encoding="utf-8"?><x:worksheet xmlns:x="%s"><x:sheetData>%s</x:sheetData>'
        '<x:mergeCells count="1"><x:mergeCell ref="A1:B2"/></x:mergeCells></x:worksheet>' % (ns, cells))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ["[Content_Types].xml", "_rels/.rels", "book/_rels/main.xml.rels", "book/main.xml",
                     "book/look.xml", "book/data/second.xml", "book/data/first.xml"]:
            info = zipfile.ZipInfo(name, date_time=(2024, 12, 4, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, files[name].encode("utf-8"))
    return serial_rows


def handmade_expected(serial_rows):
    # Excel's 1900 system: 1 = 1900-01-01, 59 = 1900-02-28, 60 = the
    # fictitious 1900-02-29, 61 = 1900-03-01 (days since 1899-12-30 from
    # there on). Style 1 is a date format ("Ngày" dd/mm/yyyy), style 3 is
    # built-in 22 (m/d/yyyy h:mm).
    lich = [
        [1, [["A1", "date", "1900-01-01"]]],
        [2, [["A2", "date", "1900-02-28"]]],
        [3, [["A3", "date", "1900-02-29"]]],
        [4, [["A4", "date", "1900-03-01"]]],
        [5, [["A5", "date", "12:00:00"]]],       # below one day, date-and-time format
        [6, [["A6", "date", "2024-01-15 23:59:59"]]],
    ]
    lich_fill = [
        [1, [["A1", "date", "1900-01-01"], ["B1", "date", "1900-01-01"]]],
        [2, [["A2", "date", "1900-01-01"], ["B2", "date", "1900-01-01"]]],
    ] + lich[2:]
    data = [
        [1, [["A1", "text", "Mã"], ["B1", "text", "Số tiền"], ["C1", "text", "Ngày"]]],
        [2, [["A2", "text", "HS-01"], ["B2", "number", "1234.5"], ["C2", "date", "2024-01-15"]]],
        [4, [["A4", "text", "a\r\nb & <c>"], ["B4", "date", "2024-02-29 13:45:00"], ["C4", "bool", "FALSE"]]],
    ]
    reads = [
        {"sheet": None, "fill": False, "selected": "Dữ liệu", "rows": data},
        {"sheet": "Lịch", "fill": False, "selected": "Lịch", "rows": lich},
        {"sheet": "2", "fill": True, "selected": "Lịch", "rows": lich_fill},
        {"sheet": "du lieu", "fill": False, "selected": "Dữ liệu", "rows": data},
    ]
    write_expected("handmade_sdk", [["Dữ liệu", 0], ["Lịch", 0]], reads)


# ---- main ----------------------------------------------------------------------------


def main():
    os.makedirs(OUT, exist_ok=True)
    sheets = [["Ẩn", 1], ["Hồ sơ", 0], ["Tổng hợp", 0]]

    openpyxl_write(os.path.join(OUT, "openpyxl_dossiers.xlsx"))
    write_expected("openpyxl_dossiers", sheets, standard_reads("openpyxl"))
    openpyxl_write(os.path.join(OUT, "openpyxl_1904.xlsx"), date1904=True)
    write_expected("openpyxl_1904", sheets, standard_reads("openpyxl"))

    xlsxwriter_write(os.path.join(OUT, "xlsxwriter_inline.xlsx"), True, False)
    write_expected("xlsxwriter_inline", sheets, xlsxwriter_reads(True))
    xlsxwriter_write(os.path.join(OUT, "xlsxwriter_shared.xlsx"), False, True)
    write_expected("xlsxwriter_shared", sheets, xlsxwriter_reads(False))

    libreoffice_write(OUT)
    # LibreOffice 7.4's headless export writes every sheet state="visible"
    # (its hidden flag is a view setting, lost without a view), so the first
    # sheet holding data is the formerly hidden one
    write_expected("libreoffice_dossiers.xlsx", [["Ẩn", 0], ["Hồ sơ", 0], ["Tổng hợp", 0]],
                   standard_reads("libreoffice", hidden_known=False))
    # .xls through libfreexl: hidden sheets and merges are not reported
    write_expected("libreoffice_dossiers.xls", [["Ẩn", 0], ["Hồ sơ", 0], ["Tổng hợp", 0]],
                   standard_reads("xls", hidden_known=False, merges_known=False))

    handmade_expected(handmade_write(os.path.join(OUT, "handmade_sdk.xlsx")))


if __name__ == "__main__":
    main()
