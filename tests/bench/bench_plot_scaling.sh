#!/bin/sh
# bench_plot_scaling.sh [BUILD_DIR] [REPEAT] - does `chiso plot` scale?
# For every chart kind, draws a chart from a CSV of size n and of size 10 n
# (whole process, 1200 x 800 PNG, median of REPEAT runs, default 3) and
# prints both times, their ratio and the peak memory. Issue 16's rule: ten
# times the input may cost at most twelve times the time (no quadratic
# step). The sizes are the ones the fault audit used (100 k trend points,
# a 300 x 300 heatmap) or larger. Not a test: it only prints figures;
# rows over the limit are marked OVER.
set -eu
build=${1:-build}
repeat=${2:-3}
chiso=$build/chiso
[ -x "$chiso" ] || chiso=$build/analytics/cli/chiso
gtime=/usr/bin/time
for f in "$chiso" "$gtime"; do
  [ -x "$f" ] || { echo "bench_plot_scaling.sh: $f not found" >&2; exit 2; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chiso-scaling.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# data: KIND SIZE -> $tmp/KIND-SIZE.csv (seeded, deterministic)
/usr/bin/python3 - "$tmp" <<'EOF'
import math, random, sys
out = sys.argv[1]
def write(name, header, rows):
    with open("%s/%s.csv" % (out, name), "w", encoding="utf-8") as f:
        f.write(header + "\n")
        for r in rows:
            f.write(",".join(str(v) for v in r) + "\n")
for scale, tag in ((1, "s"), (10, "l")):
    rnd = random.Random(7)
    # trend: 4 series of 2500 / 25 000 points (10 k / 100 k points)
    write("trend-" + tag, "series,x,y",
          (("Sở %d" % s, i, round(50 + 40 * rnd.random(), 2))
           for s in range(4) for i in range(2500 * scale)))
    # small multiples: 16 series of 625 / 6250 points
    write("small-multiples-" + tag, "series,x,y",
          (("Đơn vị %d" % s, i, round(50 + 40 * rnd.random(), 2))
           for s in range(16) for i in range(625 * scale)))
    # scatter: 10 k / 100 k labelled points
    write("scatter-" + tag, "x,y,label",
          ((round(x, 3), round(0.5 * x + rnd.gauss(0, 10), 3), "Xã %d" % i)
           for i, x in ((i, 100 * rnd.random()) for i in range(10000 * scale))))
    # heatmap: 100 x 100 / 316 x 316 cells (10 k / 100 k)
    side = 100 if scale == 1 else 316
    write("heatmap-" + tag, "row,column,value",
          (("Hàng %d" % r, "Cột %d" % c, round(100 * rnd.random(), 1))
           for r in range(side) for c in range(side)))
    # bars: 1 k / 10 k bars
    write("bars-" + tag, "unit,value",
          (("Đơn vị %d" % i, round(100 * rnd.random(), 2))
           for i in range(1000 * scale)))
    # rank intervals: 1 k / 10 k units
    rows = []
    for i in range(1000 * scale):
        m = rnd.randint(5, 1000 * scale)
        rows.append(("Đơn vị %d" % i, m, m, max(1, m - 3), m + 4))
    write("rank-interval-" + tag,
          "unit,nominal_rank,median_rank,p5_rank,p95_rank", rows)
    # waterfall: 100 / 1000 steps
    write("waterfall-" + tag, "label,points_lost,max",
          (("Lĩnh vực %d" % i, 0.5, 1) for i in range(100 * scale)))
    # radar: 30 / 300 axes
    write("radar-" + tag, "axis,value,max",
          (("Trục %d" % i, round(10 * rnd.random(), 2), 10)
           for i in range(30 * scale)))
EOF

one() {
  $gtime -f '%e %M' -o "$tmp/t" "$chiso" plot "$1" --data "$tmp/$1-$2.csv" \
    --out "$tmp/out.png" >/dev/null 2>"$tmp/err" ||
    { echo "bench_plot_scaling.sh: chiso plot $1 ($2) failed:" >&2; cat "$tmp/err" >&2; exit 1; }
  cat "$tmp/t"
}
# median wall time and the largest peak memory of REPEAT runs
measure() {
  k=0
  : > "$tmp/runs"
  while [ "$k" -lt "$repeat" ]; do
    one "$1" "$2" >> "$tmp/runs"
    k=$((k + 1))
  done
  sort -n "$tmp/runs" | awk '{ t[NR] = $1; if ($2 > m) m = $2 }
    END { printf "%s %d", (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2, m }'
}

printf '%-16s %9s %9s %7s %10s %10s\n' kind "n (s)" "10n (s)" ratio "peak n" "peak 10n"
over=0
for kind in trend small-multiples scatter heatmap bars rank-interval waterfall radar; do
  set -- $(measure "$kind" s)
  ts=$1 ms=$2
  set -- $(measure "$kind" l)
  tl=$1 ml=$2
  r=$(echo "$ts $tl" | awk '{ printf "%.1f", ($1 > 0 ? $2 / $1 : 0) }')
  flag=$(echo "$r" | awk '{ print ($1 > 12) ? "OVER" : "ok" }')
  [ "$flag" = ok ] || over=1
  printf '%-16s %9.2f %9.2f %6sx %8.1f M %8.1f M  %s\n' "$kind" "$ts" "$tl" "$r" \
    "$(echo "$ms" | awk '{ print $1 / 1024 }')" "$(echo "$ml" | awk '{ print $1 / 1024 }')" "$flag"
done
printf 'rule (issue 16): 10 x the input -> at most 12 x the time\n'
[ "$over" -eq 0 ] || printf 'some kinds are OVER the rule\n'
