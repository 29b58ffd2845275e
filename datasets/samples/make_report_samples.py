#!/usr/bin/env python3
"""Synthetic operational data for the shipped report sample (standard library only).

    python3 datasets/samples/make_report_samples.py datasets/samples

Writes, deterministically (fixed seed), for the illustrative unit SKHCN
(Sở Khoa học và Công nghệ tỉnh Hưng Yên) in 2024:
  dossiers-skhcn-2024.csv  dossier log as a one-stop system exports it to
                           Excel: UTF-8 BOM, ';', CRLF, dd/mm/yyyy hh:mm,
                           Vietnamese headers and values (about 640 rows)
  tasks-skhcn-2024.csv     register of tasks assigned by the provincial
                           People's Committee (about 64 rows)
The numbers are SYNTHETIC: they describe no real dossier, citizen or task.
The second half-year is made better than the first (more online dossiers,
more digital signatures) so the report has a change to show.
"""
import os
import random
import sys
from datetime import date, datetime, timedelta

SEED = 20241231
UNIT = "SKHCN"
PROCEDURES = [  # (code, processing days)
    ("1.004263", 10), ("1.004288", 15), ("1.004443", 20), ("1.005027", 7),
    ("1.005117", 12), ("2.001262", 5), ("2.001283", 30), ("1.008406", 10),
]
NOTES = ["", "", "", "", "Hồ sơ đầy đủ, hợp lệ", "Yêu cầu bổ sung bản sao chứng thực",
         "Chờ ý kiến thẩm định của Hội đồng; đã gửi thư xin lỗi",
         'Tổ chức đề nghị "trả kết quả qua bưu điện"', "Đã ký số thành phần hồ sơ"]
TASKS = [
    "Xây dựng kế hoạch CCHC năm", "Báo cáo kết quả CCHC quý", "Rà soát, đơn giản hóa TTHC",
    "Cập nhật CSDL quốc gia về TTHC", "Triển khai Đề án 06 tại Sở",
    "Báo cáo tình hình giải ngân vốn đầu tư công", "Tham mưu Kế hoạch chuyển đổi số",
    "Tổng hợp kết quả thẩm định công nghệ", "Báo cáo chỉ số PAR INDEX, SIPAS",
    "Kiểm tra công tác CCHC tại đơn vị trực thuộc", "Hoàn thiện quy chế chi tiêu nội bộ",
    "Đánh giá đề tài khoa học cấp tỉnh",
]
DOCS = ["15/KH-UBND", "208/UBND-KGVX", "1234/QĐ-UBND", "56/TB-UBND", "Công văn 987/UBND-NC"]


def fmt(dt, with_time=True):
    return dt.strftime("%d/%m/%Y %H:%M") if with_time else dt.strftime("%d/%m/%Y")


def working_hours(rng, day):
    return datetime(day.year, day.month, day.day) + timedelta(minutes=450 + rng.randrange(570))


def dossiers(rng):
    rows = []
    seq = 0
    day = date(2024, 1, 2)
    while day <= date(2024, 12, 31):
        if day.weekday() < 5:
            h2 = day.month >= 7
            for _ in range(rng.choice((1, 2, 2, 3, 3))):
                seq += 1
                code, days = rng.choice(PROCEDURES)
                recv = working_hours(rng, day)
                due = recv + timedelta(days=days)
                online = rng.random() < (0.84 if h2 else 0.71)
                if recv.date() > date(2024, 12, 20) and rng.random() < 0.6:
                    fin = None  # still open at the end of the year
                else:
                    late = rng.random() < (0.06 if h2 else 0.10)
                    if late:
                        fin = due + timedelta(hours=2 + rng.randrange(24 * 6))
                    else:
                        fin = recv + timedelta(minutes=60 + int((due - recv).total_seconds() / 60 * rng.random() ** 1.4))
                comp = rng.random() < ((0.93 if h2 else 0.78) if online else 0.55)
                res = fin is not None and rng.random() < (0.90 if h2 else 0.72)
                dig = rng.random() < ((0.88 if h2 else 0.70) if online else 0.45)
                sat = "" if rng.random() < 0.55 else str(rng.choices((1, 2, 3, 4, 5), (1, 2, 6, 30, 61))[0])
                rows.append([
                    "000.00.31.H31-%s-%04d" % (recv.strftime("%y%m%d"), seq), UNIT, code,
                    fmt(recv), fmt(due), fmt(fin) if fin else "",
                    "Trực tuyến" if online else rng.choice(("Trực tiếp", "Trực tiếp", "Bưu chính")),
                    "1" if comp else "0", "1" if res else "0", "1" if dig else "0", sat,
                    rng.choice(NOTES),
                ])
        day += timedelta(days=1)
    return ["Mã hồ sơ", "Mã đơn vị", "Mã thủ tục", "Ngày tiếp nhận", "Ngày hẹn trả",
            "Ngày có kết quả", "Hình thức nộp", "Ký số thành phần", "Ký số kết quả",
            "Số hóa", "Mức độ hài lòng", "Ghi chú"], rows


def tasks(rng):
    rows = []
    n = 0
    for month in range(1, 13):
        for _ in range(rng.choice((4, 5, 5, 6))):
            n += 1
            assigned = date(2024, month, 1 + rng.randrange(20))
            due = assigned + timedelta(days=rng.choice((10, 15, 20, 30, 45)))
            title = "%s (đợt %d)" % (rng.choice(TASKS), n)
            r = rng.random()
            if due > date(2024, 12, 31) and r < 0.7:
                done, status = None, "Đang thực hiện"
            elif r < (0.86 if month >= 7 else 0.80):
                done, status = due - timedelta(days=rng.randrange(8)), "Đã hoàn thành"
            elif r < 0.95:
                done, status = due + timedelta(days=1 + rng.randrange(12)), "Hoàn thành quá hạn"
            else:
                done, status = None, "Đang thực hiện"  # open, overdue if due has passed
            if done is not None and done > date(2024, 12, 31):
                done, status = None, "Đang thực hiện"
            rows.append(["NV-2024-%03d" % n, UNIT, title, rng.choice(DOCS), fmt(assigned, False),
                         fmt(due, False), fmt(done, False) if done else "", status])
    return ["Mã nhiệm vụ", "Đơn vị chủ trì", "Nội dung nhiệm vụ", "Văn bản giao", "Ngày giao",
            "Hạn xử lý", "Ngày hoàn thành", "Trạng thái"], rows


def write(path, header, rows):
    def cell(v):
        return '"%s"' % v.replace('"', '""') if any(c in v for c in ';"\n') else v
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
        for r in [header] + rows:
            f.write(";".join(cell(v) for v in r) + "\r\n")
    os.replace(tmp, path)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    rng = random.Random(SEED)
    write(os.path.join(out, "dossiers-skhcn-2024.csv"), *dossiers(rng))
    write(os.path.join(out, "tasks-skhcn-2024.csv"), *tasks(rng))


if __name__ == "__main__":
    main()
