#!/bin/bash
# run_safety.sh CHISO SOURCE_ROOT [GROUP...] - never lose a user's file.
#
# Builds a department's folder the way offices keep it (framework, evidence
# sheet, task register, dossier log, published store and the report
# configuration side by side; out/ holding a Word draft and a photos/
# folder) in a temporary directory, runs chiso as a user would, and checks
# every file's bytes before and after. Groups (all by default):
#   inputs   outputs that are, contain or lie inside an input: refused
#   pack     the report folder: manifest, user files kept, edits refused,
#            folders chiso did not make refused, symlinked --out
#   kill     kill -9 in the middle of a report, many times; then a clean run
#   files    single-file outputs: symlinks, devices, /dev/full, all-or-none,
#            stale temporary files
#   streams  FIFO inputs, size cap, | head, standard output errors
#   text     long titles and names (no fixed buffer cuts UTF-8)
# Exit status 0 when every check passes; each failure is printed.
set -u
CHISO=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$2" && pwd)
shift 2
GROUPS_RUN=${*:-inputs pack kill files streams text}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/chiso-safety.XXXXXX")
trap 'chmod -R u+w "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT
export LC_ALL=C TZ=UTC
export FONTCONFIG_FILE=${FONTCONFIG_FILE:-$ROOT/tests/plots/fonts.conf}
fails=0
checks=0

ok() { checks=$((checks + 1)); }
bad() {
  checks=$((checks + 1))
  fails=$((fails + 1))
  echo "FAIL: $*"
}
# expect CODE DESCRIPTION -- runs "$@" (after --), checks the exit status
expect() {
  local want=$1 what=$2
  shift 3
  "$@" > "$TMP/last.out" 2> "$TMP/last.err"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    bad "$what: exit $rc, expected $want"
    sed 's/^/    | /' "$TMP/last.err" | head -8
  else
    ok
  fi
}
# the last run's stderr (or stdout) mentions TEXT
said() {
  if grep -qF -- "$1" "$TMP/last.err" "$TMP/last.out"; then ok; else
    bad "$2: output does not mention '$1'"
    sed 's/^/    | /' "$TMP/last.err" | head -8
  fi
}
# digests of every file (and symlink target) under DIR, sorted
snapshot() {
  (cd "$1" && find . \( -type f -o -type l \) -print | LC_ALL=C sort |
    while IFS= read -r f; do
      if [ -L "$f" ]; then echo "L $(readlink "$f") $f"; else
        echo "F $(sha256sum < "$f" | cut -c1-64) $f"; fi
    done)
}
same_tree() { # same_tree SNAPSHOT DIR WHAT
  if snapshot "$2" | diff -u "$1" - > "$TMP/tree.diff"; then ok; else
    bad "$3: files changed"
    head -20 "$TMP/tree.diff" | sed 's/^/    | /'
  fi
}
no_tmp_left() { # no_tmp_left DIR WHAT
  local left
  left=$(find "$1" -maxdepth 2 -name '.chiso-tmp-*' 2>/dev/null)
  if [ -z "$left" ]; then ok; else bad "$2: temporary files left: $left"; fi
}
# every file a pack's manifest lists is there with its digest
pack_complete() { # pack_complete DIR WHAT
  local m=$1/.chiso-pack.json
  if [ ! -f "$m" ]; then bad "$2: no manifest in $1"; return; fi
  python3 - "$1" <<'EOF' > "$TMP/pack.check" 2>&1 && ok || { bad "$2: pack incomplete"; sed 's/^/    | /' "$TMP/pack.check"; }
import hashlib, json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, ".chiso-pack.json")))
assert m["format"] == "chiso-pack", m
assert m["files"], "empty manifest"
for f in m["files"]:
    p = os.path.join(d, f["name"])
    h = hashlib.sha256(open(p, "rb").read()).hexdigest()
    assert h == f["sha256"], (f["name"], h, f["sha256"])
    assert os.path.getsize(p) == f["size"], f["name"]
# every file of the pack has the mode fopen() gives (0666 minus the umask),
# charts and workbooks included (mkstemp's 0600 is not a pack file's mode)
u = os.umask(0); os.umask(u)
for f in m["files"]:
    mode = os.stat(os.path.join(d, f["name"])).st_mode & 0o777
    assert mode == 0o666 & ~u, (f["name"], oct(mode), oct(0o666 & ~u))
