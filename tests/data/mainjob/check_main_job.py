#!/usr/bin/env python3
"""The main job, as the README runs it: `chiso report` with no arguments in a
fresh folder. Its key numbers are derived here independently of chiso, from
the shipped sample files with the standard library only (no chiso code, no
chiso output), and compared with summary.json, the workbook and the Word
draft's text:

  tasks    (datasets/samples/tasks-skhcn-2024.csv): tasks due in 2024-H2,
           those completed, completed on or before the deadline; on-time % =
           on time / due, completed % = completed / due (2 decimals);
  dossiers (datasets/samples/dossiers-skhcn-2024.csv): dossiers received in
           2024-H2, finished, finished by the promised date; online % =
           online / received, on-time % = on time / finished, digitised %;
  PAR      criterion 1.5.1 (bands on tasks.on_time_pct, framework JSON): the
           band the on-time % falls in, its points, the next band's bound and
           gain; index % = points / applicable maximum.

usage: check_main_job.py CHISO SOURCE_ROOT WORKDIR
"""
import csv, json, os, shutil, subprocess, sys, zipfile
from datetime import datetime

chiso, root, work = sys.argv[1:4]
fails = []


def check(what, got, want, tol=0.005):
    if got is None or abs(float(got) - float(want)) > tol:
        fails.append("%s: chiso %r, derived %r" % (what, got, want))


def rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


d = lambda s, fmt: datetime.strptime(s.strip(), fmt) if s and s.strip() else None
H2 = (datetime(2024, 7, 1), datetime(2025, 1, 1))

# ---- tasks due in 2024-H2 -------------------------------------------------
tasks = [r for r in rows(os.path.join(root, "datasets/samples/tasks-skhcn-2024.csv"))
         if H2[0] <= d(r["Hạn xử lý"], "%d/%m/%Y") < H2[1]]
due = len(tasks)
done = [r for r in tasks if d(r["Ngày hoàn thành"], "%d/%m/%Y")]
on_time = [r for r in done if d(r["Ngày hoàn thành"], "%d/%m/%Y") <= d(r["Hạn xử lý"], "%d/%m/%Y")]
t_on_time_pct = round(100.0 * len(on_time) / due, 2)

# ---- dossiers received in 2024-H2 -------------------------------------------
F = "%d/%m/%Y %H:%M"
dos = [r for r in rows(os.path.join(root, "datasets/samples/dossiers-skhcn-2024.csv"))
       if H2[0] <= d(r["Ngày tiếp nhận"], F) < H2[1]]
fin = [r for r in dos if d(r["Ngày có kết quả"], F)]
fin_ot = [r for r in fin if d(r["Ngày có kết quả"], F) <= d(r["Ngày hẹn trả"], F)]
online = [r for r in dos if r["Hình thức nộp"].strip() == "Trực tuyến"]
digit = [r for r in dos if r["Số hóa"].strip() == "1"]

# ---- PAR criterion 1.5.1 from the framework's own bands ----------------------
fw = json.load(open(os.path.join(root, "indicators/frameworks/par-department-template.json"),
                    encoding="utf-8"))


def find(nodes, cid):
    for n in nodes:
        if n["id"] == cid:
            return n
        k = find(n.get("children", []), cid)
        if k:
            return k


leaf = find(fw["nodes"], "1.5.1")
bands = sorted(leaf["rule"]["bands"], key=lambda b: b["min"])
pts = [b for b in bands if t_on_time_pct >= b["min"]][-1]
nxt = [b for b in bands if b["min"] > t_on_time_pct and b["points"] > pts["points"]][0]

# ---- the main job, as the README runs it -----------------------------------
if os.path.exists(work):
    shutil.rmtree(work)
os.makedirs(work)
p = subprocess.run([chiso, "report"], cwd=work, capture_output=True, text=True)
if p.returncode != 0:
    print("FAIL: chiso report -> %d\n%s" % (p.returncode, p.stderr))
    sys.exit(1)
out = os.path.join(work, "out")
files = sorted(os.listdir(out))
for f in ("summary.json", "report.pdf", "report.xlsx", "report.docx", "report.html"):
    if f not in files:
        fails.append("the pack has no %s (has %s)" % (f, files))
s = json.load(open(os.path.join(out, "summary.json"), encoding="utf-8"))
T, S, P = s["tasks"], s["services"]["current"], s["par"]
check("tasks assigned (due in H2)", T["assigned"], due, 0)
check("tasks completed", T["completed"], len(done), 0)
check("tasks completed on time", T["completed_on_time"], len(on_time), 0)
check("tasks on-time %", T["on_time_pct"], t_on_time_pct)
check("tasks completed %", T["completed_pct"], round(100.0 * len(done) / due, 2))
check("dossiers received", S["received"], len(dos), 0)
check("dossiers finished", S["finished"], len(fin), 0)
check("dossiers finished on time", S["finished_on_time"], len(fin_ot), 0)
check("dossiers online %", S["online_pct"], round(100.0 * len(online) / len(dos), 2))
check("dossiers on-time %", S["on_time_pct"], round(100.0 * len(fin_ot) / len(fin), 2))
check("dossiers digitised %", S["digitized_pct"], round(100.0 * len(digit) / len(dos), 2))
check("PAR index %", P["index_pct"], round(100.0 * P["points"] / P["applicable_max"], 2))
lost = {x["id"]: x for x in P["top_lost"]}
if "1.5.1" not in lost:
    fails.append("criterion 1.5.1 is not among the points lost")
else:
    x = lost["1.5.1"]
    check("1.5.1 points", x["points"], pts["points"], 0)
    check("1.5.1 next value", x["next_value"], nxt["min"], 0)
    check("1.5.1 gain", x["gain_next"], nxt["points"] - pts["points"], 0)
# the Word draft and the workbook carry the same numbers (Vietnamese decimals)
doc = zipfile.ZipFile(os.path.join(out, "report.docx")).read("word/document.xml").decode()
for v in (t_on_time_pct, round(100.0 * len(online) / len(dos), 2)):
    if ("%.2f" % v).replace(".", ",") not in doc:
        fails.append("report.docx does not show %.2f" % v)
book = zipfile.ZipFile(os.path.join(out, "report.xlsx"))
if not any(n.startswith("xl/worksheets/") for n in book.namelist()):
    fails.append("report.xlsx has no sheet")
if fails:
    print("FAIL:\n  " + "\n  ".join(fails))
    sys.exit(1)
print("ok: main job, %d files; tasks %d due / %d on time (%.2f %%), dossiers %d "
      "received, 1.5.1 at %s points, next %s" % (len(files), due, len(on_time),
      t_on_time_pct, len(dos), pts["points"], nxt["min"]))
