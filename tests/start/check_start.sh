#!/bin/bash
# check_start.sh CHISO SRC - the chiso executable loads the drawing and
# office module (chiso-office.so, analytics/cli/office.h) only when a
# command needs it.
#   1. the executable itself needs none of the drawing/office libraries;
#   2. table and statistics commands on CSV input never load the module
#      (glibc's LD_DEBUG=files lists every object loaded);
#   3. a workbook input, a chart and the report load it and work;
#   4. a module beside the executable that does not load ends chiso with
#      exit 4 and a message naming it, nothing written; CSV commands do
#      not need it and still work.
set -u
chiso=$1 src=$2
fail=0
bad() { echo "FAIL: $*"; fail=1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chiso-start.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
s=$src/datasets/samples

# 1
libs=$(ldd "$chiso") || bad "ldd $chiso"
for l in libcairo libpango libglib libzip libxml2 libexpat libfreexl \
         libxlsxwriter libfontconfig libX11; do
  echo "$libs" | grep -q "$l" && bad "the executable links $l"
done

loads_module() { # CMD...: 0 when running it loads chiso-office.so
  LD_DEBUG=files "$@" 2>&1 >/dev/null | grep -q "chiso-office.so"
}
# 2
light=(
  "tasks $s/tasks-skhcn-2024.csv --as-of 2024-12-31"
  "services $s/dossiers-skhcn-2024.csv"
  "composite $s/coinr-asem/asem_iData.csv $s/coinr-asem/asem_iMeta.csv"
  "uncertainty $s/coinr-asem/asem_iData.csv $s/coinr-asem/asem_iMeta.csv --replicates 50 --seed 1"
  "survey $s/survey-synthetic-department-2024.csv"
  "trend --index PAR_INDEX"
  "rank --index PAR_INDEX --year 2023"
  "--version"
)
for c in "${light[@]}"; do
  # shellcheck disable=SC2086
  "$chiso" $c >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ $rc -le 1 ] || { bad "chiso $c: exit $rc"; cat "$tmp/err"; }
  # shellcheck disable=SC2086
  loads_module "$chiso" $c && bad "chiso $c loads chiso-office.so"
done

# 3
wb=$src/tests/data/workbook/libreoffice_dossiers.xlsx
loads_module "$chiso" services "$wb" || bad "services on .xlsx did not load the module"
"$chiso" services "$wb" --max-rejects 50 --json "$tmp/wb.json" >/dev/null 2>"$tmp/err" ||
  { bad "services on .xlsx"; cat "$tmp/err"; }
printf 'unit,value\nA,2\nB,3\nC,5\n' >"$tmp/p.csv"
"$chiso" plot bars --data "$tmp/p.csv" --out "$tmp/p.png" 2>"$tmp/err" ||
  { bad "plot"; cat "$tmp/err"; }
[ -s "$tmp/p.png" ] || bad "plot wrote no PNG"

# 4
mkdir -p "$tmp/bin"
cp "$chiso" "$tmp/bin/chiso"
: >"$tmp/bin/chiso-office.so"
"$tmp/bin/chiso" services "$wb" --max-rejects 50 --json "$tmp/bin-wb.json" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 4 ] || bad "broken module: exit $rc, want 4"
grep -q "bin/chiso-office.so" "$tmp/err" || { bad "broken module not named"; cat "$tmp/err"; }
[ -e "$tmp/bin-wb.json" ] && bad "broken module: output written"
ls -A "$tmp" | grep -q "^\.\|tmp" && bad "temporary files left: $(ls -A "$tmp")"
"$tmp/bin/chiso" services "$s/dossiers-skhcn-2024.csv" >/dev/null 2>"$tmp/err" ||
  { bad "CSV command with a broken module"; cat "$tmp/err"; }

[ $fail -eq 0 ] && echo "check_start: ok"
exit $fail
