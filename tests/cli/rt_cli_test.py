#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration tests of rt's command line: golden help transcripts, every error message and exit code,
the not-implemented and reserved commands, --cwd, completion scripts (bash -n, and completing by calling the
bash completion function with COMP_WORDS/COMP_CWORD set), and a 100,000-argument command line.

usage: rt_cli_test.py <rt> <golden-dir> [--update]
Goldens are rendered with COLUMNS=100 NO_COLOR=1. Two things that change as handlers are linked in are
normalised away before comparing: the version in the banner and the "not implemented" listing (checked
separately below)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

RT = os.path.abspath(sys.argv[1])
GOLDEN = sys.argv[2]
UPDATE = "--update" in sys.argv[3:]
failures = []
checks = 0


def run(args, env_extra=None, cwd=None):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "COLUMNS": "100", "NO_COLOR": "1", "HOME": "/nonexistent"}
    env.update(env_extra or {})
    p = subprocess.run([RT] + args, capture_output=True, env=env, cwd=cwd, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def normalise(text):
    text = re.sub(r"^(.*) \(\d+\.\d+\.\d+[^)]*\)$", r"\1 (VERSION)", text, count=1, flags=re.M)
    # The "Not implemented by this driver:" paragraph (up to the blank line) and per-command notes.
    text = re.sub(r"Not implemented by this driver:\n(  .*\n)+\n", "", text)
    text = re.sub(r"^rt [a-z-]+ is not implemented by this driver\.\n", "", text, flags=re.M)
    return text


def golden(name, args):
    rc, out, err = run(args)
    check(rc == 0, f"{args}: exit {rc}, want 0 ({err!r})")
    check(err == "", f"{args}: stderr not empty: {err!r}")
    path = os.path.join(GOLDEN, name)
    got = normalise(out)
    if UPDATE:
        with open(path, "w") as f:
            f.write(got)
        return out
    want = open(path).read() if os.path.exists(path) else "<missing golden " + path + ">"
    if got != want:
        import difflib
        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "golden/" + name, "rt " + " ".join(args)))
        check(False, f"{args} drifted from golden/{name}:\n{diff}")
    else:
        check(True, "")
    for line in out.splitlines():
        check(len(line) <= 100, f"{args}: line wider than COLUMNS=100: {line!r}")
    return out


# --- Help -------------------------------------------------------------------------------------------------
main_help = golden("help.txt", ["--help"])
check(golden("help.txt", ["-h"]) == main_help, "-h differs from --help")
check(golden("help.txt", ["help"]) == main_help, "`rt help` differs from --help")
rc, out, err = run([])
check(rc == 0 and out == main_help, "plain `rt` prints the help, exit 0")
install_help = golden("help_install.txt", ["help", "install"])
for args in (["i", "--help"], ["install", "--help"], ["ci", "-h"], ["help", "i"]):
    check(golden("help_install.txt", args) == install_help, f"{args} differs from `rt help install`")
check("rt install is not implemented by this driver." in install_help, "help install says it is not implemented")
golden("help_env.txt", ["help", "env"])
golden("help_run.txt", ["help", "run"])
golden("help_completions.txt", ["completions", "--help"])
golden("help_remove.txt", ["rm", "--help"])
m = re.search(r"Not implemented by this driver:\n((?:  .*\n)+)", main_help)
check(m is not None, "the main help lists the commands that are not implemented")
missing = set(w.strip() for w in m.group(1).replace("\n", " ").split(",")) if m else set()
for c in ["test", "x", "repl", "exec", "install", "add", "remove", "update", "audit", "outdated", "link", "unlink",
          "publish", "patch", "patch-commit", "pm", "why", "build", "init", "create", "upgrade"]:
    check(c in missing, f"help lists {c} as not implemented")
for c in ["completions", "help"]:
    check(c not in missing, f"help does not list {c} as not implemented")
for word in ["deploy", "cloud", "config", "use", "auth", "login", "logout", "prune", "auto"]:
    check(not re.search(r"^  " + word + r"\b", main_help, re.M), f"hidden word {word} is not in the command table")

