#!/usr/bin/env bash
# setup.sh - install what is missing, build trykk, then run the demo or the whole test suite.
#
#   ./setup.sh demo     install, build, run `trykk demo` on a fresh demo spool in ./demo
#   ./setup.sh test     install, build with -Werror, run every test (CTest)
#   ./setup.sh build    install and build only
#
# Environment: BUILD_DIR (default build), SANITIZE=1 (ASan + UBSan build), JOBS.
set -euo pipefail
cd "$(dirname "$0")"

mode=${1:-build}
build_dir=${BUILD_DIR:-build}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

# Build and run-time packages (Debian 12 names), then the tools the tests use.
build_pkgs=(cmake make gcc pkg-config libssl-dev libzip-dev libxml2-dev libxmlsec1-dev
  libjansson-dev libqpdf-dev libcairo2-dev libpango1.0-dev libglib2.0-dev libsqlite3-dev
  libhpdf-dev libzint-dev zlib1g-dev libseccomp-dev poppler-utils iso-codes)
test_pkgs=(qpdf ghostscript dmtx-utils xmlsec1 zip unzip sqlite3 openssl nodejs npm python3)

missing_pkgs() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

install_pkgs() {
  local missing
  missing=$(missing_pkgs "$@")
  # node/npm may come from elsewhere than Debian; accept working commands.
  if command -v node >/dev/null && command -v npm >/dev/null; then
    missing=$(printf '%s\n' $missing | grep -v -x -e nodejs -e npm || true)
  fi
  [ -z "$missing" ] && return 0
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "setup: installing: $missing" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq $missing >/dev/null
}

install_test_tools() {
  # ajv (JSON Schema draft-07) validates every receipt the tests produce.
  if [ ! -d tests/tools/node_modules/ajv ] || [ ! -d tests/tools/node_modules/ajv-formats ]; then
    echo "setup: installing ajv for receipt schema validation" >&2
    (cd tests/tools && npm install --silent --no-audit --no-fund >/dev/null)
  fi
}

build() {
  local werror=$1 tests=${2:-OFF}
  local san=OFF
  [ "${SANITIZE:-0}" = 1 ] && san=ON
  # The tests need ../shared (or TRYKK_SHARED_DIR); the engine and the demo do not.
  cmake -S . -B "$build_dir" -DENABLE_WERROR="$werror" -DENABLE_SANITIZERS="$san" \
    -DBUILD_TESTING="$tests" >/dev/null
  cmake --build "$build_dir" -j "$jobs"
}

case "$mode" in
  build)
    install_pkgs "${build_pkgs[@]}"
    build OFF
    ;;
  demo)
    install_pkgs "${build_pkgs[@]}"
    build OFF
    rm -rf demo
    "$build_dir/engine/trykk" demo --dir demo
    ;;
  test)
    install_pkgs "${build_pkgs[@]}" "${test_pkgs[@]}"
    install_test_tools
    build ON ON
    if [ "${SANITIZE:-0}" = 1 ]; then
      export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
      export ASAN_OPTIONS="abort_on_error=0:detect_leaks=1"
    fi
    cd "$build_dir"
    ctest --output-on-failure -j "$jobs" --timeout 900
    ;;
  *)
    echo "usage: $0 demo|test|build" >&2
    exit 2
    ;;
esac
