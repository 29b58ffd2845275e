#!/usr/bin/python3
# Copied unchanged (apart from this header) from the team's shared benchmark peer
# scripts (bench/mpl_charts.py), the matplotlib reference for chart rendering
# that tests/bench/bench_charts.sh compares chiso against.
"""Peer figure for chart rendering: N PNG line charts with matplotlib (Agg).

    /usr/bin/python3 bench/mpl_charts.py OUTDIR [--charts 100] [--seed 1]

Each chart: 8 series x 10 yearly points (2015-2024), 1200x800 px, Vietnamese
title, axis labels and legend, grid, markers.  Prints the time spent after
imports (rendering + PNG encoding + writing) on stderr.
"""
import argparse
import os
import random
import sys
import time

t_start = time.perf_counter()
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SERIES = ["Sở Tư pháp", "Sở Nội vụ", "Sở Tài chính", "Sở Y tế",
          "Sở Xây dựng", "Sở Công Thương", "UBND huyện Đông Hải", "Trung bình tỉnh"]
YEARS = list(range(2015, 2025))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--charts", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    rng = random.Random(a.seed)
    t0 = time.perf_counter()
    for c in range(a.charts):
        fig, ax = plt.subplots(figsize=(12, 8), dpi=100)  # 1200 x 800 px
        for s in SERIES:
            v = rng.uniform(70, 85)
            ys = []
            for _ in YEARS:
                v = min(100.0, max(50.0, v + rng.gauss(0.8, 1.5)))
                ys.append(v)
            ax.plot(YEARS, ys, marker="o", linewidth=1.8, label=s)
        ax.set_title("Chỉ số cải cách hành chính (PAR INDEX) — biểu đồ %d" % (c + 1))
        ax.set_xlabel("Năm đánh giá")
        ax.set_ylabel("Điểm chỉ số (%)")
        ax.set_xticks(YEARS)
        ax.grid(True, alpha=0.3)
        ax.legend(loc="lower right", fontsize=9, ncol=2)
        fig.tight_layout()
        fig.savefig(os.path.join(a.outdir, "chart_%03d.png" % c))
        plt.close(fig)
    t1 = time.perf_counter()
    print("imports %.3f s; %d charts %.3f s (%.1f ms/chart)"
          % (t0 - t_start, a.charts, t1 - t0, 1000 * (t1 - t0) / a.charts), file=sys.stderr)


if __name__ == "__main__":
    main()
