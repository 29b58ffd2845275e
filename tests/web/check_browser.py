#!/usr/bin/env python3
"""Open chiso's web page in a real browser (headless Chromium), as a reader
would, and check what it does.

  a. no console message: no script error, no Content Security Policy
     violation (the page's one script is allowed by its hash; a wrong hash
     would show here), in Vietnamese and in English;
  b. no network request made by the page: Chromium's net log is read and
     every request a document started (initiator not "not an origin") is
     a failure. Chromium's own background traffic (its update and account
     checks, started by no page) is counted and ignored;
  c. screenshots at 1200 x 2000 (desktop) and 390 x 844 (phone) compared
     with reviewed reference images (tests/web/ref/*.ref.png), in the
     pinned fonts (FONTCONFIG_FILE=tests/plots/fonts.conf): a pixel
     differs when a channel is off by more than PIXEL_TOL, a case fails
     when more than MAX_DIFF_RATIO of the pixels differ; on failure the
     image taken and a diff (differing pixels in red) are left in WORKDIR;
  d. sorting: a test-only copy of the page (its Content Security Policy
     extended by the hash of a test script) clicks header buttons; the
     row orders are compared with orders computed here from the table's
     own data-v values (numbers, missing values last both ways), the
     Vietnamese collation of a text column (hard-coded, see below), the
     total row left in place, aria-sort set; and a tap on a chart's
     mark writes its value under the chart;
  e. print: the page printed to PDF is A4, without the interactive bits.

The checks of (a) and (b) are themselves checked: a control copy with a
blocked inline script and an image on the network must fail both.

usage: check_browser.py WEB_SAMPLE WORKDIR REFDIR
       check_browser.py --candidates WEB_SAMPLE WORKDIR REFDIR
       check_browser.py --page PAGE.html WORKDIR     (a) and (b) on PAGE
environment: CHROMIUM (default: chromium).

A reference is never overwritten: --candidates (tests/web/regen_refs.sh)
writes <name>.candidate.png and <name>.candidate-diff.png beside the
references, to be looked at and accepted with mv (tests/README.md).
"""
import base64
import concurrent.futures
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from PIL import Image, ImageChops

PIXEL_TOL = 24  # of 255, per channel
MAX_DIFF_RATIO = 0.005  # 0.5 % of the pixels

fails = []


def check(cond, what):
    if not cond:
        fails.append(what)
        print("FAIL: " + what, file=sys.stderr)


def chromium(workdir, args, url, timeout=300):
    """Run headless Chromium with a fresh profile; (stdout, stderr)."""
    prof = tempfile.mkdtemp(prefix="profile-", dir=workdir)
    cmd = [os.environ.get("CHROMIUM", "chromium"), "--headless",
           "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + prof
           ] + args + [url]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=timeout)
    finally:
        shutil.rmtree(prof, ignore_errors=True)
    return (r.stdout.decode("utf-8", "replace"),
            r.stderr.decode("utf-8", "replace"))


def console_lines(stderr):
    return [ln for ln in stderr.splitlines()
            if "CONSOLE" in ln or "Uncaught" in ln]


def page_requests(netlog_path):
    """URLs of requests a document started, and the count of the
    browser's own."""
    with open(netlog_path, encoding="utf-8") as f:
        text = f.read()
    try:
        d = json.loads(text)
    except json.JSONDecodeError:
        d = json.loads(text.rstrip().rstrip(",") + "]}")  # cut short
    types = {v: k for k, v in d["constants"]["logEventTypes"].items()}
    page, own = [], 0
    for e in d.get("events", []):
        if types.get(e["type"]) != "URL_REQUEST_START_JOB":
            continue
        p = e.get("params", {})
        if "url" not in p:
            continue
        if p.get("initiator") == "not an origin" and \
                "file://" not in p.get("network_isolation_key", ""):
            own += 1
        else:
            page.append(p["url"])
    return page, own


