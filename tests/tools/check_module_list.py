#!/usr/bin/env python3
"""Checks that every place naming the modules agrees with module_table in the top-level meson.build.

usage: check_module_list.py <source root>
The table is the one list; this test fails when any of these disagrees with it:
  - the interface units on disk (modules/runtime*.cppm) and the table's rows;
  - each interface unit's imports (text level; the module-graph test checks the same with clang-scan-deps);
  - each module's header-mode includes of sibling modules (modules/runtime/<m>.hpp and modules/runtime/<m>/*.hpp);
  - the umbrellas: modules/runtime.cppm (export import of every module) and modules/runtime/runtime.hpp;
  - the module graph table in modules/README.md.
"""
import glob, os, re, sys

root = sys.argv[1]
text = open(os.path.join(root, "meson.build")).read()
table = re.search(r"module_table = \[(.*?)\n\]", text, re.S).group(1)
rows = re.findall(r"\['([\w.]+)',\s*'([\w.]+)',\s*\[([^\]]*)\]\]", table)
order = [r[0] for r in rows]
declared = {r[0]: (r[1], set(re.findall(r"'([\w.]+)'", r[2]))) for r in rows}
mdir = os.path.join(root, "modules")
bad = []

units = {os.path.basename(p) for p in glob.glob(os.path.join(mdir, "runtime*.cppm"))}
for u in sorted(units - {d[0] for d in declared.values()}):
    bad.append(f"modules/{u}: an interface unit missing from module_table")
for name, (unit, deps) in declared.items():
    path = os.path.join(mdir, unit)
    if not os.path.isfile(path):
        bad.append(f"module_table names {unit}, which does not exist")
        continue
    src = open(path).read()
    m = re.search(r"^export module ([\w.]+);", src, re.M)
    if not m or m.group(1) != name:
        bad.append(f"modules/{unit}: does not declare `export module {name};`")
    imports = set(re.findall(r"^(?:export )?import ([\w.]+);", src, re.M))
    if imports != deps:
        bad.append(f"modules/{unit}: imports {sorted(imports)}, module_table says {sorted(deps)}")
    for d in deps:
        if order.index(d) > order.index(name):
            bad.append(f"module_table: {name} comes before its import {d}")

modules = [n for n in order if n != "runtime"]
short = {n: n.split(".", 1)[1] for n in modules}
for name in modules:
    s = short[name]
    files = [os.path.join(mdir, "runtime", s + ".hpp")] + sorted(glob.glob(os.path.join(mdir, "runtime", s, "*.hpp")))
    if not os.path.isfile(files[0]):
        bad.append(f"modules/runtime/{s}.hpp: the header of {name} is missing")
        continue
    included = set()
    for f in files:
        for inc in re.findall(r'#\s*include "runtime/(\w+)\.hpp"', open(f).read()):
            if "runtime." + inc in declared and inc != s:
                included.add("runtime." + inc)
    if included != declared[name][1]:
        bad.append(f"{name}: its headers include {sorted(included)}, module_table says it imports "
                   f"{sorted(declared[name][1])}")

umbrella = open(os.path.join(mdir, "runtime.cppm")).read()
exported = re.findall(r"^export import ([\w.]+);", umbrella, re.M)
if exported != modules:
    bad.append(f"modules/runtime.cppm exports {exported}, module_table order is {modules}")
header = open(os.path.join(mdir, "runtime", "runtime.hpp")).read()
included = ["runtime." + i for i in re.findall(r'#include "runtime/(\w+)\.hpp"', header)]
if included != modules:
    bad.append(f"modules/runtime/runtime.hpp includes {included}, module_table order is {modules}")

readme = open(os.path.join(mdir, "README.md")).read()
readme = readme[readme.index("## Module graph"):]
readme = readme[:readme.index("\n## ", 1)]   # the graph section only
rows = re.findall(r"^\| `(runtime[\w.]*)`\s*\|([^|]*)\|", readme, re.M)
seen = {}
for name, deps in rows:
    deps = deps.strip()
    if "all of the above" in deps:
        got = {n for n in order if order.index(n) < order.index(name)}
    else:
        got = set(re.findall(r"`(runtime\.\w+)`", deps))
    seen[name] = got
for name in order:
    if name not in seen:
        bad.append(f"modules/README.md: the graph table has no row for {name}")
    elif seen[name] != declared[name][1]:
        bad.append(f"modules/README.md: {name} imports {sorted(seen[name])} there, module_table says "
                   f"{sorted(declared[name][1])}")
for name in seen:
    if name not in declared:
        bad.append(f"modules/README.md: {name} is not in module_table")

doc = open(os.path.join(root, "docs", "modules-without-meson.md")).read()
m = re.search(r'^ORDER="([^"]*)"', doc, re.M)
if not m or m.group(1).split() != order:
    bad.append(f"docs/modules-without-meson.md: ORDER is not module_table's order {order}")

for b in bad:
    print(b)
print(f"{len(declared)} modules checked, {len(bad)} problems")
sys.exit(1 if bad else 0)
