#!/bin/sh
# bench_scaling.sh [CHISO] - does ten times the input cost at most twelve
# times the time? One line per command: the statistics module (trend, rank,
# compare, survey, composite, uncertainty), then the framework, form,
# scoring, logs, Word and report commands: the input at size N and 10 N,
# each run 3 times (the fastest counts), the ratio of the times and the
# peak memory of both. A quadratic step shows as a ratio near 100.
#
# Inputs (generated here, deterministic):
#   trend, rank, compare  a published store of N departments x 12 years x
#                         2 indices (gen_store.py): N = 1,000 and 10,000
#                         (24,000 and 240,000 rows)
#   survey                N respondents x 22 criteria (gen_survey.py),
#                         200 bootstrap replicates: N = 20,000 and 200,000
#   composite             N units x 240 indicators (gen_mc_data.py):
#                         N = 630 and 6,300; and 63 units x 240 and 2,400
#                         indicators
#   uncertainty           N units x 240 indicators, 1,000 replicates:
#                         N = 63 and 630; and 63 units x 240 and 2,400
#                         indicators
#   validate, score, framework export/import/check, form, form review
#                         a framework of N leaves (gen_framework.py, 10 or
#                         100 areas x 100 leaves: N = 1,000 and 10,000) and
#                         its one-unit evidence sheet; the table and the
#                         blank form chiso writes from it
#   tasks, services       N rows (gen_tasks.py, gen_dossiers.py): 50,000 and
#                         500,000
#   report                the shipped sample's framework and evidence with
#                         a task register and a dossier log of N rows:
#                         20,000 and 200,000 each
#   fill                  the fill tests' template (tests/data/word) with N
#                         repeated table rows and paragraphs: 1,000 and
#                         10,000
# Timings on a shared machine are noisy: rerun on a quiet one.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
chiso=${1:-$here/../../build/chiso}
py=/usr/bin/python3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chiso-scaling.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
[ -x "$chiso" ] || { echo "bench: no chiso binary at $chiso (build first)" >&2; exit 2; }
"$py" -c 'import numpy' 2>/dev/null ||
  { echo "bench: $py has no numpy (Debian: apt install python3-numpy)" >&2; exit 2; }

# best CMD: the fastest wall time of 3 runs in seconds, then the peak KiB
best() {
  b=""
  for i in 1 2 3; do
    s=$(date +%s%N)
    /usr/bin/time -f %M -o "$tmp/mem" sh -c "$1" >/dev/null 2>&1 ||
      { echo "bench: failed: $1" >&2; exit 1; }
    e=$(date +%s%N)
    t=$(( e - s ))
    if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
  done
  echo "$b $(tail -1 "$tmp/mem")"
}

fail=0
# line NAME CMD_N CMD_10N
line() {
  set -- "$1" "$(best "$2")" "$(best "$3")"
  r=$(echo "$2 $3" | awk '{ printf "%.1f", $3 / $1 }')
  ok=$(echo "$r" | awk '{ print ($1 <= 12) ? "ok" : "TOO SLOW" }')
  [ "$ok" = ok ] || fail=1
  echo "$2 $3" | awk -v n="$1" -v r="$r" -v ok="$ok" '{
    printf "  %-34s %8.3f s %7.1f MiB  %8.3f s %7.1f MiB   x%-5s %s\n",
           n, $1 / 1e9, $2 / 1024, $3 / 1e9, $4 / 1024, r, ok }'
}

echo "generating inputs..." >&2
"$py" "$here/gen_store.py" --units 1000 "$tmp/st1" 
"$py" "$here/gen_store.py" --units 10000 "$tmp/st10"
"$py" "$here/gen_survey.py" --respondents 20000 "$tmp/sv1.csv"
"$py" "$here/gen_survey.py" --respondents 200000 "$tmp/sv10.csv"
mkdir -p "$tmp/u1" "$tmp/u10" "$tmp/m1" "$tmp/m10" "$tmp/i10"
"$py" "$here/gen_mc_data.py" "$tmp/u1" --units 630
"$py" "$here/gen_mc_data.py" "$tmp/u10" --units 6300
"$py" "$here/gen_mc_data.py" "$tmp/m1" --units 63
"$py" "$here/gen_mc_data.py" "$tmp/m10" --units 630
"$py" "$here/gen_mc_data.py" "$tmp/i10" --units 63 --per-dim 300

