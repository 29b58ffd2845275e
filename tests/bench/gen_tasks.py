#!/usr/bin/env python3
"""Synthetic task register for `chiso tasks` (SYNTHETIC DATA).

    python3 gen_tasks.py --rows N [--seed S] [--units U] OUT.csv

Columns: task_id,unit,title,source_document,assigned_at,due_at,completed_at,status
Dates ISO YYYY-MM-DD (date only). 60 units, assigned 2023-01-01..2024-12-31,
deadline 5..120 days after assignment; ~3% without a deadline, ~2% cancelled,
completed ~85% (of which ~18% late), rest open. Completion dates after the
as-of date (2024-12-31) exist (so 'done by as-of' matters). Deterministic.
"""
import argparse, random
from datetime import date, timedelta

UNITS = ["SKHCN", "STP", "SNV", "STC", "SKHDT", "SGTVT", "SXD", "STNMT", "SNNPTNT", "SCT",
         "SYT", "SGDDT", "SLDTBXH", "SVHTTDL", "STTTT", "TTRA", "BQLKKT", "SNGV", "BDT", "CAT"] + \
        ["UBND-H%02d" % i for i in range(1, 41)]
TITLES = ["Báo cáo CCHC quý", "Rà soát, đơn giản hóa TTHC", "Số hóa hồ sơ, kết quả giải quyết TTHC",
          "Tham mưu Kế hoạch chuyển đổi số", "Báo cáo chỉ số PAR INDEX, SIPAS",
          'Xây dựng "Đề án" vị trí việc làm', "Kiểm tra công vụ; tổng hợp kết quả"]
DOCS = ["15/KH-UBND", "230/QĐ-UBND", "56/TB-UBND", "1234/QĐ-UBND", "766/QĐ-TTg"]
BASE = date(2023, 1, 1)
DATES = [(BASE + timedelta(days=d)).isoformat() for d in range(731 + 400)]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--units", type=int, default=0,
                    help="distinct units U (default: the 60 named ones)")
    ap.add_argument("out")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    units = UNITS if a.units <= 0 else ["U%06d" % k for k in range(a.units)]
    rnd, rr = rng.random, rng.randrange
    out = ["task_id,unit,title,source_document,assigned_at,due_at,completed_at,status\n"]
    for i in range(a.rows):
        u = units[rr(len(units))]
        asg = rr(731)
        due = asg + 5 + rr(116)
        has_due = rnd() >= 0.03
        x = rnd()
        if x < 0.02:
            st, done = "cancelled", ""
        elif x < 0.87:
            if rnd() < 0.82:
                d = asg + rr(due - asg + 1)
            else:
                d = due + 1 + int(rng.expovariate(1 / 12))
            st, done = "completed", DATES[min(d, len(DATES) - 1)]
        else:
            st, done = "in_progress", ""
        t = TITLES[rr(len(TITLES))]
        if "," in t or '"' in t:
            t = '"' + t.replace('"', '""') + '"'
        out.append("NV-%07d,%s,%s,%s,%s,%s,%s,%s\n" % (
            i + 1, u, t, DOCS[rr(len(DOCS))], DATES[asg],
            DATES[due] if has_due else "", done, st))
        if len(out) >= 100000:
            with open(a.out, "a" if i >= 100000 else "w", encoding="utf-8") as f:
                f.writelines(out)
            out = []
    with open(a.out, "a" if a.rows >= 100000 else "w", encoding="utf-8") as f:
        f.writelines(out)

if __name__ == "__main__":
    main()
