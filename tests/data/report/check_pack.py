#!/usr/bin/env python3
"""Open the report pack's office files with the programs their users have,
and check that they say what summary.json says.

  1. `chiso report` on the shipped sample (Vietnamese), twice: every file
     of the pack has the same bytes; summary.json lists report.xlsx,
     report.docx and report.html, the manifest (.chiso-pack.json) too;
     every warning is a typed object (code, severity, message,
     criterion_id, file, line, column).
  2. The same sample in English without the published store: two charts
     are left out, and summary.json says so with typed "chart_left_out"
     warnings; the document and the page still build.
  3. report.xlsx read by openpyxl: the sheets, numbers stored as numbers
     (percentages as fractions with a % format, counts with #,##0, dates as
     dates shown dd/mm/yyyy, years as text), frozen header rows,
     autofilters, fitted column widths; the key figures and the tables
     equal to summary.json and the CSV tables of the same pack.
  4. report.docx converted by LibreOffice (headless) to text and PDF: the
     outline (I. Kết quả thực hiện, II. Tồn tại, hạn chế, III. Phương
     hướng), the numbers of summary.json written the Vietnamese way with
     their diacritics around them, the criteria that lost most and their
     targets, the five charts embedded as images.
  5. report.html opened by headless Chromium (tests/web/check_browser.py
     --page): no console message, no network request; the numbers are in
     the page.

usage: check_pack.py CHISO SOURCE_DIR WORKDIR
"""
import csv
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "word"))
import lo  # noqa: E402

import openpyxl  # noqa: E402

fails = []


def check(cond, what):
    if not cond:
        fails.append(what)
    return cond


def vi(x, dec):
    """A number as the Vietnamese report writes it in a sentence: rounded
    half up, decimal comma, no grouping (computed here, not by chiso)."""
    import decimal
    q = decimal.Decimal(1).scaleb(-dec)
    d = decimal.Decimal(repr(x)).quantize(q, rounding=decimal.ROUND_HALF_UP)
    return str(d).replace(".", ",")


def run(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       **kw)
    if r.returncode != 0:
        raise SystemExit("%s failed (%d):\n%s" % (
            " ".join(cmd), r.returncode, r.stderr.decode(errors="replace")))
    return r


def build(chiso, cfg, out):
    run([chiso, "report", cfg, "--out", out, "--quiet"],
        env=dict(os.environ, LC_ALL="C", TZ="UTC"))
    with open(os.path.join(out, "summary.json"), encoding="utf-8") as f:
        return json.load(f)


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


# ---- 1 and 2: the pack ------------------------------------------------------

def check_pack(out, s, lang):
    files = sorted(os.listdir(out))
    for name in ("report.xlsx", "report.docx", "report.html", "report.pdf"):
        check(name in files, "%s: %s missing" % (lang, name))
        check(name in s["files"], "%s: summary.json files[] lacks %s" %
              (lang, name))
    with open(os.path.join(out, ".chiso-pack.json"), encoding="utf-8") as f:
        manifest = f.read()
    for name in ("report.xlsx", "report.docx", "report.html"):
        check('"%s"' % name in manifest,
              "%s: manifest lacks %s" % (lang, name))
    check(s["schema_version"] == 2, "schema_version is not 2")
    keys = ["code", "severity", "message", "criterion_id", "file", "line",
            "column"]
    for w in s["warnings"]:
        if not check(isinstance(w, dict) and sorted(w) == sorted(keys),
                     "%s: warning is not a typed object: %r" % (lang, w)):
            continue
        check(re.fullmatch(r"[a-z_]+", w["code"] or "") is not None,
              "%s: warning code %r" % (lang, w["code"]))
        check(w["severity"] in ("info", "warning", "error"),
              "%s: severity %r" % (lang, w["severity"]))
        check(w["code"] != "unclassified",
              "%s: untyped warning %r" % (lang, w["message"]))
    for name in ("report.xlsx", "report.docx"):
        with zipfile.ZipFile(os.path.join(out, name)) as z:
            for info in z.infolist():
                check(info.date_time[0] <= 1980,
                      "%s: %s entry %s dated %r" % (lang, name, info.filename,
                                                    info.date_time))


# ---- 3: the workbook --------------------------------------------------------

def figure(ws, label):
    for row in ws.iter_rows(min_row=1):
        if row[0].value == label:
            return row[1]
    fails.append("summary sheet: no row '%s'" % label)
    return None


