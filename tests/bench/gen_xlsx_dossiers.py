#!/usr/bin/python3
"""Synthetic dossier log as an .xlsx workbook (SYNTHETIC DATA), for
tests/bench/bench_xlsx.sh.

    /usr/bin/python3 tests/bench/gen_xlsx_dossiers.py --rows N [--seed S] OUT.xlsx

Written with XlsxWriter in constant_memory mode (rows streamed to disk,
strings inline, as large exports are written), one sheet "Hồ sơ": a header
row, then N dossiers. Columns, like a provincial one-stop export:

  A ma_ho_so         text, unique          H ky_so_ket_qua   boolean
  B don_vi           text (40 units)       I da_so_hoa       boolean
  C thu_tuc          text (400 codes)      J muc_do_hai_long 1..5 or empty
  D kenh_nop         text (Vietnamese)     K le_phi          integer VND
  E ngay_tiep_nhan   date-time cell        L ghi_chu         text or empty
  F ngay_hen_tra     date-time cell
  G ngay_tra_ket_qua date-time cell or empty (still open)

The output depends only on --rows and --seed. Prints the sum of column K
(le_phi) on stdout, for the agreement check.
"""
import argparse
import random
from datetime import datetime, timedelta

import xlsxwriter

UNITS = (["STP", "SNV", "STC", "SYT", "SXD", "SCT", "SGTVT", "STNMT",
          "SNNPTNT", "SKHDT", "SKHCN", "SGDDT", "SLDTBXH", "SVHTTDL",
          "STTTT", "SNGV", "TTR", "BQLKCN", "BHXH", "CTHUE"]
         + ["UBND-%02d" % i for i in range(1, 21)])
CHANNELS = ["Trực tuyến toàn trình", "Trực tuyến một phần", "Nộp trực tiếp",
            "Qua bưu chính công ích"]
NOTES = ["Đã nhận đủ hồ sơ", "Bổ sung bản sao CCCD, giấy ủy quyền",
         "Trả kết quả qua dịch vụ bưu chính công ích",
         "Gia hạn do xác minh thực địa; đã xin lỗi công dân"]
EPOCH = datetime(2023, 1, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--seed", type=int, default=20241204)
    ap.add_argument("out")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    wb = xlsxwriter.Workbook(a.out, {"constant_memory": True})
    wb.set_properties({"created": datetime(2024, 12, 4)})
    ws = wb.add_worksheet("Hồ sơ")
    dt = wb.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"})
    ws.write_row(0, 0, ["ma_ho_so", "don_vi", "thu_tuc", "kenh_nop",
                        "ngay_tiep_nhan", "ngay_hen_tra", "ngay_tra_ket_qua",
                        "ky_so_ket_qua", "da_so_hoa", "muc_do_hai_long",
                        "le_phi", "ghi_chu"])
    procs = ["2.%06d.000.00.00.H%02d" % (100 + i, i % 63) for i in range(400)]
    fees = (0, 0, 0, 15000, 20000, 50000, 100000, 250000)
    total = 0
    for r in range(1, a.rows + 1):
        u = rng.randrange(40)
        recv = EPOCH + timedelta(seconds=rng.randrange(730 * 86400))
        due = recv + timedelta(days=rng.choice((1, 3, 5, 7, 10, 15, 30)))
        ws.write_string(r, 0, "000.00.%02d.H42-%s-%07d" % (u, recv.strftime("%y%m%d"), r))
        ws.write_string(r, 1, UNITS[u])
        ws.write_string(r, 2, procs[u * 10 + rng.randrange(10)])
        ws.write_string(r, 3, CHANNELS[rng.randrange(4)])
        ws.write_datetime(r, 4, recv, dt)
        ws.write_datetime(r, 5, due, dt)
        if rng.random() < 0.95:
            fin = recv + timedelta(seconds=rng.randrange(20 * 86400))
            ws.write_datetime(r, 6, fin, dt)
        ws.write_boolean(r, 7, rng.random() < 0.7)
        ws.write_boolean(r, 8, rng.random() < 0.8)
        if rng.random() < 0.3:
            ws.write_number(r, 9, rng.randrange(1, 6))
        fee = fees[rng.randrange(len(fees))]
        total += fee
        ws.write_number(r, 10, fee)
        if rng.random() < 0.2:
            ws.write_string(r, 11, NOTES[rng.randrange(len(NOTES))])
    wb.close()
    print(total)


if __name__ == "__main__":
    main()
