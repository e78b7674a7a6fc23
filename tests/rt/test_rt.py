#!/usr/bin/env python3
"""Integration tests of `rt run` and of runtime::app's startup sequence (rt and the minimal greet example).

usage: test_rt.py <rt> <greet> <throwing_app>
Each case runs the real binaries in a scratch directory with a small fixed environment; prints one line per
case and exits non-zero when any fails.
"""
import json, os, signal, subprocess, sys, tempfile, time

RT, GREET, THROWER = sys.argv[1], sys.argv[2], sys.argv[3]
BASE_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/nonexistent-home", "NO_COLOR": "1", "LANG": "C"}
failures = []
ran = 0


def run(args, cwd, env=None, timeout=20, **kw):
    e = dict(BASE_ENV)
    e.update(env or {})
    return subprocess.run(args, cwd=cwd, env=e, capture_output=True, text=True, timeout=timeout, **kw)


def case(fn):
    global ran
    ran += 1
    with tempfile.TemporaryDirectory() as d:
        try:
            fn(d)
            print(f"ok   {fn.__name__}")
        except AssertionError as ex:
            failures.append(fn.__name__)
            print(f"FAIL {fn.__name__}: {ex}")
        except subprocess.TimeoutExpired as ex:
            failures.append(fn.__name__)
            print(f"FAIL {fn.__name__}: timed out: {ex}")
    return fn


def write(d, name, text):
    p = os.path.join(d, name)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(text)
    return p


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


@case
def child_sees_resolved_environment(d):
    write(d, ".env", "FOO=from-env\nBAR=${FOO}-x\nKEEP=file\n")
    write(d, ".env.local", "FOO=from-local\n")
    r = run([RT, "run", "sh", "-c", 'printf "%s|%s|%s" "$FOO" "$BAR" "$KEEP"'], d, {"KEEP": "process"})
    expect(r.returncode == 0, f"exit {r.returncode}: {r.stderr}")
    expect(r.stdout == "from-local|from-local-x|process", repr(r.stdout))


@case
def run_env_equals_rt_env_json(d):
    write(d, ".env", "A=1\nB='two words'\nC=\"line\\nbreak\"\n")
    j = json.loads(run([RT, "env", "--json"], d).stdout.strip().splitlines()[-1])
    r = run([RT, "run", sys.executable, "-c", "import json,os;print(json.dumps(dict(os.environ)))"], d)
    child = json.loads(r.stdout)
    for k in ("A", "B", "C"):
        expect(child.get(k) == j.get(k), f"{k}: child {child.get(k)!r} vs rt env {j.get(k)!r}")


@case
def env_file_and_no_env_file(d):
    write(d, ".env", "X=default\n")
    write(d, "other.env", "X=other\n")
    r = run([RT, "--env-file", "other.env", "run", "sh", "-c", 'printf %s "$X"'], d)
    expect(r.stdout == "other", repr(r.stdout))
    r = run([RT, "--no-env-file", "run", "sh", "-c", 'printf %s "${X-unset}"'], d)
    expect(r.stdout == "unset", repr(r.stdout))


@case
def repeated_options_keep_every_value(d):
    # A repeated list option keeps all its values, in order (the later file wins, as in Bun 1.4.5:
    # `bun --env-file a.env --env-file b.env` gives A=1 B=2 X=b), whether rt runs a program or prints `rt env`.
    write(d, ".env", "X=default\n")
    write(d, "a.env", "A=1\nX=a\n")
    write(d, "b.env", "B=2\nX=b\n")
    r = run([RT, "--env-file", "a.env", "--env-file", "b.env", "run", "sh", "-c", 'printf "%s|%s|%s" "$A" "$B" "$X"'], d)
    expect(r.returncode == 0 and r.stdout == "1|2|b", f"{r.returncode} {r.stdout!r} {r.stderr!r}")
    r = run([RT, "env", "--json", "--env-file=a.env", "--env-file=b.env"], d)
    j = json.loads(r.stdout.strip().splitlines()[-1])
    expect((j.get("A"), j.get("B"), j.get("X")) == ("1", "2", "b"), f"rt env: {r.stdout!r} {r.stderr!r}")
    # A repeated comma list: every --feature applies, not only the last.
    r = run([RT, "--feature", "disable_dns_cache=true", "--feature", "dns_cache_ttl=5,log_level=error", "flags", "--json"], d)
    got = {f["name"]: (f["value"], f["source"]) for f in json.loads(r.stdout)["flags"]}
    expect(got["disable_dns_cache"][0] is True and got["dns_cache_ttl"][0] == 5 and got["log_level"][0] == "error",
           f"rt flags: {got}")
    expect(len({got[n][1] for n in ("disable_dns_cache", "dns_cache_ttl", "log_level")}) == 1, f"sources: {got}")


