#!/bin/sh
# build.sh [test|sanitize] - install what is missing (Debian 12), build chiso.
#   ./build.sh            install missing packages, build into build/
#   ./build.sh test       ... then run every test (ctest)
#   ./build.sh sanitize   ... build into build-asan/ with AddressSanitizer +
#                         UndefinedBehaviorSanitizer and run every test there
set -eu
cd "$(dirname "$0")"
PKGS="build-essential cmake ninja-build pkg-config libgsl-dev libcsv-dev
libcjson-dev libcmocka-dev libcairo2-dev libpango1.0-dev fonts-dejavu-core
gettext locales libzip-dev libxml2-dev libxlsxwriter-dev
libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils python3-openpyxl
libexpat1-dev libfreexl-dev chromium python3-pil r-base-core"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "build.sh: installing$missing" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >&2
fi
jobs=$(nproc 2>/dev/null || echo 2)
case "${1:-}" in
  sanitize)
    cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
      -DCHISO_WERROR=ON -DCHISO_SANITIZE=address,undefined >/dev/null
    cmake --build build-asan -j "$jobs"
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      ctest --test-dir build-asan --output-on-failure -j "$jobs"
    ;;
  *)
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCHISO_WERROR=ON >/dev/null
    cmake --build build -j "$jobs"
    if [ "${1:-}" = test ]; then
      ctest --test-dir build --output-on-failure -j "$jobs"
    fi
    ;;
esac
