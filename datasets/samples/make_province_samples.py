#!/usr/bin/env python3
"""make_province_samples.py [--seed N] (SYNTHETIC sample data)

Writes datasets/samples/province-2024/, a fictitious province's scoring
folder for `chiso report` with "scope": "province" (issue 13):
  units.csv                  unit list: Mã đơn vị, Tên đơn vị, Khối
  sheets/<CODE>.csv          one self-assessment sheet per unit (';', decimal
                             commas, Vietnamese headers), with appraised
                             points (Điểm thẩm định) on the manual criteria
  report-province-2024.json  the province configuration
and, for the department's history (a department pack across periods):
  history-skhcn.csv          four semesters of Sở Khoa học và Công nghệ
                             (index %, per-area %, rank among departments),
                             a framework change between 2023-H1 and 2023-H2
Everything is drawn from random.Random(seed); the same seed gives the same
bytes. Units are fictitious, numbers are invented.
"""
import argparse, csv, io, json, os, random

ap = argparse.ArgumentParser()
ap.add_argument("--seed", type=int, default=13)
ap.add_argument("--out", help="folder to write (default: province-2024 beside this script)")
a = ap.parse_args()
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..", "..")
out = a.out or os.path.join(here, "province-2024")
fw = json.load(open(os.path.join(root, "indicators/frameworks/par-department-template.json"),
                    encoding="utf-8"))
rng = random.Random(a.seed)

SO = [("STP", "Sở Tư pháp"), ("SYT", "Sở Y tế"), ("SNV", "Sở Nội vụ"), ("STC", "Sở Tài chính"),
      ("SXD", "Sở Xây dựng"), ("SGDDT", "Sở Giáo dục và Đào tạo"),
      ("SNNMT", "Sở Nông nghiệp và Môi trường"), ("SCT", "Sở Công Thương"),
      ("SKHCN", "Sở Khoa học và Công nghệ"), ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
      ("TTR", "Thanh tra tỉnh"), ("BDTTG", "Sở Dân tộc và Tôn giáo"), ("SNG", "Sở Ngoại vụ"),
      ("VPUB", "Văn phòng UBND tỉnh")]
XA = [("UBX-AN", "UBND phường An Bình"), ("UBX-DT", "UBND xã Đông Thành"),
      ("UBX-HL", "UBND xã Hòa Lạc"), ("UBX-MH", "UBND phường Minh Hưng"),
      ("UBX-PT", "UBND xã Phú Thịnh"), ("UBX-TS", "UBND xã Tân Sơn"),
      ("UBX-VL", "UBND phường Vĩnh Lạc"), ("UBX-YP", "UBND xã Yên Phong")]
G_SO, G_XA = "Khối sở, ban, ngành", "Khối UBND cấp xã"
units = [(c, n, G_SO) for c, n in SO] + [(c, n, G_XA) for c, n in XA]

leaves = []
def walk(ns):
    for n in ns:
        if "children" in n:
            walk(n["children"])
        else:
            leaves.append(n)
walk(fw["nodes"])

def comma(x, d=2):
    return ("%.*f" % (d, x)).replace(".", ",")

def rows_for(skill, strict):
    rows = []
    for n in leaves:
        r = n["rule"]
        t = r if isinstance(r, str) else r["type"]
        mx = n["max"]
        ev = "VB %d/%s" % (rng.randrange(1, 300), n["id"]) if rng.random() < 0.95 else ""
        v = num = den = pts = app = ""
        if t == "manual":
            p = round(mx * min(1, max(0, rng.gauss(skill, 0.2))) * 4) / 4
            pts = comma(p)
            # the appraisal team takes off a quarter or half point now and then
            cut = 0.0
            if rng.random() < strict:
                cut = min(p, rng.choice([0.25, 0.5]))
            app = comma(p - cut)
        elif t == "binary":
            v = "Có" if rng.random() < skill + 0.1 else "Không"
        elif t == "deduction":
            v = str(max(0, int(rng.gauss((1 - skill) * 6, 1.5))))
        elif isinstance(r, dict) and r.get("source"):
            den = rng.randrange(10, 400)
            num = min(den, int(den * min(1, max(0, rng.gauss(skill, 0.12)))))
        else:
            v = comma(100 * min(1, max(0, rng.gauss(skill, 0.1))))
        rows.append((n["id"], n["name"], v, str(num), str(den), pts, app, ev))
    return rows

