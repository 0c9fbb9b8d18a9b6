#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# install.sh BUILD PREFIX BINDIR DATADIR MANDIR UNITDIR - install() staged into a temporary
# DESTDIR, and the installed trykk run from there: --version, init, status, and `tariff list`,
# which must list the installed layouts/tariffs/ (the binary finds its data beside itself, not
# in the source tree). The installation holds no demo program: `trykk demo` says so (exit 2).
# trykk(1) and trykk.conf(5) are installed where man finds them, and trykk.service in UNITDIR.
set -euo pipefail
build=$1 prefix=$2 bindir=$3 datadir=$4 mandir=${5:-share/man} unitdir=${6:-lib/systemd/system}
stage=$(mktemp -d)
trap 'chmod -R u+w "$stage"; rm -rf "$stage"' EXIT

DESTDIR="$stage" cmake --install "$build" >/dev/null
root="$stage$prefix"
trykk="$root/$bindir/trykk"
data="$root/$datadir/trykk"
fail() { echo "install: $*" >&2; exit 1; }

[ -x "$trykk" ] || fail "no $trykk"
for f in layouts/normal.ini layouts/eco.ini layouts/marks-datamatrix.ini \
         fonts/LiberationSans-Regular.ttf; do
  [ -f "$data/$f" ] || fail "no $data/$f"
done
[ -z "$(ls "$root/$bindir" | grep -v -x trykk)" ] || fail "more than trykk in $root/$bindir"
for f in "$mandir/man1/trykk.1" "$mandir/man5/trykk.conf.5" "$unitdir/trykk.service"; do
  [ -f "$root/$f" ] || fail "no $root/$f"
done
if command -v man >/dev/null 2>&1; then
  for page in trykk trykk.conf; do
    found=$(man -M "$root/$mandir" -w "$page" 2>/dev/null) || fail "man does not find $page"
    case $found in "$root/$mandir"/*) ;; *) fail "man found $page at $found" ;; esac
  done
fi

version=$("$trykk" --version)
[ "$version" = "trykk $(sed -n 's/^project(trykk VERSION \([0-9.]*\).*/\1/p' \
  "$(dirname "$0")/../../CMakeLists.txt")" ] || fail "--version said '$version'"

mkdir "$stage/run"
cd "$stage/run"
"$trykk" init >/dev/null || fail "init failed"
[ -f trykk.conf ] && [ -d spool/incoming ] || fail "init made no spool or configuration"
"$trykk" --config trykk.conf status >status.out || fail "status failed"
grep -q . status.out || fail "status printed nothing"
"$trykk" --config trykk.conf tariff list >tariffs.out || fail "tariff list failed"
grep -q "^print .* $data/layouts/tariffs/" tariffs.out ||
  fail "tariff list does not name the installed tariffs: $(cat tariffs.out)"
if grep -v -q " $data/layouts/tariffs/" tariffs.out; then
  fail "tariff list names files outside the installation: $(cat tariffs.out)"
fi
rc=0
"$trykk" demo --help >demo.out 2>&1 || rc=$?
[ "$rc" = 2 ] && grep -q "trykk-demo" demo.out || fail "installed 'trykk demo' gave $rc"
echo "installed into $root: $version, init, status, tariff list from $data"
