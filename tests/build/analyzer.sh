#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# analyzer.sh BUILD_DIR SOURCE_DIR - gcc's static analyzer over every engine source: each
# file under SOURCE_DIR/engine is compiled again with its own command from
# BUILD_DIR/compile_commands.json (without sanitizer flags) plus -O0 -fanalyzer -Werror
# (objects to /dev/null), JOBS at a time (default 2). A finding fails the test. clang has no -fanalyzer: the test is skipped
# (exit 77, CTest's SKIP_RETURN_CODE) with a message saying so.
set -euo pipefail
build=$1 src=$2
jobs=${JOBS:-2}
db="$build/compile_commands.json"

[ -f "$db" ] || { echo "analyzer: no $db (configure with CMAKE_EXPORT_COMPILE_COMMANDS)" >&2; exit 1; }
cc=$(python3 -c 'import json,shlex,sys; print(shlex.split(json.load(open(sys.argv[1]))[0]["command"])[0])' "$db")
if ! "$cc" --version 2>/dev/null | grep -qi 'gcc\|free software foundation'; then
  echo "analyzer: skipped: $cc is not gcc (clang has no -fanalyzer); build with gcc to run it" >&2
  exit 77
fi

# One line per engine source: directory, then the compile command (shell words, NUL-free).
python3 - "$db" "$src/engine/" > "$build/analyzer.cmds" <<'PY'
import json, shlex, sys
seen = set()
for e in json.load(open(sys.argv[1])):
    f = e["file"]
    if not f.startswith(sys.argv[2]) or f in seen:
        continue
    seen.add(f)
    args = shlex.split(e["command"]) if "command" in e else e["arguments"]
    out = []
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a == "-o":
            skip = True
            continue
        # the sanitizers' instrumentation is not the code: analysed, it reports their own
        # shadow reads (a SANITIZE=1 build), so the analysis sees the plain code
        if a.startswith(("-fsanitize", "-fno-sanitize")):
            continue
        out.append(a)
    out += ["-O0", "-fanalyzer", "-Werror", "-o", "/dev/null"]
    print(shlex.quote(e["directory"]) + " " + " ".join(shlex.quote(a) for a in out))
PY

n=$(wc -l < "$build/analyzer.cmds")
echo "analyzer: $n engine sources, $jobs at a time" >&2
# Each line: cd into its directory, run its command; xargs fails when any one fails.
if ! xargs -a "$build/analyzer.cmds" -d '\n' -P "$jobs" -n 1 \
     sh -c 'eval "set -- $1"; cd "$1" && shift && "$@"' analyzer; then
  echo "analyzer: findings above (gcc -fanalyzer)" >&2
  exit 1
fi
echo "analyzer: clean" >&2
