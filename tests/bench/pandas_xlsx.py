#!/usr/bin/python3
"""The pandas peer of tests/bench/bench_xlsx.sh: read the first sheet of a
workbook with pandas.read_excel (openpyxl engine, Debian's
python3-pandas and python3-openpyxl), then print the data rows and the sum
of one column, as the C driver prints them:

    /usr/bin/python3 tests/bench/pandas_xlsx.py FILE.xlsx COLUMN_NAME
    -> "rows N sum S"   (N excludes the header row)
"""
import sys

import pandas as pd

df = pd.read_excel(sys.argv[1], sheet_name=0, engine="openpyxl")
s = df[sys.argv[2]].sum()
print("rows %d sum %s" % (len(df), repr(float(s)).removesuffix(".0")))
