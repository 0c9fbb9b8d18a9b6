#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# unit_security.sh UNIT [MAX] - `systemd-analyze security --offline=yes UNIT` scores the
# unit's sandbox; fail when the overall exposure is above MAX (default 2.0). Skipped (77) when
# systemd-analyze is missing or too old for --offline (systemd < 250).
set -eu
unit=${1:?usage: unit_security.sh UNIT [MAX]}
max=${2:-2.0}
command -v systemd-analyze >/dev/null 2>&1 || { echo "no systemd-analyze: skipped"; exit 77; }
out=$(systemd-analyze security --offline=yes --no-pager "$unit" 2>&1) || {
  case $out in
    *"unrecognized option"*|*"Unknown option"*) echo "systemd-analyze has no --offline: skipped"; exit 77 ;;
  esac
  # a score above systemd's own threshold also exits non-zero; the score decides below
}
score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
[ -n "$score" ] || { printf '%s\n' "$out" >&2; echo "unit_security: no score" >&2; exit 1; }
printf '%s\n' "$out" | grep -v '✓' || true
if awk -v s="$score" -v m="$max" 'BEGIN { exit !(s > m) }'; then
  echo "unit_security: $unit exposure $score is above $max" >&2
  exit 1
fi
echo "unit_security: $unit exposure $score (max $max)"