def run_page(workdir, page, tag):
    """(a) and (b) on one page; returns (console lines, page requests,
    dom)."""
    netlog = os.path.join(workdir, tag + "-netlog.json")
    out, err = chromium(workdir, ["--enable-logging=stderr", "--v=0",
                                  "--log-net-log=" + netlog,
                                  "--virtual-time-budget=3000",
                                  "--dump-dom"],
                        "file://" + os.path.abspath(page))
    reqs, own = page_requests(netlog)
    print("%s: %d console lines, %d page requests, %d of the browser's own"
          % (tag, len(console_lines(err)), len(reqs), own))
    return console_lines(err), reqs, out


def csp_with(text, script):
    """The page with `script` added before </body> and allowed by its hash
    in the page's CSP."""
    h = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    text2 = re.sub(r"script-src ('sha256-[^']+')",
                   r"script-src \1 'sha256-%s'" % h, text, count=1)
    assert text2 != text
    return text2.replace("</body>", "<script>%s</script>\n</body>" % script)


def diff_mask(a, b):
    """Pixels where any channel is off by more than PIXEL_TOL (255), and
    their count."""
    bands = ImageChops.difference(a, b).split()
    m = bands[0].point(lambda v: 255 if v > PIXEL_TOL else 0)
    for band in bands[1:]:
        m = ImageChops.lighter(m, band.point(
            lambda v: 255 if v > PIXEL_TOL else 0))
    return m, sum(1 for v in m.getdata() if v)


def diff_image(a, m, path):
    red = Image.new("RGB", a.size, (255, 0, 0))
    faded = Image.blend(a, Image.new("RGB", a.size, (255, 255, 255)), 0.7)
    Image.composite(red, faded, m).save(path)


def compare(workdir, shot, ref, name, candidates):
    a = Image.open(shot).convert("RGB")
    if candidates:
        cand = ref.replace(".ref.png", ".candidate.png")
        shutil.copy(shot, cand)
        if os.path.exists(ref):
            b = Image.open(ref).convert("RGB")
            if a.size == b.size:
                m, n = diff_mask(a, b)
                diff_image(a, m, ref.replace(".ref.png",
                                             ".candidate-diff.png"))
                print("%s: %d pixels moved" % (name, n))
        print("%s: candidate written, look at it: %s" % (name, cand))
        return
    if not os.path.exists(ref):
        check(False, "%s: no reference image %s (tests/web/regen_refs.sh)"
              % (name, ref))
        return
    b = Image.open(ref).convert("RGB")
    if a.size != b.size:
        check(False, "%s: size %s, reference %s" % (name, a.size, b.size))
        return
    m, n = diff_mask(a, b)
    ratio = n / float(a.size[0] * a.size[1])
    print("%s: %d pixels differ (%.3f %%)" % (name, n, ratio * 100))
    if ratio > MAX_DIFF_RATIO:
        diff_image(a, m, os.path.join(workdir, name + "-diff.png"))
        check(False, "%s: %.3f %% of the pixels differ (at most %.3f %%); see "
              "%s-out.png and %s-diff.png in %s"
              % (name, ratio * 100, MAX_DIFF_RATIO * 100, name, name, workdir))


def table_rows(dom, index):
    """Rows (list of cells' text and data-v) of the index-th tbody."""
    bodies = re.findall(r"<tbody>(.*?)</tbody>", dom, re.S)
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", bodies[index], re.S):
        cells = []
        for attrs, inner in re.findall(r"<td([^>]*)>(.*?)</td>", tr, re.S):
            v = re.search(r'data-v="([^"]*)"', attrs)
            cells.append((html.unescape(re.sub(r"<[^>]+>", "", inner)),
                          v.group(1) if v else None))
        rows.append(cells)
    return rows