EOF
}

# ---- the office folder --------------------------------------------------
office() { # office DIR: a department's folder, inputs side by side
  local d=$1 S=$ROOT/datasets/samples
  mkdir -p "$d"
  cp "$ROOT/indicators/frameworks/par-department-template.json" "$d/khung.json"
  cp "$S/evidence-skhcn-2024-h2.csv" "$d/phieu-cham.csv"
  cp "$S/tasks-skhcn-2024.csv" "$d/so-nhiem-vu.csv"
  cp "$S/dossiers-skhcn-2024.csv" "$d/so-ho-so.csv"
  cp -R "$ROOT/datasets/published" "$d/published"
  sed -e 's|"../../indicators/frameworks/par-department-template.json"|"khung.json"|' \
      -e 's|"evidence-skhcn-2024-h2.csv"|"phieu-cham.csv"|' \
      -e 's|"tasks-skhcn-2024.csv"|"so-nhiem-vu.csv"|' \
      -e 's|"dossiers-skhcn-2024.csv"|"so-ho-so.csv"|' \
      -e 's|"../published"|"published"|' \
      "$S/report-skhcn-2024-h2.json" > "$d/cau-hinh.json"
}
user_files() { # user_files DIR: what a user adds to a pack folder
  printf 'PK\003\004 bản nháp báo cáo' > "$1/bao-cao.docx"
  mkdir -p "$1/photos"
  printf '\377\330\377 ảnh 1' > "$1/photos/hop-giao-ban.jpg"
}

# each group works in its own office folder, $TMP/GROUP/office, so a
# group whose folder is destroyed does not take the others with it
setup() {
  O=$TMP/$1/office
  office "$O"
  cd "$O" || exit 99
  IN=$TMP/$1/inputs.snap
  snapshot "$O" > "$IN"
}

# ---- inputs: an output never over, around or inside an input ------------
group_inputs() {
  expect 2 "report --out . (the folder of the inputs)" -- \
    "$CHISO" report cau-hinh.json --out . --quiet
  said "cau-hinh.json" "report --out . names an input"
  same_tree "$IN" "$O" "report --out ."
  expect 2 "report --out \$PWD" -- \
    "$CHISO" report cau-hinh.json --out "$O" --quiet
  same_tree "$IN" "$O" "report --out \$PWD"
  expect 2 "report --out published (an input folder)" -- \
    "$CHISO" report cau-hinh.json --out published --quiet
  said "published" "report --out published"
  expect 2 "report --out published/pack (inside an input folder)" -- \
    "$CHISO" report cau-hinh.json --out published/pack --quiet
  expect 2 "report --out .. (contains the inputs)" -- \
    "$CHISO" report cau-hinh.json --out .. --quiet
  ln -s . here
  expect 2 "report --out here (a symlink to the inputs' folder)" -- \
    "$CHISO" report cau-hinh.json --out here --quiet
  rm here
  same_tree "$IN" "$O" "report into input folders"

  expect 2 "services --csv INPUT" -- "$CHISO" services so-ho-so.csv --csv so-ho-so.csv
  said "so-ho-so.csv" "services --csv INPUT names it"
  ln so-ho-so.csv hard.csv
  expect 2 "services --json HARDLINK-TO-INPUT" -- "$CHISO" services so-ho-so.csv --json hard.csv
  rm hard.csv
  ln -s so-ho-so.csv soft.csv
  expect 2 "services --rejects SYMLINK-TO-INPUT" -- "$CHISO" services so-ho-so.csv --rejects soft.csv
  rm soft.csv
  expect 2 "rank --csv inside the input folder --published" -- \
    "$CHISO" rank --index PAPI --year 2020 --published published --csv published/x.csv
  expect 2 "rank --json the input folder itself" -- \
    "$CHISO" rank --index PAPI --year 2020 --published published --json published
  expect 2 "tasks --json INPUT via ./" -- "$CHISO" tasks so-nhiem-vu.csv --as-of 31/12/2024 --json ./so-nhiem-vu.csv
  expect 2 "score --json EVIDENCE" -- "$CHISO" score khung.json phieu-cham.csv --json phieu-cham.csv
  expect 2 "score --json FRAMEWORK via ../office/" -- \
    "$CHISO" score khung.json phieu-cham.csv --json ../office/khung.json
  expect 2 "services --csv same as --json" -- \
    "$CHISO" services so-ho-so.csv --csv a.out --json a.out
  same_tree "$IN" "$O" "single-file outputs over inputs"
  [ ! -e a.out ] && ok || bad "a.out written although refused"
}

