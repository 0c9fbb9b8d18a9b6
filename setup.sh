#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# setup.sh - install what is missing, build trykk, then run the demo or the whole test suite.
#
#   ./setup.sh demo     install, build, run `trykk demo` on a fresh demo spool in ./demo
#   ./setup.sh test     install, build with -Werror, run every test (CTest)
#   ./setup.sh build    install and build only
#   ./setup.sh fuzz [SECONDS]
#                       install clang and libFuzzer, build the fuzz targets in build-fuzz and
#                       run each one for SECONDS (default 60) on a copy of its seed corpus
#
# Environment: BUILD_DIR (default build), SANITIZE=1 (ASan + UBSan build), JOBS,
# FUZZ_BUILD_DIR (default build-fuzz), FUZZ_TARGETS (default: all of fuzz/CMakeLists.txt).
set -euo pipefail
cd "$(dirname "$0")"

mode=${1:-build}
build_dir=${BUILD_DIR:-build}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

# Build and run-time packages (Debian 12 names), then the tools the tests use.
build_pkgs=(cmake make gcc pkg-config libssl-dev libzip-dev libxml2-dev libxmlsec1-dev
  libjansson-dev libqpdf-dev libcairo2-dev libpango1.0-dev libglib2.0-dev libsqlite3-dev
  libhpdf-dev libzint-dev zlib1g-dev libseccomp-dev libp11-kit-dev libsystemd-dev poppler-utils
  iso-codes)
test_pkgs=(qpdf ghostscript dmtx-utils xmlsec1 zip unzip sqlite3 openssl nodejs npm python3
  libnss3 libnss3-tools softhsm2 man-db systemd)

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
  # The suites that read the conformance material need ../shared (or TRYKK_SHARED_DIR); the
  # others, the engine and the demo do not. The test hooks, and gcc -fanalyzer over the
  # engine (the CTest `analyzer`), only in the test build.
  cmake -S . -B "$build_dir" -DENABLE_WERROR="$werror" -DENABLE_SANITIZERS="$san" \
    -DBUILD_TESTING="$tests" -DTRYKK_TEST_HOOKS="$tests" -DENABLE_ANALYZER="$tests" >/dev/null
  cmake --build "$build_dir" -j "$jobs"
}

fuzz_targets=(${FUZZ_TARGETS:-message legacy asice cms pdf report})

# One target for $2 seconds, at nice 19, in its own work dir: the committed corpus is copied
# in and never written to. libFuzzer's output goes to work/<target>/fuzz.log.
fuzz_one() {
  local dir=$1 t=$2 secs=$3 work="$1/work/$2" rc=0
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -n fuzz/corpus/"$t"/* "$work/corpus/" 2>/dev/null || true
  echo "setup: fuzzing $t for ${secs}s (log: $work/fuzz.log)" >&2
  nice -n 19 "$dir/fuzz/fuzz_$t" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=30 \
    -dict="fuzz/$t.dict" -artifact_prefix="$work/artifacts/" -print_final_stats=1 \
    "$work/corpus" >"$work/fuzz.log" 2>&1 || rc=$?
  return $rc
}

# execs, exec/s, cov and ft from the last status line and the final stats of a log.
fuzz_summary() {
  local t=$1 log=$2 status=$3 line execs eps
  line=$(grep -E '^#[0-9]+' "$log" | grep 'cov:' | tail -1 || true)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  printf '%-8s execs %-10s exec/s %-7s cov %-6s ft %-7s corpus %-5s %s\n' "$t" "${execs:-?}" \
    "${eps:-?}" "$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$line")" \
    "$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$line")" \
    "$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$line")" "$status"
}

fuzz_all() {
  local secs=${1:-60} dir=${FUZZ_BUILD_DIR:-build-fuzz} t failed=0 summary=""
  install_pkgs "${build_pkgs[@]}" clang libclang-rt-14-dev
  CC=clang cmake -S . -B "$dir" -DENABLE_FUZZING=ON -DBUILD_TESTING=OFF \
    -DTRYKK_TEST_HOOKS=ON >/dev/null
  cmake --build "$dir" -j "$jobs" --target "${fuzz_targets[@]/#/fuzz_}"
  # Library start-up state kept until exit is suppressed (fuzz/lsan.supp); engine leaks fail.
  export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  for t in "${fuzz_targets[@]}"; do
    if fuzz_one "$dir" "$t" "$secs"; then
      summary+=$(fuzz_summary "$t" "$dir/work/$t/fuzz.log" ok)$'\n'
    else
      failed=1
      summary+=$(fuzz_summary "$t" "$dir/work/$t/fuzz.log" \
        "CRASH: $(ls "$dir/work/$t/artifacts" | tr '\n' ' ')")$'\n'
    fi
  done
  printf '%s' "$summary"
  return $failed
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
  fuzz)
    fuzz_all "${2:-60}"
    ;;
  *)
    echo "usage: $0 demo|test|build|fuzz [SECONDS]" >&2
    exit 2
    ;;
esac
