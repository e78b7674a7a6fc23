#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generates random .env files from tricky tokens (quotes, escapes, $-forms, comments, CR/LF, export, colons)
and appends them to a corpus without expectations; run differential.py --record afterwards.
  random_cases.py OUT.json COUNT SEED [dialect]"""
import json, random, sys

TOKENS = ["A", "B", "C", "export ", "=", "=", ":", ": ", " ", "  ", "\t", "\n", "\r\n", "\r", "#", " # c", "'", '"',
          "`", "\\", "\\n", "\\r", "\\$", "$", "$A", "${A}", "${B:-d}", "${C:-${A}}", "${", "}", "x", "val", "é",
          "\u00a0", "$A_", "${A-x}", "${ A}", ".", "-", "1", "\\'", '\\"', "export", "KEY", "$$", "${A:-}", "\f"]


def gen(rng):
    lines = []
    for _ in range(rng.randint(1, 5)):
        k = rng.choice(["A", "B", "C", "export A", "  B", "C ", "A\t", "1", "a.b", "export"])
        sep = rng.choice(["=", "=", "= ", " = ", ": ", ":", "=\n"])
        val = "".join(rng.choice(TOKENS) for _ in range(rng.randint(0, 6)))
        end = rng.choice(["\n", "\n", "\r\n", "", "\r"])
        lines.append(k + sep + val + end)
    return "".join(lines)


def main():
    out, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    dialect = sys.argv[4] if len(sys.argv) > 4 else "bun"
    rng = random.Random(seed)
    cases = []
    for i in range(count):
        c = {"name": "random-%s-%d-%04d" % (dialect, seed, i), "files": {".env": gen(rng)}}
        if rng.random() < 0.3:
            c["env"] = {"A": rng.choice(["p", "", "$B"])}
        if rng.random() < 0.3:
            c["files"][".env.local"] = gen(rng)
        if dialect != "bun":
            c["dialect"] = dialect
        cases.append(c)
    with open(out, "w") as f:
        json.dump(cases, f, indent=1, ensure_ascii=False)
    print(len(cases), "cases")


if __name__ == "__main__":
    main()
