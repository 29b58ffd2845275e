#!/usr/bin/env python3
"""Open chiso's Word documents in LibreOffice (headless), as a user would,
and check what a reader sees.

  1. The documents test_word writes (the sample report with footer page
     numbers, the same with Decree-30 page numbers at the top, a filled
     Word-style template) are converted to PDF and text: the text, the
     numbers with a decimal comma, the table header repeated on page 2,
     page numbers where they belong.
  2. A template made by LibreOffice itself from a flat ODT written here
     (a placeholder split by a bold span, a repeated table row) is filled
     by `chiso fill` with the summary.json of a real `chiso report` run;
     every number in the result is compared with the value in summary.json
     formatted here, independently, by the documented rules.
  3. Every XML part of every document is well-formed (Python's parser).

usage: check_word_lo.py TEST_WORD CHISO WORKDIR
"""
import decimal
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from xml.dom import minidom

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lo  # noqa: E402

fails = []


def check(cond, what):
    if not cond:
        fails.append(what)


def vi_number(x, decimals=None, plain=False):
    """The documented rule, written again: half up to `decimals`; decimal
    comma; '.' between thousands from 10 000 up, never with :plain."""
    d = decimal.Decimal(repr(x))
    if decimals is not None:
        d = d.quantize(decimal.Decimal(1).scaleb(-decimals),
                       rounding=decimal.ROUND_HALF_UP)
        s = format(d, "f")
    elif d == d.to_integral_value():
        s = str(int(d))
    else:
        s = format(d.normalize(), "f")
    neg = s.startswith("-")
    s = s.lstrip("-")
    whole, _, frac = s.partition(".")
    if not plain and len(whole) >= 5:
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = ".".join([whole] + groups)
    out = whole + ("," + frac if frac else "")
    if neg and set(out) - set("0,."):
        out = "-" + out
    return out


def pdftotext_pages(pdf):
    """Text of each page (pdftotext -layout)."""
    n = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", pdf], stdout=subprocess.PIPE, check=True,
        universal_newlines=True).stdout).group(1))
    pages = []
    for p in range(1, n + 1):
        pages.append(subprocess.run(
            ["pdftotext", "-layout", "-f", str(p), "-l", str(p), pdf, "-"],
            stdout=subprocess.PIPE, check=True,
            universal_newlines=True).stdout)
    return pages


def wellformed(docx):
    with zipfile.ZipFile(docx) as z:
        for name in z.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                try:
                    minidom.parseString(z.read(name))
                except Exception as e:  # noqa: BLE001
                    fails.append("%s: %s is not well-formed: %s" % (
                        docx, name, e))


def read_text(path):
    with open(path, encoding="utf-8-sig") as f:
        return f.read()


FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:automatic-styles>
  <style:style style:name="T1" style:family="text">
   <style:text-properties fo:font-weight="bold"/>
  </style:style>
 </office:automatic-styles>
 <office:body><office:text>
  <text:p>Đơn vị: {{unit.name}}</text:p>
  <text:p>Kỳ báo cáo: {{period.label}}</text:p>
  <text:p>Chỉ số CCHC tự chấm: {{par.<text:span text:style-name="T1">index_pct</text:span>:2}} %, xếp loại {{par.group.label}}.</text:p>
  <text:p>Tỷ lệ nhiệm vụ đúng hạn: {{tasks.on_time_pct:1}} %; tổng điểm {{par.points}} trên {{par.applicable_max}}.</text:p>
  <table:table table:name="Bang1">
   <table:table-column table:number-columns-repeated="3"/>
   <table:table-header-rows>
    <table:table-row>
     <table:table-cell office:value-type="string"><text:p>STT</text:p></table:table-cell>
     <table:table-cell office:value-type="string"><text:p>Tiêu chí bị trừ điểm</text:p></table:table-cell>
     <table:table-cell office:value-type="string"><text:p>Điểm bị trừ</text:p></table:table-cell>
    </table:table-row>
   </table:table-header-rows>
   <table:table-row>
    <table:table-cell office:value-type="string"><text:p>{{par.top_lost[].#}}</text:p></table:table-cell>
    <table:table-cell office:value-type="string"><text:p>{{par.top_lost[].name}}</text:p></table:table-cell>
    <table:table-cell office:value-type="string"><text:p>{{par.top_lost[].points_lost:2}}</text:p></table:table-cell>
   </table:table-row>
  </table:table>
  <text:p>Hết.</text:p>
 </office:text></office:body>
</office:document>
"""


def main():
    test_word, chiso, work = sys.argv[1], sys.argv[2], os.path.abspath(
        sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    subprocess.run([test_word, "--write", work], check=True)
    rep = os.path.join(work, "report.docx")
    hdr = os.path.join(work, "report-header.docx")
    sf = os.path.join(work, "split-filled.docx")

    # a template made by LibreOffice, filled from a real report's numbers
    fodt = os.path.join(work, "mau-lo.fodt")
    with open(fodt, "w", encoding="utf-8") as f:
        f.write(FODT)
    tpl = lo.convert(fodt, "docx:MS Word 2007 XML", work, work, "fodt")
    pack = os.path.join(work, "pack")
    subprocess.run([chiso, "report", "--out", pack, "--quiet"], check=True)
    with open(os.path.join(pack, "summary.json"), encoding="utf-8") as f:
        summary = json.load(f)
    out = os.path.join(work, "bao-cao.docx")
    r = subprocess.run([chiso, "fill", tpl, os.path.join(pack, "summary.json"),
                        "-o", out, "--quiet"], stderr=subprocess.PIPE,
                       universal_newlines=True)
    check(r.returncode == 0, "chiso fill on the LibreOffice template: %s"
          % r.stderr)
    if r.returncode != 0:
        shutil.copy(sf, out)  # keep the conversions below going

    for d in (rep, hdr, sf, out):
        wellformed(d)
    # one LibreOffice start per format
    t_rep, t_sf, t_out = (read_text(p) for p in lo.convert_many(
        [rep, sf, out], "txt:Text (encoded):UTF8", os.path.join(work, "txt"),
        work, "txt"))
    p_rep, p_hdr, p_out = lo.convert_many(
        [rep, hdr, out], "pdf", os.path.join(work, "pdf"), work, "pdf")

    # 1. the writer's sample report
    for want in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc",
                 "Hưng Yên, ngày 31 tháng 12 năm 2024",
                 "I. KẾT QUẢ THỰC HIỆN",
                 "Chỉ số CCHC tự chấm đạt 81,23 %, xếp loại Khá",
                 "Bảng 1. Kết quả tự chấm theo tiêu chí",
                 "Hình 1. Điểm theo lĩnh vực",
                 "đầy đủ nội dung <theo hướng dẫn>",
                 "III. PHƯƠNG HƯỚNG"]:
        check(want in t_rep, "report.docx text has %r" % want)
    # numbered lists restart: the second list starts at 1 again
    check(re.search(r"1\.\s+Mục một", t_rep) is not None,
          "second numbered list restarts at 1")
    pages = pdftotext_pages(p_rep)
    check(len(pages) >= 3, "report.pdf has %d pages" % len(pages))
    if len(pages) >= 3:
        check("Tiêu chí thành phần số 1 về" in pages[0], "table starts p1")
        # the header row repeats on page 2, the table goes on there
        check("Tiêu chí" in pages[1] and "Điểm tối" in pages[1] and
              "Tiêu chí thành phần số 1 về" not in pages[1],
              "table header repeated on page 2")
        check("Tiêu chí thành phần số 40 về cải cách" in "".join(pages),
              "last row")
        for i, p in enumerate(pages):
            last = [ln.strip() for ln in p.strip().splitlines()][-1]
            check(last == str(i + 1), "footer page number on page %d: %r" %
                  (i + 1, last))
    # Decree 30: numbers at the top, not on page 1
    hp = pdftotext_pages(p_hdr)
    check(len(hp) >= 2, "report-header.pdf has %d pages" % len(hp))
    if len(hp) >= 2:
        first1 = hp[0].strip().splitlines()[0].strip()
        first2 = hp[1].strip().splitlines()[0].strip()
        check(first1.startswith("UBND TỈNH HƯNG YÊN"),
              "no page number on page 1: %r" % first1)
        check(first2 == "2", "page number 2 at the top of page 2: %r" % first2)

    # 1b. the Word-style template filled by test_word
    for want in ["Chỉ số CCHC tự chấm đạt 81,23 %, xếp loại Khá.",
                 "đúng hạn: 92,5 %; quá hạn: 3 nhiệm vụ.",
                 "Hồ sơ tiếp nhận: 12.345 (mã 20241)",
                 "(không có số liệu)",
                 "Số hóa hồ sơ, kết quả giải quyết TTHC",
                 "Tổng số điểm bị trừ", "5,50",
                 "- Cải cách thể chế: 72,3 %"]:
        check(want in t_sf, "split-filled text has %r" % want)
    check("{{" not in t_sf and "}}" not in t_sf, "no placeholder left")

    # 2. the LibreOffice template: every number against summary.json
    if r.returncode == 0:
        par, tasks = summary["par"], summary["tasks"]
        want = [
            "Đơn vị: " + summary["unit"]["name"],
            "Kỳ báo cáo: " + summary["period"]["label"],
            "Chỉ số CCHC tự chấm: %s %%, xếp loại %s." % (
                vi_number(par["index_pct"], 2), par["group"]["label"]),
            "Tỷ lệ nhiệm vụ đúng hạn: %s %%; tổng điểm %s trên %s." % (
                vi_number(tasks["on_time_pct"], 1), vi_number(par["points"]),
                vi_number(par["applicable_max"])),
        ]
        for w in want:
            check(w in t_out, "filled LibreOffice template has %r" % w)
        rows = [ln for ln in t_out.splitlines() if ln.strip()]
        for i, item in enumerate(par["top_lost"], 1):
            k = rows.index(item["name"]) if item["name"] in rows else -1
            check(k > 0 and rows[k - 1] == str(i) and
                  rows[k + 1] == vi_number(item["points_lost"], 2),
                  "row %d: %s, %r, %s" % (i, i, item["name"],
                                          vi_number(item["points_lost"], 2)))
        check(len(par["top_lost"]) > 1 and "{{" not in t_out,
              "every placeholder filled, %d rows" % len(par["top_lost"]))
        pages = pdftotext_pages(p_out)
        check(any(vi_number(par["index_pct"], 2) in p for p in pages),
              "the PDF shows the index")

    if fails:
        for w in fails:
            print("FAIL:", w)
        sys.exit(1)
    print("check_word_lo: all checks passed")


main()