@case
def bunfig_env_file_false_disables_default_files(d):
    write(d, ".env", "X=default\n")
    write(d, "bunfig.toml", "[env]\nfile = false\n")
    r = run([RT, "run", "sh", "-c", 'printf %s "${X-unset}"'], d)
    expect(r.stdout == "unset", repr(r.stdout))
    write(d, "cfg/other.toml", "env = true\n")
    r = run([RT, "--config=cfg/other.toml", "run", "sh", "-c", 'printf %s "${X-unset}"'], d)
    expect(r.stdout == "default", repr(r.stdout))
    # As Bun: an optional value is only taken from "=", so "--config x" makes x the program to run.
    r = run([RT, "--config", "cfg/other.toml"], d)
    expect(r.returncode != 0, "a config path given without = must not be read as the config")


@case
def bunfig_env_file_path_and_log_level(d):
    write(d, ".env", "X=default\n")
    write(d, "custom.env", "X=custom\n")
    write(d, "bunfig.toml", 'logLevel = "debug"\n[env]\nfile = "custom.env"\n')
    r = run([RT, "run", "sh", "-c", 'printf %s "$X"'], d)
    expect(r.stdout == "custom", repr(r.stdout))
    expect("DEBUG runtime.app: stage dispatch" in r.stderr, "bunfig logLevel=debug shows the stage spans: " + r.stderr)
    r = run([RT, "--env-file=.env", "run", "sh", "-c", 'printf %s "$X"'], d, {"RUNTIME_LOG": "error"})
    expect(r.stdout == "default" and "DEBUG" not in r.stderr, f"{r.stdout!r} {r.stderr!r}")


@case
def cwd_flag(d):
    write(d, "sub/.env", "WHERE=sub\n")
    r = run([RT, "--cwd", "sub", "run", "sh", "-c", 'printf "%s %s" "$WHERE" "$(pwd)"'], d)
    expect(r.stdout == "sub " + os.path.realpath(os.path.join(d, "sub")), repr(r.stdout))
    r = run([RT, "--cwd", "missing", "run", "true"], d)
    expect(r.returncode == 1, f"exit {r.returncode}")
    expect('Could not change directory to "missing"' in r.stderr, r.stderr)


@case
def exit_status_passthrough(d):
    r = run([RT, "run", "sh", "-c", "exit 3"], d)
    expect(r.returncode == 3, f"exit {r.returncode}")
    expect('error: "sh" exited with code 3' in r.stderr, r.stderr)
    r = run([RT, "sh", "-c", "exit 0"], d)  # the auto command
    expect(r.returncode == 0 and r.stderr == "", f"exit {r.returncode} {r.stderr!r}")


@case
def child_killed_by_signal_kills_rt_the_same_way(d):
    r = run([RT, "run", "sh", "-c", "kill -TERM $$"], d)
    expect(r.returncode == -signal.SIGTERM, f"returncode {r.returncode} (want death by SIGTERM)")
    expect('due to signal SIGTERM' in r.stderr, r.stderr)


@case
def missing_program(d):
    r = run([RT, "run", "no-such-program-xyz"], d)
    expect(r.returncode == 1, f"exit {r.returncode}")
    expect(r.stderr.strip() == 'error: Script not found "no-such-program-xyz"', repr(r.stderr))
    r = run([RT, "run", "./nope.sh"], d)
    expect(r.returncode == 1 and 'error: Module not found "./nope.sh"' in r.stderr, r.stderr)


@case
def package_json_scripts_and_node_modules_bin(d):
    write(d, "package.json", json.dumps({"scripts": {"hello": "printf 'hi %s' \"$GREETING\""}}))
    write(d, ".env", "GREETING=there\n")
    r = run([RT, "run", "hello"], d)
    expect(r.returncode == 0 and r.stdout == "hi there", f"{r.returncode} {r.stdout!r} {r.stderr!r}")
    tool = write(d, "node_modules/.bin/mytool", "#!/bin/sh\nprintf 'tool %s' \"$1\"\n")
    os.chmod(tool, 0o755)
    os.makedirs(os.path.join(d, "deep/er"))
    r = run([RT, "run", "mytool", "arg"], os.path.join(d, "deep/er"))
    expect(r.returncode == 0 and r.stdout == "tool arg", f"{r.returncode} {r.stdout!r} {r.stderr!r}")


