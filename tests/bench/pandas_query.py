#!/usr/bin/python3
# Copied unchanged (apart from this note) from the peer benchmark scripts that
# came with the project brief; it runs the reference query of QUERY.md.
"""Reference query (bench/QUERY.md) with pandas, as a sensible user writes it.

    /usr/bin/python3 bench/pandas_query.py IN.csv OUT.csv

Uses Debian's python3-pandas (run with /usr/bin/python3).  Reads only the
columns the query needs, with explicit dtypes and an explicit timestamp format.
"""
import os
import sys

import numpy as np
import pandas as pd


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: pandas_query.py IN.csv OUT.csv")
    src, dst = sys.argv[1], sys.argv[2]
    cols = ["unit_code", "received_at", "due_at", "finished_at", "channel",
            "components_signed", "result_signed", "digitized", "satisfaction"]
    df = pd.read_csv(
        src, usecols=cols,
        dtype={"unit_code": "category", "channel": "category",
               "received_at": str, "due_at": str, "finished_at": str,
               "components_signed": np.int8, "result_signed": np.int8,
               "digitized": np.int8, "satisfaction": np.float32},
    )
    fmt = "%Y-%m-%dT%H:%M:%S"
    recv = pd.to_datetime(df["received_at"], format=fmt)
    due = pd.to_datetime(df["due_at"], format=fmt)
    fin = pd.to_datetime(df["finished_at"], format=fmt)  # empty -> NaT

    finished = fin.notna()
    g = pd.DataFrame({
        "unit_code": df["unit_code"],
        "month": recv.dt.year.astype(np.int32) * 100 + recv.dt.month.astype(np.int32),
        "online": (df["channel"] == "online").astype(np.float64),
        "finished": finished,
        # NaN for open dossiers, so mean() gives the share among finished
        "on_time": np.where(finished, (fin <= due).astype(np.float64), np.nan),
        "open": (~finished).astype(np.int64),
        "components_signed": df["components_signed"].astype(np.float64),
        "result_signed": df["result_signed"].astype(np.float64),
        "digitized": df["digitized"].astype(np.float64),
        "satisfaction": df["satisfaction"].astype(np.float64),
        "proc_days": (fin - recv).dt.total_seconds() / 86400.0,
    })
    del df, recv, due, fin
    gb = g.groupby(["unit_code", "month"], observed=True, sort=True)
    out = gb.agg(
        n_dossiers=("online", "size"),
        online_share=("online", "mean"),
        n_finished=("finished", "sum"),
        on_time_share=("on_time", "mean"),
        n_open=("open", "sum"),
        components_signed_share=("components_signed", "mean"),
        result_signed_share=("result_signed", "mean"),
        digitized_share=("digitized", "mean"),
        mean_satisfaction=("satisfaction", "mean"),
    )
    # linear interpolation between order statistics (numpy/R type 7), NaN skipped
    out["p90_processing_days"] = gb["proc_days"].quantile(0.9)
    out = out.reset_index()
    out["unit_code"] = out["unit_code"].astype(str)
    out["month"] = out["month"].map(lambda m: "%04d-%02d" % (m // 100, m % 100))
    out = out.sort_values(["unit_code", "month"], kind="stable")
    tmp = dst + ".tmp"
    out.to_csv(tmp, index=False)
    os.replace(tmp, dst)


if __name__ == "__main__":
    main()