# ---- pack: the report folder ---------------------------------------------
group_pack() {
  rm -rf out
  expect 0 "report --out out (new)" -- "$CHISO" report cau-hinh.json --out out --quiet
  pack_complete out "new pack"
  user_files out
  local before; before=$(snapshot out | grep -E 'bao-cao|photos')
  expect 0 "rerun with the user's files in out/" -- \
    "$CHISO" report cau-hinh.json --out out
  said "bao-cao.docx" "rerun names the kept file"
  said "photos" "rerun names the kept folder"
  [ "$(snapshot out | grep -E 'bao-cao|photos')" = "$before" ] && ok ||
    bad "user files in out/ changed or lost"
  pack_complete out "pack with user files"
  no_tmp_left . "rerun with user files"

  # an edited table is the user's work now: refused, kept with --force
  echo "ghi chú của tôi" >> out/table-criteria.csv
  snapshot out > "$TMP/out.snap"
  expect 2 "rerun over an edited table" -- "$CHISO" report cau-hinh.json --out out --quiet
  said "table-criteria.csv" "refusal names the edited file"
  said "--force" "refusal says how to go on"
  same_tree "$TMP/out.snap" out "refused rerun"
  local edited; edited=$(sha256sum < out/table-criteria.csv)
  expect 0 "rerun --force keeps the edit" -- \
    "$CHISO" report cau-hinh.json --out out --force --quiet
  local kept; kept=$(ls out | grep -E '^table-criteria\..*user.*\.csv$|^table-criteria\.user.*csv$' | head -1)
  if [ -n "$kept" ] && [ "$(sha256sum < "out/$kept")" = "$edited" ]; then ok; else
    bad "--force: the edited table was not kept (have: $(ls out | tr '\n' ' '))"; fi
  [ "$(snapshot out | grep -E 'bao-cao|photos')" = "$before" ] && ok ||
    bad "--force: user files changed"
  pack_complete out "pack after --force"

  # a folder chiso did not make is never wiped, even with --force
  mkdir -p Documents/sub
  echo "hợp đồng" > Documents/hop-dong.txt
  echo "x" > Documents/sub/y.txt
  snapshot Documents > "$TMP/docs.snap"
  expect 2 "report --out a folder chiso did not make" -- \
    "$CHISO" report cau-hinh.json --out Documents --quiet
  said "Documents" "refusal names the folder"
  expect 2 "... even with --force" -- \
    "$CHISO" report cau-hinh.json --out Documents --force --quiet
  same_tree "$TMP/docs.snap" Documents "folder chiso did not make"
  # through a symlink
  ln -s Documents docs-link
  expect 2 "report --out SYMLINK-TO-FOLDER-NOT-A-PACK" -- \
    "$CHISO" report cau-hinh.json --out docs-link --quiet
  same_tree "$TMP/docs.snap" Documents "symlinked folder not a pack"
  [ -L docs-link ] && ok || bad "docs-link is no longer a symlink"
  # a symlink to a pack: the target is replaced, the link stays
  mkdir -p elsewhere
  rm -rf elsewhere/pack
  expect 0 "report into elsewhere/pack" -- "$CHISO" report cau-hinh.json --out elsewhere/pack --quiet
  ln -s elsewhere/pack pack-link
  user_files elsewhere/pack
  expect 0 "report --out SYMLINK-TO-PACK" -- "$CHISO" report cau-hinh.json --out pack-link --quiet
  [ -L pack-link ] && ok || bad "pack-link replaced by a folder"
  pack_complete elsewhere/pack "pack through a symlink"
  [ -f elsewhere/pack/bao-cao.docx ] && [ -f elsewhere/pack/photos/hop-giao-ban.jpg ] && ok ||
    bad "user files lost behind the symlink"
  no_tmp_left elsewhere "pack through a symlink"
  no_tmp_left . "pack through a symlink"
  # an empty folder is fine
  mkdir -p empty
  expect 0 "report --out an empty folder" -- "$CHISO" report cau-hinh.json --out empty --quiet
  pack_complete empty "pack in an empty folder"
  # a file is not a folder
  echo x > afile
  expect 2 "report --out a regular file" -- "$CHISO" report cau-hinh.json --out afile --quiet
  [ "$(cat afile)" = x ] && ok || bad "afile changed"
  # inputs never changed by any of this
  snapshot "$O" | grep -vE ' \./(out|Documents|docs-link|elsewhere|pack-link|empty|afile)(/|$)' > "$TMP/now.snap"
  if diff -u "$IN" "$TMP/now.snap" > "$TMP/in.diff"; then ok; else
    bad "inputs changed during the pack group"; head "$TMP/in.diff"; fi
}