# Width and colour come from the environment snapshot: COLUMNS, NO_COLOR, FORCE_COLOR (stdout is a pipe here).
rc, out, err = run(["--help"], {"COLUMNS": "60"})
check(rc == 0 and max(len(l) for l in out.splitlines()) <= 60, "COLUMNS=60 wraps the help to 60 columns")
check(out != main_help, "COLUMNS changes the layout")
rc, out, err = run(["--help"], {"NO_COLOR": "", "FORCE_COLOR": "1"})
check(rc == 0 and "\x1b[1mUsage:\x1b[0m" in out, "FORCE_COLOR=1 colours the help")
rc, out, err = run(["--help"], {"NO_COLOR": "1", "FORCE_COLOR": "1"})
check(rc == 0 and "\x1b[1mUsage:\x1b[0m" in out, "FORCE_COLOR wins over NO_COLOR, as in Bun")
rc, out, err = run(["--help"], {"NO_COLOR": "1", "FORCE_COLOR": "0"})
check(rc == 0 and "\x1b" not in out, "a falsy FORCE_COLOR forces nothing")
rc, out, err = run(["--help"], {"NO_COLOR": ""})
check(rc == 0 and "\x1b" not in out, "no colour when stdout is not a terminal")

# --- Version ------------------------------------------------------------------------------------------------
for args in (["--version"], ["-v"], ["--silent", "--version"]):
    rc, out, err = run(args)
    check(rc == 0 and re.fullmatch(r"\d+\.\d+\.\d+\n", out) and err == "", f"{args}: {rc} {out!r} {err!r}")
rc, out, err = run(["--revision"])
check(rc == 0 and re.fullmatch(r"\d+\.\d+\.\d+(\+[0-9a-f]+)?\n", out), f"--revision: {rc} {out!r}")

# --- Usage errors: stderr only, exit 2 --------------------------------------------------------------------
usage_cases = [
    (["instal"], ['error: unknown command "instal"', 'hint: did you mean "install"?', "Usage: rt <command>"]),
    (["--bogus"], ['error: rt has no "--bogus" option', "Usage: rt <command> [...flags] [...args]",
                   "Run 'rt --help' for more information."]),
    (["--silnet"], ['error: rt has no "--silnet" option', 'hint: did you mean "--silent"?']),
    (["i", "--bogus"], ['error: rt install has no "--bogus" option', "Usage: rt install [...flags] [<package>...]",
                        "Run 'rt install --help'"]),
    (["help", "instal"], ['error: unknown command "instal"', 'hint: did you mean "install"?']),
    (["help", "deploy"], ['error: unknown command "deploy"']),
    (["help", "a", "b"], ['error: too many arguments for rt help: unexpected "b"']),
    (["completions"], ["error: rt completions needs <bash|zsh|fish>", "Usage: rt completions [...flags] <bash|zsh|fish>"]),
    (["completions", "tcsh"], ['error: unknown shell "tcsh" (accepted: bash, zsh, fish)']),
    (["env", "--dialect=foo"], ['error: invalid value "foo" for --dialect (accepted: bun, dotenv)']),
    (["env", "--dialect", "dotnev"], ['error: invalid value "dotnev" for --dialect (accepted: bun, dotenv)',
                                      'hint: did you mean "dotenv"?']),
    (["env", "--dialect"], ["error: option --dialect needs a value (accepted: bun, dotenv)"]),
    (["env", "--jsn"], ['error: rt env has no "--jsn" option', 'hint: did you mean "--json"?']),
    (["env", "--json=1"], ["error: option --json does not take a value"]),
    (["env", "extra"], ['error: too many arguments for rt env: unexpected "extra"']),
    (["--json", "env"], ['error: rt has no "--json" option', 'it is an option of "rt info", "rt env", "rt flags"']),
    (["--cwd"], ["error: option --cwd needs a value <dir>"]),
    (["--cwd="], ["error: --cwd needs a non-empty path"]),
    (["--env-file"], ["error: option --env-file needs a value <file>"]),
    (["-x"], ['error: rt has no "-x" option']),
    (["-hx"], ['error: rt has no "-x" option (in "-hx")']),
    (["--config", "-q"], ['error: rt has no "-q" option']),
    # `--` ends option parsing; for a command without trailing args its words still count.
    (["flags", "--", "junk"], ['error: too many arguments for rt flags: unexpected "junk"']),
    (["env", "--", "x"], ['error: too many arguments for rt env: unexpected "x"']),
    (["completions", "bash", "--", "zsh"], ['error: too many arguments for rt completions: unexpected "zsh"']),
    (["completions", "--", "tcsh"], ['error: unknown shell "tcsh" (accepted: bash, zsh, fish)']),
    (["help", "run", "--", "x"], ['error: too many arguments for rt help: unexpected "x"']),
    (["help", "--", "instal"], ['error: unknown command "instal"', 'hint: did you mean "install"?']),
    (["info", "a", "b"], ['error: too many arguments for rt info: unexpected "b"']),
    # A non-ASCII short cluster is one unknown option, shown as whole characters.
    (["-\u00e9"], ['error: rt has no "-\u00e9" option']),
    (["-h\u00e9x"], ['error: rt has no "-\u00e9x" option (in "-h\u00e9x")']),
]
for args, needles in usage_cases:
    rc, out, err = run(args)
    check(rc == 2, f"{args}: exit {rc}, want 2 ({err!r})")
    check(out == "", f"{args}: stdout not empty: {out!r}")
    for n in needles:
        check(n in err, f"{args}: stderr lacks {n!r}: {err!r}")

