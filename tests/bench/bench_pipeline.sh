#!/bin/sh
# Benchmark of the row pipeline (issue 16): every table on the fast path,
# side by side with DuckDB in one run.
#
#   tests/bench/bench_pipeline.sh [--scratch DIR] [--runs K] [--big N]
#                                 [--chiso PATH] [--duckdb-dir DIR]
#                                 [--report-only]
#
# Workloads (chiso's command, DuckDB's same query on the same file):
#   dossiers 1M          chiso services --period month        duckdb_query.mjs
#   dossiers 1M tab      the same log, tab-delimited            duckdb_query_tab.mjs
#   dossiers 1M stdin    chiso services - < FILE (a regular file), and
#                        cat FILE | chiso services - (a pipe, read in order)
#   dossiers BIG         --big N rows (default 10000000; 0 skips), 2 threads
#   tasks 100k, 1M       chiso tasks --as-of 2024-12-31         tasks_duckdb.mjs
#   tasks 1M, 100k units the same with 100 000 distinct units
# and the scaling of chiso (x10 input -> time ratio) for dossiers and tasks.
#
# Prints per workload the median wall time, CPU seconds and peak memory of
# chiso and DuckDB (medians of --runs runs, alternating), the ratio
# chiso/DuckDB and, for stdin, the ratio to the same file by path. Checks
# that the outputs agree: chiso's CSV byte for byte across the ways of
# reading (threads, tab, stdin, the libcsv reference), and chiso against
# DuckDB (compare_outputs.py / compare_generic.py: keys and counts exact,
# numbers within 1e-9). Data goes to --scratch (default /tmp/chiso-bench),
# never inside the repository; DuckDB's Node package is installed there
# with npm when missing. Timings on a shared machine are noisy: the CPU
# seconds are the steadier figure.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
scratch=/tmp/chiso-bench
runs=3
big=10000000
report_only=0
chiso=$root/build/chiso
[ -x "$chiso" ] || chiso=$root/build/analytics/cli/chiso
duck=${DUCKDB_NODE_DIR:-}
while [ $# -gt 0 ]; do
  case $1 in
    --scratch) scratch=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --big) big=$2; shift 2 ;;
    --chiso) chiso=$2; shift 2 ;;
    --duckdb-dir) duck=$2; shift 2 ;;
    --report-only) report_only=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
