#!/bin/sh
# bench_report.sh [BUILD_DIR] [RUNS] - the main job's speed: `chiso report`
# on the shipped sample (20 files: PNG+SVG charts, report.pdf, .docx,
# .xlsx, .html, summary.json, CSV tables, the manifest), whole process,
# against the goal of issue 16 (< 0.1 s wall). Not a test: it only prints.
#
#   REF=/path/to/other/chiso sh tests/bench/bench_report.sh build 20
#
# Two cases, each RUNS times (default 20) after 3 warm-up runs:
#   rerun  --force into the pack of the run before (what a user does again
#          and again: the previous pack's digests are checked, its files
#          replaced in one swap);
#   fresh  into a folder that does not exist yet.
# The output folder lies in a fresh small temporary folder (the pack's
# commit scans the folder around it for stale temporaries).
# Prints the median wall time and the mean CPU time (user + system) of each
# case, with hyperfine when installed (else GNU time, medians of both), and
# the load average before and after: on a shared machine the wall time of a
# two-thread run depends on what else runs; the CPU time less so.
# With REF set, the same cases for that binary, alternating, and a check
# that both write the same bytes (the pack must not change with speed).
set -eu
build=${1:-build}
runs=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
chiso=$build/chiso
[ -x "$chiso" ] || chiso=$build/analytics/cli/chiso
[ -x "$chiso" ] || { echo "bench_report.sh: $chiso not built" >&2; exit 2; }
chiso=$(cd "$(dirname "$chiso")" && pwd)/$(basename "$chiso")
conf=$src/datasets/samples/report-skhcn-2024-h2.json
py=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)  ($(nproc) processors)"

# bench NAME BIN: prints "NAME case wall_median_s cpu_s"
bench() {
  name=$1 bin=$2 d=$work/$1
  mkdir -p "$d"
  "$bin" report "$conf" --out "$d/out" --quiet >/dev/null
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --style none --warmup 3 --runs "$runs" \
      --export-json "$d/rerun.json" \
      "$bin report $conf --out $d/out --force --quiet" >/dev/null
    hyperfine -N --style none --warmup 3 --runs "$runs" \
      --prepare "rm -rf $d/fresh" --export-json "$d/fresh.json" \
      "$bin report $conf --out $d/fresh --quiet" >/dev/null
    for c in rerun fresh; do
      $py -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%s %s %.4f %.4f" % (sys.argv[2], sys.argv[3], r["median"], r["user"] + r["system"]))
' "$d/$c.json" "$name" "$c"
    done
  else
    for c in rerun fresh; do
      : >"$d/$c.times"
      i=0
      while [ $i -lt $((runs + 3)) ]; do
        [ $c = fresh ] && rm -rf "$d/fresh"
        o=$d/out
        [ $c = fresh ] && o=$d/fresh
        /usr/bin/time -f "%e %U %S" -a -o "$d/$c.times" \
          "$bin" report "$conf" --out "$o" --force --quiet >/dev/null
        i=$((i + 1))
      done
      tail -n "$runs" "$d/$c.times" | $py -c '
import statistics, sys
t = [tuple(map(float, l.split())) for l in sys.stdin if l.strip()]
print("%s %s %.4f %.4f" % (sys.argv[1], sys.argv[2],
      statistics.median(x[0] for x in t), statistics.median(x[1] + x[2] for x in t)))
' "$name" "$c"
    done
  fi
}

{
  bench chiso "$chiso"
  if [ -n "${REF:-}" ]; then
    bench ref "$REF"
  fi
} >"$work/results"

echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '%-6s %-6s %12s %12s %14s\n' binary case "wall (med)" "CPU (u+s)" "wall / 0.1 s"
while read -r name c wall cpu; do
  $py -c '
import sys
n, c, w, u = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
print("%-6s %-6s %10.1f ms %10.1f ms %13.2fx%s" % (n, c, w * 1e3, u * 1e3, w / 0.1,
      "" if w < 0.1 else "  (goal: < 0.1 s)"))
' "$name" "$c" "$wall" "$cpu"
done <"$work/results"

if [ -n "${REF:-}" ]; then
  if diff -r "$work/chiso/out" "$work/ref/out" >/dev/null; then
    echo
    echo "same bytes: chiso and REF wrote identical packs ($(ls -A "$work/chiso/out" | wc -l) files)"
  else
    echo
    echo "DIFFERENT bytes between chiso and REF:"
    diff -rq "$work/chiso/out" "$work/ref/out" || true
    exit 1
  fi
fi