# ---- kill: interrupted runs ------------------------------------------------
group_kill() {
  local i n=${CHISO_SAFETY_KILLS:-25} pid delay left
  rm -rf kout
  expect 0 "first pack" -- "$CHISO" report cau-hinh.json --out kout --quiet
  user_files kout
  local users; users=$(snapshot kout | grep -E 'bao-cao|photos')
  for i in $(seq 1 "$n"); do
    "$CHISO" report cau-hinh.json --out kout --quiet > /dev/null 2>&1 &
    pid=$!
    # spread the kills over the whole run (about 0.1-0.5 s)
    delay=$(awk -v i="$i" -v n="$n" 'BEGIN { printf "%.3f", 0.02 + 0.5 * i / n }')
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    pack_complete kout "after kill -9 #$i (${delay}s)"
    [ "$(snapshot kout | grep -E 'bao-cao|photos')" = "$users" ] && ok ||
      bad "user files changed after kill -9 #$i"
  done
  expect 0 "clean run after the kills" -- "$CHISO" report cau-hinh.json --out kout --quiet
  pack_complete kout "after the clean run"
  no_tmp_left . "clean run after kill -9"
  [ "$(snapshot kout | grep -E 'bao-cao|photos')" = "$users" ] && ok ||
    bad "user files changed after the clean run"
  # single-file outputs interrupted
  for i in $(seq 1 10); do
    "$CHISO" services so-ho-so.csv --json k.json --csv k.csv > /dev/null 2>&1 &
    pid=$!
    sleep "0.0$i"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  expect 0 "services after kills" -- "$CHISO" services so-ho-so.csv --json k.json --csv k.csv
  left=$(ls -a | grep -c '^\.chiso-tmp-k\.' )
  [ "$left" -eq 0 ] && ok || bad "$left stale temporary files of k.json/k.csv left"
}

