#!/bin/sh
# make_locale.sh DIR - generate a comma-decimal locale (vi_VN.UTF-8) into
# DIR, for LOCPATH=DIR. Needs no root: localedef writes where it is told.
# Prints the locale name on success; exits 0 with nothing printed when the
# machine cannot generate it (no `locales` package), so tests can say
# "skipped" clearly. build.sh installs `locales`, so CI always has it.
set -u
dir=$1
mkdir -p "$dir" || exit 0
if [ -d "$dir/vi_VN.UTF-8" ]; then
  echo vi_VN.UTF-8
  exit 0
fi
command -v localedef >/dev/null 2>&1 || exit 0
if localedef -i vi_VN -f UTF-8 "$dir/vi_VN.UTF-8" >/dev/null 2>&1 ||
   [ -d "$dir/vi_VN.UTF-8" ]; then
  echo vi_VN.UTF-8
fi
exit 0
