#!/bin/sh
# bench_uncertainty.sh [CHISO] [PEER] - chiso uncertainty against the
# vectorised numpy peer, whole process, same machine, same run.
#
#   CHISO  the chiso binary (default: build/chiso)
#   PEER   the numpy peer script (default: mc_numpy.py beside this file, a
#          verbatim copy of the project's peer benchmark, see README.md)
#
# Workload (the peer's defaults): 63 units x 8 dimensions x 30 indicators,
# 10,000 replicates; every indicator and dimension weight multiplied by
# its own U(0.75, 1.25); min-max or z-score with p = 1/2; arithmetic means;
# ranks; median and 5th/95th percentile rank per unit. gen_mc_data.py
# writes the peer's own synthetic matrix (its make_data(), same seed) as
# COINr-style tables for chiso.
#
# Timing: hyperfine (-N, warm-up 3, 20 runs) if installed, else 15 runs
# timed with date(1); the median wall time of each command is reported.
# chiso runs with automatic threads (one per processor free at its start),
# with --threads 1 and with --threads 2 (both cores, whether free or not).
# The two programs draw different random numbers, so their percentiles
# agree statistically, not exactly: the script prints how far apart they
# are. Timings on a shared machine are noisy; rerun on a quiet one.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
chiso=${1:-$here/../../build/chiso}
peer=${2:-$here/mc_numpy.py}
py=/usr/bin/python3
reps=10000
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chiso-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

[ -x "$chiso" ] || { echo "bench: no chiso binary at $chiso (build first)" >&2; exit 2; }
[ -f "$peer" ] || { echo "bench: no peer script at $peer" >&2; exit 2; }
"$py" -c 'import numpy' 2>/dev/null ||
  { echo "bench: $py has no numpy (Debian: apt install python3-numpy)" >&2; exit 2; }

"$py" "$here/gen_mc_data.py" "$tmp"
c2="$chiso uncertainty $tmp/mc_iData.csv $tmp/mc_iMeta.csv --replicates $reps --seed 1 --normalise minmax,zscore --csv $tmp/chiso.csv"
c1="$c2 --threads 1"
c3="$c2 --threads 2"
pv="$py $peer --reps $reps --seed 1 --out $tmp/peer.csv"

if command -v hyperfine >/dev/null 2>&1; then
  hyperfine -N -w 3 -r 20 --export-json "$tmp/h.json" "$c2" "$c1" "$c3" "$pv" \
    >/dev/null 2>&1
  set -- $("$py" -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(" ".join("%.4f" % x["median"] for x in r))' "$tmp/h.json")
  t2=$1 t1=$2 t3=$3 tp=$4
  how="hyperfine, median of 20 runs after 3 warm-ups"
  cpu=$("$py" -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"]
c = [x["user"] + x["system"] for x in r]
print("  CPU time (user + system, mean): chiso %.1f ms (auto), %.1f ms (1 thread), %.1f ms (2 threads), numpy %.1f ms; ratio %.3fx / %.3fx / %.3fx"
      % (c[0] * 1e3, c[1] * 1e3, c[2] * 1e3, c[3] * 1e3, c[0] / c[3], c[1] / c[3], c[2] / c[3]))' "$tmp/h.json")
else
  med() { # med CMD: median wall seconds of 15 runs
    for i in $(seq 15); do
      s=$(date +%s%N); sh -c "$1" >/dev/null 2>&1; e=$(date +%s%N)
      echo $(( e - s ))
    done | sort -n | sed -n 8p | awk '{ printf "%.4f", $1 / 1e9 }'
  }
  t2=$(med "$c2") t1=$(med "$c1") t3=$(med "$c3") tp=$(med "$pv")
  how="date, median of 15 runs"
  cpu=""
fi

peak() { /usr/bin/time -f %M sh -c "$1 >/dev/null 2>&1" 2>&1 | tail -1; }
m2=$(peak "$c2") m1=$(peak "$c1") mp=$(peak "$pv")
awk -v t2="$t2" -v t1="$t1" -v t3="$t3" -v tp="$tp" -v reps="$reps" -v how="$how" \
    -v m2="$m2" -v m1="$m1" -v mp="$mp" 'BEGIN {
  printf "Monte Carlo rank uncertainty, 63 units x 240 indicators, %d replicates (%s)\n", reps, how
  printf "  chiso uncertainty (auto threads) %8.1f ms   peak %6.1f MiB\n", t2 * 1000, m2 / 1024
  printf "  chiso uncertainty (--threads 1)  %8.1f ms   peak %6.1f MiB\n", t1 * 1000, m1 / 1024
  printf "  chiso uncertainty (--threads 2)  %8.1f ms\n", t3 * 1000
  printf "  numpy peer (vec)                 %8.1f ms   peak %6.1f MiB\n", tp * 1000, mp / 1024
  printf "  ratio chiso / numpy: %.3fx (auto threads), %.3fx (1 thread), %.3fx (2 threads); goal <= 0.05x\n", t2 / tp, t1 / tp, t3 / tp
}'
[ -n "$cpu" ] && echo "$cpu"
echo "  load average when done: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) processors"
"$py" - "$tmp/chiso.csv" "$tmp/peer.csv" <<'EOF'
import csv, sys
a = {r["unit"]: r for r in csv.DictReader(open(sys.argv[1]))}
b = {r["unit"]: r for r in csv.DictReader(open(sys.argv[2]))}
assert sorted(a) == sorted(b), "different units"
for k in ("median_rank", "p5_rank", "p95_rank"):
    d = [abs(float(a[u][k]) - float(b[u][k])) for u in a]
    print("  %-11s chiso vs numpy: max |diff| %.2f, mean %.3f ranks (independent random draws)"
          % (k, max(d), sum(d) / len(d)))
EOF
