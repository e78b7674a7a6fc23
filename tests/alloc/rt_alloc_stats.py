#!/usr/bin/env python3
# `RUNTIME_ALLOC_STATS=1 rt ...` prints the global allocator's figures as one JSON line on stderr at exit;
# without the variable (or with 0/false) it prints nothing.
# usage: rt_alloc_stats.py <rt>
import json, os, subprocess, sys

rt = sys.argv[1]
fails = 0

def run(args, value):
    env = dict(os.environ)
    env.pop("RUNTIME_ALLOC_STATS", None)
    if value is not None:
        env["RUNTIME_ALLOC_STATS"] = value
    return subprocess.run([rt] + args, capture_output=True, text=True, env=env, timeout=30)

def check(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    fails += 0 if cond else 1

for args in (["--version"], ["env"], ["--help"]):
    r = run(args, "1")
    lines = [l for l in r.stderr.splitlines() if l.startswith("{")]
    check(len(lines) == 1, f"{args}: one JSON line on stderr")
    if not lines:
        continue
    j = json.loads(lines[-1])
    keys = {"allocations", "frees", "current_bytes", "peak_bytes", "total_bytes", "size_classes", "allocator"}
    check(keys <= set(j), f"{args}: fields {sorted(keys)}")
    check(len(j["size_classes"]) == 16 and j["size_classes"][-1]["le"] is None, f"{args}: 16 size classes")
    check(sum(c["count"] for c in j["size_classes"]) == j["allocations"], f"{args}: histogram sums to allocations")
    check(j["peak_bytes"] >= j["current_bytes"], f"{args}: peak >= current")
    if args == ["env"]:
        check(j["allocations"] > 0 and j["frees"] > 0 and j["total_bytes"] > 0, "env: allocations are counted")
        check(j["allocator"] in ("mimalloc", "system"), "env: allocator named")
for value in (None, "0", "false"):
    r = run(["--version"], value)
    check(not any(l.startswith("{") for l in r.stderr.splitlines()), f"RUNTIME_ALLOC_STATS={value!r}: silent")
sys.exit(1 if fails else 0)
