#!/bin/sh
# run_demo.sh CHISO WEB_DEMO PYTHON3 WORKDIR SOURCE_DIR
# The shipped sample report pack (chiso report), its report.html built by
# web_demo, twice (same bytes), then opened by headless Chromium: no
# console message, no request (check_browser.py --page).
set -eu
chiso=$1 demo=$2 py=$3 work=$4 src=$5
rm -rf "$work"
mkdir -p "$work"
cd "$src"
"$chiso" report --out "$work/pack" --quiet
"$demo" "$work/pack" "$work/report.html"
"$demo" "$work/pack" "$work/report-again.html"
cmp "$work/report.html" "$work/report-again.html"
if grep -q '://' "$work/report.html"; then
  echo "run_demo.sh: report.html holds '://'" >&2
  exit 1
fi
"$py" "$src/tests/web/check_browser.py" --page "$work/report.html" "$work/chromium"
