#!/bin/sh
# Golden CLI test runner: run_golden.sh CHISO CASE_DIR SOURCE_ROOT
#
# A case directory holds:
#   args            the arguments, one per line (no shell quoting needed)
#   stdin           optional standard input
#   env             optional KEY=VALUE lines added to the environment
#   expected.out    expected standard output
#   expected.err    expected standard error
#   expected.exit   expected exit status
#   expected.files/ optional: files the run must create, with their content
#   must            optional: facts derived independently of chiso (by hand,
#                   R, the portal...), one per line as
#                     out|err|files/PATH <TAB> text that must appear
#                   checked on every run, also while regenerating, so a
#                   regenerated golden can never pin a wrong number; the
#                   case's HAND.md (or a comment line starting with '#')
#                   says where each fact comes from
#   any input files the arguments name
# The run happens in a scratch copy of the case, with `root` a symlink to
# the source tree (so args can name shipped files as root/indicators/...),
# under LC_ALL=C TZ=UTC. Besides the three outputs, the runner checks that
# the run created exactly the expected files (no stray temporary or partial
# output) and changed no input. UPDATE_GOLDEN=1 rewrites the expectations
# and prints the diff of every change for review (tests/README.md): the
# rewritten files are then reviewed in `git diff` before they are committed.
set -u
chiso=$1
case_dir=$2
root=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chiso-golden.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/run"
for f in "$case_dir"/* "$case_dir"/.[!.]*; do
  [ -e "$f" ] || continue
  case $(basename "$f") in
    args|stdin|env|expected.out|expected.err|expected.exit|expected.files) ;;
    *) cp -R "$f" "$tmp/run/" ;;
  esac
done
ln -s "$root" "$tmp/run/root"
( cd "$tmp/run" && find . -path ./root -prune -o -type f -print | sort |
  while IFS= read -r f; do cksum "$f"; done ) > "$tmp/before"

set --
while IFS= read -r line || [ -n "$line" ]; do
  set -- "$@" "$line"
done < "$case_dir/args"
stdin=/dev/null
[ -f "$case_dir/stdin" ] && stdin="$case_dir/stdin"
(
  cd "$tmp/run" || exit 99
  if [ -f "$case_dir/env" ]; then
    while IFS= read -r kv || [ -n "$kv" ]; do
      [ -n "$kv" ] && export "$kv"
    done < "$case_dir/env"
  fi
  LC_ALL=C TZ=UTC exec "$chiso" "$@" < "$stdin"
) > "$tmp/out" 2> "$tmp/err"
echo $? > "$tmp/exit"

( cd "$tmp/run" && find . -path ./root -prune -o -type f -print | sort ) \
  > "$tmp/after_files"
sed 's/^[0-9]* [0-9]* //' "$tmp/before" > "$tmp/before_files"
comm -13 "$tmp/before_files" "$tmp/after_files" | sed 's|^\./||' > "$tmp/new_files"

# independent facts: checked before anything is compared or rewritten
must_fail=0
tab=$(printf '\t')
if [ -f "$case_dir/must" ]; then
  while IFS= read -r m || [ -n "$m" ]; do
    case $m in ''|'#'*) continue ;; esac
    where=${m%%"$tab"*}
    text=${m#*"$tab"}
    case $where in
      out) file="$tmp/out" ;;
      err) file="$tmp/err" ;;
      files/*) file="$tmp/run/${where#files/}" ;;
      *) echo "--- must: unknown place '$where'"; must_fail=1; continue ;;
    esac
    if [ ! -f "$file" ] || ! grep -qF -- "$text" "$file"; then
      echo "--- must: '$text' not found in $where"
      must_fail=1
    fi
  done < "$case_dir/must"
fi

if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
  if [ "$must_fail" = 1 ]; then
    echo "not updating $case_dir: an independent fact does not hold"
    exit 1
  fi
  for s in out err exit; do
    if [ -f "$case_dir/expected.$s" ] &&
       ! cmp -s "$case_dir/expected.$s" "$tmp/$s"; then
      echo "--- $case_dir/expected.$s changes (review before committing):"
      diff -u "$case_dir/expected.$s" "$tmp/$s"
    fi
    cp "$tmp/$s" "$case_dir/expected.$s"
  done
  if [ -d "$case_dir/expected.files" ]; then
    mv "$case_dir/expected.files" "$tmp/old_files"
  fi
  if [ -s "$tmp/new_files" ]; then
    while IFS= read -r f; do
      mkdir -p "$case_dir/expected.files/$(dirname "$f")"
      cp "$tmp/run/$f" "$case_dir/expected.files/$f"
    done < "$tmp/new_files"
  fi
  if [ -d "$tmp/old_files" ] || [ -d "$case_dir/expected.files" ]; then
    mkdir -p "$tmp/old_files" "$tmp/empty"
    new_dir="$case_dir/expected.files"
    [ -d "$new_dir" ] || new_dir="$tmp/empty"
    diff -ruN "$tmp/old_files" "$new_dir" | head -200
  fi
  echo "updated $case_dir"
  exit 0
fi

fail=0
for s in out err exit; do
  if ! diff -u "$case_dir/expected.$s" "$tmp/$s" > "$tmp/diff.$s"; then
    echo "--- $s differs:"; cat "$tmp/diff.$s"; fail=1
  fi
done
# created files: exactly expected.files, with the expected content
( if [ -d "$case_dir/expected.files" ]; then
    cd "$case_dir/expected.files" && find . -type f | sed 's|^\./||' | sort
  fi ) > "$tmp/want_files"
if ! diff -u "$tmp/want_files" "$tmp/new_files" > "$tmp/diff.files"; then
  echo "--- created files differ (expected vs actual):"; cat "$tmp/diff.files"
  fail=1
fi
while IFS= read -r f; do
  if [ -f "$tmp/run/$f" ] && ! cmp -s "$case_dir/expected.files/$f" "$tmp/run/$f"; then
    echo "--- content of $f differs:"
    diff -u "$case_dir/expected.files/$f" "$tmp/run/$f" | head -50
    fail=1
  fi
done < "$tmp/want_files"
# inputs unchanged
( cd "$tmp/run" && while IFS= read -r line; do
    f=${line#* * }
    [ -f "$f" ] || { echo "input $f was removed"; continue; }
    now=$(cksum "$f")
    [ "$now" = "$line" ] || echo "input $f was changed"
  done < "$tmp/before" ) > "$tmp/changed"
if [ -s "$tmp/changed" ]; then cat "$tmp/changed"; fail=1; fi
[ "$must_fail" = 1 ] && fail=1
exit $fail
