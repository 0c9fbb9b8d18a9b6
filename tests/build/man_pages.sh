#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# man_pages.sh PAGE... - each manual page renders without a single warning: `man --warnings
# -l` (man-db), else `groff -wall -man -z`; skipped (77) when neither is installed.
set -eu
[ $# -gt 0 ] || { echo "usage: man_pages.sh PAGE..." >&2; exit 2; }
if command -v man >/dev/null 2>&1 && man --version >/dev/null 2>&1; then
  render() { MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null; }
elif command -v groff >/dev/null 2>&1; then
  render() { groff -wall -man -Tutf8 -z "$1" 2>&1; }
else
  echo "neither man nor groff: skipped"
  exit 77
fi
fail=0
for page in "$@"; do
  out=$(render "$page") || { echo "$page: does not render" >&2; fail=1; }
  if [ -n "$out" ]; then
    printf '%s: warnings:\n%s\n' "$page" "$out" >&2
    fail=1
  fi
done
[ $fail = 0 ] && echo "man pages render without warnings: $*"
exit $fail
