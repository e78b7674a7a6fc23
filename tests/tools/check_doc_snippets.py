#!/usr/bin/env python3
# Every ```cpp block of README.md and docs/*.md is compiled, and every one with a main() is linked and run:
# the docs are only as good as the code in them. A block is a complete translation unit written for both modes
# (`#if RUNTIME_USE_MODULES import ...; #else #include ... #endif`); the compiler and its mode's flags are given
# after `--`, so the same blocks are checked in header mode and in module mode.
#
# An HTML comment on the line before a block says how to treat it (docs/README.md documents this):
#   <!-- snippet: skip <reason> -->       not compiled (a fragment that names things it does not declare)
#   <!-- snippet: args=<words>; env=K=V K2=V2; exit=<n>; setup=<file>:<text> -->   how to run the program
#                                          (args split as a shell would; setup text with \n for newlines)
#   <!-- snippet-output -->                before a ```text block right after a program: its exact stdout
# usage: check_doc_snippets.py <source root> [--link <archive>] -- <compiler> <flags...>
import os, re, shlex, subprocess, sys, tempfile

argv = sys.argv[1:]
split = argv.index("--")
opts, cxx = argv[:split], argv[split + 1:]
root = opts[0]
link = opts[opts.index("--link") + 1:opts.index("--link") + 2] if "--link" in opts else []

FENCE = re.compile(r"^```(\w*)\s*$")
MARK = re.compile(r"^<!--\s*snippet(-output)?\s*:?\s*(.*?)\s*-->\s*$")


def blocks(path):
    """Yields (line, lang, text, marker, output) for each fenced block; output: the marked ```text after it."""
    lines = open(path, encoding="utf-8").read().split("\n")
    found, i, marker = [], 0, None
    while i < len(lines):
        m = MARK.match(lines[i])
        if m:
            marker = ("output", "") if m.group(1) else ("snippet", m.group(2))
            i += 1
            continue
        f = FENCE.match(lines[i])
        if f:
            start, lang, j = i + 1, f.group(1), i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            text = "\n".join(lines[start:j]) + "\n"
            if marker and marker[0] == "output" and found and found[-1][1] == "cpp":
                found[-1] = found[-1][:4] + (text,)
            else:
                found.append((start, lang, text, marker[1] if marker else None, None))
            marker, i = None, j + 1
            continue
        if lines[i].strip():
            marker = None
        i += 1
    return found


def parse_marker(m):
    spec = {}
    if not m:
        return spec
    if m.startswith("skip"):
        reason = m[4:].strip()
        if not reason:
            raise ValueError("a skipped block must say why: <!-- snippet: skip <reason> -->")
        return {"skip": reason}
    for part in m.split(";"):
        part = part.strip()
        if not part:
            continue
        key, _, value = part.partition("=")
        spec[key.strip()] = value.strip()
    unknown = set(spec) - {"args", "env", "exit", "setup"}
    if unknown:
        raise ValueError("unknown snippet keys: " + ", ".join(sorted(unknown)))
    return spec


docs = [os.path.join(root, "README.md")] + sorted(
    os.path.join(root, "docs", f) for f in os.listdir(os.path.join(root, "docs")) if f.endswith(".md"))
failed = checked = skipped = 0
with tempfile.TemporaryDirectory() as tmp:
    for doc in docs:
        rel = os.path.relpath(doc, root)
        for n, (line, lang, text, marker, output) in enumerate(blocks(doc)):
            if lang != "cpp":
                continue
            where = f"{rel}:{line}"
            try:
                spec = parse_marker(marker)
            except ValueError as e:
                print(f"FAIL {where}: {e}")
                failed += 1
                continue
            if "skip" in spec:
                print(f"skip {where}: {spec['skip']}")
                skipped += 1
                continue
            checked += 1
            src = os.path.join(tmp, f"snippet{n}_{os.path.basename(doc)}.cpp")
            with open(src, "w") as f:
                f.write(f"#line {line} \"{rel}\"\n" + text)
            is_program = re.search(r"\bint\s+main\s*\(", text) is not None
            exe = src[:-4]
            cmd = cxx + [src] + (["-o", exe] + link + ["-pthread"] if is_program else ["-c", "-o", exe + ".o"])
            try:
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            except subprocess.TimeoutExpired:
                print(f"FAIL {where}: the compiler timed out")
                failed += 1
                continue
            if r.returncode != 0:
                print(f"FAIL {where}: does not compile\n{r.stderr[-4000:]}")
                failed += 1
                continue
            if not is_program:
                print(f"ok   {where}: compiles")
                continue
            run_dir = tempfile.mkdtemp(dir=tmp)
            if "setup" in spec:
                name, _, content = spec["setup"].partition(":")
                with open(os.path.join(run_dir, name), "w") as f:
                    f.write(content.encode().decode("unicode_escape"))
            env = {"PATH": "/usr/bin:/bin", "HOME": run_dir}
            for kv in shlex.split(spec.get("env", "")):
                k, _, v = kv.partition("=")
                env[k] = v
            try:
                p = subprocess.run([exe] + shlex.split(spec.get("args", "")), cwd=run_dir, env=env,
                                   capture_output=True, text=True, timeout=30)
            except subprocess.TimeoutExpired:
                print(f"FAIL {where}: the program did not finish in 30 s")
                failed += 1
                continue
            want = int(spec.get("exit", "0"))
            problems = []
            if p.returncode != want:
                problems.append(f"exit {p.returncode}, want {want}")
            if output is not None and p.stdout != output:
                problems.append(f"stdout {p.stdout!r}, want {output!r}")
            if problems:
                print(f"FAIL {where}: " + "; ".join(problems) + f"\n  stderr: {p.stderr[-2000:]!r}")
                failed += 1
            else:
                print(f"ok   {where}: runs" + (" (output checked)" if output is not None else ""))
print(f"{checked} blocks checked, {skipped} skipped, {failed} failed")
sys.exit(1 if failed or checked == 0 else 0)