# ---- files: single-file outputs --------------------------------------------
group_files() {
  # a symlinked output: the target is replaced, the link stays
  mkdir -p real
  echo old > real/r.json
  ln -sf real/r.json r-link.json
  expect 0 "services --json SYMLINK" -- "$CHISO" services so-ho-so.csv --json r-link.json
  [ -L r-link.json ] && ok || bad "r-link.json replaced by a file"
  grep -q '"schema_version"' real/r.json && ok || bad "real/r.json not written"
  # permissions of an existing output are kept
  chmod 640 real/r.json
  expect 0 "rewrite r.json" -- "$CHISO" services so-ho-so.csv --json real/r.json
  [ "$(stat -c %a real/r.json)" = 640 ] && ok || bad "mode of r.json not kept: $(stat -c %a real/r.json)"
  # devices are written in place, never replaced. As root, a broken chiso
  # would replace the machine's /dev/null: test on device nodes of our own
  # (the same devices, made with mknod) instead.
  local null=/dev/null full=/dev/full stdout=/dev/stdout
  if [ "$(id -u)" = 0 ] && mknod dev-null c 1 3 2>/dev/null &&
     mknod dev-full c 1 7 2>/dev/null; then
    null=$PWD/dev-null
    full=$PWD/dev-full
    ln -s /proc/self/fd/1 dev-stdout
    stdout=$PWD/dev-stdout
  fi
  expect 0 "services --csv $null" -- "$CHISO" services so-ho-so.csv --csv "$null"
  [ -c "$null" ] && ok || bad "$null is no longer a device"
  expect 0 "services --json $stdout" -- "$CHISO" services so-ho-so.csv --json "$stdout"
  grep -q '"schema_version"' "$TMP/last.out" && ok || bad "--json $stdout printed nothing"
  [ -L "$stdout" ] && ok || bad "$stdout is no longer a symlink"
  expect 0 "services --json /proc/self/fd/1" -- "$CHISO" services so-ho-so.csv --json /proc/self/fd/1
  grep -q '"schema_version"' "$TMP/last.out" && ok || bad "--json /proc/self/fd/1 printed nothing"
  # a FIFO output is written in place
  rm -f out.fifo
  mkfifo out.fifo
  (cat out.fifo > fifo.got) &
  expect 0 "services --json FIFO" -- "$CHISO" services so-ho-so.csv --json out.fifo
  wait
  [ -p out.fifo ] && ok || bad "out.fifo replaced"
  grep -q '"schema_version"' fifo.got && ok || bad "nothing came through the FIFO"
  # /dev/full: exit 3 with a message, for every way of writing
  expect 3 "services --csv $full" -- "$CHISO" services so-ho-so.csv --csv "$full"
  said "$full" "--csv $full names the file"
  [ -c "$full" ] && ok || bad "$full is no longer a device"
  expect 3 "services --json - > /dev/full" -- sh -c "\"$CHISO\" services so-ho-so.csv --json - > /dev/full"
  said "chiso:" "--json - > /dev/full says why"
  expect 3 "services (table) > /dev/full" -- sh -c "\"$CHISO\" services so-ho-so.csv > /dev/full"
  expect 3 "score --json - > /dev/full" -- sh -c "\"$CHISO\" score khung.json phieu-cham.csv --json - > /dev/full"
  # all outputs of a command or none
  rm -f all1.json all1.csv
  expect 3 "services --json OK --csv UNWRITABLE" -- \
    "$CHISO" services so-ho-so.csv --json all1.json --csv no-such-dir/x.csv
  [ ! -e all1.json ] && ok || bad "--json committed although --csv failed"
  expect 3 "tasks --csv OK --json UNWRITABLE" -- \
    "$CHISO" tasks so-nhiem-vu.csv --as-of 31/12/2024 --csv all1.csv --json no-such-dir/x.json
  [ ! -e all1.csv ] && ok || bad "--csv committed although --json failed"
  expect 3 "services --rejects OK --json FULL" -- \
    "$CHISO" services so-ho-so.csv --rejects all1.csv --json "$full"
  [ ! -e all1.csv ] && ok || bad "--rejects committed although --json failed"
  # stale temporary files of an output are cleaned by the next run
  : > .chiso-tmp-s.json.AbCdEf
  mkdir -p .chiso-tmp-spack.QwErTy
  : > .chiso-tmp-spack.QwErTy/summary.json
  expect 0 "services --json s.json" -- "$CHISO" services so-ho-so.csv --json s.json
  [ ! -e .chiso-tmp-s.json.AbCdEf ] && ok || bad "stale temp of s.json left"
  expect 0 "report --out spack" -- "$CHISO" report cau-hinh.json --out spack --quiet
  [ ! -e .chiso-tmp-spack.QwErTy ] && ok || bad "stale temp folder of spack left"
  # a temp file a live process holds is not touched: (locked) -> not removed
  # outputs of the rejects file are Excel-safe
  { head -2 so-ho-so.csv
    printf '=1+1;SKHCN;1.004288;not a date;17/01/2024 10:04;;Trực tuyến;1;1;1;5;\n'
    printf '@SUM(1);SKHCN;1.004288;02/01/2024 10:04;17/01/2024 10:04;;Trực tuyến;1;1;1;5;-2+3\n'
  } > bad.csv
  "$CHISO" services bad.csv --rejects rej.csv > /dev/null 2>&1
  if [ -f rej.csv ]; then
    grep -q "^'=1+1" rej.csv && ok ||
      bad "rejects file not neutralised: $(grep '1+1' rej.csv)"
    if grep -q "^=\|^@\|^+\|;=\|;@\|,=\|,@" rej.csv; then
      bad "a formula cell in the rejects file: $(grep '^=\|^@' rej.csv)"; else ok; fi
  else
    bad "no rejects file"
  fi
}