HDR = ["Mã tiêu chí", "Tên tiêu chí", "Giá trị", "Tử số", "Mẫu số", "Điểm tự chấm",
       "Điểm thẩm định", "Tài liệu kiểm chứng"]

def line(cells, delim=";"):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, lineterminator="\n").writerow(cells)
    return buf.getvalue()

os.makedirs(os.path.join(out, "sheets"), exist_ok=True)
for code, name, grp in units:
    rows = rows_for(rng.uniform(0.55, 0.97), rng.uniform(0.0, 0.6))
    with open(os.path.join(out, "sheets", code + ".csv"), "w", encoding="utf-8") as f:
        f.write(line(HDR))
        for row in rows:
            f.write(line(row))
with open(os.path.join(out, "units.csv"), "w", encoding="utf-8") as f:
    f.write(line(["Mã đơn vị", "Tên đơn vị", "Khối"], ","))
    for code, name, grp in units:
        f.write(line([code, name, grp], ","))
cfg = {
    "format": "chiso-report",
    "format_version": 1,
    "scope": "province",
    "title": "Kết quả Chỉ số CCHC các cơ quan, đơn vị tỉnh Hưng Yên năm 2024 (dữ liệu mẫu)",
    "province": "Hưng Yên",
    "period": "2024",
    "language": "vi",
    "framework": "../../../indicators/frameworks/par-department-template.json",
    "evidence": "sheets",
    "units": "units.csv",
    "notes": ["Dữ liệu mẫu, do datasets/samples/make_province_samples.py sinh ra (seed %d)."
              % a.seed],
}
with open(os.path.join(out, "report-province-2024.json"), "w", encoding="utf-8") as f:
    json.dump(cfg, f, ensure_ascii=False, indent=2)
    f.write("\n")

# the department's own history: four semesters before 2024-H2
areas = [n["id"] for n in fw["nodes"]]
with open(os.path.join(out, "history-skhcn.csv"), "w", encoding="utf-8") as f:
    f.write(line(["unit", "period", "index_pct"] + ["area_%s_pct" % x for x in areas]
                 + ["rank", "rank_of", "framework", "source"], ","))
    level = rng.uniform(72, 80)
    for per, fwid in [("2022-H2", "par-department-2019"), ("2023-H1", "par-department-2019"),
                      ("2023-H2", "par-department-template"), ("2024-H1", "par-department-template")]:
        level += rng.uniform(-1.5, 4.0)
        ar = [min(100, max(0, level + rng.gauss(0, 6))) for _ in areas]
        rank = rng.randrange(3, 12)
        f.write(line(["SKHCN", per, "%.2f" % level] + ["%.2f" % x for x in ar]
                     + [str(rank), "21", fwid, "Quyết định công bố Chỉ số CCHC (mẫu)"], ","))

# the department's pack with its history (the shipped 2024-H2 sample)
dept = json.load(open(os.path.join(here, "report-skhcn-2024-h2.json"), encoding="utf-8"))
for k in ("framework", "evidence", "tasks", "dossiers", "published"):
    dept[k] = "../" + dept[k]
dept["history"] = [{"table": "history-skhcn.csv"}]
with open(os.path.join(out, "report-skhcn-2024-h2-history.json"), "w", encoding="utf-8") as f:
    json.dump(dept, f, ensure_ascii=False, indent=2)
    f.write("\n")