# An empty or blank word is no near miss of a one-letter command ("x"): no suggestion, and it is run (not found).
for word in ["", " ", "\t"]:
    rc, out, err = run([word])
    check(rc == 1 and "did you mean" not in err and "Script not found" in err, f"{word!r}: {rc} {err!r}")

# `--` only ends option parsing: the word after it is still the command's argument.
rc, out, err = run(["completions", "--", "bash"])
check(rc == 0 and "complete -F _rt_complete rt" in out, f"completions -- bash: {rc} {err!r}")
run_help = golden("help_run.txt", ["help", "--", "run"])
rc, out, err = run(["info", "hono"])
check(rc == 0 and out.startswith("os:"), f"info <package>: {rc} {err!r}")

# --- rt <program>: a word close to a command name still runs what it names ---------------------------------
work = tempfile.mkdtemp()
try:
    bindir = os.path.join(work, "bin")
    proj = os.path.join(work, "proj")
    os.makedirs(bindir)
    os.makedirs(os.path.join(proj, "node_modules", ".bin"))
    def exe(path, text):
        with open(path, "w") as f:
            f.write("#!/bin/sh\n" + text + "\n")
        os.chmod(path, 0o755)
    exe(os.path.join(bindir, "rum"), 'echo "rum $*"')            # close to "run", on PATH
    exe(os.path.join(proj, "node_modules", ".bin", "pmx"), 'echo "pmx $*"')  # close to "pm", a bin
    with open(os.path.join(proj, "package.json"), "w") as f:
        f.write('{"name": "lnik", "description": "updte", "scripts": {"lnk": "echo lnk-script"}}')
    path = bindir + ":" + os.environ.get("PATH", "/usr/bin:/bin")
    for args, cwd, want in ((["true"], None, ""), (["id", "-u"], None, str(os.getuid()) + "\n"),
                            (["rum", "a"], None, "rum a\n"), (["pmx", "b"], proj, "pmx b\n"),
                            (["lnk"], proj, "lnk-script\n"), (["--silent", "lnk"], proj, "lnk-script\n"),
                            (["--cwd", proj, "pmx"], None, "pmx \n"), (["--cwd", proj, "lnk"], None, "lnk-script\n")):
        rc, out, err = run(args, {"PATH": path}, cwd=cwd or work)
        check(rc == 0 and out == want and "unknown command" not in err, f"rt {args} in {cwd}: {rc} {out!r} {err!r}")
    rc, out, err = run(["ps", "-p", "1"], {"PATH": path}, cwd=work)
    check("unknown command" not in err and "PID" in out, f"rt ps -p 1: {rc} {out!r} {err!r}")
    # A word that only appears elsewhere in package.json (a name, a description) is no script.
    for word, near in (("lnik", "link"), ("updte", "update")):
        rc, out, err = run([word], {"PATH": path}, cwd=proj)
        check(rc == 2 and f'hint: did you mean "{near}"?' in err, f"rt {word}: {rc} {err!r}")
    # Without the program anywhere it stays an unknown command with a suggestion.
    rc, out, err = run(["rum"], cwd=work)
    check(rc == 2 and 'hint: did you mean "run"?' in err, f"rt rum without it on PATH: {rc} {err!r}")
finally:
    shutil.rmtree(work, ignore_errors=True)

