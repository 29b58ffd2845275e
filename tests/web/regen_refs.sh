#!/bin/sh
# regen_refs.sh [BUILD_DIR] - candidate reference screenshots of the sample
# web page (desktop 1200 x 2000, phone 390 x 844) beside the references in
# tests/web/ref, for review. Nothing is overwritten: it writes
# <name>.candidate.png and <name>.candidate-diff.png (pixels that moved, in
# red over a faded copy) and runs every other browser check as usual.
# Look at each candidate (Vietnamese diacritics, cards, charts, table)
# before accepting it. Uses the pinned fonts (tests/plots/fonts.conf).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
bin=$build/tests/web_sample
[ -x "$bin" ] || { echo "regen_refs.sh: $bin not built (cmake --build $build --target web_sample)" >&2; exit 2; }
py=/usr/bin/python3
[ -x "$py" ] || py=python3
FONTCONFIG_FILE=$here/../plots/fonts.conf "$py" "$here/check_browser.py" \
  --candidates "$bin" "$build/tests/web-regen" "$here/ref"
echo
echo "Review: $here/ref/*.candidate.png and *.candidate-diff.png"
echo "Accept one:  mv $here/ref/NAME.candidate.png $here/ref/NAME.ref.png"
echo "Discard:     rm -f $here/ref/*.candidate.png $here/ref/*.candidate-diff.png"