echo "scaling, input x10 (fastest of 3 runs; goal: time ratio <= 12)"
echo "  command                                  N   peak         10 N   peak    ratio"
line "trend (store rows)" \
  "$chiso trend --index IDX1 --published $tmp/st1 --json $tmp/o.json" \
  "$chiso trend --index IDX1 --published $tmp/st10 --json $tmp/o.json"
line "rank (store rows)" \
  "$chiso rank --index IDX1 --year 2015 --unit-type department --published $tmp/st1 --json $tmp/o.json" \
  "$chiso rank --index IDX1 --year 2015 --unit-type department --published $tmp/st10 --json $tmp/o.json"
line "compare (store rows)" \
  "$chiso compare --x IDX1 --y IDX2 --year 2015 --unit-type department --published $tmp/st1 --json $tmp/o.json" \
  "$chiso compare --x IDX1 --y IDX2 --year 2015 --unit-type department --published $tmp/st10 --json $tmp/o.json"
line "survey (respondents)" \
  "$chiso survey $tmp/sv1.csv --replicates 200 --json $tmp/o.json" \
  "$chiso survey $tmp/sv10.csv --replicates 200 --json $tmp/o.json"
line "composite (units)" \
  "$chiso composite $tmp/u1/mc_iData.csv $tmp/u1/mc_iMeta.csv --top 20" \
  "$chiso composite $tmp/u10/mc_iData.csv $tmp/u10/mc_iMeta.csv --top 20"
line "composite (indicators)" \
  "$chiso composite $tmp/m1/mc_iData.csv $tmp/m1/mc_iMeta.csv" \
  "$chiso composite $tmp/i10/mc_iData.csv $tmp/i10/mc_iMeta.csv"
line "uncertainty (units)" \
  "$chiso uncertainty $tmp/m1/mc_iData.csv $tmp/m1/mc_iMeta.csv --replicates 1000 --top 5" \
  "$chiso uncertainty $tmp/m10/mc_iData.csv $tmp/m10/mc_iMeta.csv --replicates 1000 --top 5"
line "uncertainty (indicators)" \
  "$chiso uncertainty $tmp/m1/mc_iData.csv $tmp/m1/mc_iMeta.csv --replicates 1000 --top 5" \
  "$chiso uncertainty $tmp/i10/mc_iData.csv $tmp/i10/mc_iMeta.csv --replicates 1000 --top 5"

echo "generating inputs (frameworks, forms, logs, report, Word)..." >&2
src=$here/../..
"$py" "$here/gen_framework.py" "$tmp/fw1" --areas 10 --leaves 100 --units 1
"$py" "$here/gen_framework.py" "$tmp/fw10" --areas 100 --leaves 100 --units 1
for k in 1 10; do
  "$chiso" framework export "$tmp/fw$k/fw.json" -o "$tmp/fw$k/t.xlsx" >/dev/null 2>&1
  "$chiso" framework export "$tmp/fw$k/fw.json" -o "$tmp/fw$k/t.csv" >/dev/null 2>&1
  "$chiso" form "$tmp/fw$k/fw.json" -o "$tmp/fw$k/form.xlsx" >/dev/null 2>&1
done
"$py" "$here/gen_tasks.py" --rows 50000 "$tmp/t1.csv"
"$py" "$here/gen_tasks.py" --rows 500000 "$tmp/t10.csv"
"$py" "$here/gen_dossiers.py" --rows 50000 "$tmp/d1.csv"
"$py" "$here/gen_dossiers.py" --rows 500000 "$tmp/d10.csv"
for k in 1 10; do
  mkdir -p "$tmp/rep$k"
  "$py" "$here/gen_tasks.py" --rows $((k * 20000)) "$tmp/rep$k/tasks.csv"
  "$py" "$here/gen_dossiers.py" --rows $((k * 20000)) "$tmp/rep$k/dossiers.csv"
  "$py" - "$src/datasets/samples/report-skhcn-2024-h2.json" "$tmp/rep$k" <<'PY'