# --- Arguments echoed in errors are cut as the cli module cuts them ------------------------------------------
huge = "x" * 120000
for args in (["--cwd", "/" + huge, "env"], ["completions", huge], ["--feature", huge + "=1", "env"], ["run", huge]):
    rc, out, err = run(args)
    check(rc in (1, 2) and len(err) < 2000 and "..." in err, f"{args[0]} with a 120 KB argument: {rc} len={len(err)}")

# --- Reserved words and commands this driver does not implement: exit 1, never a fake success ---------------
for word in ["deploy", "cloud", "config", "use", "auth", "login", "logout", "prune"]:
    rc, out, err = run([word])
    check(rc == 1, f"{word}: exit {rc}, want 1")
    check(f"Uh-oh. rt {word} is a subcommand reserved for future use by Bun." in err, f"{word}: {err!r}")
not_impl = {"test": "test", "x": "x", "repl": "repl", "exec": "exec", "install": "install", "i": "install",
            "ci": "install", "add": "add", "a": "add", "remove": "remove", "rm": "remove", "r": "remove",
            "uninstall": "remove", "update": "update", "audit": "audit", "outdated": "outdated", "link": "link",
            "unlink": "unlink", "publish": "publish", "patch": "patch", "patch-commit": "patch-commit", "pm": "pm",
            "why": "why", "build": "build", "init": "init", "create": "create", "c": "create", "upgrade": "upgrade"}
for word, canonical in not_impl.items():
    rc, out, err = run([word, "pkg"])
    check(rc == 1 and err == f"rt {canonical}: not implemented by this driver\n" and out == "",
          f"{word}: {rc} {out!r} {err!r}")

# --- --cwd ------------------------------------------------------------------------------------------------------
rc, out, err = run(["--cwd", "/nonexistent-rt-dir", "install"])
check(rc == 1 and 'Could not change directory to "/nonexistent-rt-dir"' in err, f"--cwd failure: {rc} {err!r}")
rc, out, err = run(["install", "--cwd=/nonexistent-rt-dir"])
check(rc == 1 and "Could not change directory" in err, f"--cwd after the command: {rc} {err!r}")

# --- Scale: 100,000 arguments -------------------------------------------------------------------------------
rc, out, err = run(["install"] + ["pkg%d" % i for i in range(100000)])
check(rc == 1 and "not implemented" in err, f"100,000 arguments: {rc} {err[:200]!r}")
rc, out, err = run(["help", "--bogus-" + "x" * 100000])
check(rc == 2 and len(err) < 2000, f"100 KB unknown option: {rc} len(stderr)={len(err)}")

