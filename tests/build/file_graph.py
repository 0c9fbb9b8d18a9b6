#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""file_graph.py OBJECT... - the engine's link graph, file by file and module by module.

A file uses another when one of its undefined symbols is defined there (read with nm from the
object files CMake built, so the graph is what the linker sees, not what the headers promise).
Fails when a cycle exists between files or between modules (engine/<module>/), naming the
symbols on each edge of the cycle. --files / --modules print the graph instead (DOT-like
"a -> b" lines, one per edge, sorted).
"""
import subprocess
import sys
from collections import defaultdict


def source_of(obj):
    """.../trykk_core.dir/jobs/plan.c.o -> jobs/plan.c"""
    rel = obj.split(".dir/", 1)[-1]
    return rel[:-2] if rel.endswith(".o") else rel


def symbols(obj):
    out = subprocess.run(["nm", "-g", obj], capture_output=True, text=True, check=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
        elif len(parts) == 3 and parts[1] not in ("U", "w", "v"):
            defined.add(parts[2])
    return defined, used


def build_graph(objs):
    owner, uses = {}, {}
    for obj in objs:
        name = source_of(obj)
        defined, used = symbols(obj)
        for s in defined:
            owner[s] = name
        uses[name] = used
    edges = defaultdict(set)  # (from, to) -> symbols
    for name, used in uses.items():
        for s in used:
            to = owner.get(s)
            if to and to != name:
                edges[(name, to)].add(s)
    return sorted(uses), edges


def module_edges(edges):
    out = defaultdict(set)
    for (a, b), syms in edges.items():
        ma, mb = a.split("/", 1)[0], b.split("/", 1)[0]
        if ma != mb:
            out[(ma, mb)] |= {f"{a}->{b}:{s}" for s in syms}
    return out


def cycles(nodes, edges):
    """Strongly connected components with more than one node (Tarjan, iterative)."""
    succ = defaultdict(list)
    for a, b in edges:
        succ[a].append(b)
    index, low, on, stack, comps, counter = {}, {}, set(), [], [], [0]
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(succ[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        x = stack.pop()
                        on.discard(x)
                        comp.append(x)
                        if x == v:
                            break
                    if len(comp) > 1:
                        comps.append(sorted(comp))
            elif w not in index:
                index[w] = low[w] = counter[0]
                counter[0] += 1
                stack.append(w)
                on.add(w)
                work.append((w, iter(sorted(succ[w]))))
            elif w in on:
                low[v] = min(low[v], index[w])
    return comps


def report(kind, comps, edges):
    for comp in comps:
        print(f"{kind} cycle: {' '.join(comp)}", file=sys.stderr)
        members = set(comp)
        for (a, b), syms in sorted(edges.items()):
            if a in members and b in members:
                shown = ", ".join(sorted(syms)[:4])
                print(f"  {a} -> {b}: {shown}", file=sys.stderr)


def main(argv):
    mode = None
    if argv and argv[0] in ("--files", "--modules"):
        mode, argv = argv[0], argv[1:]
    objs = [a for a in argv if a.endswith(".o")]
    if not objs:
        print("usage: file_graph.py [--files|--modules] OBJECT.o...", file=sys.stderr)
        return 2
    nodes, edges = build_graph(objs)
    medges = module_edges(edges)
    if mode:
        for a, b in sorted(edges if mode == "--files" else medges):
            print(f"{a} -> {b}")
        return 0
    fc = cycles(nodes, edges)
    mc = cycles(sorted({n.split("/", 1)[0] for n in nodes}), medges)
    report("file", fc, edges)
    report("module", mc, medges)
    if fc or mc:
        return 1
    print(f"{len(nodes)} files, {len(edges)} file edges, {len(medges)} module edges, no cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
