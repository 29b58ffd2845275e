#!/bin/sh
# bench_charts.sh [BUILD_DIR] [N] [REPEAT] - chart rendering speed, chiso vs
# matplotlib, side by side in one run. Runs alternate (chiso, matplotlib,
# chiso, ...) REPEAT times (default 5) and the median wall time of each is
# kept, since the machine may be shared. Not a test: it only prints figures.
#
# Renders N (default 100) trend charts, 1200 x 800 px PNG, each with a
# Vietnamese title, axis titles, a legend of 8 series x 10 years, grid and
# markers, and times each WHOLE process (start-up, font set-up, rendering,
# PNG encoding, writing):
#   batch  chiso, one process, the way a report pack writes its charts:
#          bench_charts batch (chiso_plot_write_many: no fsync per file,
#          the folder synced once at the end, one thread per processor);
#   render chiso, one process, one chiso_plot_write per chart (each file
#          written to a temporary name, fsynced and renamed);
#   cli    chiso, one `chiso plot trend` process per chart (N processes,
#          each reading its CSV, as a shell script calling the CLI would);
#   mpl    matplotlib (Agg), one python3 process rendering all N charts:
#          tests/bench/mpl_charts.py, the team's peer script, run with
#          Debian's /usr/bin/python3 and python3-matplotlib (it writes with
#          savefig, no fsync).
# Prints each median wall time and CPU time (user + system), their ratios
# chiso / matplotlib (lower is better; the goal of issue 16 is batch <=
# 0.025x wall), the peak memory of each process (GNU time's maximum
# resident set size) and the load average: a busy machine slows the
# one-thread peer and the two-thread batch differently.
set -eu
build=${1:-build}
n=${2:-100}
repeat=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
chiso=$build/chiso
[ -x "$chiso" ] || chiso=$build/analytics/cli/chiso
helper=$build/tests/bench_charts
py=/usr/bin/python3
gtime=/usr/bin/time
for f in "$chiso" "$helper" "$gtime"; do
  [ -x "$f" ] || { echo "bench_charts.sh: $f not found (build it; GNU time: apt-get install time)" >&2; exit 2; }
done
$py -c 'import matplotlib' 2>/dev/null ||
  { echo "bench_charts.sh: needs python3-matplotlib (apt-get install python3-matplotlib)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chiso-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# one timed run: wall seconds and peak KiB appended to $tmp/<name>.times
timed() {
  name=$1
  shift
  $gtime -f '%e %M %U %S' -o "$tmp/$name.one" "$@" >/dev/null 2>&1 ||
    { echo "bench_charts.sh: $name failed" >&2; exit 1; }
  cat "$tmp/$name.one" >> "$tmp/$name.times"
}
run_batch() { rm -rf "$tmp/batch"; timed batch "$helper" batch "$tmp/batch" "$n"; }
run_render() { rm -rf "$tmp/render"; timed render "$helper" render "$tmp/render" "$n"; }
run_mpl() { rm -rf "$tmp/mpl"; timed mpl $py "$here/mpl_charts.py" "$tmp/mpl" --charts "$n"; }
run_cli() {
  rm -rf "$tmp/cli"
  mkdir -p "$tmp/cli"
  t0=$(date +%s.%N)
  i=0
  while [ "$i" -lt "$n" ]; do
    f=$(printf 'chart_%03d' "$i")
    "$chiso" plot trend --data "$tmp/csv/$f.csv" --out "$tmp/cli/$f.png" \
      --title "Chỉ số cải cách hành chính (PAR INDEX) — biểu đồ $((i + 1))" \
      --x-label "Năm đánh giá" --y-label "Điểm chỉ số (%)" >/dev/null
    i=$((i + 1))
  done
  t1=$(date +%s.%N)
  echo "$t0 $t1" | awk '{ printf "%.3f 0 0 0\n", $2 - $1 }' >> "$tmp/cli.times"
}
median() { sort -n "$tmp/$1.times" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# median CPU time (user + system) of the runs
cpu() { awk '{ print $3 + $4 }' "$tmp/$1.times" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
peak() { sort -n -k2 "$tmp/$1.times" | tail -1 | awk '{ printf "%.1f", $2 / 1024 }'; }

# warm the font cache and the page cache once, untimed
"$helper" render "$tmp/warm" 2 2>/dev/null
$py "$here/mpl_charts.py" "$tmp/warm" --charts 1 2>/dev/null
"$helper" csv "$tmp/csv" "$n" 2>/dev/null

k=0
while [ "$k" -lt "$repeat" ]; do
  run_batch
  run_mpl
  run_render
  k=$((k + 1))
done
# the one-process-per-chart run is slow: fewer repeats
k=0
while [ "$k" -lt 2 ]; do run_cli; k=$((k + 1)); done

for d in batch render mpl cli; do
  c=$(ls "$tmp/$d" | wc -l)
  [ "$c" -eq "$n" ] || { echo "bench_charts.sh: $d wrote $c files, not $n" >&2; exit 1; }
done
mpl=$(median mpl)
mplcpu=$(cpu mpl)
printf 'charts: %d trend charts, 1200x800 PNG, 8 series x 10 years, Vietnamese text\n' "$n"
printf 'median of %d alternating runs (cli: 2); %s processors; output in %s\n' \
  "$repeat" "$(nproc)" "${TMPDIR:-/tmp}"
printf '%-44s %9s %10s %7s %9s %7s %10s\n' run wall per-chart "/mpl" cpu "/mpl" peak
line() {
  t=$(median "$1")
  c=$(cpu "$1")
  printf '%-44s %7.3f s %7.2f ms %6.3fx %7.2f s %6.3fx %6s MiB\n' \
    "$2" "$t" "$(echo "$t $n" | awk '{ print 1000 * $1 / $2 }')" \
    "$(echo "$t $mpl" | awk '{ print $1 / $2 }')" "$c" \
    "$(echo "$c $mplcpu" | awk '{ print ($1 > 0) ? $1 / $2 : 0 }')" "$3"
}
line batch "chiso batch (1 process, 1 sync, threads)" "$(peak batch)"
line render "chiso render (1 process, fsync per file)" "$(peak render)"
line cli "chiso plot trend ($n processes; wall only)" "-"
line mpl "matplotlib Agg (1 process, mpl_charts.py)" "$(peak mpl)"
printf 'load average after the runs: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'goal (issue 16): chiso batch <= 0.025x matplotlib wall time\n'
