#!/usr/bin/env python3
# runtime::app's config policies and catch-all, through tests/rt/policy_app.cpp (a non-Bun "todo" program):
# the default reads no file (a Bun project's bunfig.toml with keys todo does not know is no error), bunfig
# reads Bun's files, named<"todo.toml"> reads the program's own file (and reports its mistakes with file, line,
# column); an unknown first word is an unknown-command error, and a reserved word names todo, not Bun.
# usage: test_app_policies.py <policy_app>
import os, subprocess, sys, tempfile

exe = os.path.abspath(sys.argv[1])
failures = 0


def run(args, cwd, policy, extra_env=None):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": cwd, "POLICY_APP": policy}
    env.update(extra_env or {})
    return subprocess.run([exe] + args, cwd=cwd, env=env, capture_output=True, text=True, timeout=20)


def expect(cond, what, r=None):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures += 1
        if r is not None:
            print(f"  exit {r.returncode}\n  stdout: {r.stdout!r}\n  stderr: {r.stderr!r}")


with tempfile.TemporaryDirectory() as d:
    # A Bun project's bunfig.toml with a key no todo policy knows: fatal only for the bunfig policy.
    with open(os.path.join(d, "bunfig.toml"), "w") as f:
        f.write("[install]\nregistry = \"https://example.com\"\n[features]\ncolour = true\nnot_todos = 1\n")
    r = run(["list"], d, "none")
    expect(r.returncode == 0 and r.stdout == "files= colour=0\n", "default policy: bunfig.toml is not read", r)
    r = run(["list"], d, "named")
    expect(r.returncode == 0 and r.stdout == "files= colour=0\n", "named policy: bunfig.toml is not read", r)
    r = run(["list"], d, "bunfig")
    expect(r.returncode == 1 and "bunfig.toml:5:1" in r.stderr and "not_todos" in r.stderr,
           "bunfig policy: Bun's file is read (its unknown flag is an error)", r)
    r = run(["list", "--config", "missing.toml"], d, "none")
    expect(r.returncode == 0, "default policy: --config is the program's own option", r)

    with open(os.path.join(d, "todo.toml"), "w") as f:
        f.write("[features]\ncolour = true\n")
    r = run(["list"], d, "named")
    expect(r.returncode == 0 and r.stdout == "files=todo.toml colour=1\n", "named policy: ./todo.toml is read", r)
    r = run(["list"], d, "none")
    expect(r.stdout == "files= colour=0\n", "default policy: todo.toml is not read either", r)
    with open(os.path.join(d, "other.toml"), "w") as f:
        f.write("[features]\ncolour = false\n")
    r = run(["list", "-c", "other.toml"], d, "named")
    expect(r.returncode == 0 and r.stdout == "files=other.toml colour=0\n", "named policy: --config replaces it", r)
    r = run(["list", "-c", "nope.toml"], d, "named")
    expect(r.returncode == 1 and "nope.toml" in r.stderr and "not found" in r.stderr,
           "named policy: a missing --config file is an error", r)
    with open(os.path.join(d, "todo.toml"), "w") as f:
        f.write("[features]\ncolour = true\n\ncolor = 1\n")
    r = run(["list"], d, "named")
    expect(r.returncode == 1 and r.stderr.startswith("error:") and "todo.toml:4:1" in r.stderr,
           "named policy: a mistake in todo.toml names file, line and column", r)
    os.unlink(os.path.join(d, "todo.toml"))
    os.mkfifo(os.path.join(d, "todo.toml"))
    r = run(["list"], d, "named")
    expect(r.returncode == 1 and "not a regular file" in r.stderr, "named policy: a FIFO found by name is refused", r)
    os.unlink(os.path.join(d, "todo.toml"))

    # The catch-all is opt-in: todo leaves it off.
    r = run(["lst"], d, "none")
    expect(r.returncode == 2 and 'unknown command "lst"' in r.stderr and "list" in r.stderr,
           "an unknown word close to a command is an unknown-command error", r)
    r = run(["./notes.txt"], d, "none")
    expect(r.returncode == 2 and 'unknown command "./notes.txt"' in r.stderr,
           "without catch_all a path-like word is no command either", r)
    r = run([], d, "none")
    expect(r.returncode == 0 and "List the items" in r.stdout, "no word prints help", r)
    r = run(["sync"], d, "none")
    expect(r.returncode == 1 and r.stderr == "Uh-oh. todo sync is a subcommand reserved for future use by todo.\n",
           "a reserved word names the program, not Bun, and gives no package.json advice without a run command", r)
    for args in (["list"], ["lst"], ["sync"], ["--help"]):
        r = run(args, d, "none")
        expect("Bun" not in r.stdout + r.stderr and "bun" not in r.stdout + r.stderr,
               f"todo {' '.join(args)}: no message mentions Bun", r)

sys.exit(1 if failures else 0)