SORT_SCRIPT = r"""(function(){
var t=document.querySelector('table.sortable'),h=t.tHead.rows[0].cells,r={};
function names(){return [].map.call(t.tBodies[0].rows,function(x){
 return x.cells[0].textContent;});}
function press(i,k){h[i].querySelector('button').click();r[k]=names();
 r[k+'_sort']=h[i].getAttribute('aria-sort');}
r.buttons=[].filter.call(h,function(c){return c.querySelector('button');})
 .length;
press(1,'num_up');press(1,'num_down');press(4,'miss_up');press(4,'miss_down');
press(0,'text_up');
r.others=[].filter.call(h,function(c){return c.hasAttribute('aria-sort');})
 .length;
r.foot=t.tFoot?t.tFoot.rows[0].cells[0].textContent:null;
var m=document.querySelectorAll('.hs > *')[4];
m.dispatchEvent(new MouseEvent('click',{bubbles:true}));
r.tip=m.closest('figure').querySelector('.tip').textContent;
r.tip_want=m.getElementsByTagName('title')[0].textContent;
document.body.setAttribute('data-result',JSON.stringify(r));})();"""

# The sample's area names in Vietnamese collation order (ICU "vi", base
# strength): đ, ô, ơ, ư... are letters of their own after d, o, u, and a
# space sorts before any letter, so "Chỉ đạo" < "Chính quyền số" and
# "Tài" < "Thể" < "Thủ" < "Tổ" (a code-point sort would put "Chính"
# first and "Tài" after "Thủ").
VI_ORDER = ["Chỉ đạo, điều hành", "Chính quyền số", "Công vụ",
            'Tài chính <công> & "ngân sách"', "Thể chế", "Thủ tục hành chính",
            "Tổ chức bộ máy"]


def by_value(rows, col, reverse):
    have = [r for r in rows if r[col][1] not in (None, "")]
    none = [r for r in rows if r[col][1] in (None, "")]
    have.sort(key=lambda r: float(r[col][1]), reverse=reverse)
    return [r[0][0] for r in have + none]


def page_only(page, workdir):
    """(a) and (b) on a page made elsewhere (the report pack's)."""
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    cons, reqs, dom = run_page(workdir, page, "page")
    check(cons == [], "console messages: %s" % cons[:5])
    check(reqs == [], "the page made requests: %s" % reqs[:5])
    check(re.search(r'<html lang="\w+" class="[^"]*\bjs\b', dom) is not None,
          "the script did not run")
    if fails:
        print("%d failure(s)" % len(fails), file=sys.stderr)
        return 1
    print("browser checks passed")
    return 0


