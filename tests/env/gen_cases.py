#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the case corpus (tests/env/cases.json) without expectations; differential.py --record fills them in
from the reference (Bun 1.4.5 for dialect bun, dotenv 18 + dotenv-expand 12 for dialect dotenv)."""
import json, sys

single = [
    # basics and whitespace
    "A=1", "A=1\nB=2\n", "  A=1  ", "A = 1", "A=  spaced value  ", "A=\tx\t", "A=", "A=\n", "A", "A\n", "=1",
    "A=1\n\n\n\nB=2", "\n\n  \n", "A=1\r\nB=2\r\n", "A=1\rB=2", "A=a b c", "A=a\fb", "A=\vvalue\v",
    # keys
    "1A=x", "a.b-c_d=1", "A B=1", "A=1\nA=2", "A=1\nB=$A\nA=2", "export A=1", "export  A=2", "export\tA=3",
    "export = bar", "export=1", "exportA=1", "export A", "export export A=1", "A: b", "A:b", "A :b", "A : b",
    "K\n=v", "K\n\n=v\nX=1", "A=\n\"v\"", "A=\nB=2", "A==b", "A=b=c", "-A=1", ".=dot", "A$=1", "A-B=1\nC=${A-B}",
    # comments
    "# c\nA=1", "A=1 # c", "A=1#c", "A=foo#bar", "A=\"x\" # c", "A='x'#c", "A=\"x#y\"", "#A=1", "  # A=1\nB=2",
    "A=# only", "A=\"a\" b", "A='a' b\nC=1",
    # double quotes
    "A=\"v\"", "A=\"\"", "A=\"a b\"", "A=\"a\\nb\"", "A=\"a\\rb\"", "A=\"a\\tb\"", "A=\"a\\\\nb\"", "A=\"a\\\"b\"",
    "A=\"a\"b\"\nC=1", "A=\"abc", "A=\"abc\nB=2", "A=\"line1\nline2\"", "A=\"l1\r\nl2\"\nB=1", "A=\"l1\rl2\"",
    "A=  \"padded\"  ", "A=\"x\"y", "A=\"\\$B\"\nB=1", "A=\"it's\"", "A=\"a\\'b\"", "A=\"\\u00e9\"",
    "A=\"trailing\\\\\"\nB=1", "A=\"x\\\"\nB=2\"", "A=\"#notcomment\"",
    # single quotes
    "A='v'", "A=''", "A='a\\nb'", "A='a\\'b'", "A='$B'\nB=1", "A='${B}'\nB=x", "A='a\nb'", "A='abc", "A='a\"b'",
    "A='x' # c", "A='multi\r\nline'",
    # backticks
    "A=`v`", "A=`a\\nb`", "A=`it's \"q\"`", "A=`l1\nl2`", "A=`abc", "A=`$B`\nB=9",
    # expansion
    "A=1\nB=$A", "A=1\nB=${A}", "B=$A\nA=1", "A=x\nB=${A}${A}", "B=${A:-def}", "A=\nB=${A:-def}", "A=v\nB=${A:-def}",
    "B=$A:-def", "A=a$ b", "A=a$", "A=$", "A=$$", "A=\\$x", "A=\\$", "A=a\\b", "B=${}", "B=${:-d}", "B=${A", "B=${A}x}",
    "B=${A:-${C:-deep}}", "C=c\nB=${A:-${C}}", "B=${A-x}", "B=${A:=x}", "B=${A+x}", "B=${ A }", "B=$1", "A=1\nB=$A_",
    "A=1\nB=${A}_", "A=1\nB=$A.x", "A=1\nB=\"$A\"", "A=1\nB='$A'", "A=1\nB=`$A`", "A=$A", "A=${A}x", "A=$B\nB=$A",
    "A=x\nA=$A$A", "B=${A:-a}b${A:-c}", "B=${A:-\\}}", "B=${A:-x\\$y}", "B=\\${A}", "A=v\nB=\\\\$A",
    "B=${A:-}", "A=1\nB=${A:-${C}", "A=pre${UNSET}post", "U=${HOME}", "U=$PATH:/x",
    # odd bytes
    "A=\u00e9t\u00e9", "A=\u00a0x\u00a0", "\ufeffA=bom\nB=2", "A=emoji \U0001F600", "A=tab\there",
    "A=nul\u0001ctl", "A=\"\u2028\"",
]

cases = []
for i, text in enumerate(single):
    cases.append({"name": "single-%03d" % i, "files": {".env": text}})

# Bytes that are not UTF-8 (written byte for byte).
cases.append({"name": "bytes-latin1", "bytes": {".env": "A=caf\xe9\nB=ok\n"}})
cases.append({"name": "bytes-nbsp", "bytes": {".env": "A=\xc3\xa9\xa0 \nB=1"}})

# Process environment versus files.
proc = [
    ("process-wins", {".env": "A=file\nB=file"}, {"A": "proc"}),
    ("process-expands", {".env": "X=$A\nA=f"}, {"A": "proc"}),
    ("process-empty-wins", {".env": "A=file"}, {"A": ""}),
    ("process-not-reexpanded", {".env": "B=$A"}, {"A": "$HOME"}),
    ("process-default", {".env": "B=${A:-d}"}, {"A": ""}),
    ("process-path", {".env": "P=$PATH:/extra"}, {}),
    ("node-env-in-file-ignored", {".env": "NODE_ENV=production\nA=env", ".env.production": "A=prod"}, {}),
]
for name, files, env in proc:
    cases.append({"name": name, "files": files, "env": env})

# File precedence by mode.
allfiles = {
    ".env": "A=env\nB=env\nC=env\nD=env\nE=env\nF=env\nR=$A",
    ".env.local": "A=local\nB=local\nC=local\nL=$E",
    ".env.development": "A=dev\nB=dev\nDV=$X",
    ".env.development.local": "A=devlocal\nX=devlocal",
    ".env.production": "A=prod\nB=prod",
    ".env.production.local": "A=prodlocal",
    ".env.test": "A=test\nB=test",
    ".env.test.local": "A=testlocal",
}
for name, env in [("mode-dev", {}), ("mode-prod", {"NODE_ENV": "production"}), ("mode-test", {"NODE_ENV": "test"}),
                  ("mode-bun-env-wins", {"NODE_ENV": "production", "BUN_ENV": "test"}),
                  ("mode-bun-env-empty", {"NODE_ENV": "production", "BUN_ENV": ""}),
                  ("mode-undefined", {"NODE_ENV": "undefined"}), ("mode-bun-env-prod", {"BUN_ENV": "production"}),
                  ("mode-Production", {"NODE_ENV": "Production"})]:
    cases.append({"name": name, "files": allfiles, "env": env})
cases.append({"name": "lower-priority-not-loaded-yet", "files": {".env.local": "B=$A", ".env": "A=1"}})
cases.append({"name": "higher-priority-visible", "files": {".env.local": "A=1", ".env": "B=$A"}})
cases.append({"name": "default-dir-skipped", "files": {".env": None, ".env.local": "A=1"}})
cases.append({"name": "default-empty-file", "files": {".env": "", ".env.local": "A=1"}})

# --env-file.
ef = {"a": "A=a\nX=a", "b": "A=b\nB=b", "c": "A=c\nC=$A", ".env": "D=default", "sub/d": "D=d"}
for name, args in [("ef-one", ["--env-file", "a"]), ("ef-comma", ["--env-file", "a,b"]),
                   ("ef-comma-space", ["--env-file", "a, b"]), ("ef-repeat", ["--env-file", "a", "--env-file", "b"]),
                   ("ef-repeat-rev", ["--env-file", "b", "--env-file", "a"]), ("ef-expand-across", ["--env-file", "c,a"]),
                   ("ef-missing", ["--env-file", "nope"]), ("ef-empty", ["--env-file", ""]),
                   ("ef-blank-items", ["--env-file", ",a,,"]), ("ef-dup", ["--env-file", "a,a,b"]),
                   ("ef-subdir", ["--env-file", "sub/d"]), ("ef-trim", ["--env-file", "  a  "]),
                   ("ef-dotenv", ["--env-file", ".env"]), ("ef-dir", ["--env-file", "sub"]),
                   ("no-env-file", ["--no-env-file"]), ("no-env-file-plus-ef", ["--no-env-file", "--env-file", "a"])]:
    # Bun's command detection would take the word after a bare --env-file for the command: use the = form.
    joined = []
    while args:
        a = args.pop(0)
        joined.append(a + "=" + args.pop(0) if a == "--env-file" else a)
    cases.append({"name": name, "files": ef, "args": joined})

# dotenv dialect (checked against the dotenv + dotenv-expand packages).
dotenv_single = [
    "A=1", "A=1\nB=$A", "B=$A\nA=1", "A='$B'\nB=1", "A=\"a\\nb\"", "A='a\\nb'", "A=\"a\"b\"\nC=1", "A=\"abc\nB=2",
    "A=\"l1\nl2\"", "export A=1", "A: b", "A=1 # c", "A=foo#bar", "B=${A:-def}", "B=${A-def}", "A=x\nB=${A:+alt}",
    "B=${A:+alt}", "A=\\$x", "A=a$ b", "A=`a`", "A=  'x'  ", "A=\"x\\\"y\"", "A=$nullable", "A=1\r\nB=2",
    "A=\n  B=2", "A=x\nA=y", "A='a' b", "B=${A}${A}\nA=1", "A=$B\nB=$A", "A=pre${UNSET}post",
]
for i, text in enumerate(dotenv_single):
    cases.append({"name": "dotenv-%03d" % i, "files": {".env": text}, "dialect": "dotenv"})
cases.append({"name": "dotenv-process-wins", "files": {".env": "A=file\nB=$A"}, "env": {"A": "proc"},
              "dialect": "dotenv"})
cases.append({"name": "dotenv-files", "files": {".env": "A=env\nB=$A", ".env.local": "A=local"}, "dialect": "dotenv"})

# Random files from tricky tokens (random_cases.py), fixed seeds: 150 for Bun, 100 for dotenv.
import os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import random
import random_cases
for dialect, seed, count in (("bun", 11, 150), ("dotenv", 12, 100)):
    rng = random.Random(seed)
    for i in range(count):
        c = {"name": "random-%s-%d-%04d" % (dialect, seed, i), "files": {".env": random_cases.gen(rng)}}
        if rng.random() < 0.3:
            c["env"] = {"A": rng.choice(["p", "", "$B"])}
        if rng.random() < 0.3:
            c["files"][".env.local"] = random_cases.gen(rng)
        if dialect != "bun":
            c["dialect"] = dialect
        cases.append(c)

with open(sys.argv[1] if len(sys.argv) > 1 else "cases.json", "w") as f:
    json.dump(cases, f, indent=1, ensure_ascii=False)
    f.write("\n")
print(len(cases), "cases")
