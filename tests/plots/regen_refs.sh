#!/bin/sh
# regen_refs.sh [BUILD_DIR] - draw candidate reference images of every chart
# kind beside the references in tests/plots/ref, for review. Nothing is
# overwritten: for each case it writes <case>.candidate.png (the new
# drawing) and <case>.candidate-diff.png (pixels that moved, in red over a
# faded copy of the new drawing), prints how many pixels moved and what to
# look for, and the commands that accept or discard the candidates.
# Look at every candidate (Vietnamese diacritics, axis direction, legend)
# before accepting it. Uses the pinned fonts (tests/plots/fonts.conf).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
bin=$build/tests/test_plot_golden
[ -x "$bin" ] || { echo "regen_refs.sh: $bin not built (cmake --build $build --target test_plot_golden)" >&2; exit 2; }
FONTCONFIG_FILE=$here/fonts.conf "$bin" "$here" --candidates
echo
echo "Review: $here/ref/*.candidate.png and *.candidate-diff.png"
echo "Accept one:  mv $here/ref/CASE.candidate.png $here/ref/CASE.ref.png"
echo "Accept all:  for f in $here/ref/*.candidate.png; do mv \"\$f\" \"\${f%.candidate.png}.ref.png\"; done"
echo "Discard:     rm -f $here/ref/*.candidate.png $here/ref/*.candidate-diff.png"