# ---- streams: FIFOs, caps, pipes -------------------------------------------
group_streams() {
  expect 0 "validate <(cat khung.json)" -- bash -c "\"$CHISO\" validate <(cat khung.json)"
  said "đạt" "validate from a FIFO"  # "ok:" in Vietnamese (the default)
  expect 0 "validate <(cat phieu-cham.csv)" -- bash -c "\"$CHISO\" validate <(cat phieu-cham.csv)"
  rm -f in.fifo
  mkfifo in.fifo
  (cat khung.json > in.fifo) &
  expect 0 "validate NAMED-FIFO" -- timeout 20 "$CHISO" validate in.fifo
  wait
  expect 0 "score fw <(cat sheet)" -- bash -c "\"$CHISO\" score khung.json <(cat phieu-cham.csv)"
  expect 0 "score <(cat fw) sheet" -- bash -c "\"$CHISO\" score <(cat khung.json) phieu-cham.csv"
  expect 0 "services <(cat log)" -- bash -c "\"$CHISO\" services <(cat so-ho-so.csv)"
  expect 0 "report with a config from a FIFO" -- \
    bash -c "cd '$O' && \"$CHISO\" report <(cat cau-hinh.json) --out fifo-pack --quiet"
  # size cap: /dev/zero stops with a clear error, bounded memory (1.5 GB
  # of address space; not under AddressSanitizer, whose shadow memory
  # needs terabytes of it)
  local lim="ulimit -v 1500000;"
  ldd "$CHISO" 2>/dev/null | grep -q libasan && lim=""
  expect 1 "validate /dev/zero" -- \
    bash -c "$lim timeout 60 \"$CHISO\" validate /dev/zero"
  said "64 MiB" "validate /dev/zero says why"
  expect 1 "score /dev/zero sheet" -- \
    bash -c "$lim timeout 60 \"$CHISO\" score /dev/zero phieu-cham.csv"
  # | head: quiet, exit 0 (docs/cli.md)
  bash -c "set -o pipefail; \"$CHISO\" services so-ho-so.csv --period month 2> '$TMP/pipe.err' | head -1 > /dev/null; echo \$? > '$TMP/pipe.rc'"
  [ "$(cat "$TMP/pipe.rc")" = 0 ] && ok || bad "| head: exit $(cat "$TMP/pipe.rc"), expected 0"
  [ ! -s "$TMP/pipe.err" ] && ok || bad "| head: stderr not quiet: $(cat "$TMP/pipe.err")"
  bash -c "set -o pipefail; \"$CHISO\" services so-ho-so.csv --json - 2> '$TMP/pipe.err' | head -c 10 > /dev/null; echo \$? > '$TMP/pipe.rc'"
  [ "$(cat "$TMP/pipe.rc")" = 0 ] && ok || bad "--json - | head: exit $(cat "$TMP/pipe.rc")"
}

# ---- text: no fixed buffer cuts a name ---------------------------------------
group_text() {
  local long="" i
  for i in $(seq 1 40); do long="${long}Báo cáo cải cách hành chính "; done
  python3 - "$long" <<'EOF'
import json, sys
c = json.load(open("cau-hinh.json"))
c["title"] = sys.argv[1].strip()
c["unit"]["name"] = "Sở Khoa học và Công nghệ " * 30
json.dump(c, open("dai.json", "w"), ensure_ascii=False, indent=2)
EOF
  expect 0 "report with a 1 kB title and unit name" -- \
    "$CHISO" report dai.json --out long-pack --quiet
  python3 - <<'EOF' && ok || bad "long title or name cut in summary.json"
import json
s = json.load(open("long-pack/summary.json"))
c = json.load(open("dai.json"))
assert s["unit"]["name"] == c["unit"]["name"], s["unit"]["name"][-40:]
EOF
}

for g in $GROUPS_RUN; do
  setup "$g"
  "group_$g"
  cd "$TMP" || exit 99
done
echo "safety: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
