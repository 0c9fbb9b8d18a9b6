#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# state_literals.sh - every letter, job and piece state is spelled once, in the name table's
# header (engine/ledger/state.h): no quoted state name ("POSTED" in C, 'POSTED' in SQL text)
# anywhere else under engine/. Usage: state_literals.sh <source root>
set -eu
root=${1:?usage: state_literals.sh <source root>}
header=engine/ledger/state.h
cd "$root"
names=$(sed -n 's/^#define [A-Z0-9]*_[A-Z_]* "\([A-Z_]*\)".*/\1/p' "$header" | sort -u)
[ -n "$names" ] || { echo "no state names found in $header" >&2; exit 1; }
bad=0
for n in $names; do
    hits=$(grep -rn -e "\"$n\"" -e "'$n'" engine | grep -v "^$header:" || true)
    if [ -n "$hits" ]; then
        echo "state $n is spelled outside $header (use its macro or enum):"
        echo "$hits"
        bad=1
    fi
done
[ "$bad" = 0 ] && echo "$(echo "$names" | wc -l) state names, each only in $header"
exit "$bad"
