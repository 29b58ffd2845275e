#!/bin/sh
# Benchmark: reading a dossier log from an .xlsx workbook, chiso's workbook
# reader against pandas.read_excel (openpyxl engine), on the same file.
#
#   tests/bench/bench_xlsx.sh [--rows N] [--pandas-rows M] [--runs K]
#                             [--scratch DIR] [--driver PATH]
#
#   --rows N         dossiers in the workbook (default 1000000)
#   --pandas-rows M  run pandas on an M-row workbook made the same way and
#                    scale its time by N/M (default N: same file); the
#                    output says "scaled" when it does. pandas needs about
#                    2.5 minutes of CPU per million rows here.
#   --runs K         timed runs of the chiso reader; the median is kept
#                    (default 3; pandas runs once)
#   --scratch DIR    where workbooks go (default /tmp/chiso-bench-xlsx; a
#                    million rows are about 75 MB); kept between runs
#   --driver PATH    the C driver (default build/tests/xlsx_rows)
#
# The workbook is written by tests/bench/gen_xlsx_dossiers.py with
# XlsxWriter in constant_memory mode (inline strings, date-time cells with a
# date format, booleans, numbers, empty cells), one header row. The chiso
# side is tests/bench/xlsx_rows.c: open, select the default sheet, read
# every row as typed cells (dates turned into text, numbers into their
# shortest text), add up column K; the pandas side is
# tests/bench/pandas_xlsx.py. Both must report the same row count and the
# same sum of le_phi as the generator wrote, or the script fails.
#
# Prints wall time, CPU time (user + sys) and peak resident memory (GNU
# time %M) of each whole process, the ratio pandas / chiso on both times,
# and the unzip floor (inflating the sheet's XML alone). Goals (issue 11):
# ratio >= 20 on wall time and chiso's peak <= 64 MiB. A shared machine
# makes wall times noisy; CPU time is the steadier figure.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rows=1000000
prows=
runs=3
scratch=/tmp/chiso-bench-xlsx
driver=$root/build/tests/xlsx_rows
py=/usr/bin/python3
while [ $# -gt 0 ]; do
  case $1 in
    --rows) rows=$2; shift 2 ;;
    --pandas-rows) prows=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --scratch) scratch=$2; shift 2 ;;
    --driver) driver=$2; shift 2 ;;
    *) echo "bench_xlsx.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$prows" ] || prows=$rows
[ -x "$driver" ] || { echo "bench_xlsx.sh: $driver not built (cmake --build build --target xlsx_rows)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench_xlsx.sh: needs GNU time (/usr/bin/time)" >&2; exit 2; }
$py -c 'import pandas, openpyxl, xlsxwriter' 2>/dev/null ||
  { echo "bench_xlsx.sh: needs python3-pandas, python3-openpyxl, python3-xlsxwriter" >&2; exit 2; }
mkdir -p "$scratch"

# make (once) a workbook of $1 rows; its le_phi sum goes to FILE.sum
make_book() {
  f=$scratch/dossiers_$1.xlsx
  if [ ! -s "$f" ] || [ ! -s "$f.sum" ]; then
    echo "generating $f ($1 rows) ..." >&2
    $py "$here/gen_xlsx_dossiers.py" --rows "$1" "$f.tmp" > "$f.sum.tmp"
    mv "$f.tmp" "$f"
    mv "$f.sum.tmp" "$f.sum"
  fi
  echo "$f"
}

# run a command under GNU time: prints "wall cpu peak_kb", output to $out
measure() {
  out=$scratch/out.txt
  /usr/bin/time -f "%e %U %S %M" -o "$scratch/time.txt" "$@" > "$out"
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$scratch/time.txt"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

check() { # check LABEL GOT WANT
  if [ "$2" != "$3" ]; then
    echo "bench_xlsx.sh: $1 disagree: got '$2', expected '$3'" >&2
    exit 1
  fi
}

book=$(make_book "$rows")
want_sum=$(cat "$book.sum")
want="rows $((rows + 1)) sum $want_sum"

# warm the page cache, check chiso's answer
"$driver" "$book" --sum 11 > /dev/null
walls=""; cpus=""; peaks=""
k=0
while [ "$k" -lt "$runs" ]; do
  set -- $(measure "$driver" "$book" --sum 11)
  check "chiso and the generator" "$(cat "$scratch/out.txt")" "$want"
  walls="$walls $1"; cpus="$cpus $2"; peaks="$peaks $3"
  k=$((k + 1))
done
c_wall=$(echo $walls | tr ' ' '\n' | median)
c_cpu=$(echo $cpus | tr ' ' '\n' | median)
c_peak=$(echo $peaks | tr ' ' '\n' | sort -n | tail -1)

# the floor: inflating the sheet's XML, nothing parsed
set -- $(measure sh -c "unzip -p '$book' xl/worksheets/sheet1.xml | wc -c")
u_wall=$1; u_cpu=$2

# pandas, on the same file or on a smaller one, scaled
pbook=$book
scale=1
note=""
if [ "$prows" != "$rows" ]; then
  pbook=$(make_book "$prows")
  scale=$(awk "BEGIN { print $rows / $prows }")
  note=" (measured at $prows rows, scaled x$scale)"
  "$driver" "$pbook" --sum 11 > "$scratch/c_small.txt"
  check "chiso and the generator ($prows rows)" "$(cat "$scratch/c_small.txt")" \
    "rows $((prows + 1)) sum $(cat "$pbook.sum")"
fi
set -- $(measure $py "$here/pandas_xlsx.py" "$pbook" le_phi)
p_wall=$(awk "BEGIN { printf \"%.2f\", $1 * $scale }")
p_cpu=$(awk "BEGIN { printf \"%.2f\", $2 * $scale }")
p_peak=$3
check "pandas and the generator" "$(cat "$scratch/out.txt")" \
  "rows $prows sum $(cat "$pbook.sum")"

echo "workbook: $book ($rows dossiers + header, $(du -k "$book" | cut -f1) KiB)"
printf "%-34s %10s %10s %12s\n" "reader" "wall s" "cpu s" "peak MiB"
printf "%-34s %10s %10s %12.1f\n" "chiso workbook reader (median $runs)" "$c_wall" "$c_cpu" "$(awk "BEGIN { print $c_peak / 1024 }")"
printf "%-34s %10s %10s %12.1f\n" "pandas.read_excel (openpyxl)" "$p_wall" "$p_cpu" "$(awk "BEGIN { print $p_peak / 1024 }")"
printf "%-34s %10s %10s %12s\n" "floor: unzip -p sheet | wc -c" "$u_wall" "$u_cpu" "-"
echo "pandas$note"
r_wall=$(awk "BEGIN { printf \"%.1f\", $p_wall / $c_wall }")
r_cpu=$(awk "BEGIN { printf \"%.1f\", $p_cpu / $c_cpu }")
echo "ratio pandas / chiso: ${r_wall}x wall, ${r_cpu}x cpu; chiso / unzip floor: $(awk "BEGIN { printf \"%.1f\", $c_wall / $u_wall }")x wall"
echo "agreement: rows and le_phi sum equal in chiso, pandas and the generator"
ok=1
awk "BEGIN { exit !($p_wall / $c_wall >= 20) }" || { echo "goal: ratio >= 20x wall: NOT MET"; ok=0; }
awk "BEGIN { exit !($c_peak <= 65536) }" || { echo "goal: peak <= 64 MiB: NOT MET"; ok=0; }
[ "$ok" = 1 ] && echo "goals (>= 20x pandas, <= 64 MiB): met"
exit 0
