#!/usr/bin/env python3
"""Differential test of `rt run` against `bun run` (Bun 1.4.5), issue 16: each behaviour runs through both in the
same temporary project, and stdout, stderr and the exit status are compared. Where rt deliberately differs (the
README table "rt run vs bun run"), rt's documented behaviour is asserted instead, next to what Bun does.

usage: differential_run.py <rt>     (Bun: $RUNTIME_PEERS/bun, else tests/peers/node_modules/.bin/bun)
Exits 77 (skipped) with a message when Bun is absent. Item 4's signal cases (a signal sent to rt's pid alone)
are compared with Bun here for a one-command script; tests/signal covers the rest (several commands,
background jobs, the terminal, timeout(1)), where Bun leaves processes running and rt does not."""
import json, os, re, signal, stat, subprocess, sys, tempfile, time

RT = os.path.abspath(sys.argv[1])
HERE = os.path.dirname(os.path.abspath(__file__))
peers = os.environ.get("RUNTIME_PEERS") or os.path.join(HERE, "..", "peers", "node_modules", ".bin")
BUN = os.path.join(peers, "bun")
if not os.access(BUN, os.X_OK):
    print(f"skipped: Bun not found at {BUN} (set RUNTIME_PEERS to the directory holding bun 1.4.5)")
    sys.exit(77)
