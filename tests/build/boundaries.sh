#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# boundaries.sh [--graph] ENGINE-DIR - the module boundaries of engine/ hold:
#   - a file includes another module only through its public header: <module>/<module>.h,
#     or one listed in $extra below (util/ is shared: all of it is public); every other
#     header (ledger_internal.h, xades_io.h, p11.h, asice.h, pdfpage.h, layout.h, …) is
#     its module's own
#   - struct engine (the intake's context: it holds the keys) appears only where the
#     intake is set up and run (pipeline/, cli/, demo/), in no other module
#   - the modules include each other without a cycle (that no file or module calls another
#     in a cycle is test_no_cycles, which reads the link graph: tests/build/file_graph.py)
# --graph prints the module include graph (module -> the modules it includes) and checks.
set -euo pipefail
graph=false
if [ "${1:-}" = --graph ]; then graph=true; shift; fi
engine=${1:?usage: boundaries.sh [--graph] ENGINE-DIR}
cd "$engine"

# Public headers besides <module>/<module>.h.
extra=" ledger/costs.h render/handover_note.h "
# Modules that must not see struct engine: all but the intake (pipeline/) and the CLI and demo
# that set it up.
narrow="jobs returns receipts retention render ledger costs spool intake crypto forge util service"
fail=0

public() { # module/header.h
  local m=${1%%/*} h=${1#*/}
  [ "$m" = util ] || [ "$h" = "$m.h" ] || [[ "$extra" == *" $1 "* ]]
}

edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
for f in */*.[ch]; do
  m=${f%%/*}
  while IFS= read -r inc; do
    [ -n "$inc" ] || continue
    o=${inc%%/*}
    [ "$o" = "$m" ] && continue
    echo "$m $o" >>"$edges"
    if ! public "$inc"; then
      echo "boundaries: $f includes $inc, which is internal to $o/ (use $o/$o.h)" >&2
      fail=1
    fi
  done < <(sed -n 's|^[[:space:]]*#[[:space:]]*include[[:space:]]*"\.\./\([a-z_]*/[a-z_0-9]*\.h\)".*|\1|p' "$f")
done

for m in $narrow; do
  [ -d "$m" ] || continue
  if grep -n -w 'struct engine' "$m"/*.[ch] >&2; then
    echo "boundaries: struct engine (keys and all) reaches $m/: give it a context of its own" >&2
    fail=1
  fi
done

sort -u "$edges" -o "$edges"
if ! tsort "$edges" >/dev/null 2>"$edges.err"; then
  echo "boundaries: the modules include each other in a cycle:" >&2
  cat "$edges.err" >&2
  fail=1
fi
rm -f "$edges.err"

if $graph; then
  for m in */; do
    m=${m%/}
    echo "$m -> $(awk -v m="$m" '$1 == m {print $2}' "$edges" | tr '\n' ' ' | sed 's/ $//')"
  done
fi
[ "$fail" = 0 ] && echo "module boundaries hold ($(ls -d */ | wc -l) modules)"
exit "$fail"
