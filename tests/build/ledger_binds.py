#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""ledger_binds.py - every ledger_stmt call's type letters match its SQL's parameters.

Finds every ledger_stmt(l, SQL, TYPES, ...) call under engine/, rebuilds its SQL text (string
literals; the file's, state.h's and ledger_internal.h's string macros; `static const char
x[] = "..."` tables) and hands the pairs to the checker program, which prepares each statement against a
fresh ledger (so a misspelt column fails too) and compares sqlite3_bind_parameter_count with
the number of type letters. Usage: ledger_binds.py ENGINE_DIR CHECKER
"""
import os
import re
import subprocess
import sys
import tempfile

TOKEN = re.compile(r'''
    (?P<comment>/\*.*?\*/|//[^\n]*)
  | (?P<string>"(?:\\.|[^"\\\n])*")
  | (?P<char>'(?:\\.|[^'\\\n])+')
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[(),;?:{}\[\]=])
  | (?P<other>\S)
''', re.S | re.X)


def tokens(text):
    """C tokens of text (comments and preprocessor lines dropped), with their line."""
    out = []
    for m in TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == 'comment':
            continue
        out.append((kind, m.group(kind), text.count('\n', 0, m.start()) + 1))
    return out


def unquote(lit):
    return bytes(lit[1:-1], 'utf-8').decode('unicode_escape')


def string_macros(text):
    """NAME -> token list for every #define whose body is string literals and names."""
    macros = {}
    joined = re.sub(r'\\\n', ' ', text)
    for m in re.finditer(r'^\s*#\s*define\s+([A-Za-z_]\w*)\s+(.*)$', joined, re.M):
        body = [t for t in tokens(m.group(2))]
        if body and all(k in ('string', 'ident') for k, _, _ in body) and \
                any(k == 'string' for k, _, _ in body):
            macros[m.group(1)] = body
    for m in re.finditer(r'static\s+const\s+char\s+([A-Za-z_]\w*)\s*\[\s*\]\s*=\s*([^;]*);',
                         text):
        body = tokens(m.group(2))
        if body and all(k in ('string', 'ident') for k, _, _ in body):
            macros[m.group(1)] = body
    return macros


def expand(toks, macros, depth=0):
    """The text of a sequence of string literals and macro names; None if not all known."""
    out = []
    for kind, val, _ in toks:
        if kind == 'string':
            out.append(unquote(val))
        elif kind == 'ident' and val in macros and depth < 10:
            s = expand(macros[val], macros, depth + 1)
            if s is None:
                return None
            out.append(s)
        else:
            return None
    return ''.join(out)


def calls(path, shared):
    """(where, types, sql) of every ledger_stmt call in path, and the ones not understood."""
    text = open(path, encoding='utf-8').read()
    macros = dict(shared)
    macros.update(string_macros(text))
    code = [t for t in tokens(re.sub(r'^\s*#.*?(?<!\\)$', '', text, flags=re.M | re.S))]
    found, unknown = [], []
    for i, (kind, val, line) in enumerate(code):
        if kind != 'ident' or val != 'ledger_stmt' or i + 1 >= len(code) or \
                code[i + 1][1] != '(' or (i > 0 and code[i - 1][1] in ('*',)):
            continue
        args, depth, cur = [], 0, []
        for t in code[i + 2:]:
            if t[1] == '(':
                depth += 1
            elif t[1] == ')':
                if depth == 0:
                    break
                depth -= 1
            if t[1] == ',' and depth == 0:
                args.append(cur)
                cur = []
            else:
                cur.append(t)
        args.append(cur)
        where = '%s:%d' % (os.path.basename(path), line)
        if len(args) < 3:
            unknown.append(where + ': fewer than three arguments')
            continue
        sql, types = expand(args[1], macros), expand(args[2], {})
        if sql is None or types is None:
            if args[1] and args[1][0][1] == 'sql' and args[2][0][1] == 'types':
                continue  # the definition of ledger_stmt itself
            unknown.append(where + ': SQL or types not literal')
            continue
        if len(args) - 3 != len(types):
            unknown.append('%s: %d type letter(s) "%s" for %d argument(s)' %
                           (where, len(types), types, len(args) - 3))
        found.append((where, types, sql))
    return found, unknown


def main():
    engine, checker = sys.argv[1], sys.argv[2]
    shared = {}
    for header in ('state.h', 'ledger_internal.h'):  # the state names, then the helpers' SQL
        shared.update(string_macros(open(os.path.join(engine, 'ledger', header),
                                         encoding='utf-8').read()))
    found, unknown = [], []
    for root, _, files in os.walk(engine):
        for f in sorted(files):
            if f.endswith('.c'):
                a, b = calls(os.path.join(root, f), shared)
                found += a
                unknown += b
    for u in unknown:
        print('ledger_binds: ' + u)
    if len(found) < 100:
        print('ledger_binds: only %d ledger_stmt calls found: the scan is broken' % len(found))
        return 1
    with tempfile.NamedTemporaryFile('w', suffix='.tsv', delete=False) as out:
        for where, types, sql in found:
            out.write('%s\t%s\t%s\n' % (where, types, sql.replace('\t', ' ').replace('\n', ' ')))
    try:
        rc = subprocess.call([checker, out.name])
    finally:
        os.unlink(out.name)
    print('ledger_binds: %d calls checked' % len(found))
    return 1 if unknown or rc else 0


if __name__ == '__main__':
    sys.exit(main())