def close(a, b, tol, what):
    ok = isinstance(a, (int, float)) and not isinstance(a, bool) and \
        b is not None and abs(a - b) <= tol
    check(ok, "%s: %r, expected %r" % (what, a, b))


def check_xlsx(out, s):
    wb = openpyxl.load_workbook(os.path.join(out, "report.xlsx"))
    names = wb.sheetnames
    check(names[:3] == ["Tổng hợp", "Lĩnh vực", "Tiêu chí"],
          "sheets: %r" % names)
    for n in ("Điểm bị mất", "Nhiệm vụ quá hạn", "Hồ sơ theo tháng",
              "Chỉ số của tỉnh"):
        check(n in names, "sheet %s missing" % n)
    ws = wb["Tổng hợp"]
    c = figure(ws, "Chỉ số CCHC tự đánh giá")
    if c is not None:
        close(c.value, s["par"]["index_pct"] / 100, 0.00005, "index_pct")
        check("%" in c.number_format, "index_pct format " + c.number_format)
    c = figure(ws, "Điểm tự đánh giá")
    if c is not None:
        close(c.value, s["par"]["points"], 0.005, "points")
    c = figure(ws, "Nhiệm vụ hoàn thành đúng hạn (%)")
    if c is not None:
        close(c.value, s["tasks"]["on_time_pct"] / 100, 0.00005,
              "tasks.on_time_pct")
    c = figure(ws, "Nhiệm vụ quá hạn tại ngày báo cáo")
    if c is not None:
        close(c.value, s["tasks"]["overdue_as_of"], 0, "overdue_as_of")
    c = figure(ws, "Hồ sơ tiếp nhận")
    if c is not None:
        close(c.value, s["services"]["current"]["received"], 0, "received")
        check(c.number_format == "#,##0", "received format " +
              c.number_format)
    c = figure(ws, "Hồ sơ nộp trực tuyến (%)")
    if c is not None:
        close(c.value, s["services"]["current"]["online_pct"] / 100,
              0.00005, "online_pct")
    # every table sheet: title row, header row frozen, autofilter, widths
    for name in names[1:]:
        t = wb[name]
        check(t.freeze_panes == "A3", "%s: frozen at %r" % (name,
                                                          t.freeze_panes))
        check(t.auto_filter.ref is not None and
              t.auto_filter.ref.startswith("A2:"),
              "%s: autofilter %r" % (name, t.auto_filter.ref))
        widths = [t.column_dimensions[k].width or 0
                  for k in "ABCDEFGHIJKLM"]
        check(max(widths) >= 15, "%s: no column fits its text (%r)" %
              (name, widths))
        check(min(w for w in widths if w) >= 6, "%s: widths %r" %
              (name, widths))
    # areas = summary.json par.areas
    t = wb["Lĩnh vực"]
    rows = list(t.iter_rows(min_row=3, values_only=True))
    check(len([r for r in rows if r[0]]) == len(s["par"]["areas"]),
          "areas: %d rows" % len(rows))
    for r, a in zip(rows, s["par"]["areas"]):
        check(r[0] == a["id"] and r[1] == a["name"], "area %r" % (r[:2],))
        close(r[2], a["points"], 0.005, "area %s points" % a["id"])
        close(r[4], a["index_pct"] / 100, 0.00005, "area %s pct" % a["id"])
        close(r[5], a["points_lost"], 0.005, "area %s lost" % a["id"])
    # criteria = table-criteria.csv of the same pack (machine numbers)
    t = wb["Tiêu chí"]
    head = [c.value for c in t[2]]
    check("Điểm bị mất" in head, "criteria sheet lacks 'Điểm bị mất'")
    lost_col = head.index("Điểm bị mất") if "Điểm bị mất" in head else 10
    pct_col = head.index("Tỷ lệ (%)") if "Tỷ lệ (%)" in head else 8
    csvrows = read_csv(os.path.join(out, "table-criteria.csv"))[1:]
    xrows = list(t.iter_rows(min_row=3, values_only=True))
    check(len(csvrows) == len(xrows), "criteria: %d rows vs %d in the CSV" %
          (len(xrows), len(csvrows)))
    for x, c in zip(xrows, csvrows):
        check(x[0] == c[0], "criteria id %r vs %r" % (x[0], c[0]))
        for col, k, scale, tol in ((lost_col, 10, 1, 0.005),
                                   (pct_col, 8, 100, 0.00005)):
            if c[k] == "":
                # no data stays an empty cell, never 0
                check(x[col] is None, "criterion %s: %r for an empty "
                      "CSV cell" % (c[0], x[col]))
            else:
                close(x[col], float(c[k]) / scale, tol,
                      "criterion %s column %d" % (c[0], k))
        check(isinstance(x[2], int), "criterion %s depth %r" % (c[0], x[2]))
    check(t.cell(3, pct_col + 1).number_format == "0.00%",
          "criteria pct format %r" % t.cell(3, pct_col + 1).number_format)
    # points lost: the first row is summary.json's top_lost[0]
    t = wb["Điểm bị mất"]
    first = [c.value for c in t[3]]
    tl = s["par"]["top_lost"][0]
    check(first[1] == tl["id"], "points lost first %r" % first[1])
    close(first[3], tl["points_lost"], 0.005, "top_lost[0].points_lost")
    if tl["next_value"] is not None:
        # within 0.01 of next_value and on the side that reaches it
        close(first[7], tl["next_value"], 0.01, "top_lost[0].next_value")
        if tl["value"] is not None and isinstance(first[7], (int, float)):
            check((first[7] - tl["next_value"]) *
                  (tl["next_value"] - tl["value"]) >= -1e-12,
                  "next value %r shown short of %r" % (first[7],
                                                      tl["next_value"]))
    # every target of the sheet reaches its step (never rounded short)
    for r in t.iter_rows(min_row=3, values_only=True):
        if r[6] is not None and r[7] is not None:
            lost = [x for x in s["par"]["top_lost"] if x["id"] == r[1]]
            if lost and lost[0]["next_value"] is not None:
                nv, v = lost[0]["next_value"], lost[0]["value"]
                check(v is None or (r[7] - nv) * (nv - v) >= -1e-12,
                      "%s: target %r short of %r" % (r[1], r[7], nv))
    # overdue tasks: dates are dates
    t = wb["Nhiệm vụ quá hạn"]
    due = t.cell(3, 4)
    check(isinstance(due.value, datetime.datetime) and
          due.number_format == "dd/mm/yyyy",
          "due date %r %r" % (due.value, due.number_format))
    check(t.cell(3, 1).value == s["tasks"]["overdue_list"][0]["task_id"],
          "overdue task id %r" % t.cell(3, 1).value)
    # dossiers by month: the months of the period add up to the period
    t = wb["Hồ sơ theo tháng"]
    first_m = s["period"]["first_day"][:7]
    last_m = s["period"]["last_day"][:7]
    got = sum(r[1] for r in t.iter_rows(min_row=3, values_only=True)
              if r[0] and first_m <= r[0] <= last_m)
    check(got == s["services"]["current"]["received"],
          "dossiers by month add to %r, summary says %r" %
          (got, s["services"]["current"]["received"]))
    # province: years are text, never 2.024
    t = wb["Chỉ số của tỉnh"]
    check(isinstance(t.cell(3, 2).value, str) and
          re.fullmatch(r"\d{4}", t.cell(3, 2).value),
          "province year %r" % t.cell(3, 2).value)


