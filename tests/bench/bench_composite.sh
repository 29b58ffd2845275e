#!/bin/sh
# bench_composite.sh [CHISO] - chiso composite against the numpy peer
# (composite_numpy.py, a verbatim copy of the project's peer), whole
# process, same machine, same run.
#
# Workload: 63 units x 240 indicators (8 dimensions x 30), the Monte Carlo
# benchmark's matrix (gen_mc_data.py); min-max 0..100 per indicator,
# weighted arithmetic means level by level, ranks. The peer writes
# uCode,score,rank; chiso is timed twice: writing every node's value
# (--csv, 15,624 numbers in their shortest exact form) and printing its
# table (the index and its dimensions), which is what a user runs first.
# The script checks that the index scores agree (1e-9) and the ranks are
# equal, then times both with hyperfine (-N, 3 warm-ups, 30 runs; medians)
# and measures the peak memory of one run of each (/usr/bin/time -f %M).
# Goal (issue "Speed"): chiso <= 0.2x the numpy wall time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
chiso=${1:-$here/../../build/chiso}
py=/usr/bin/python3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chiso-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

[ -x "$chiso" ] || { echo "bench: no chiso binary at $chiso (build first)" >&2; exit 2; }
"$py" -c 'import numpy' 2>/dev/null ||
  { echo "bench: $py has no numpy (Debian: apt install python3-numpy)" >&2; exit 2; }
command -v hyperfine >/dev/null 2>&1 ||
  { echo "bench: hyperfine is needed (Debian: apt install hyperfine)" >&2; exit 2; }

"$py" "$here/gen_mc_data.py" "$tmp"
c="$chiso composite $tmp/mc_iData.csv $tmp/mc_iMeta.csv --csv $tmp/chiso.csv"
t="$chiso composite $tmp/mc_iData.csv $tmp/mc_iMeta.csv"
p="$py $here/composite_numpy.py $tmp/mc_iData.csv $tmp/mc_iMeta.csv $tmp/peer.csv"

# outputs agree
$c >/dev/null
$p
"$py" - "$tmp/chiso.csv" "$tmp/peer.csv" <<'PYEOF'
import csv, sys
a = list(csv.DictReader(open(sys.argv[1])))
b = {r["uCode"]: r for r in csv.DictReader(open(sys.argv[2]))}
assert len(a) == len(b) == 63, "unit counts differ"
score = {r["uCode"]: float(r["Index"]) for r in a}
# chiso's ranks: 1 + number of strictly higher scores (ties share)
rank = {u: 1 + sum(1 for v in score.values() if v > s) for u, s in score.items()}
d = max(abs(score[u] - float(b[u]["score"])) for u in score)
bad = [u for u in score if rank[u] != int(b[u]["rank"])]
print("  outputs: index scores agree to %.1e, ranks %s" % (d, "equal" if not bad else "differ: %s" % bad))
sys.exit(0 if d <= 1e-9 and not bad else 1)
PYEOF

peak() { /usr/bin/time -f %M sh -c "$1 >/dev/null" 2>&1 | tail -1; }
mc=$(peak "$c") mt=$(peak "$t") mp=$(peak "$p")
hyperfine -N -w 3 -r 30 --export-json "$tmp/h.json" "$c" "$t" "$p" \
  >/dev/null 2>&1
"$py" - "$tmp/h.json" "$mc" "$mt" "$mp" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
tc, tt, tp = r[0]["median"], r[1]["median"], r[2]["median"]
mib = [int(x) / 1024 for x in sys.argv[2:5]]
print("composite index, 63 units x 240 indicators (hyperfine, median of 30 runs after 3 warm-ups)")
print("  chiso composite --csv (every node) %8.1f ms   peak %6.1f MiB" % (tc * 1e3, mib[0]))
print("  chiso composite (table)            %8.1f ms   peak %6.1f MiB" % (tt * 1e3, mib[1]))
print("  numpy peer (index score and rank)  %8.1f ms   peak %6.1f MiB" % (tp * 1e3, mib[2]))
print("  ratio chiso / numpy: %.3fx with --csv, %.3fx table (goal <= 0.2x)" % (tc / tp, tt / tp))
c = [x["user"] + x["system"] for x in r]
print("  CPU time (user + system, mean): %.1f / %.1f / %.1f ms; ratio %.3fx with --csv, %.3fx table"
      % (c[0] * 1e3, c[1] * 1e3, c[2] * 1e3, c[0] / c[2], c[1] / c[2]))
PYEOF
echo "  load average when done: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) processors"