@case
def programs_are_found_on_the_resolved_path(d):
    # Issue 18 item 19: `rt <program>` and `rt run <program>` look in the PATH the child gets (here only .env
    # has one), not in the process's.
    tool = write(d, "bin/zzprog", "#!/bin/sh\nprintf 'found %s' \"$1\"\n")
    os.chmod(tool, 0o755)
    write(d, ".env", f"PATH={d}/bin:/usr/bin:/bin\n")
    for args in ([RT, "zzprog", "a"], [RT, "run", "zzprog", "a"]):
        r = subprocess.run(args, cwd=d, env={"HOME": "/nonexistent-home"}, capture_output=True, text=True, timeout=20)
        expect(r.returncode == 0 and r.stdout == "found a", f"{args[1:]}: {r.returncode} {r.stdout!r} {r.stderr!r}")


@case
def args_after_program_belong_to_it(d):
    r = run([RT, "run", "sh", "-c", 'printf "%s," "$@"', "x", "--help", "-v", "--", "--cwd"], d)
    expect(r.stdout == "--help,-v,--,--cwd,", repr(r.stdout))


@case
def forwards_sigterm_to_child_and_exits_with_its_status(d):
    script = 'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.05; done'
    e = dict(BASE_ENV)
    p = subprocess.Popen([RT, "run", "sh", "-c", script], cwd=d, env=e, stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    expect(line.strip() == "ready", repr(line))
    p.send_signal(signal.SIGTERM)
    out, _ = p.communicate(timeout=10)
    expect("got-term" in out, repr(out))
    expect(p.returncode == 7, f"exit {p.returncode}")


@case
def forwards_sigint_child_dies_rt_dies(d):
    e = dict(BASE_ENV)
    p = subprocess.Popen([RT, "run", "sh", "-c", "echo ready; exec sleep 30"], cwd=d, env=e, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    expect(p.stdout.readline().strip() == "ready", "no ready line")
    t = time.monotonic()
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=10)
    expect(p.returncode == -signal.SIGINT, f"returncode {p.returncode}")
    expect(time.monotonic() - t < 5, "took too long")
    expect("due to signal" not in err, "SIGINT is not reported, as Bun does: " + err)


@case
def startup_stages_are_timed_in_order(d):
    r = run([RT, "run", "true"], d, {"RUNTIME_LOG": "runtime.app=debug"})
    expect(r.returncode == 0, r.stderr)
    stages = [l.split("stage ", 1)[1].split(" took")[0] for l in r.stderr.splitlines() if "runtime.app: stage " in l]
    want = ["crash handler", "allocator", "command line", "environment", "feature flags", "logging", "signals",
            "dispatch", "shutdown"]
    expect(stages == want, f"stages {stages}")
    r = run([GREET, "hello"], d, {"RUNTIME_LOG": "runtime.app=debug"})
    expect(r.stdout == "hello, world\ngoodbye\n", repr(r.stdout))
    expect(r.stderr.count("runtime.app: stage ") == 9, r.stderr)


@case
def log_filter_from_dotenv_takes_effect(d):
    write(d, ".env", "RUNTIME_LOG=runtime.app=debug\n")
    r = run([RT, "run", "true"], d)
    stages = [l for l in r.stderr.splitlines() if "runtime.app: stage " in l]
    # Logging is configured from the resolved environment at its stage: the later stages show.
    expect(any("stage dispatch" in l for l in stages), r.stderr)


@case
def a_bad_log_filter_warns_once_and_changes_nothing_else(d):
    r = run([RT, "run", "true"], d, {"RUNTIME_LOG": "runtime.app=loud"})
    expect(r.returncode == 0, f"exit {r.returncode}")
    expect(r.stderr.count("ignoring RUNTIME_LOG") == 1, repr(r.stderr))


@case
def stage_failures_have_their_error_and_exit_code(d):
    r = run([RT, "--bogus"], d)
    expect(r.returncode == 2 and "error:" in r.stderr, f"usage: {r.returncode} {r.stderr!r}")
    write(d, "bunfig.toml", "logLevel = \"loud\"\n")
    r = run([RT, "run", "true"], d)
    expect(r.returncode == 1, f"bunfig: exit {r.returncode} {r.stderr!r}")
    expect("bunfig.toml:1:" in r.stderr, r.stderr)
    os.unlink(os.path.join(d, "bunfig.toml"))
    write(d, ".env", "GOOD=1\nBAD='unterminated\n")
    r = run([RT, "env", "--strict"], d)
    expect(r.returncode == 1 and ".env:2:" in r.stderr, f"strict: {r.returncode} {r.stderr!r}")
    r = run([RT, "run", "true"], d)
    expect(r.returncode == 0, f"lenient .env must not fail: {r.stderr!r}")
    r = run([GREET, "hello", "--name"], d)
    expect(r.returncode == 2, f"greet usage: {r.returncode}")


@case
def greet_policies_and_precedence(d):
    write(d, ".env", "GREET_NAME=dotenv\n")
    r = run([GREET, "hello"], d)
    expect(r.stdout.startswith("hello, dotenv"), repr(r.stdout))
    r = run([GREET, "hello", "-n", "cli"], d, {"GREET_FEATURE_SHOUT": "1"})
    expect(r.stdout.startswith("hello, CLI"), repr(r.stdout))


@case
def sigterm_during_greet_runs_no_hook_twice(d):
    r = run([GREET, "hello"], d)
    expect(r.stdout.count("goodbye") == 1, repr(r.stdout))


@case
def flags_json_survives_invalid_utf8(d):
    # A value that is not UTF-8 used to make nlohmann throw type_error.316 and rt abort (exit 134).
    env = dict(BASE_ENV, BUN_RUNTIME_TRANSPILER_CACHE_PATH="x\udcffy")
    r = subprocess.run([RT, "flags", "--json"], cwd=d, env=env, capture_output=True, timeout=20)
    expect(r.returncode == 0, f"exit {r.returncode}: {r.stderr!r}")
    j = json.loads(r.stdout.decode("utf-8"))
    got = [f["value"] for f in j["flags"] if f["name"] == "transpiler_cache_path"]
    expect(got == ["x\ufffdy"], repr(got))
    # rt env --json and rt info --json have their own writer; it must give valid JSON too.
    r = subprocess.run([RT, "env", "--json"], cwd=d, env=env, capture_output=True, timeout=20)
    expect(r.returncode == 0, f"env --json: exit {r.returncode}")
    expect(json.loads(r.stdout.decode("utf-8"))["BUN_RUNTIME_TRANSPILER_CACHE_PATH"] == "x\ufffdy", repr(r.stdout))
    r = subprocess.run([RT, "info", "--json"], cwd=d, env=env, capture_output=True, timeout=20)
    expect(r.returncode == 0 and json.loads(r.stdout.decode("utf-8"))["os"], f"info --json: {r.returncode}")


@case
def flags_text_escapes_control_characters(d):
    r = run([RT, "flags"], d, {"BUN_RUNTIME_TRANSPILER_CACHE_PATH": "a\x1b[31mred\nnext\tz"})
    expect(r.returncode == 0, f"exit {r.returncode}: {r.stderr!r}")
    expect("\x1b" not in r.stdout, repr(r.stdout))
    line = [l for l in r.stdout.splitlines() if l.startswith("transpiler_cache_path")]
    expect(len(line) == 1 and "a?[31mred\\nnext\\tz" in line[0], repr(r.stdout))


@case
def handler_exceptions_are_one_line_errors(d):
    for what, want in (("bad_alloc", "error: out of memory\n"),
                       ("runtime_error", "error: disk on fire second line\n"),
                       ("int", "error: unknown exception\n")):
        r = run([THROWER, what], d)
        expect(r.returncode == 1, f"{what}: exit {r.returncode} {r.stderr!r}")
        expect(r.stderr == want, f"{what}: {r.stderr!r}")
    r = run([THROWER, "error"], d)
    expect(r.returncode == 1 and "a runtime error" in r.stderr, f"runtime::error: {r.returncode} {r.stderr!r}")
    r = run([THROWER, "none"], d)
    expect(r.returncode == 0 and r.stderr == "", f"no throw: {r.returncode} {r.stderr!r}")


@case
def empty_env_file_is_like_bun(d):
    # Bun 1.4.5: `--env-file=` is an env file that does not exist, so the default .env files are not read and
    # nothing fails (`bun --env-file= -e ...` exits 0 without .env's variables). rt does the same.
    write(d, ".env", "X=default\n")
    r = run([RT, "--env-file=", "run", "sh", "-c", 'printf %s "${X-unset}"'], d)
    expect(r.returncode == 0 and r.stdout == "unset", f"{r.returncode} {r.stdout!r} {r.stderr!r}")


print(f"{ran - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