import json, os, sys
cfg = json.load(open(sys.argv[1]))
base = os.path.dirname(os.path.abspath(sys.argv[1]))
for key in ("framework", "evidence", "published"):
    cfg[key] = os.path.normpath(os.path.join(base, cfg[key]))
cfg["tasks"], cfg["dossiers"] = "tasks.csv", "dossiers.csv"
json.dump(cfg, open(os.path.join(sys.argv[2], "report.json"), "w"), ensure_ascii=False)
PY
  "$py" - "$src/tests/data/word/summary-small.json" "$tmp/sum$k.json" $((k * 1000)) <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
n = int(sys.argv[3])
a, t = d["par"]["areas"], d["par"]["top_lost"]
d["par"]["areas"] = [dict(a[i % len(a)], name="%s %d" % (a[i % len(a)]["name"], i)) for i in range(n)]
d["par"]["top_lost"] = [dict(t[i % len(t)], name="%s %d" % (t[i % len(t)]["name"], i)) for i in range(n)]
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
done
tpl=$src/tests/data/word/split.docx

echo "  --- frameworks, forms, scoring (leaves: 1,000 -> 10,000)"
line "validate (framework leaves)" \
  "$chiso validate $tmp/fw1/fw.json" "$chiso validate $tmp/fw10/fw.json"
line "score (leaves)" \
  "$chiso score $tmp/fw1/fw.json $tmp/fw1/ev_one.csv --json $tmp/o.json" \
  "$chiso score $tmp/fw10/fw.json $tmp/fw10/ev_one.csv --json $tmp/o.json"
line "framework export .xlsx (leaves)" \
  "$chiso framework export $tmp/fw1/fw.json -o $tmp/o.xlsx" \
  "$chiso framework export $tmp/fw10/fw.json -o $tmp/o.xlsx"
line "framework import .xlsx (rows)" \
  "$chiso framework import $tmp/fw1/t.xlsx -o $tmp/o.json" \
  "$chiso framework import $tmp/fw10/t.xlsx -o $tmp/o.json"
line "framework check .csv (rows)" \
  "$chiso framework check $tmp/fw1/t.csv" "$chiso framework check $tmp/fw10/t.csv"
line "form (leaves)" \
  "$chiso form $tmp/fw1/fw.json -o $tmp/o.xlsx" \
  "$chiso form $tmp/fw10/fw.json -o $tmp/o.xlsx"
line "form review (rows)" \
  "$chiso form review $tmp/fw1/fw.json $tmp/fw1/form.xlsx --json $tmp/o.json" \
  "$chiso form review $tmp/fw10/fw.json $tmp/fw10/form.xlsx --json $tmp/o.json"
echo "  --- logs (rows: 50,000 -> 500,000), Word (rows: 1,000 -> 10,000), report (log rows: 20,000 -> 200,000)"
line "tasks (rows)" \
  "$chiso tasks $tmp/t1.csv --as-of 2024-12-31 --json $tmp/o.json" \
  "$chiso tasks $tmp/t10.csv --as-of 2024-12-31 --json $tmp/o.json"
line "services (rows)" \
  "$chiso services $tmp/d1.csv --json $tmp/o.json" \
  "$chiso services $tmp/d10.csv --json $tmp/o.json"
line "fill (repeated rows)" \
  "$chiso fill $tpl $tmp/sum1.json -o $tmp/o.docx" \
  "$chiso fill $tpl $tmp/sum10.json -o $tmp/o.docx"
line "report (log rows)" \
  "$chiso report $tmp/rep1/report.json --out $tmp/out1 --force --quiet" \
  "$chiso report $tmp/rep10/report.json --out $tmp/out10 --force --quiet"
exit $fail
