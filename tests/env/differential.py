#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Differential .env test: runs each case of a corpus through our loader and compares the resolved environment
with the value recorded from the reference (Bun 1.4.5, or dotenv + dotenv-expand), and, when the reference is
installed, with a live run of it.

  differential.py CASES.json [--bun BUN] [--node NODE --peers DIR] [--record] --ours CMD...

CMD is e.g. `rt env --json` or `env_probe`; its last stdout line must be one JSON object. Each case:
  {"name", "files": {path: text | null (a directory)}, "bytes": {path: latin-1 text written byte for byte},
   "env": {K: V}, "args": [...], "dialect": "bun" | "dotenv", "expect": {...}}
"""
import json, os, shutil, subprocess, sys, tempfile

BASE_ENV = {"PATH": "/usr/bin:/bin"}


def materialize(case, d):
    for name, text in (case.get("files") or {}).items():
        p = os.path.join(d, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if text is None:
            os.makedirs(p, exist_ok=True)
        else:
            with open(p, "wb") as f:
                f.write(text.encode("utf-8"))
    for name, text in (case.get("bytes") or {}).items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(text.encode("latin-1"))


def run_json(cmd, cwd, env):
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, timeout=60)
    lines = [l for l in r.stdout.decode("utf-8", "replace").split("\n") if l.strip()]
    if not lines:
        raise RuntimeError("no output from %s (rc %d): %s" % (cmd, r.returncode, r.stderr.decode()[-400:]))
    return json.loads(lines[-1])


DOTENV_JS = r"""
const fs = require('fs'), path = require('path');
const dotenv = require(path.join(process.argv[1], 'dotenv'));
const { expand } = require(path.join(process.argv[1], 'dotenv-expand'));
const files = JSON.parse(process.argv[2]);
const parsed = {};
for (const f of files) { let t; try { t = fs.readFileSync(f, 'utf8'); } catch (e) { continue; }
  dotenv.populate(parsed, dotenv.parse(t)); }
const env = { ...process.env };
dotenv.populate(env, parsed);
expand({ parsed, processEnv: env });
console.log(JSON.stringify(env));
"""


def dotenv_files(case):
    args = case.get("args") or []
    vals = [a[len("--env-file="):] for a in args if a.startswith("--env-file=")]
    if vals:
        out = []
        for v in reversed(vals):
            v = v.strip(" ")
            for item in reversed(v.split(",")):
                if item:
                    out.append(item)
        return out
    if "--no-env-file" in args:
        return []
    mode = (case.get("env") or {}).get("BUN_ENV", (case.get("env") or {}).get("NODE_ENV"))
    m = mode if mode in ("production", "test") else "development"
    return {"production": [".env.production.local", ".env.local", ".env.production", ".env"],
            "test": [".env.test.local", ".env.test", ".env"]}.get(
        m, [".env.development.local", ".env.local", ".env.development", ".env"])


def reference(case, d, env, bun, node, peers):
    if case.get("dialect", "bun") == "dotenv":
        if not (node and peers):
            return None
        env2 = dict(env)
        return run_json([node, "-e", DOTENV_JS, peers, json.dumps(dotenv_files(case))], d, env2)
    if not bun:
        return None
    return run_json([bun] + (case.get("args") or []) + ["-e", "console.log(JSON.stringify(process.env))"], d, env)


def main():
    argv = sys.argv[1:]
    cases_path = argv.pop(0)
    ours, bun, node, peers, record = [], None, None, None, False
    while argv:
        a = argv.pop(0)
        if a == "--ours":  # the rest of the command line is our command
            ours, argv = argv, []
        elif a == "--bun": bun = argv.pop(0)
        elif a == "--node": node = argv.pop(0)
        elif a == "--peers": peers = argv.pop(0)
        elif a == "--record": record = True
        else: sys.exit("unknown argument " + a)
    peers_bin = os.environ.get("RUNTIME_PEERS")
    if peers_bin and not bun and os.path.exists(os.path.join(peers_bin, "bun")):
        bun = os.path.join(peers_bin, "bun")
    if peers_bin and not peers and os.path.isdir(os.path.join(peers_bin, "..", "dotenv-expand")):
        peers = os.path.normpath(os.path.join(peers_bin, ".."))
    if not node:
        node = shutil.which("node")
    with open(cases_path) as f:
        cases = json.load(f)
    failures, live = 0, 0
    for case in cases:
        d = tempfile.mkdtemp(prefix="envdiff-")
        try:
            materialize(case, d)
            env = dict(BASE_ENV)
            env.update(case.get("env") or {})
            ref = None
            try:
                ref = reference(case, d, env, bun, node, peers)
            except Exception as e:  # the reference missing or broken: fall back to the record
                print("note: %s: reference failed: %s" % (case["name"], e))
            if record:
                if ref is None:  # the reference itself failed (dotenv-expand can loop forever): drop the case
                    print("dropped %s: no reference result" % case["name"])
                    case["drop"] = True
                    continue
                case["expect"] = ref
                continue
            if ref is not None:
                live += 1
                if "expect" in case and ref != case["expect"]:
                    print("note: %s: recorded expectation differs from the live reference" % case["name"])
            expect = ref if ref is not None else case.get("expect")
            if expect is None:
                print("skip %s: no reference result and nothing recorded" % case["name"])
                continue
            args = list(case.get("args") or [])
            if case.get("dialect", "bun") != "bun":
                args += ["--dialect", case["dialect"]]
            got = run_json(ours + args, d, env)
            if got != expect:
                failures += 1
                print("FAIL %s\n  files: %s\n  env: %s args: %s\n  want: %s\n  got:  %s" % (
                    case["name"], json.dumps(case.get("files") or case.get("bytes")), case.get("env"), args,
                    json.dumps(expect, ensure_ascii=False), json.dumps(got, ensure_ascii=False)))
        finally:
            shutil.rmtree(d, ignore_errors=True)
    if record:
        cases = [c for c in cases if not c.get("drop")]
        with open(cases_path, "w") as f:
            json.dump(cases, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print("recorded %d cases" % len(cases))
        return 0
    print("%d cases, %d failed (%d checked against a live reference)" % (len(cases), failures, live))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
