#!/bin/sh
# bench_charts.sh [BUILD_DIR] [N] [REPEAT] - chart rendering speed, chiso vs
# matplotlib. Each run is repeated REPEAT times (default 3) and the best
# time is kept, since the machine may be shared.
#
# Renders N (default 100) trend charts, 1200 x 800 px PNG, each with a
# Vietnamese title, axis titles, a legend of 8 series x 10 years, grid and
# markers, three ways, and times each WHOLE process (start-up, font set-up,
# rendering, PNG encoding, writing):
#   1. chiso, one process rendering all N charts (bench_charts render,
#      linked with the plots library: what `chiso report` will do);
#   2. chiso, one `chiso plot trend` process per chart (N processes, each
#      reading its CSV, as a shell script calling the CLI would);
#   3. matplotlib (Agg), one python3 process rendering all N charts:
#      tests/bench/mpl_charts.py, the team's peer script, run with
#      Debian's /usr/bin/python3 and python3-matplotlib.
# Prints the three times and the ratios matplotlib / chiso. The fair
# comparison is 1 vs 3 (one process each, same work); 2 also pays N
# process start-ups and font configuration loads. Not a test: it only
# prints figures; timings on a shared machine are noisy.
set -eu
build=${1:-build}
n=${2:-100}
repeat=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
chiso=$build/chiso
[ -x "$chiso" ] || chiso=$build/analytics/cli/chiso
helper=$build/tests/bench_charts
py=/usr/bin/python3
for f in "$chiso" "$helper"; do
  [ -x "$f" ] || { echo "bench_charts.sh: $f not built (ninja -C $build)" >&2; exit 2; }
done
$py -c 'import matplotlib' 2>/dev/null ||
  { echo "bench_charts.sh: needs python3-matplotlib (apt-get install python3-matplotlib)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chiso-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
elapsed() { calc "$2 - $1"; }

# warm the font cache and the page cache once, untimed
"$helper" render "$tmp/warm" 2 2>/dev/null
$py "$here/mpl_charts.py" "$tmp/warm" --charts 1 2>/dev/null

"$helper" csv "$tmp/csv" "$n" 2>/dev/null

run_one() {
  rm -rf "$tmp/one"
  "$helper" render "$tmp/one" "$n" 2>/dev/null
}
run_many() {
  rm -rf "$tmp/many"
  mkdir -p "$tmp/many"
  i=0
  while [ "$i" -lt "$n" ]; do
    f=$(printf 'chart_%03d' "$i")
    "$chiso" plot trend --data "$tmp/csv/$f.csv" --out "$tmp/many/$f.png" \
      --title "Chỉ số cải cách hành chính (PAR INDEX) — biểu đồ $((i + 1))" \
      --x-label "Năm đánh giá" --y-label "Điểm chỉ số (%)" >/dev/null
    i=$((i + 1))
  done
}
run_mpl() {
  rm -rf "$tmp/mpl"
  $py "$here/mpl_charts.py" "$tmp/mpl" --charts "$n" 2>/dev/null
}
# best of $repeat wall-clock times of a function
best() {
  b=""
  k=0
  while [ "$k" -lt "$repeat" ]; do
    t0=$(now)
    "$1"
    t1=$(now)
    e=$(elapsed "$t0" "$t1")
    if [ -z "$b" ] || [ "$(calc "$e < $b")" = "1.000000" ]; then b=$e; fi
    k=$((k + 1))
  done
  echo "$b"
}
one=$(best run_one)
many=$(best run_many)
mpl=$(best run_mpl)

pngs_one=$(ls "$tmp/one" | wc -l)
pngs_many=$(ls "$tmp/many" | wc -l)
pngs_mpl=$(ls "$tmp/mpl" | wc -l)
printf 'charts: %d trend charts, 1200x800 PNG, 8 series x 10 years, Vietnamese text\n' "$n"
printf 'best of %d runs each; output in %s\n' "$repeat" "${TMPDIR:-/tmp}"
printf '%-44s %8.3f s  %7.2f ms/chart  (%d files)\n' \
  "chiso, 1 process (bench_charts render)" "$one" \
  "$(calc "1000 * $one / $n")" "$pngs_one"
printf '%-44s %8.3f s  %7.2f ms/chart  (%d files)\n' \
  "chiso, $n processes (chiso plot trend)" "$many" \
  "$(calc "1000 * $many / $n")" "$pngs_many"
printf '%-44s %8.3f s  %7.2f ms/chart  (%d files)\n' \
  "matplotlib Agg, 1 process (mpl_charts.py)" "$mpl" \
  "$(calc "1000 * $mpl / $n")" "$pngs_mpl"
printf 'ratio matplotlib / chiso (1 process):   %6.1fx\n' "$(calc "$mpl / $one")"
printf 'ratio matplotlib / chiso (%d processes): %6.1fx\n' "$n" "$(calc "$mpl / $many")"
printf 'target: at least 20x\n'