# ---- 4: the Word document ---------------------------------------------------

def check_docx(out, s, work):
    txt = lo.convert(os.path.join(out, "report.docx"),
                     "txt:Text (encoded):UTF8", os.path.join(work, "docx"),
                     work, "docx-txt")
    pdf = lo.convert(os.path.join(out, "report.docx"), "pdf",
                     os.path.join(work, "docx"), work, "docx-pdf")
    with open(txt, encoding="utf-8-sig") as f:
        text = f.read()
    flat = re.sub(r"\s+", " ", text)
    for h in ("I. KẾT QUẢ THỰC HIỆN", "II. TỒN TẠI, HẠN CHẾ",
              "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
              "1. Kết quả tự đánh giá, chấm điểm Chỉ số CCHC",
              "5. Bảng tự đánh giá, chấm điểm", "BÁO CÁO",
              "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", s["unit"]["name"]):
        check(h in flat, "docx: '%s' missing" % h)
    p = s["par"]
    t = s["tasks"]
    c = s["services"]["current"]
    facts = [
        "đạt %s/%s điểm" % (vi(p["points"], 2), vi(p["applicable_max"], 2)),
        "tương ứng %s %% số điểm tối đa" % vi(p["index_pct"], 2),
        "xếp loại %s" % p["group"]["label"],
        "có %d nhiệm vụ đến hạn" % t["assigned"],
        "%d nhiệm vụ đúng hạn (%s %%)" % (t["completed_on_time"],
                                          vi(t["on_time_pct"], 2)),
        "còn %d nhiệm vụ quá hạn" % t["overdue_as_of"],
        "tiếp nhận %d hồ sơ" % c["received"],
        "trực tuyến %s %%" % vi(c["online_pct"], 2),
    ]
    for fact in facts:
        check(fact in flat, "docx: '%s' missing" % fact)
    for tl in p["top_lost"]:
        check(tl["name"] in flat, "docx: lost criterion '%s'" % tl["name"])
        if tl["next_value"] is not None and tl["gain_next"] is not None:
            # the target rounded away from the current value, so the
            # number written still reaches the step
            nv = tl["next_value"]
            if nv == int(nv):
                shown = str(int(nv))
            elif tl["value"] is None:
                shown = ("%.10g" % nv).replace(".", ",")
            else:
                import decimal
                up = tl["value"] is None or nv > tl["value"]
                d = decimal.Decimal(repr(nv)).quantize(
                    decimal.Decimal("0.01"),
                    rounding=decimal.ROUND_CEILING if up
                    else decimal.ROUND_FLOOR)
                shown = str(d).replace(".", ",")
            want = "đạt giá trị %s" % shown
            check(want in flat, "docx: target '%s' of %s" % (want, tl["id"]))
            check("được thêm %s điểm" % vi(tl["gain_next"], 2) in flat,
                  "docx: gain of %s" % tl["id"])
    for a in p["areas"]:
        check(a["name"] in flat, "docx: area '%s'" % a["name"])
    imgs = run(["pdfimages", "-list", pdf]).stdout.decode().splitlines()[2:]
    check(len(imgs) >= 5, "docx: %d images in the PDF" % len(imgs))
    pages = run(["pdfinfo", pdf]).stdout.decode()
    m = re.search(r"Pages:\s+(\d+)", pages)
    check(m is not None and 3 <= int(m.group(1)) <= 40,
          "docx: pages %r" % (m.group(1) if m else None))
    check("A4" in pages or "595.3" in pages, "docx: not A4")


