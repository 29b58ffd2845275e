#!/usr/bin/env python3
"""make_province.py OUTDIR [--seed N] (SYNTHETIC)

Writes a province's scoring folder for `chiso score --all-units` tests, over
the shipped framework indicators/frameworks/par-department-template.json:
  OUTDIR/sheets/<CODE>.csv   one evidence sheet per unit (no unit column: the
                             file name is the unit), ';' separated, Vietnamese
                             headers, decimal commas, as offices export them
  OUTDIR/units.csv           the unit list: Mã đơn vị, Tên đơn vị, Khối
  OUTDIR/all-in-one.csv      the same rows in one sheet with Đơn vị and Khối
                             columns (for --all-units on a single sheet)
Units are fictitious departments and district people's committees of a
fictitious province; values are drawn with a fixed seed. Two pairs of units
get identical sheets so that ties in the ranking are exercised. One listed
unit (BQLDA) has no sheet.
"""
import argparse, csv, io, json, os, random

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--seed", type=int, default=2025)
a = ap.parse_args()
root = os.path.join(os.path.dirname(__file__), "..", "..", "..")
fw = json.load(open(os.path.join(root, "indicators/frameworks/par-department-template.json")))

SO = [("STP", "Sở Tư pháp"), ("SYT", "Sở Y tế"), ("SNV", "Sở Nội vụ"), ("STC", "Sở Tài chính"),
      ("SKHDT", "Sở Kế hoạch và Đầu tư"), ("SXD", "Sở Xây dựng"), ("SGTVT", "Sở Giao thông vận tải"),
      ("SGDDT", "Sở Giáo dục và Đào tạo"), ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
      ("STNMT", "Sở Tài nguyên và Môi trường"), ("SCT", "Sở Công Thương"), ("SKHCN", "Sở Khoa học và Công nghệ"),
      ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội"), ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
      ("STTTT", "Sở Thông tin và Truyền thông"), ("TTR", "Thanh tra tỉnh"), ("BDT", "Ban Dân tộc")]
HUYEN = [("UBND-TP", "UBND thành phố Hòa Bình"), ("UBND-LS", "UBND huyện Lương Sơn"),
         ("UBND-KS", "UBND huyện Kim Sơn"), ("UBND-TX", "UBND thị xã Tam Điệp"),
         ("UBND-NQ", "UBND huyện Nho Quan"), ("UBND-YM", "UBND huyện Yên Mô")]
G_SO, G_H = "Khối sở, ban, ngành", "Khối UBND cấp huyện"
units = [(c, n, G_SO) for c, n in SO] + [(c, n, G_H) for c, n in HUYEN]
rng = random.Random(a.seed)

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

def rows_for(skill):
    out = []
    for n in leaves:
        r = n["rule"]
        t = r if isinstance(r, str) else r["type"]
        mx = n["max"]
        ev = "VB %d/%s" % (rng.randrange(1, 300), n["id"]) if rng.random() < 0.93 else ""
        v = num = den = pts = ""
        if t == "manual":
            pts = comma(round(mx * min(1, max(0, rng.gauss(skill, 0.2))) * 4) / 4)
        elif t == "binary":
            v = "Có" if rng.random() < skill + 0.1 else "Không"
        elif t == "deduction":
            v = str(max(0, int(rng.gauss((1 - skill) * 6, 1.5))))
        elif isinstance(r, dict) and r.get("source"):
            den = rng.randrange(10, 400)
            num = min(den, int(den * min(1, max(0, rng.gauss(skill, 0.12)))))
        else:
            v = comma(100 * min(1, max(0, rng.gauss(skill, 0.1))))
        out.append((n["id"], n["name"], v, str(num), str(den), pts, ev))
    return out

HDR = ["Mã tiêu chí", "Tên tiêu chí", "Giá trị", "Tử số", "Mẫu số", "Điểm tự chấm",
       "Tài liệu kiểm chứng"]

def line(cells, delim=";"):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, lineterminator="\n").writerow(cells)
    return buf.getvalue()
os.makedirs(os.path.join(a.out, "sheets"), exist_ok=True)
data = {}
for i, (code, name, grp) in enumerate(units):
    if code == "SCT":           # the same sheet as STP: a tie
        data[code] = data["STP"]
    elif code == "UBND-YM":     # the same as UBND-LS: a tie within a group
        data[code] = data["UBND-LS"]
    else:
        data[code] = rows_for(rng.uniform(0.55, 0.97))
for code, name, grp in units:
    with open(os.path.join(a.out, "sheets", code + ".csv"), "w", encoding="utf-8") as f:
        f.write(line(HDR))
        for row in data[code]:
            f.write(line(row))
with open(os.path.join(a.out, "units.csv"), "w", encoding="utf-8") as f:
    f.write(line(["Mã đơn vị", "Tên đơn vị", "Khối"], ","))
    for code, name, grp in units:
        f.write(line([code, name, grp], ","))
    f.write(line(["BQLDA", "Ban Quản lý dự án đầu tư xây dựng tỉnh", G_SO], ","))
with open(os.path.join(a.out, "all-in-one.csv"), "w", encoding="utf-8") as f:
    f.write(line(["Đơn vị", "Khối"] + HDR))
    for code, name, grp in units:
        for row in data[code]:
            f.write(line([name, grp] + list(row)))
