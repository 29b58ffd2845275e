#!/bin/sh
# bench_format.sh [CHISO] [CHISO_BEFORE] - the cost of writing numbers.
#
#   CHISO         the chiso binary (default: build/chiso)
#   CHISO_BEFORE  optional: a chiso built before the change (e.g. from
#                 commit 18a9b98), timed side by side on the same files
#
# 1. bench_format (build/tests/bench_format): ns per number of
#    chiso_format_double against the 38-attempt search it replaced, on four
#    kinds of numbers, and the ratio.
# 2. chiso composite on 63 units x 240 indicators (the Monte Carlo peer's
#    matrix, gen_mc_data.py) against composite_numpy.py (min-max, weighted
#    arithmetic means, ranks), whole process; checks scores and ranks agree.
# 3. chiso services on a 200,000-row dossier log (gen_dossiers.py) with
#    --csv and --json (unit x month): now and, when given, before.
# Timing: /usr/bin/time, the median of 9 runs of wall time and of CPU time
# (user + sys) separately: on a shared machine the CPU time is the steadier
# figure. Rerun on a quiet machine before quoting wall times.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../..
chiso=${1:-$root/build/chiso}
before=${2:-}
py=/usr/bin/python3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chiso-bench-format.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

[ -x "$chiso" ] || { echo "bench: no chiso at $chiso (build first)" >&2; exit 2; }
bf=$(dirname "$chiso")/tests/bench_format
[ -x "$bf" ] || bf=$root/build/tests/bench_format

med() { # med CMD: "WALL CPU", medians of 9 runs (seconds; CPU = user + sys)
  for i in 1 2 3 4 5 6 7 8 9; do
    /usr/bin/time -f "%e %U %S" -o "$tmp/t" sh -c "exec $1" >/dev/null 2>&1
    awk '{ printf "%.4f %.4f\n", $1, $2 + $3 }' "$tmp/t"
  done > "$tmp/runs"
  w=$(cut -d' ' -f1 "$tmp/runs" | sort -n | sed -n 5p)
  c=$(cut -d' ' -f2 "$tmp/runs" | sort -n | sed -n 5p)
  echo "$w $c"
}
wall() { echo "$1" | cut -d' ' -f1; }
cpu() { echo "$1" | cut -d' ' -f2; }

echo "== 1. chiso_format_double, ns per number"
if [ -x "$bf" ]; then "$bf" 1000000; else echo "(no bench_format binary; build target bench_format)"; fi

echo
echo "== 2. composite, 63 units x 240 indicators, whole process"
"$py" "$here/gen_mc_data.py" "$tmp" >/dev/null
c="$chiso composite $tmp/mc_iData.csv $tmp/mc_iMeta.csv --csv $tmp/chiso.csv"
p="$py $here/composite_numpy.py $tmp/mc_iData.csv $tmp/mc_iMeta.csv $tmp/peer.csv"
sh -c "$c" >/dev/null
sh -c "$p" >/dev/null
"$py" - "$tmp/chiso.csv" "$tmp/peer.csv" <<'EOF'
import csv, sys
a = {r["uCode"]: float(r["Index"]) for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"))}
b = {r["uCode"]: (float(r["score"]), int(r["rank"])) for r in csv.DictReader(open(sys.argv[2]))}
assert a.keys() == b.keys(), "units differ"
worst = max(abs(a[u] - b[u][0]) for u in a)
order = sorted(a, key=lambda u: -a[u])
assert [b[u][1] for u in order] == list(range(1, len(a) + 1)), "ranks differ"
print("outputs agree: %d units, largest score difference %.2g, same ranks" % (len(a), worst))
EOF
tc=$(med "$c")
tp=$(med "$p")
echo "wall: chiso $(wall "$tc") s, numpy $(wall "$tp") s; CPU: chiso $(cpu "$tc") s, numpy $(cpu "$tp") s"
awk -v c="$(wall "$tc")" -v p="$(wall "$tp")" -v cc="$(cpu "$tc")" -v cp="$(cpu "$tp")" \
  'BEGIN { printf "ratio chiso / numpy = %.2fx wall, %.2fx CPU\n", c / p, cc / cp }'
if [ -n "$before" ]; then
  tb=$(med "$before composite $tmp/mc_iData.csv $tmp/mc_iMeta.csv --csv $tmp/before.csv")
  cmp -s "$tmp/before.csv" "$tmp/chiso.csv" && same="same bytes" || same="BYTES DIFFER"
  echo "before: wall $(wall "$tb") s, CPU $(cpu "$tb") s ($same as now)"
  awk -v c="$(wall "$tc")" -v b="$(wall "$tb")" -v cc="$(cpu "$tc")" -v cb="$(cpu "$tb")" \
    'BEGIN { printf "ratio now / before = %.2fx wall, %.2fx CPU\n", c / b, cc / cb }'
fi
echo
echo "== 3. services, 200,000 dossiers, --csv and --json (unit x month)"
"$py" "$here/gen_dossiers.py" "$tmp/d.csv" --rows 200000 --seed 1 >/dev/null
s="$chiso services $tmp/d.csv --period month --csv $tmp/s.csv --json $tmp/s.json"
ts=$(med "$s")
echo "now: wall $(wall "$ts") s, CPU $(cpu "$ts") s"
if [ -n "$before" ]; then
  tb=$(med "$before services $tmp/d.csv --period month --csv $tmp/sb.csv --json $tmp/sb.json")
  cmp -s "$tmp/s.csv" "$tmp/sb.csv" && cmp -s "$tmp/s.json" "$tmp/sb.json" &&
    same="same bytes" || same="BYTES DIFFER"
  echo "before: wall $(wall "$tb") s, CPU $(cpu "$tb") s ($same as now)"
  awk -v c="$(wall "$ts")" -v b="$(wall "$tb")" -v cc="$(cpu "$ts")" -v cb="$(cpu "$tb")" \
    'BEGIN { printf "ratio now / before = %.2fx wall, %.2fx CPU\n", c / b, cc / cb }'
fi