# ---- 5: the page ------------------------------------------------------------

def check_html(out, s, work, src, name):
    path = os.path.join(out, "report.html")
    with open(path, encoding="utf-8") as f:
        page = f.read()
    check("://" not in page, "%s: report.html holds '://'" % name)
    r = subprocess.run([sys.executable,
                        os.path.join(src, "tests", "web", "check_browser.py"),
                        "--page", path, os.path.join(work, "chromium-" +
                                                     name)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    check(r.returncode == 0, "%s: Chromium check failed:\n%s" %
          (name, r.stdout.decode(errors="replace")))
    return page


# ---- 6: --xlsx of score, services, tasks -----------------------------------

def check_cli_xlsx(chiso, src, work):
    """The workbook of each command holds its --csv table, cell by cell
    (numbers as numbers, percentages as fractions), and is refused over
    an input."""
    d = os.path.join(work, "cli")
    os.makedirs(d, exist_ok=True)
    smp = os.path.join(src, "datasets", "samples")
    env = dict(os.environ, LC_ALL="C", TZ="UTC")
    cases = [
        ("services", [os.path.join(smp, "dossiers-skhcn-2024.csv"),
                      "--period", "half"], "Hồ sơ", 2, 6),
        ("tasks", [os.path.join(smp, "tasks-skhcn-2024.csv"), "--as-of",
                   "2024-12-31", "--period", "half"], "Nhiệm vụ", 2, 8),
    ]
    for cmd, args, sheet, first_num, first_pct in cases:
        x = os.path.join(d, cmd + ".xlsx")
        c = os.path.join(d, cmd + ".csv")
        run([chiso, cmd] + args + ["--xlsx", x, "--csv", c], env=env)
        rows = read_csv(c)
        wb = openpyxl.load_workbook(x)
        check(wb.sheetnames == [sheet] + (["Nhiệm vụ quá hạn"]
                                          if cmd == "tasks" else []),
              "%s --xlsx sheets %r" % (cmd, wb.sheetnames))
        ws = wb[sheet]
        check(ws.freeze_panes == "A3", "%s --xlsx frozen %r" %
              (cmd, ws.freeze_panes))
        xr = list(ws.iter_rows(min_row=3, values_only=True))
        check(len(xr) == len(rows) - 1, "%s --xlsx %d rows, CSV %d" %
              (cmd, len(xr), len(rows) - 1))
        for a, b in zip(xr, rows[1:]):
            check(a[0] == b[0] and a[1] == b[1], "%s row %r" % (cmd, a[:2]))
            for j in range(first_num, len(b)):
                want = float(b[j]) if b[j] != "" else None
                if j >= first_pct and want is not None and \
                        rows[0][j].endswith("_pct"):
                    want /= 100
                if want is None:
                    check(a[j] is None, "%s %s: %r for no data" %
                          (cmd, rows[0][j], a[j]))
                else:
                    close(a[j], want, 1e-9, "%s %s %s" % (cmd, b[0],
                                                         rows[0][j]))
    x = os.path.join(d, "score.xlsx")
    run([chiso, "score",
         os.path.join(src, "indicators", "frameworks",
                      "par-department-template.json"),
         os.path.join(smp, "evidence-skhcn-2024-h2.csv"), "--xlsx", x,
         "--json", os.path.join(d, "score.json")], env=env)
    with open(os.path.join(d, "score.json"), encoding="utf-8") as f:
        sj = json.load(f)
    wb = openpyxl.load_workbook(x)
    check(wb.sheetnames == ["Tổng hợp", "Lĩnh vực", "Tiêu chí",
                            "Điểm bị mất"], "score --xlsx %r" % wb.sheetnames)
    c = figure(wb["Tổng hợp"], "Chỉ số CCHC tự đánh giá")
    idx = sj["total"]["index_pct"]
    if c is not None and idx is not None:
        close(c.value, idx / 100, 0.00005, "score --xlsx index_pct")
    # never over an input (exit 2, nothing written)
    inp = os.path.join(d, "in.csv")
    shutil.copy(os.path.join(smp, "dossiers-skhcn-2024.csv"), inp)
    before = open(inp, "rb").read()
    r = subprocess.run([chiso, "services", inp, "--xlsx", inp], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(r.returncode == 2 and open(inp, "rb").read() == before,
          "services --xlsx over its input: exit %d" % r.returncode)


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    chiso, src, work = sys.argv[1:]
    chiso = os.path.abspath(chiso)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    cfg = os.path.join(src, "datasets", "samples",
                       "report-skhcn-2024-h2.json")
    a, b = os.path.join(work, "vi"), os.path.join(work, "vi-again")
    s = build(chiso, cfg, a)
    build(chiso, cfg, b)
    for n in sorted(os.listdir(a)):
        with open(os.path.join(a, n), "rb") as f1, \
                open(os.path.join(b, n), "rb") as f2:
            check(f1.read() == f2.read(), "%s differs between two runs" % n)
    check_pack(a, s, "vi")

    # English, without the published store: two charts left out
    with open(cfg, encoding="utf-8") as f:
        c = json.load(f)
    base = os.path.dirname(os.path.abspath(cfg))
    for k in ("framework", "evidence", "tasks", "dossiers"):
        c[k] = os.path.normpath(os.path.join(base, c[k]))
    del c["published"]
    c["language"] = "en"
    c["title"] = "Administrative reform report, second half of 2024"
    en_cfg = os.path.join(work, "en.json")
    with open(en_cfg, "w", encoding="utf-8") as f:
        json.dump(c, f, ensure_ascii=False)
    en = os.path.join(work, "en")
    se = build(chiso, en_cfg, en)
    check_pack(en, se, "en")
    left = sorted(w["message"].split("'")[1] for w in se["warnings"]
                  if w["code"] == "chart_left_out")
    check(left == ["chart-par-peers", "chart-province-ranks"],
          "en: charts left out %r" % left)
    check(any(w["code"] == "input_not_given" for w in se["warnings"]),
          "en: no input_not_given warning")

    check_xlsx(a, s)
    check_cli_xlsx(chiso, src, work)
    check_docx(a, s, work)
    page = check_html(a, s, work, src, "vi")
    for x in (vi(s["par"]["index_pct"], 2),
              vi(s["services"]["current"]["online_pct"], 2)):
        check(x in page, "vi page: %s missing" % x)
    page = check_html(en, se, work, src, "en")
    check("%.2f" % se["par"]["index_pct"] in page,
          "en page: index %.2f missing" % se["par"]["index_pct"])
    check(">I. RESULTS<" in page or "I. RESULTS" in page,
          "en page: outline missing")

    if fails:
        print("check_pack.py: %d failure(s)" % len(fails))
        for f in fails:
            print("  - " + f)
        return 1
    print("check_pack.py: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
