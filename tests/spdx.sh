#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# spdx.sh - every source file of trykk names its licence.
#
#   tests/spdx.sh [--fix] [ROOT]
#
# Checks that each C source and header, CMake file, shell script and JavaScript file under
# engine/, tests/ and fuzz/ (and the top CMakeLists.txt, setup.sh, .ci/run, the unit in dist/
# and the man pages in docs/) carries "SPDX-License-Identifier: Apache-2.0" in its first three
# lines; lists those that do not and exits 1. --fix adds the line at the top (after a "#!"
# line) of each file that lacks it. CTest runs it as spdx_headers.
set -eu
fix=0
if [ "${1:-}" = "--fix" ]; then fix=1; shift; fi
root=${1:-$(dirname "$0")/..}
cd "$root"
tag='SPDX-License-Identifier: Apache-2.0'
missing=0
for f in CMakeLists.txt setup.sh .ci/run \
         $(find engine tests fuzz -type f \( -name '*.c' -o -name '*.h' -o -name 'CMakeLists.txt' \
           -o -name '*.sh' -o -name '*.js' \) -not -path '*/node_modules/*' | sort) \
         $(find dist docs -type f \( -name '*.service' -o -name '*.[1-8]' \) 2>/dev/null | sort); do
  head -n 3 "$f" | grep -q "$tag" && continue
  if [ $fix -eq 0 ]; then
    echo "no SPDX licence line: $f"
    missing=1
    continue
  fi
  case "$f" in
    *.c|*.h) line="/* $tag */" ;;
    *.js) line="// $tag" ;;
    *.[1-8]) line=".\\\" $tag" ;;
    *) line="# $tag" ;;
  esac
  tmp="$f.spdx-tmp"
  if head -n 1 "$f" | grep -q '^#!'; then
    { head -n 1 "$f"; echo "$line"; tail -n +2 "$f"; } > "$tmp"
  else
    { echo "$line"; cat "$f"; } > "$tmp"
  fi
  chmod --reference="$f" "$tmp"
  mv "$tmp" "$f"
done
exit $missing