# --- Completion scripts -------------------------------------------------------------------------------------
rc, bash_script, err = run(["completions", "bash"])
check(rc == 0 and "complete -F _rt_complete rt" in bash_script, f"completions bash: {rc} {err!r}")
work = tempfile.mkdtemp()
try:
    script = os.path.join(work, "rt.bash")
    with open(script, "w") as f:
        f.write(bash_script)
    if shutil.which("bash"):
        p = subprocess.run(["bash", "-n", script], capture_output=True)
        check(p.returncode == 0, f"bash -n: {p.stderr!r}")
        cases = [
            (["rt", "ins"], {"install"}, set()),
            (["rt", "r"], {"run", "r", "rm", "remove", "repl"}, set()),
            (["rt", "un"], {"unlink", "uninstall"}, set()),
            (["rt", "--cwd", "/tmp", "e"], {"env", "exec"}, set()),
            (["rt", "env", "--"], {"--json", "--sources", "--strict", "--dialect", "--show-secrets", "--cwd"}, set()),
            (["rt", "env", "--dia"], {"--dialect"}, set()),
            (["rt", "env", "--dialect", ""], {"bun", "dotenv"}, set()),
            (["rt", "completions", ""], {"bash", "zsh", "fish"}, set()),
            (["rt", "i", "--"], {"--cwd", "--help", "--env-file"}, {"--json"}),
            (["rt", "help", "ins"], {"install"}, set()),
            (["rt", "--"], {"--cwd", "--version", "--revision", "--silent"}, {"--json"}),
            (["rt", "pat"], {"patch", "patch-commit"}, set()),
            (["rt", "dep"], set(), {"deploy"}),
            # Readline splits `--opt=value` at '=' (COMP_WORDBREAKS): the words must be put back together.
            (["rt", "--cwd", "=", "/tmp", "env", "--"], {"--json", "--dialect"}, set()),
            (["rt", "--cwd", "=", "/tmp", "e"], {"env", "exec"}, set()),
            (["rt", "env", "--dialect", "="], {"bun", "dotenv"}, set()),
            (["rt", "env", "--dialect", "=", "dot"], {"dotenv"}, {"bun"}),
            (["rt", "--feature", "=", "a", "=", "1", "completions", ""], {"bash", "zsh", "fish"}, set()),
            (["rt", "completions", "--", ""], {"bash", "zsh", "fish"}, set()),
            (["rt", "help", ""], {"install", "run", "env"}, set()),
        ]
        # Plain bash, and bash with the bash-completion package (its _get_comp_words_by_ref) when installed.
        preludes = [""]
        if os.path.exists("/usr/share/bash-completion/bash_completion"):
            preludes.append("source /usr/share/bash-completion/bash_completion; ")
        for prelude in preludes:
            for words, want, unwanted in cases:
                cword = len(words) - 1
                arr = " ".join("'" + w + "'" for w in words)
                # The line as typed: no blanks around the '=' readline split at.
                line = ""
                for i, w in enumerate(words):
                    glued = i > 0 and (w == "=" or words[i - 1] == "=")
                    line += ("" if glued or i == 0 else " ") + w
                prog = (f"{prelude}source {script}; COMP_WORDS=({arr}); COMP_CWORD={cword}; COMP_LINE='{line}'; "
                        f"COMP_POINT={len(line)}; _rt_complete; printf '%s\\n' \"${{COMPREPLY[@]}}\"")
                p = subprocess.run(["bash", "-c", prog], capture_output=True, cwd=work)
                got = set(p.stdout.decode().split())
                check(p.returncode == 0 and want <= got and not (unwanted & got),
                      f"bash completion of {words} ({prelude or 'plain'}): got {sorted(got)}, want {sorted(want)} "
                      f"without {sorted(unwanted)} {p.stderr!r}")
    rc, zsh_script, err = run(["completions", "zsh"])
    check(rc == 0 and zsh_script.startswith("#compdef rt\n"), f"completions zsh: {rc} {err!r}")
    if shutil.which("zsh"):
        zpath = os.path.join(work, "_rt")
        open(zpath, "w").write(zsh_script)
        p = subprocess.run(["zsh", "-n", zpath], capture_output=True)
        check(p.returncode == 0, f"zsh -n: {p.stderr!r}")
    rc, fish_script, err = run(["completions", "fish"])
    check(rc == 0 and "complete -c rt -n '__fish_use_subcommand' -a 'install'" in fish_script, f"completions fish: {rc}")
    if shutil.which("fish"):
        fpath = os.path.join(work, "rt.fish")
        open(fpath, "w").write(fish_script)
        p = subprocess.run(["fish", "--no-execute", fpath], capture_output=True)
        check(p.returncode == 0, f"fish --no-execute: {p.stderr!r}")
        open(os.path.join(work, "script.sh"), "w").write("true\n")
        fish_cases = [
            ("rt run scr", {"script.sh"}, set()),
            ("rt scr", {"script.sh"}, set()),
            ("rt ./script.sh scr", {"script.sh"}, set()),
            ("rt help ins", {"install"}, set()),
            ("rt help ", {"install", "run", "env"}, {"script.sh"}),
            ("rt completions ", {"bash", "zsh", "fish"}, {"script.sh"}),
            ("rt env --dialect ", {"bun", "dotenv"}, {"script.sh"}),
            ("rt ins", {"install"}, set()),
        ]
        for line, want, unwanted in fish_cases:
            p = subprocess.run(["fish", "--no-config", "-c", f"source {fpath}; complete -C {line!r}"],
                               capture_output=True, cwd=work)
            got = set(l.split("\t")[0] for l in p.stdout.decode().splitlines())
            check(p.returncode == 0 and want <= got and not (unwanted & got),
                  f"fish completion of {line!r}: got {sorted(got)}, want {sorted(want)} without {sorted(unwanted)} {p.stderr!r}")
finally:
    shutil.rmtree(work, ignore_errors=True)

print(f"{checks - len(failures)} of {checks} checks passed")
sys.exit(1 if failures else 0)
