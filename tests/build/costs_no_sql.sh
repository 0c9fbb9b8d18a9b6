#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# costs_no_sql.sh ENGINE-DIR - engine/costs/ (money, tariffs, prices, the CSV) speaks no SQL:
# no file under it includes sqlite3.h or a ledger/ header, or calls sqlite3_*. The cost rows
# and settlements that need the database live in ledger/ (README "How the code is laid out").
set -euo pipefail
dir=$1/costs
[ -d "$dir" ] || { echo "no $dir" >&2; exit 1; }
found=$(grep -nE '#[[:space:]]*include[[:space:]]*[<"]([^">]*/)?(sqlite3\.h|ledger[^">]*)[">]|\bsqlite3_[a-z_]+' \
  -r "$dir" || true)
if [ -n "$found" ]; then
  echo "SQL or ledger/ in engine/costs/:" >&2
  echo "$found" >&2
  exit 1
fi
# the pattern itself must catch what it forbids
for bad in '#include <sqlite3.h>' '#include "../ledger/ledger.h"' 'x = sqlite3_step(st);'; do
  echo "$bad" | grep -qE '#[[:space:]]*include[[:space:]]*[<"]([^">]*/)?(sqlite3\.h|ledger[^">]*)[">]|\bsqlite3_[a-z_]+' ||
    { echo "the check misses: $bad" >&2; exit 1; }
done