version = subprocess.run([BUN, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
if version != "1.4.5":
    print(f"note: the expectations were taken from Bun 1.4.5; this Bun is {version}")

failures = []
checked = 0


def execute(argv, cwd, env, timeout=30):
    p = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def check(name, got, want):
    global checked
    checked += 1
    if got != want:
        failures.append(f"{name}:\n  got  {got!r}\n  want {want!r}")


class Project:
    """A temporary project: a package.json, files, node_modules/.bin, a PATH directory of 'global' programs."""

    def __init__(self, root):
        self.root = root
        self.global_bin = os.path.join(root, "global-bin")
        os.makedirs(self.global_bin)
        self.home = os.path.join(root, "home")
        os.makedirs(self.home)
        self.dir = os.path.join(root, "proj")
        os.makedirs(self.dir)

    def write(self, rel, text, mode=None):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        if mode:
            os.chmod(path, mode)
        return path

    def env(self, extra=None):
        e = {"PATH": self.global_bin + ":" + os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.home,
             "NO_COLOR": "1", "LANG": "C"}
        e.update(extra or {})
        return e

    def both(self, args, sub="", extra_env=None, rt_args=None, bun_args=None):
        cwd = os.path.join(self.dir, sub)
        env = self.env(extra_env)
        b = execute([BUN, *(bun_args if bun_args is not None else ["run", *args])], cwd, env)
        r = execute([RT, *(rt_args if rt_args is not None else ["run", *args])], cwd, env)
        return b, r

    def same(self, name, args, **kw):
        b, r = self.both(args, **kw)
        check(name, r, b)
        return b, r


PACKAGE = """{
  "name": "demo",
  "version": "1.2.3",
  "config": {"port": "8080"},
  "scripts": {
    "prehello": "echo pre",
    "hello": "echo hello",
    "posthello": "echo post",
    "fail": "exit 3",
    "prefailpre": "exit 4",
    "failpre": "echo main",
    "postfailmain": "echo never",
    "failmain": "exit 6",
    "args": "echo args",
    "empty": "",
    "bash": "[[ 1 == 1 ]] && echo {a,b}",
    "term": "kill -TERM $$",
    "two": "exit 2",
    "where": "pwd",
    "vars": "env | grep -E '^(npm_|NODE=)' | sort",
    "path": "echo $PATH",
    "tool": "mytool from-script",
    "dotenv": "echo \\"X=${X-unset}\\"",
  },
}
"""


def npm_lines(text):
    """The npm variables a script printed, with the two that name the runner itself left out (README table)."""
    return [l for l in text.splitlines() if not l.startswith(("npm_execpath=", "npm_config_user_agent="))]


def bun_path(p):
    """Bun puts a directory with a `node` link to itself first when it finds no node; rt has none to put."""
    parts = p.split(":")
    return ":".join(parts[1:]) if parts and "bun-node" in parts[0] else p


with tempfile.TemporaryDirectory() as root:
    pj = Project(os.path.realpath(root))
    pj.write("package.json", PACKAGE)
    pj.write("t.sh", "echo tsh\n")
    pj.write("s2.sh", 'echo "$0" "$1"\n')
    pj.write("f.sh", "exit 5\n")
    pj.write("index.js", "console.log(1)\n")
    pj.write("sub/deeper/.keep", "")
    pj.write("node_modules/.bin/mytool", '#!/bin/sh\necho local-tool "$@"; exit ${CODE:-0}\n', 0o755)
    with open(os.path.join(pj.global_bin, "mytool"), "w") as f:
        f.write('#!/bin/sh\necho global-tool "$@"\n')
    os.chmod(os.path.join(pj.global_bin, "mytool"), 0o755)

    # 1. lifecycle: pre<name>, <name>, post<name>; extra arguments go to the main script only; a failing step ends it.
    pj.same("lifecycle", ["hello"])
    pj.same("lifecycle with arguments", ["hello", "a", "b"])
    pj.same("failing pre script", ["failpre"])
    pj.same("failing main script skips post", ["failmain"])

    # 2. npm variables (scripts and programs); the runner's own path and user agent differ by design.
    b, r = pj.both(["vars"])
    check("npm variables of a script", (r[0], npm_lines(r[1]), r[2]), (b[0], npm_lines(b[1]), b[2]))
    check("npm variables: npm_lifecycle_event", "npm_lifecycle_event=vars" in r[1], True)
    b, r = pj.both(["sh", "-c", "env | grep -E '^(npm_|NODE=)' | sort"])
    check("npm variables of a program", (r[0], npm_lines(r[1]), r[2]), (b[0], npm_lines(b[1]), b[2]))
    b, r = pj.both(["vars"], extra_env={"npm_config_user_agent": "mine/1", "npm_execpath": "/x"})
    check("a user agent already set wins", (r[0], r[1], r[2]), (b[0], b[1], b[2]))
    check("rt names itself in npm_config_user_agent",
          re.search(r"^npm_config_user_agent=rt/\S+ npm/\? node/\? \S+ \S+$", pj.both(["vars"])[1][1], re.M) is not None,
          True)

    # 3. nearest package.json: found from a subdirectory; the script runs in its directory.
    pj.same("nearest package.json, run there", ["where"], sub="sub/deeper")
    pj.same("nearest package.json, lifecycle", ["hello"], sub="sub/deeper")
    pj.same("the auto command from a subdirectory", [], sub="sub/deeper", rt_args=["hello"], bun_args=["hello"])
    pj.same("a program from a subdirectory runs in the working directory", ["sh", "-c", "pwd"], sub="sub/deeper")

    # 4. the shell: bash from PATH ([[ ]], brace expansion).
    pj.same("bash", ["bash"])

    # 5. lookup: node_modules/.bin before PATH, for scripts and programs, and on a program's PATH.
    pj.same("local bin wins over PATH", ["mytool", "a"])
    pj.same("local bin from a subdirectory", ["mytool", "a"], sub="sub/deeper")
    pj.same("local bin from a script", ["tool"])
    pj.same("the auto command runs a local bin", [], rt_args=["mytool", "b"], bun_args=["mytool", "b"])
    b, r = pj.both(["path"], sub="sub/deeper")
    check("a script's PATH", (r[0], r[1], r[2]), (b[0], bun_path(b[1].strip()) + "\n", b[2]))
    b, r = pj.both(["sh", "-c", "echo $PATH"], sub="sub/deeper")
    check("a program's PATH", (r[0], r[1], r[2]), (b[0], bun_path(b[1].strip()) + "\n", b[2]))

    # 6. arguments: only a `--` right after the target is dropped.
    pj.same("-- after a script", ["args", "--", "a", "--", "b"])
    pj.same("-- -- after a script", ["args", "--", "--", "b"])
    pj.same("-- later", ["args", "a", "--", "b"])
    pj.same("-- after a program", ["echo", "--", "a"])
    pj.same("-- after a program's arguments", ["sh", "-c", 'echo "$@"', "x", "--", "y"])
    pj.same("quoted arguments on the $ line", ["args", "a b", "c$d", "e'f", 'g"h', "", "1", "x*"])

    # 7. --if-present
    pj.same("--if-present, absent", ["--if-present", "nope"])
    pj.same("--if-present, present", ["--if-present", "hello"])

    # 8. no target: the run usage (each its own), then the scripts (rt says "rt run" where Bun says "bun run").
    b, r = pj.both([])
    check("no target: status", r[0], b[0])
    tail = lambda out: out[out.rindex("\npackage.json scripts (") + 1:] if "\npackage.json scripts (" in out else out
    check("no target: the script list", tail(r[1]), tail(b[1]).replace("$ bun run ", "$ rt run "))
    check("no target: the usage comes first", r[1].startswith("Usage: rt run"), True)
    with tempfile.TemporaryDirectory() as bare:
        for name, text in [("no package.json", None), ("no scripts", "{}"), ("empty scripts", '{"scripts":{}}')]:
            if text is not None:
                with open(os.path.join(bare, "package.json"), "w") as f:
                    f.write(text)
            b = execute([BUN, "run"], bare, pj.env())
            r = execute([RT, "run"], bare, pj.env())
            check("no target, " + name, (r[0], r[1].splitlines()[-1:], r[2]), (b[0], b[1].splitlines()[-1:], b[2]))

    # 9. bare file names
    pj.same("a bare .sh name runs ./t.sh", ["t.sh", "x"])
    pj.same("$0 of a .sh file", ["s2.sh", "--", "x"])
    pj.same("a failing .sh file prints nothing", ["f.sh"])
    pj.same("a missing .sh file", ["nope.sh"])
    pj.same("a missing file with an extension", ["nope.txt"])
    pj.same("a missing path", ["./nope.sh"])
    pj.same("a missing name", ["nope"])
    pj.same("the auto command runs a .sh file", [], rt_args=["t.sh"], bun_args=["t.sh"])

    # 10. messages
    pj.same("a failing script", ["fail"])
    pj.same("exit 2 is not reported for a script", ["two"])
    pj.same("a script killed by a signal", ["term"])
    pj.same("a failing program", ["mytool"], extra_env={"CODE": "3"})
    pj.same("exit 2 is reported for a program", ["mytool"], extra_env={"CODE": "2"})
    pj.same("a program killed by a signal", ["sh", "-c", "kill -TERM $$"])
    for target in (["fail"], ["term"], ["nope"], ["./nope.js"], ["nope.txt"], ["mytool"]):
        pj.same("colour (FORCE_COLOR): " + target[0], target, extra_env={"FORCE_COLOR": "1", "CODE": "3"})
    pj.same("--silent", ["--silent", "fail"])
    pj.same("--silent before run", [], rt_args=["--silent", "run", "hello"], bun_args=["--silent", "run", "hello"])

    # 11. package.json as Bun reads it: comments and trailing commas (PACKAGE has them), an empty script.
    pj.same("an empty script is not found", ["empty"])
    pj.same("--if-present and an empty script", ["--if-present", "empty"])

    # 12. bunfig for run: an unknown key is passed over (rt warns); the global bunfig is not read by run.
    pj.write("bunfig.toml", "smoll = true\n[run]\nsilnet = true\n")
    b, r = pj.both(["hello"])
    check("unknown bunfig keys: stdout and status", (r[0], r[1]), (b[0], b[1]))
    check("unknown bunfig keys: rt warns, then runs as Bun does",
          r[2], 'warning: unknown key "smoll" (did you mean "smol"?)\n --> bunfig.toml:1:1\n  |\n1 | smoll = true\n'
                '  | ^\nwarning: unknown key "silnet" in [run] (did you mean "silent"?)\n --> bunfig.toml:3:1\n'
                '  |\n3 | silnet = true\n  | ^\n' + b[2])
    os.remove(os.path.join(pj.dir, "bunfig.toml"))
    with open(os.path.join(pj.home, ".bunfig.toml"), "w") as f:
        f.write("[run]\nsilent = true\n")
    pj.same("the global bunfig is not read by run ($HOME)", ["hello"])
    xdg = os.path.join(pj.root, "xdg")
    os.makedirs(xdg)
    with open(os.path.join(xdg, ".bunfig.toml"), "w") as f:
        f.write("[run]\nsilent = true\n")
    pj.same("the global bunfig is not read by run ($XDG_CONFIG_HOME)", ["hello"], extra_env={"XDG_CONFIG_HOME": xdg})
    pj.same("nor by the auto command", [], rt_args=["hello"], bun_args=["hello"], extra_env={"XDG_CONFIG_HOME": xdg})
    pj.write("bunfig.toml", "[run]\nsilent = true\n")
    pj.same("the project bunfig's [run] silent", ["fail"])
    os.remove(os.path.join(pj.dir, "bunfig.toml"))

    # 13. Bun run flags: accepted; those rt cannot honour add one note line on stderr.
    for flags in (["--smol"], ["--shell=system"], ["--elide-lines=3"], ["--elide-lines", "3"]):
        pj.same("flag " + " ".join(flags), [*flags, "hello"])
    for flags, note in ((["--bun"], "note: --bun"), (["-b"], "note: --bun"), (["--shell=bun"], "note: rt has no Bun shell"),
                        (["--no-orphans"], "note: --no-orphans")):
        b, r = pj.both([*flags, "hello"])
        check("flag " + " ".join(flags) + ": stdout and status", (r[0], r[1]), (b[0], b[1]))
        lines = r[2].splitlines(keepends=True)
        check("flag " + " ".join(flags) + ": one note, then Bun's stderr",
              (len(lines) > 0 and lines[0].startswith(note) and "\n" not in lines[0][:-1], "".join(lines[1:])),
              (True, b[2]))

    # Deliberate differences (README "rt run vs bun run"): rt's behaviour is asserted.
    # JavaScript files: Bun runs them; rt says it does not and names bun/node, exit 1.
    for target in ("index.js", "./index.js"):
        r = execute([RT, "run", target], pj.dir, pj.env())
        check("a JavaScript file (" + target + ")",
              (r[0], r[1], r[2].startswith("error: rt runs programs, shell scripts and package.json scripts, not "
                                           "JavaScript or TypeScript files"), "bun run " + target in r[2]),
              (1, "", True, True))
    # .env: rt passes the resolved environment to scripts and programs; --no-env-file is Bun's behaviour.
    pj.write(".env", "X=from-dotenv\n")
    b, r = pj.both(["dotenv"])
    check("Bun does not pass .env to a script", b[1], "X=unset\n")
    check("rt passes .env to a script", (r[0], r[1]), (0, "X=from-dotenv\n"))
    b, r = pj.both(["sh", "-c", 'echo "${X-unset}"'])
    check("rt passes .env to a program", (r[0], r[1], b[1]), (0, "from-dotenv\n", "unset\n"))
    pj.same("--no-env-file is Bun's behaviour", [], rt_args=["--no-env-file", "run", "dotenv"], bun_args=["run", "dotenv"])
    os.remove(os.path.join(pj.dir, ".env"))
    # `[env] file = "path"` in bunfig.toml: an rt extension (Bun rejects the key).
    pj.write("extra.env", "X=from-bunfig\n")
    pj.write("bunfig.toml", '[env]\nfile = "extra.env"\n')
    r = execute([RT, "run", "dotenv"], pj.dir, pj.env())
    check("[env] file (rt extension)", (r[0], r[1]), (0, "X=from-bunfig\n"))
    os.remove(os.path.join(pj.dir, "bunfig.toml"))
    # `rt <program>` runs a program from PATH; Bun's auto command says Script not found.
    b = execute([BUN, "true"], pj.dir, pj.env())
    r = execute([RT, "true"], pj.dir, pj.env())
    check("rt <program>", (r[0], b[0], b[2]), (0, 1, 'error: Script not found "true"\n'))
    # An unknown command close to a command name: did you mean, exit 2.
    r = execute([RT, "hepl"], pj.dir, pj.env())
    check("unknown command", (r[0], "did you mean" in r[2]), (2, True))
    # A malformed bunfig.toml is a located error for rt; Bun's run passes over it.
    pj.write("bunfig.toml", "smol = \n")
    b, r = pj.both(["hello"])
    check("malformed bunfig", (b[0], r[0], r[1], r[2].splitlines()[1] if r[2].count("\n") > 1 else r[2]),
          (0, 1, "", " --> bunfig.toml:1:8"))
    os.remove(os.path.join(pj.dir, "bunfig.toml"))

    # package.json rt cannot read: a located error, never "Script not found", and never a hang.
    with tempfile.TemporaryDirectory() as bad:
        bad = os.path.realpath(bad)
        with open(os.path.join(bad, "package.json"), "w") as f:
            f.write('{"scripts": {"start": "echo a" "b": "x"}}\n')
        r = execute([RT, "run", "start"], bad, pj.env())
        check("malformed package.json", (r[0], r[1], r[2].startswith("error: invalid package.json: "),
                                         f" --> {bad}/package.json:1:" in r[2]), (1, "", True, True))
        r = execute([RT, "start"], bad, pj.env())
        check("malformed package.json, auto command", (r[0], r[2].startswith("error: invalid package.json: ")),
              (1, True))
        os.remove(os.path.join(bad, "package.json"))
        os.mkfifo(os.path.join(bad, "package.json"))
        r = execute([RT, "run", "a"], bad, pj.env(), timeout=10)
        check("a FIFO package.json", (r[0], r[1], r[2].splitlines()[:2]),
              (1, "", ["error: cannot read package.json: is not a regular file", f" --> {bad}/package.json"]))
        os.remove(os.path.join(bad, "package.json"))
        with open(os.path.join(bad, "package.json"), "w") as f:
            f.write('{"scripts": {"a": "echo a"}, "pad": "' + "x" * (16 << 20) + '"}')
        r = execute([RT, "run", "a"], bad, pj.env())
        check("an oversized package.json", (r[0], r[1], r[2].startswith("error: cannot read package.json: "),
                                            f" --> {bad}/package.json" in r[2]), (1, "", True, True))

    # Programs that cannot be started: Bun's two lines. For a missing `#!` interpreter rt also names it
    # (README "rt run vs bun run"); Bun's line is rt's first part.
    pj.write("node_modules/.bin/garbage", "\x7fELFgarbage", 0o755)
    pj.write("node_modules/.bin/noint", "#!/nonexistent/interp\n", 0o755)
    pj.same("a program the kernel cannot execute", ["garbage"])
    pj.same("a program the kernel cannot execute, auto command", [], rt_args=["garbage"], bun_args=["garbage"])
    b, r = pj.both(["noint", "a"])
    check("a program whose interpreter is missing",
          (r[0], r[1], r[2]), (b[0], b[1], b[2].rstrip("\n") + "; its interpreter /nonexistent/interp was not found\n"))

    # Item 4: a signal sent to the runner's pid alone ends a one-command script at once, with the same report
    # and status as Bun, and leaves nothing running.
    def signalled(argv, sig, marker):
        p = subprocess.Popen(argv, cwd=pj.dir, env=pj.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not survivors(marker):
            time.sleep(0.02)
        os.kill(p.pid, sig)
        try:
            out, err = p.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        time.sleep(0.2)
        left = survivors(marker)
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return p.returncode, out.decode(), err.decode(), left

    def survivors(marker):
        found = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/cmdline", "rb") as f:
                        if marker.encode() in f.read():
                            found.append(int(d))
                except OSError:
                    pass
        return found

    for sig, secs in ((signal.SIGTERM, "31.25"), (signal.SIGINT, "31.5"), (signal.SIGHUP, "31.75")):
        pj.write("package.json", '{"scripts": {"long": "sleep %s"}}' % secs)
        b = signalled([BUN, "run", "long"], sig, "sleep\0" + secs)
        r = signalled([RT, "run", "long"], sig, "sleep\0" + secs)
        check(f"{sig.name} to the runner's pid alone", r[:3], b[:3])
        check(f"{sig.name}: nothing of the script is left running", r[3], [])
    pj.write("package.json", PACKAGE)

if failures:
    print("\n".join(failures))
    print(f"{len(failures)} of {checked} checks failed")
    sys.exit(1)
print(f"ok: {checked} checks against bun {version}")
