#!/usr/bin/env python3
"""Checks the layout rules of modules/ (docs/architecture.md, modules/README.md).

usage: check_layout.py <source root>
  - an umbrella header modules/runtime/<m>.hpp holds comments and #includes only;
  - every part modules/runtime/<m>/<part>.hpp and every detail header starts with its SPDX line and then a
    comment naming its one concern ("// runtime.<m> / <part>: ..." or "// runtime detail / <file>: ..."),
    stays under MAX_LINES, has at most one export block, and declares namespaces as
    `namespace runtime { inline namespace v1 {` (not `runtime::inline v1::`, which simple indexers miss);
  - detail headers export nothing;
  - modules/README.md names every part, so a concern is found from there in one step.
"""
import glob, os, re, sys

MAX_LINES = 720
root = sys.argv[1]
mdir = os.path.join(root, "modules", "runtime")
readme = open(os.path.join(root, "modules", "README.md")).read()
bad = []

for umbrella in sorted(glob.glob(os.path.join(mdir, "*.hpp"))):
    name = os.path.basename(umbrella)[:-4]
    if not os.path.isdir(os.path.join(mdir, name)):
        continue
    for n, line in enumerate(open(umbrella), 1):
        s = line.strip()
        if s and not s.startswith("//") and not s.startswith("#"):
            bad.append(f"modules/runtime/{name}.hpp:{n}: an umbrella holds only comments and #includes")
            break

for path in sorted(glob.glob(os.path.join(mdir, "*", "*.hpp"))):
    rel = os.path.relpath(path, os.path.join(root, "modules"))
    folder, part = rel.split("/")[1], os.path.basename(path)[:-4]
    lines = open(path).read().split("\n")
    want = f"// runtime detail / {part}:" if folder == "detail" else f"// runtime.{folder} / {part}:"
    if not lines[0].startswith("// SPDX-License-Identifier:"):
        bad.append(f"{rel}:1: no SPDX line")
    if len(lines) < 2 or not lines[1].startswith(want):
        bad.append(f"{rel}:2: the second line must name the file's concern, starting `{want}`")
    if len(lines) > MAX_LINES:
        bad.append(f"{rel}: {len(lines)} lines; a part holds one concern in at most {MAX_LINES}")
    exports = sum(1 for l in lines if l.strip() == "RUNTIME_EXPORT_BEGIN")
    if folder == "detail" and (exports or any("RUNTIME_EXPORT" in l for l in lines)):
        bad.append(f"{rel}: detail headers export nothing")
    if exports > 1:
        bad.append(f"{rel}: {exports} export blocks; one per header")
    for n, l in enumerate(lines, 1):
        if re.match(r"\s*namespace runtime::", l):
            bad.append(f"{rel}:{n}: write `namespace runtime {{ inline namespace v1 {{`")
    if f"{folder}/{part}.hpp" not in readme:
        bad.append(f"{rel}: not listed in modules/README.md")

for b in bad:
    print(b)
print(f"{len(glob.glob(os.path.join(mdir, '*', '*.hpp')))} headers checked, {len(bad)} problems")
sys.exit(1 if bad else 0)
