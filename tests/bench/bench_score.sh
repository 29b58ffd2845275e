#!/bin/sh
# Benchmark: `chiso score --all-units` at province scale, beside a pandas
# peer, with the scaling over the number of units.
#
#   tests/bench/bench_score.sh [--scratch DIR] [--runs K] [--chiso PATH]
#                              [--areas A] [--leaves L] [--units U]
#
#   --scratch DIR  where the generated files go (default /tmp/chiso-bench-score)
#   --runs K       timed runs per case, the median is reported (default 3)
#   --chiso PATH   the chiso binary (default build/chiso)
#   --areas A --leaves L --units U
#                  the framework (A areas x L leaves, default 100 x 100 =
#                  10,000 leaves) and the units of the big sheet (default 100:
#                  1,000,000 evidence rows, 34 MB)
#
# Generates (gen_framework.py, synthetic, seeded) a framework and an evidence
# sheet with a unit column, then times, whole process:
#   - chiso validate FW (the framework alone: one pass over its JSON) and
#     chiso validate SHEET (reading the big sheet alone), to show where the
#     time goes;
#   - chiso score FW SHEET --all-units for the first 1, 10 and U units of
#     the sheet (the same units, so the work per unit is the same), printing
#     the median wall time, the CPU time and the peak resident memory, and
#     the scaling t(10)/t(1) and t(U)/t(1) beside the linear ideal 10 and U;
#   - the pandas peer (score_units_pandas.py, vectorised) on the big sheet;
# then checks that chiso and pandas agree on every unit's points, index %
# and rank. Needs python3, /usr/bin/python3 with Debian's python3-pandas and
# GNU time (/usr/bin/time). Timings on a shared machine are noisy: compare
# the CPU column, and run it on a quiet machine before quoting figures.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
scratch=/tmp/chiso-bench-score
runs=3
chiso=$root/build/chiso
areas=100
leaves=100
units=100
while [ $# -gt 0 ]; do
  case $1 in
    --scratch) scratch=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --chiso) chiso=$2; shift 2 ;;
    --areas) areas=$2; shift 2 ;;
    --leaves) leaves=$2; shift 2 ;;
    --units) units=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$chiso" ] || { echo "no chiso at $chiso (build first)" >&2; exit 2; }
mkdir -p "$scratch"
per=$((areas * leaves))
if [ ! -f "$scratch/ev.csv" ] || [ "$(wc -l < "$scratch/ev.csv")" -ne $((per * units + 1)) ]; then
  python3 "$here/gen_framework.py" "$scratch" --areas "$areas" --leaves "$leaves" \
    --units "$units" > /dev/null
fi
# the first 1 and 10 units of the sheet (it lists the units one after another)
head -n $((per + 1)) "$scratch/ev.csv" > "$scratch/ev-1.csv"
head -n $((per * 10 + 1)) "$scratch/ev.csv" > "$scratch/ev-10.csv"

# run K times; print "median_wall cpu_of_that_run peak_kb"
measure() {
  i=0
  : > "$scratch/times"
  while [ $i -lt "$runs" ]; do
    /usr/bin/time -f "%e %U %S %M" -o "$scratch/t" "$@" > /dev/null 2> "$scratch/err" ||
      { cat "$scratch/err" >&2; exit 1; }
    awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$scratch/t" >> "$scratch/times"
    i=$((i + 1))
  done
  sort -n "$scratch/times" | awk -v k="$runs" 'NR == int((k + 1) / 2)'
}

echo "framework: $areas areas x $leaves leaves = $per leaves; sheet: $units units x $per = $((per * units)) rows ($(du -h "$scratch/ev.csv" | cut -f1))"
echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-42s %9s %9s %10s\n' "case" "wall s" "cpu s" "peak MB"
line() { printf '%-42s %9s %9s %10.1f\n' "$1" "$2" "$3" "$(echo "$4" | awk '{ print $1 / 1024 }')"; }
set -- $(measure "$chiso" validate "$scratch/fw.json"); line "chiso validate (framework only)" "$1" "$2" "$3"
set -- $(measure "$chiso" validate "$scratch/ev.csv"); line "chiso validate (the $units-unit sheet only)" "$1" "$2" "$3"
set -- $(measure "$chiso" score "$scratch/fw.json" "$scratch/ev-1.csv" --all-units); t1=$1; c1=$2
line "chiso score --all-units, 1 unit" "$1" "$2" "$3"
set -- $(measure "$chiso" score "$scratch/fw.json" "$scratch/ev-10.csv" --all-units); t10=$1; c10=$2
line "chiso score --all-units, 10 units" "$1" "$2" "$3"
set -- $(measure "$chiso" score "$scratch/fw.json" "$scratch/ev.csv" --all-units --csv "$scratch/chiso.csv"); tu=$1; cu=$2
line "chiso score --all-units, $units units" "$1" "$2" "$3"
set -- $(measure /usr/bin/python3 "$here/score_units_pandas.py" "$scratch/fw.json" "$scratch/ev.csv" "$scratch/pandas.csv"); tp=$1; cp=$2
line "pandas peer, $units units" "$1" "$2" "$3"
awk -v t1="$t1" -v t10="$t10" -v tu="$tu" -v c1="$c1" -v c10="$c10" -v cu="$cu" \
    -v tp="$tp" -v cp="$cp" -v u="$units" 'BEGIN {
  printf "scaling (wall): t(10)/t(1) = %.2f (linear: 10), t(%d)/t(1) = %.2f (linear: %d)\n", t10 / t1, u, tu / t1, u
  printf "scaling (cpu):  c(10)/c(1) = %.2f, c(%d)/c(1) = %.2f\n", c10 / c1, u, cu / c1
  printf "chiso / pandas: wall %.2fx, cpu %.2fx (below 1: chiso is faster)\n", tu / tp, cu / cp
  printf "target: %d units in <= 1 s wall: %s\n", u, tu <= 1.0 ? "met" : "NOT met"
}'
python3 - "$scratch/chiso.csv" "$scratch/pandas.csv" <<'EOF'
import csv, sys
a = {r["unit"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
b = {r["unit"]: r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
bad = [u for u in b if u not in a or any(a[u][k] != b[u][k] for k in ("points", "index_pct", "rank"))]
print("chiso and pandas agree on %d of %d units (points, index %%, rank)" % (len(b) - len(bad), len(b)))
sys.exit(1 if bad or len(a) != len(b) else 0)
EOF
