#!/usr/bin/env python3
"""Synthetic dossier log for the `chiso services` benchmark (SYNTHETIC DATA).

    python3 tests/bench/gen_dossiers.py --rows N [--seed S] [--jobs J] OUT.csv

Standard library only.  The output depends only on --rows and --seed: rows
are made in blocks of 200,000, block b drawn from random.Random(seed, b),
and blocks are written in order whatever --jobs is.

Shape (chosen to look like a provincial one-stop export, not taken from one):
40 units (departments and district committees), 10 procedures each (400
codes), receipts spread over 2023-01-01 .. 2024-12-31, ~60% online / 35%
direct / 5% postal, ~5% still open, ~12% finished late, satisfaction given
for ~30% of dossiers, free-text notes in Vietnamese, CSV-quoted when they
hold commas or quotes.  Columns: dossier_id, unit_code, procedure_code,
received_at, due_at, finished_at, channel, components_signed,
result_signed, digitized, satisfaction, note; timestamps ISO 8601 local
time without zone.
"""
import argparse
import csv
import io
import os
import random
import sys
from datetime import datetime, timedelta
from multiprocessing import Pool

BLOCK = 200_000
EPOCH = datetime(2023, 1, 1)
DAYS = 731

UNITS = (["STP", "SNV", "STC", "SYT", "SXD", "SCT", "SGTVT", "STNMT",
          "SNNPTNT", "SKHDT", "SKHCN", "SGDDT", "SLDTBXH", "SVHTTDL",
          "STTTT", "SNGV", "TTR", "BQLKCN", "BHXH", "CTHUE"]
         + ["UBND-%02d" % i for i in range(1, 21)])

NOTES = [
    "", "", "", "", "", "", "", "", "",
    "Đã nhận đủ hồ sơ",
    "Hồ sơ hợp lệ, chuyển phòng chuyên môn",
    "Bổ sung bản sao CCCD, giấy ủy quyền",
    "Trả kết quả qua dịch vụ bưu chính công ích",
    "Chờ ý kiến Sở Tài nguyên và Môi trường, UBND xã",
    'Công dân ghi "cần gấp", đề nghị ưu tiên',
    "Gia hạn do xác minh thực địa; đã xin lỗi công dân",
    "Ký số thành phần hồ sơ, lưu kho dữ liệu điện tử",
    "Người nộp: Trần Văn Bình, thôn Đồng Tâm, xã Hòa Bình",
    'Kết quả "đạt", đã cập nhật CSDL quốc gia',
    "Liên thông cấp tỉnh - cấp huyện, phí 50.000 đồng",
]


# date text of every day a timestamp can fall on (finishes run into 2025)
DAY_TEXT = [(EPOCH + timedelta(days=d)).strftime("%Y-%m-%d") for d in range(DAYS + 400)]


def stamp(sec):
    """Seconds since 2023-01-01T00:00:00 -> 'YYYY-MM-DDTHH:MM:SS'."""
    d, r = divmod(sec, 86400)
    return "%sT%02d:%02d:%02d" % (DAY_TEXT[d], r // 3600, r // 60 % 60, r % 60)


def block(args):
    seed, b, first, n = args
    rng = random.Random(seed * 7919 + b)
    # procedure table depends on the seed only: every block sees the same
    prng = random.Random(seed)
    procs = []
    for u in range(len(UNITS)):
        for k in range(10):
            code = "2.%06d.000.00.00.H%02d" % (100 + u * 10 + k, u % 63)
            days = prng.choice((1, 2, 3, 5, 7, 10, 15, 20, 30, 45))
            procs.append((code, days))
    weights = [1.0 / (1 + i % 13) for i in range(len(UNITS))]
    units = rng.choices(range(len(UNITS)), weights, k=n)
    sats = rng.choices(("1", "2", "3", "4", "5"), (1, 2, 8, 30, 59), k=n)
    rnd, rr = rng.random, rng.randrange
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    for j in range(n):
        u = units[j]
        code, days = procs[u * 10 + rr(10)]
        r = rnd()
        channel = "online" if r < 0.60 else ("direct" if r < 0.95 else "postal")
        if channel == "online" and rnd() < 0.25:
            tod = rr(86400)
        else:
            tod = 7 * 3600 + 1800 + rr(9 * 3600 + 1800)
        day = rr(DAYS)
        recv = day * 86400 + tod
        due = recv + days * 86400
        if rnd() < 0.05:
            fin = ""
        elif rnd() < 0.88:
            fin = stamp(recv + 600 + int((due - recv - 600) * rnd() ** 2))
        else:
            fin = stamp(due + 1 + int(rng.expovariate(1 / 300000)))
        online = channel == "online"
        comp = int(rnd() < (0.8 if online else 0.3))
        res = int(fin != "" and rnd() < 0.6)
        dig = int(rnd() < (0.9 if online else 0.45))
        sat = "" if rnd() < 0.7 else sats[j]
        did = "H%02d.%s-%08d" % (u, DAY_TEXT[day][:7], first + j)
        w.writerow((did, UNITS[u], code, stamp(recv), stamp(due), fin, channel,
                    comp, res, dig, sat, NOTES[rr(len(NOTES))]))
    return out.getvalue().encode("utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output")
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    tasks = [(a.seed, b, s, min(BLOCK, a.rows - s))
             for b, s in enumerate(range(0, a.rows, BLOCK))]
    tmp = a.output + ".part"
    with open(tmp, "wb") as f:
        f.write(b"dossier_id,unit_code,procedure_code,received_at,due_at,"
                b"finished_at,channel,components_signed,result_signed,"
                b"digitized,satisfaction,note\n")
        if a.jobs > 1 and len(tasks) > 1:
            with Pool(a.jobs) as pool:
                for chunk in pool.imap(block, tasks):
                    f.write(chunk)
        else:
            for t in tasks:
                f.write(block(t))
    os.replace(tmp, a.output)
    print("%s: %d rows" % (a.output, a.rows), file=sys.stderr)


if __name__ == "__main__":
    main()