def main():
    if sys.argv[1] == "--page":
        return page_only(sys.argv[2], sys.argv[3])
    candidates = sys.argv[1] == "--candidates"
    if candidates:
        del sys.argv[1]
    web_sample, workdir, refdir = sys.argv[1:4]
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    vi = os.path.join(workdir, "sample.html")
    en = os.path.join(workdir, "sample-en.html")
    subprocess.run([web_sample, vi], check=True)
    subprocess.run([web_sample, en, "en"], check=True)
    with open(vi, encoding="utf-8") as f:
        page = f.read()
    # the file itself: one file, no URL, nothing to load
    check("://" not in page, "the page holds '://'")
    check(not re.search(r"<(link|iframe|object|embed|img|audio|video)\b",
                        page, re.I), "the page holds an element that loads")
    check(not re.search(r"\s(src|srcset)=", page), "the page holds a src")

    sort_page = os.path.join(workdir, "sample-sort.html")
    with open(sort_page, "w", encoding="utf-8") as f:
        f.write(csp_with(page, SORT_SCRIPT))
    control = os.path.join(workdir, "control.html")
    with open(control, "w", encoding="utf-8") as f:
        t = page.replace("img-src data:", "img-src data: https:")
        t = t.replace("</main>", '<img alt="" src="https://example.invalid/'
                      'x.png"><script>undefinedFunction();</script></main>')
        f.write(t)

    jobs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as ex:
        jobs["vi"] = ex.submit(run_page, workdir, vi, "vi")
        jobs["en"] = ex.submit(run_page, workdir, en, "en")
        jobs["control"] = ex.submit(run_page, workdir, control, "control")
        jobs["sort"] = ex.submit(chromium, workdir, [
            "--virtual-time-budget=3000", "--dump-dom"],
            "file://" + os.path.abspath(sort_page))
        for name, size in (("desktop", "1200,2000"), ("phone", "390,844")):
            shot = os.path.join(workdir, "sample-%s-out.png" % name)
            jobs[name] = ex.submit(chromium, workdir, [
                "--window-size=" + size, "--screenshot=" + shot,
                "--virtual-time-budget=3000"], "file://" + os.path.abspath(vi))
        pdf = os.path.join(workdir, "sample.pdf")
        jobs["print"] = ex.submit(chromium, workdir, [
            "--no-pdf-header-footer", "--print-to-pdf=" + pdf,
            "--virtual-time-budget=3000"], "file://" + os.path.abspath(vi))
        res = {k: v.result() for k, v in jobs.items()}

    # (a), (b)
    for tag in ("vi", "en"):
        cons, reqs, dom = res[tag]
        check(cons == [], "%s: console messages: %s" % (tag, cons[:5]))
        check(reqs == [], "%s: the page made requests: %s" % (tag, reqs[:5]))
        check(re.search(r'<html lang="%s" class="[^"]*\bjs\b' % tag, dom)
              is not None, "%s: the script did not run" % tag)
        check(dom.count("<button") >= 5,
              "%s: header cells were not made buttons" % tag)
    cons, reqs, _ = res["control"]
    check(any("Content Security Policy" in c for c in cons),
          "control: a blocked inline script was not seen on the console")
    check(any("example.invalid" in u for u in reqs),
          "control: an image on the network was not seen in the net log")

    # (c)
    for name in ("desktop", "phone"):
        shot = os.path.join(workdir, "sample-%s-out.png" % name)
        check(os.path.exists(shot), "%s: no screenshot" % name)
        if os.path.exists(shot):
            compare(workdir, shot,
                    os.path.join(refdir, "sample-%s.ref.png" % name),
                    "sample-" + name, candidates)

    # (d)
    dom = res["sort"][0]
    m = re.search(r'<body[^>]*data-result="([^"]*)"', dom)
    check(m is not None, "sort: the test script did not run")
    if m:
        r = json.loads(html.unescape(m.group(1)))
        rows = table_rows(page, 0)
        check(r["buttons"] == 5, "sort: %s header buttons" % r["buttons"])
        check(r["num_up"] == by_value(rows, 1, False),
              "sort: points ascending %s" % r["num_up"])
        check(r["num_down"] == by_value(rows, 1, True),
              "sort: points descending %s" % r["num_down"])
        check(r["miss_up"] == by_value(rows, 4, False),
              "sort: dossiers ascending, missing last %s" % r["miss_up"])
        check(r["miss_down"] == by_value(rows, 4, True),
              "sort: dossiers descending, missing last %s" % r["miss_down"])
        check(r["text_up"] == VI_ORDER, "sort: names %s" % r["text_up"])
        check(r["num_up_sort"] == "ascending" and
              r["num_down_sort"] == "descending", "sort: aria-sort")
        check(r["others"] == 1, "sort: aria-sort on %d headers" % r["others"])
        check(r["foot"] in ("Tổng cộng", "Total"), "sort: total row moved")
        # a tap on a chart's mark writes its value under the chart
        check(r["tip"] == r["tip_want"] and r["tip"] == "Hưng Yên: 85,62",
              "tap: %r under the chart, %r wanted" % (r["tip"], r["tip_want"]))

    # (e)
    check(os.path.exists(pdf), "print: no PDF")
    if os.path.exists(pdf) and shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", pdf], capture_output=True,
                              text=True).stdout
        m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
        check(m is not None and abs(float(m.group(1)) - 595.28) < 2 and
              abs(float(m.group(2)) - 841.89) < 2, "print: not A4: %s"
              % (m.group(0) if m else info))
        text = subprocess.run(["pdftotext", "-layout", pdf, "-"],
                              capture_output=True, text=True).stdout
        check("76,90" in text and "Hình 1." in text, "print: text missing")
        check("Đưa chuột" not in text and "\u2195" not in text,
              "print: interactive bits printed")
    if fails:
        print("%d failure(s)" % len(fails), file=sys.stderr)
        return 1
    print("browser checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
