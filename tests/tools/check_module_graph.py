#!/usr/bin/env python3
"""Checks the hand-written module table in modules/meson.build against what clang-scan-deps finds.

usage: check_module_graph.py <clang-scan-deps> <modules dir> <modules/meson.build>
Fails when a module's real imports differ from its table row, or when a module is built before one it imports.
"""
import json, os, re, subprocess, sys, tempfile

scan, mdir, mbuild = sys.argv[1:4]
text = open(mbuild).read()
table = re.search(r"module_table = \[(.*?)\n\]", text, re.S).group(1)
rows = re.findall(r"\['([\w.]+)',\s*'([\w.]+)',\s*\[([^\]]*)\]\]", table)
order = [r[0] for r in rows]
declared = {r[0]: (r[1], set(re.findall(r"'([\w.]+)'", r[2]))) for r in rows}

cdb = [{"directory": mdir, "file": os.path.join(mdir, unit),
        "arguments": ["clang++-19", "-std=c++20", "-x", "c++-module", "-I", mdir, "-c", os.path.join(mdir, unit),
                      "-o", unit + ".o"]} for unit, _ in declared.values()]
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
    json.dump(cdb, f)
out = subprocess.run([scan, "-format=p1689", "-compilation-database", f.name], capture_output=True, text=True)
os.unlink(f.name)
if out.returncode != 0:
    print(out.stderr)
    sys.exit(1)
found = {}
for rule in json.loads(out.stdout)["rules"]:
    provides = [p["logical-name"] for p in rule.get("provides", [])]
    requires = {r["logical-name"] for r in rule.get("requires", [])}
    for p in provides:
        found[p] = requires
bad = 0
for name, (unit, deps) in declared.items():
    real = found.get(name)
    if real is None:
        print(f"{unit}: does not provide {name}")
        bad += 1
        continue
    if real != deps:
        print(f"{name}: table says {sorted(deps)}, the interface unit imports {sorted(real)}")
        bad += 1
    for d in real:
        if d in order and order.index(d) > order.index(name):
            print(f"{name} is built before its import {d}")
            bad += 1
missing = set(found) - set(declared)
for m in sorted(missing):
    print(f"{m}: provided by an interface unit but missing from the table")
    bad += 1
print(f"{len(declared)} modules checked, {bad} problems")
sys.exit(1 if bad else 0)
