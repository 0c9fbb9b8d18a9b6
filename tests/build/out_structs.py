#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# out_structs.py [--fix] DIR... - every local struct is initialised where it is declared.
#
# Finds, in the function bodies of the .c files under DIR, declarations of local variables of
# a struct type (`struct X name;`, `struct X a, b[2];`) without an initialiser, so that an
# out-struct a callee fills only in part, or not at all on an error path, never holds stack
# garbage. Pointers, `static` and `extern` declarations and struct, union or enum bodies are
# not looked at. Lists each as FILE:LINE: struct X name and exits 1 when there is one; --fix
# adds ` = {0}` to each declarator instead and exits 0.
import os
import re
import sys

DECL = re.compile(r"^\s*(?:const\s+)?struct\s+\w+\s+(?!\*)([^;=(){}]*)$", re.S)
TYPE_BODY = re.compile(r"\b(struct|union|enum)\b[^();=]*$", re.S)


def blank_out(text):
    """The text with comments, string and character literals and preprocessor lines replaced
    by spaces (newlines kept), so that offsets stay those of the original."""
    out = list(text)
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c == "#":
            j = i
            while j < n and (text[j] != "\n" or text[j - 1] == "\\"):
                j += 1
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
            continue
        if c == "\n":
            at_line_start = True
            i += 1
            continue
        if not c.isspace():
            at_line_start = False
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            j += 1
        else:
            i += 1
            continue
        for k in range(i, min(j, n)):
            if out[k] != "\n":
                out[k] = " "
        i = j
    return "".join(out)


def declarators(stmt, base):
    """(name, offset after the declarator) for each uninitialised declarator of a struct
    declaration stmt starting at offset base; [] when stmt is not one."""
    m = DECL.match(stmt)
    if not m or re.match(r"^\s*(?:const\s+)?struct\s+\w+\s*$", stmt):
        return []
    found, pos = [], base + m.start(1)
    for part in m.group(1).split(","):
        d = re.match(r"\s*(\w+)\s*((?:\[[^\]]*\]\s*)*)$", part)
        if not d:
            return []  # a pointer, a function or something else among them
        end = pos + len(part.rstrip())
        found.append((d.group(1), end))
        pos += len(part) + 1
    return found


def scan(text):
    """(line, type, name, offset) of every uninitialised local struct in text."""
    clean = blank_out(text)
    stack, start, hits = [], 0, []
    for i, c in enumerate(clean):
        if c == "{":
            before = clean[start:i]
            if TYPE_BODY.search(before) or before.rstrip().endswith("=") or \
                    (stack and stack[-1] != "code"):
                stack.append("data")
            else:
                stack.append("code" if stack or before.rstrip().endswith(")") else "data")
            start = i + 1
        elif c == "}":
            if stack:
                stack.pop()
            start = i + 1
        elif c == ";":
            stmt = clean[start:i]
            if stack and stack[-1] == "code" and not re.match(r"\s*(static|extern)\b", stmt):
                t = re.match(r"\s*(?:const\s+)?struct\s+(\w+)", stmt)
                for name, end in declarators(stmt, start):
                    hits.append((text.count("\n", 0, end) + 1, t.group(1), name, end))
            start = i + 1
    return hits


def c_files(roots):
    for root in roots:
        for d, _, names in os.walk(root):
            for name in sorted(names):
                if name.endswith(".c"):
                    yield os.path.join(d, name)


def main(argv):
    fix = "--fix" in argv
    roots = [a for a in argv if a != "--fix"] or ["engine"]
    total = 0
    for path in c_files(roots):
        text = open(path, encoding="utf-8").read()
        hits = scan(text)
        total += len(hits)
        if fix and hits:
            for _, _, _, end in sorted(hits, key=lambda h: -h[3]):
                text = text[:end] + " = {0}" + text[end:]
            open(path, "w", encoding="utf-8").write(text)
        for line, typ, name, _ in hits:
            print(f"{path}:{line}: struct {typ} {name}" + (" (fixed)" if fix else ""))
    if total and not fix:
        print(f"out_structs: {total} local structs without an initialiser "
              f"(tests/build/out_structs.py --fix adds = {{0}})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
