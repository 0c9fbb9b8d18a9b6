#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# no_forge.sh TRYKK TRYKK-DEMO - the service binary holds no forge (sender-side) symbol:
# nothing of engine/forge/ (forge_*) and no xades_sign; the demo program holds them (so the
# check looks at the right names). Reads the symbol tables with nm.
set -euo pipefail
trykk=$1 demo=$2
pattern='^(forge_[a-z_]+|xades_sign)$'
syms() { nm --defined-only "$1" | awk '{print $3}' | grep -E "$pattern" | sort -u; }

found=$(syms "$trykk" || true)
if [ -n "$found" ]; then
  echo "forge symbols in $trykk:" $found >&2
  exit 1
fi
in_demo=$(syms "$demo" | wc -l)
if [ "$in_demo" -lt 10 ] || ! syms "$demo" | grep -qx xades_sign; then
  echo "expected the forge in $demo, found $in_demo symbols" >&2
  exit 1
fi
echo "no forge symbol in $trykk; $in_demo in $demo"