case $scratch in "$root"|"$root"/*)
  echo "refusing to write the benchmark data inside the repository" >&2; exit 2 ;;
esac
[ -x "$chiso" ] || { echo "no chiso binary (build first)" >&2; exit 2; }
mkdir -p "$scratch"
[ -n "$duck" ] || duck=$scratch/node
if [ ! -d "$duck/node_modules/@duckdb/node-api" ]; then
  mkdir -p "$duck"
  ( cd "$duck" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    npm install --silent @duckdb/node-api >/dev/null 2>&1 ) ||
    { echo "npm install @duckdb/node-api failed" >&2; exit 2; }
fi
export DUCKDB_NODE_DIR=$duck

gen() { # file generator args...
  f=$1; shift
  [ -f "$f" ] || { echo "generating $f" >&2; "$@" "$f" >/dev/null; }
}
d1=$scratch/dossiers_1000000.csv
gen "$d1" python3 "$here/gen_dossiers.py" --rows 1000000 --seed 1
dt=$scratch/dossiers_1000000.tsv
[ -f "$dt" ] || python3 -c '
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f, \
     open(sys.argv[2], "w", newline="", encoding="utf-8") as g:
    w = csv.writer(g, delimiter="\t", lineterminator="\n")
    for row in csv.reader(f):
        w.writerow(row)' "$d1" "$dt"
t100k=$scratch/tasks_100000.csv
t1m=$scratch/tasks_1000000.csv
tu=$scratch/tasks_1000000_u100k.csv
gen "$t100k" python3 "$here/gen_tasks.py" --rows 100000 --seed 1
gen "$t1m" python3 "$here/gen_tasks.py" --rows 1000000 --seed 1
gen "$tu" python3 "$here/gen_tasks.py" --rows 1000000 --seed 1 --units 100000
dbig=""
if [ "$big" -gt 0 ]; then
  dbig=$scratch/dossiers_$big.csv
  gen "$dbig" python3 "$here/gen_dossiers.py" --rows "$big" --seed 1
fi
[ "$report_only" = 1 ] || rm -f "$scratch"/t.*

# one timed run: label, then the command (stdin from $IN when set, or a
# pipe from $PIPE); appends "wall rss cpu" to t.LABEL
timed() {
  label=$1; shift
  if [ -n "${PIPE:-}" ]; then
    cat "$PIPE" | /usr/bin/time -f "%e %M %U %S" -o "$scratch/.t" "$@" \
      > /dev/null 2> "$scratch/.err" || { cat "$scratch/.err" >&2; return 1; }
  elif [ -n "${IN:-}" ]; then
    /usr/bin/time -f "%e %M %U %S" -o "$scratch/.t" "$@" < "$IN" \
      > /dev/null 2> "$scratch/.err" || { cat "$scratch/.err" >&2; return 1; }
  else
    /usr/bin/time -f "%e %M %U %S" -o "$scratch/.t" "$@" \
      > /dev/null 2> "$scratch/.err" || { cat "$scratch/.err" >&2; return 1; }
  fi
  awk '{ print $1, $2, $3 + $4 }' "$scratch/.t" >> "$scratch/t.$label"
}
median() { # label -> "wall rss cpu" of the median-wall run
  sort -n "$scratch/t.$1" | awk -v n="$(wc -l < "$scratch/t.$1")" \
    'NR == int((n + 1) / 2) { print $1, $2, $3 }'
}

S="$chiso services --period month"
T="$chiso tasks --as-of 2024-12-31 --period month"
Q="$here/duckdb_query.mjs"
for f in "$d1" "$dt" "$t1m"; do cat "$f" > /dev/null; done
[ "$report_only" = 1 ] && runs=0
for i in $(seq "$runs"); do
  timed svc_1m $S "$d1" --csv "$scratch/svc_1m.csv"
  timed duck_1m node "$Q" "$d1" "$scratch/duck_1m.csv"
  timed svc_tab $S "$dt" --csv "$scratch/svc_tab.csv"
  timed duck_tab node "$here/duckdb_query_tab.mjs" "$dt" "$scratch/duck_tab.csv"
  IN=$d1 timed svc_stdin $S - --csv "$scratch/svc_stdin.csv"
  PIPE=$d1 timed svc_pipe $S - --csv "$scratch/svc_pipe.csv"
  timed tasks_100k $T "$t100k" --csv "$scratch/tasks_100k.csv"
  timed tasks_1m $T "$t1m" --csv "$scratch/tasks_1m.csv"
  timed duck_tasks_1m node "$here/tasks_duckdb.mjs" "$t1m" \
    "$scratch/duck_tasks_1m.csv" --threads 2
  timed tasks_units $T "$tu" --csv "$scratch/tasks_units.csv"
  timed duck_tasks_units node "$here/tasks_duckdb.mjs" "$tu" \
    "$scratch/duck_tasks_units.csv" --threads 2
done
if [ "$report_only" = 0 ]; then
  timed svc_1m_ref $S "$d1" --reference --csv "$scratch/svc_1m_ref.csv"
  timed svc_1m_1t $S "$d1" --threads 1 --csv "$scratch/svc_1m_1t.csv"
fi
if [ -n "$dbig" ]; then
  cat "$dbig" > /dev/null
  for i in $(seq "$runs"); do
    timed svc_big $S "$dbig" --csv "$scratch/svc_big.csv"
    timed duck_big node "$Q" "$dbig" "$scratch/duck_big.csv"
  done
fi

row() { # label, peer label or -, note
  set -- "$1" "$2" "$3" $(median "$1")
  if [ "$2" != - ] && [ -f "$scratch/t.$2" ]; then
    set -- "$@" $(median "$2")
  else
    set -- "$@" 0 0 0
  fi
  awk -v l="$1" -v n="$3" -v w="$4" -v m="$5" -v c="$6" -v pw="$7" \
    -v pm="$8" -v pc="$9" 'BEGIN {
      r = (pw > 0) ? sprintf("%.2f", w / pw) : "-";
      rc = (pc > 0) ? sprintf("%.2f", c / pc) : "-";
      ps = (pw > 0) ? sprintf("%.2f", pw) : "-";
      printf "%-16s %8.2f %8.2f %9.1f %9s %9s %9s   %s\n", l, w, c, m / 1024,
             ps, r, rc, n }'
}
printf '\n%s; medians of %s runs; machine load at the end: %s\n' \
  "$(date -u +%Y-%m-%d)" "$runs" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-16s %8s %8s %9s %9s %9s %9s\n' workload "wall s" "cpu s" "peak MiB" \
  "peer s" "wall/peer" "cpu/peer"
row svc_1m duck_1m "dossiers 1M rows, 2 threads vs DuckDB"
row svc_1m_1t duck_1m "the same, 1 thread"
row svc_1m_ref duck_1m "the same, libcsv reference reader"
row svc_tab duck_tab "dossiers 1M, tab-delimited"
row svc_stdin svc_1m "stdin (a regular file) vs the file by path"
row svc_pipe svc_1m "stdin (a pipe, read in order) vs the file by path"
[ -n "$dbig" ] && row svc_big duck_big "dossiers $big rows vs DuckDB"
row tasks_1m duck_tasks_1m "tasks 1M vs DuckDB"
row tasks_units duck_tasks_units "tasks 1M, 100k units vs DuckDB"
row tasks_1m tasks_100k "tasks x10 (1M vs 100k): time ratio"
[ -n "$dbig" ] && row svc_big svc_1m "dossiers x10 ($big vs 1M): time ratio"

echo
status=0
for f in svc_1m_1t svc_1m_ref svc_tab svc_stdin svc_pipe; do
  if cmp -s "$scratch/svc_1m.csv" "$scratch/$f.csv"; then
    echo "chiso $f == chiso 2 threads (byte-identical CSV)"
  else
    echo "chiso $f differs from chiso 2 threads"; status=1
  fi
done
for p in 1m tab; do
  python3 "$here/chiso_to_peer.py" "$scratch/svc_$p.csv" "$scratch/svc_${p}_peer.csv"
  python3 "$here/compare_outputs.py" "$scratch/svc_${p}_peer.csv" \
    "$scratch/duck_$p.csv" > "$scratch/cmp.txt" && echo "dossiers $p: chiso == DuckDB" ||
    { echo "dossiers $p: chiso and DuckDB differ"; cat "$scratch/cmp.txt"; status=1; }
done
if [ -n "$dbig" ]; then
  python3 "$here/chiso_to_peer.py" "$scratch/svc_big.csv" "$scratch/svc_big_peer.csv"
  python3 "$here/compare_outputs.py" "$scratch/svc_big_peer.csv" \
    "$scratch/duck_big.csv" > "$scratch/cmp.txt" && echo "dossiers big: chiso == DuckDB" ||
    { echo "dossiers big: chiso and DuckDB differ"; cat "$scratch/cmp.txt"; status=1; }
fi
for p in 1m units; do
  python3 "$here/compare_generic.py" "$scratch/tasks_$p.csv" \
    "$scratch/duck_tasks_$p.csv" > "$scratch/cmp.txt" && echo "tasks $p: chiso == DuckDB" ||
    { echo "tasks $p: chiso and DuckDB differ"; cat "$scratch/cmp.txt"; status=1; }
done
exit $status
