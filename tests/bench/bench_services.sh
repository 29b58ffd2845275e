#!/bin/sh
# Benchmark: `chiso services --period month` against DuckDB and pandas on
# the same synthetic dossier log, with `wc -l` as the one-pass floor.
#
#   tests/bench/bench_services.sh [--rows N] [--scratch DIR] [--runs K]
#                                 [--chiso PATH] [--duckdb-dir DIR]
#
#   --rows N        rows of the synthetic log (default 10000000)
#   --scratch DIR   where the log and outputs go (default /tmp/chiso-bench);
#                   never inside the repository: 10 M rows are 1.5 GB
#   --runs K        timed runs per tool, the median is reported (default 3)
#   --chiso PATH    the chiso binary (default build/analytics/cli/chiso)
#   --duckdb-dir D  a folder where `npm install @duckdb/node-api` was run
#                   (default $DUCKDB_NODE_DIR, else SCRATCH/node; installed
#                   there when missing); DuckDB is skipped if npm fails
#
# Needs python3 (generator, comparisons), /usr/bin/python3 with Debian's
# python3-pandas, node + npm, GNU time (/usr/bin/time). Prints, per tool,
# the median wall time and the peak resident memory of that run, and the
# ratios to DuckDB and to `wc -l`; then checks that chiso (fast path and
# libcsv reference reader, byte for byte), DuckDB and pandas agree
# (compare_outputs.py: keys and counts exact, numbers within 1e-9).
# Timings on a shared machine are noisy: run it on a quiet one.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rows=10000000
scratch=/tmp/chiso-bench
runs=3
chiso=$root/build/analytics/cli/chiso
duck=${DUCKDB_NODE_DIR:-}
while [ $# -gt 0 ]; do
  case $1 in
    --rows) rows=$2; shift 2 ;;
    --scratch) scratch=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --chiso) chiso=$2; shift 2 ;;
    --duckdb-dir) duck=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
case $scratch in "$root"|"$root"/*)
  echo "refusing to write the benchmark data inside the repository" >&2; exit 2 ;;
esac
[ -x "$chiso" ] || { echo "no chiso binary at $chiso (build first)" >&2; exit 2; }
mkdir -p "$scratch"
[ -n "$duck" ] || duck=$scratch/node
data=$scratch/dossiers_$rows.csv
if [ ! -f "$data" ]; then
  echo "generating $rows rows -> $data" >&2
  python3 "$here/gen_dossiers.py" --rows "$rows" --seed 1 "$data"
fi
if [ ! -d "$duck/node_modules/@duckdb/node-api" ]; then
  mkdir -p "$duck"
  ( cd "$duck" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    npm install --silent @duckdb/node-api >/dev/null 2>&1 ) ||
    echo "npm install @duckdb/node-api failed: DuckDB skipped" >&2
fi

# one timed run: tool name, then the command; appends "wall rss" to a file
timed() {
  name=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$scratch/.t" "$@" > /dev/null 2> "$scratch/.err" || {
    echo "$name failed:" >&2; cat "$scratch/.err" >&2; return 1; }
  cat "$scratch/.t" >> "$scratch/times.$name"
}

# median wall (with the RSS and CPU seconds of that run) of runs for a tool
median() {
  sort -n "$scratch/times.$1" | awk -v n="$(wc -l < "$scratch/times.$1")" \
    'NR == int((n + 1) / 2) { print $1, $2, $3 + $4 }'
}

export DUCKDB_NODE_DIR=$duck
# libcsv alone (callbacks that only count): the floor of the reference reader
cc -O2 -o "$scratch/csv_floor" "$here/csv_floor.c" -lcsv
rm -f "$scratch"/times.*
cat "$data" > /dev/null # page cache
for i in $(seq "$runs"); do
  timed wc wc -l "$data"
  timed libcsv_only "$scratch/csv_floor" "$data"
  timed chiso "$chiso" services "$data" --period month --csv "$scratch/chiso.csv"
  timed chiso_1thread "$chiso" services "$data" --period month --threads 1 \
    --csv "$scratch/chiso_1.csv"
  if [ -d "$duck/node_modules/@duckdb/node-api" ]; then
    timed duckdb node "$here/duckdb_query.mjs" "$data" "$scratch/duckdb.csv"
    timed duckdb_1thread node "$here/duckdb_query.mjs" \
      "$data" "$scratch/duckdb_1.csv" --threads 1
  fi
done
# slow ones once
timed chiso_reference "$chiso" services "$data" --period month --reference \
  --csv "$scratch/chiso_ref.csv"
if /usr/bin/python3 -c "import pandas" 2>/dev/null; then
  timed pandas /usr/bin/python3 "$here/pandas_query.py" "$data" \
    "$scratch/pandas.csv"
fi

printf '\n%s rows, %s bytes; median of %s runs (reference reader and pandas: 1 run)\n' \
  "$rows" "$(wc -c < "$data")" "$runs"
duck_wall=$(median duckdb 2>/dev/null | cut -d' ' -f1)
wc_wall=$(median wc | cut -d' ' -f1)
printf '%-18s %9s %9s %11s %10s %10s\n' tool "wall s" "cpu s" "peak MiB" \
  "/ DuckDB" "/ wc -l"
for t in wc libcsv_only chiso chiso_1thread chiso_reference duckdb duckdb_1thread pandas; do
  [ -f "$scratch/times.$t" ] || continue
  set -- $(median "$t")
  awk -v t="$t" -v w="$1" -v m="$2" -v u="$3" -v d="${duck_wall:-0}" \
    -v c="$wc_wall" \
    'BEGIN { r = "-"; if (d > 0) r = sprintf("%.2f", w / d);
             printf "%-18s %9.2f %9.2f %11.1f %10s %10.1f\n", t, w, u, m / 1024,
                    r, w / c }'
done

echo
cmp "$scratch/chiso.csv" "$scratch/chiso_ref.csv" &&
  echo "chiso fast path == libcsv reference reader (byte-identical CSV)"
cmp "$scratch/chiso.csv" "$scratch/chiso_1.csv" &&
  echo "chiso 2 threads == 1 thread (byte-identical CSV)"
python3 "$here/chiso_to_peer.py" "$scratch/chiso.csv" "$scratch/chiso_peer.csv"
status=0
if [ -f "$scratch/duckdb.csv" ]; then
  echo "chiso vs DuckDB:"
  python3 "$here/compare_outputs.py" "$scratch/chiso_peer.csv" "$scratch/duckdb.csv" || status=1
fi
if [ -f "$scratch/pandas.csv" ]; then
  echo "chiso vs pandas:"
  python3 "$here/compare_outputs.py" "$scratch/chiso_peer.csv" "$scratch/pandas.csv" || status=1
fi
exit $status
