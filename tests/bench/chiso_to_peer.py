#!/usr/bin/env python3
"""Rewrite `chiso services --csv` output in the peer scripts' format.

    python3 tests/bench/chiso_to_peer.py CHISO.csv OUT.csv

chiso writes percentages (0-100) under the names of its issue; the peer
scripts (duckdb_query.mjs, pandas_query.py, see QUERY.md) write shares
(0-1) under their own names.  Shares are percentages / 100; counts and keys
are copied; empty cells stay empty.
"""
import csv
import sys

MAP = [  # peer column, chiso column, divide by 100
    ("unit_code", "unit", False),
    ("month", "period", False),
    ("n_dossiers", "received", False),
    ("online_share", "online_pct", True),
    ("n_finished", "finished", False),
    ("on_time_share", "on_time_pct", True),
    ("n_open", "open", False),
    ("components_signed_share", "components_signed_pct", True),
    ("result_signed_share", "result_signed_pct", True),
    ("digitized_share", "digitized_pct", True),
    ("mean_satisfaction", "satisfaction_mean", False),
    ("p90_processing_days", "processing_days_p90", False),
]


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, newline="", encoding="utf-8") as f, \
            open(dst, "w", newline="", encoding="utf-8") as g:
        r = csv.DictReader(f)
        w = csv.writer(g, lineterminator="\n")
        w.writerow([m[0] for m in MAP])
        for row in r:
            out = []
            for _, col, pct in MAP:
                v = row[col]
                out.append(repr(float(v) / 100.0) if pct and v != "" else v)
            w.writerow(out)


if __name__ == "__main__":
    main()
