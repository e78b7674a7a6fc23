#!/usr/bin/env python3
# Integration tests of `rt flags`: sources, precedence, JSON output and the exact error shapes.
# usage: rt_flags_test.py <rt> <fixtures dir>
import json, os, shutil, subprocess, sys, tempfile

rt, fixtures = sys.argv[1], sys.argv[2]
failures = []


def run(args, cwd, env=None):
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.path.join(cwd, "nohome")}
    base.update(env or {})
    p = subprocess.run([rt, "flags", *args], cwd=cwd, env=base, capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def check(name, got, want):
    if got != want:
        failures.append(f"{name}:\n  got  {got!r}\n  want {want!r}")


with tempfile.TemporaryDirectory() as d:
    code, out, err = run([], d)
    if code != 0 and ("not implemented" in err or "unknown command" in err):
        print("rt flags is not dispatched by this driver yet:", err.strip())
        sys.exit(77)

    # Defaults.
    check("defaults exit", code, 0)
    check("defaults header", out.splitlines()[0].split(), ["FLAG", "VALUE", "SOURCE"])
    check("defaults stderr", err, "")

    # Every source, in JSON.
    os.makedirs(os.path.join(d, "xdg"))
    shutil.copy(os.path.join(fixtures, "global.toml"), os.path.join(d, "xdg", ".bunfig.toml"))
    shutil.copy(os.path.join(fixtures, "project.toml"), os.path.join(d, "bunfig.toml"))
    env = {"XDG_CONFIG_HOME": os.path.join(d, "xdg"), "BUN_FEATURE_FLAG_DISABLE_SOURCE_MAPS": "TRUE",
           "BUN_ENABLE_EXPERIMENTAL_SHELL_BUILTINS": "off", "BUN_CONFIG_MAX_HTTP_REQUESTS": "128"}
    code, out, err = run(["--json"], d, env)
    check("json exit", code, 0)
    j = json.loads(out)
    by = {f["name"]: f for f in j["flags"]}
    check("json names", list(by), ["disable_source_maps", "disable_dns_cache", "dns_cache_ttl", "max_http_requests",
                                   "experimental_shell", "log_level", "transpiler_cache_path"])
    xdg = os.path.join(d, "xdg", ".bunfig.toml")
    want = {
        "disable_source_maps": (True, "environment", "BUN_FEATURE_FLAG_DISABLE_SOURCE_MAPS"),
        "disable_dns_cache": (True, "global-bunfig", xdg + ":3"),
        "dns_cache_ttl": (5, "project-bunfig", "bunfig.toml:21"),
        "max_http_requests": (128, "environment", "BUN_CONFIG_MAX_HTTP_REQUESTS"),
        "experimental_shell": (False, "environment", "BUN_ENABLE_EXPERIMENTAL_SHELL_BUILTINS"),
        "log_level": ("info", "project-bunfig", "bunfig.toml:22"),
        "transpiler_cache_path": ("", "default", "default"),
    }
    for k, (v, s, o) in want.items():
        check("json " + k, (by[k]["value"], by[k]["source"], by[k]["origin"]), (v, s, o))
    check("json bunfig files", j["bunfig"], [xdg, "bunfig.toml"])
    check("json env_files ([env] file = false)", j["env_files"], False)
    check("json default", by["dns_cache_ttl"]["default"], 30)

    # Text output names the same sources.
    code, out, err = run([], d, env)
    lines = {l.split()[0]: l for l in out.splitlines()[1:]}
    check("text dns_cache_ttl", lines["dns_cache_ttl"].split(None, 2)[1:], ["5", "project-bunfig (bunfig.toml:21)"])
    check("text disable_source_maps", lines["disable_source_maps"].split(None, 2)[1:],
          ["true", "environment (BUN_FEATURE_FLAG_DISABLE_SOURCE_MAPS)"])

    # HOME is the global fallback when XDG_CONFIG_HOME is unset.
    os.makedirs(os.path.join(d, "nohome"))
    shutil.copy(os.path.join(fixtures, "global.toml"), os.path.join(d, "nohome", ".bunfig.toml"))
    code, out, err = run(["--json"], d)
    by = {f["name"]: f for f in json.loads(out)["flags"]}
    check("HOME global", (by["max_http_requests"]["value"], by["max_http_requests"]["source"]), (64, "global-bunfig"))

    # --config replaces the project file, relative to the cwd.
    os.makedirs(os.path.join(d, "conf"))
    with open(os.path.join(d, "conf", "x.toml"), "w") as f:
        f.write("[features]\nlog_level = \"error\"\n")
    code, out, err = run(["--config=conf/x.toml", "--json"], d)
    by = {f["name"]: f for f in json.loads(out)["flags"]}
    check("--config", (code, by["log_level"]["value"], by["log_level"]["origin"], by["dns_cache_ttl"]["source"]),
          (0, "error", "conf/x.toml:2", "global-bunfig"))

    # Errors: exact shape, exit code 1.
    def bad(name, fixture, stderr):
        shutil.copy(os.path.join(fixtures, fixture), os.path.join(d, fixture))
        code, out, err = run(["--config=" + fixture], d)
        check(name + " exit", code, 1)
        check(name + " stdout", out, "")
        check(name + " stderr", err, stderr)

    bad("unknown flag", "unknown_flag.toml",
        'error: unknown feature flag "dns_cache_tl" in [features] (did you mean "dns_cache_ttl"?)\n'
        ' --> unknown_flag.toml:2:1\n'
        '  |\n'
        '2 | dns_cache_tl = 5\n'
        '  | ^\n')
    # A key Bun does not read: Bun passes over it, rt warns (with its suggestion) and goes on (issue 16 item 12).
    shutil.copy(os.path.join(fixtures, "unknown_key.toml"), os.path.join(d, "unknown_key.toml"))
    code, out, err = run(["--config=unknown_key.toml"], d)
    check("unknown key", (code, out.splitlines()[0].split() if out else None, err),
          (0, ["FLAG", "VALUE", "SOURCE"],
           'warning: unknown key "smoll" (did you mean "smol"?)\n'
           ' --> unknown_key.toml:1:1\n'
           '  |\n'
           '1 | smoll = true\n'
           '  | ^\n'))
    bad("wrong type", "wrong_type.toml",
        'error: "smol" must be a boolean, not a string\n'
        ' --> wrong_type.toml:1:8\n'
        '  |\n'
        '1 | smol = "yes"\n'
        '  |        ^\n')
    bad("out of range", "out_of_range.toml",
        'error: feature flag "max_http_requests" must be between 1 and 65535, not 0\n'
        ' --> out_of_range.toml:2:21\n'
        '  |\n'
        '2 | max_http_requests = 0\n'
        '  |                     ^\n')
    bad("malformed", "malformed.toml",
        "error: invalid TOML: Error while parsing key-value pair: expected value, saw '\\n'\n"
        ' --> malformed.toml:2:8\n'
        '  |\n'
        '2 | smol = \n'
        '  |        ^\n')
    code, out, err = run(["--config=missing.toml"], d)
    check("missing --config", (code, err), (1, 'error: config file "missing.toml" not found\n --> missing.toml\n'))
    # A broken project file is found without --config too.
    shutil.copy(os.path.join(fixtures, "unknown_key.toml"), os.path.join(d, "bunfig.toml"))
    code, out, err = run([], d)
    check("project warning", (code, err.splitlines()[:2]),
          (0, ['warning: unknown key "smoll" (did you mean "smol"?)', ' --> bunfig.toml:1:1']))

# Differential: Bun reports the same bad bunfig values at the same line:column with exit code 1.
bun = os.path.join(os.environ.get("RUNTIME_PEERS", ""), "bun")
if os.environ.get("RUNTIME_PEERS") and os.access(bun, os.X_OK):
    import re
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "a.js"), "w") as f:
            f.write("0\n")
        for name, text in [("loglevel", 'logLevel = "loud"\n'), ("smol", 'smol = "yes"\n'),
                           ("telemetry", "\ntelemetry = 1\n"), ("malformed", "smol = \n"),
                           ("run", '[run]\nsilent = "x"\n')]:
            path = os.path.join(d, name + ".toml")
            with open(path, "w") as f:
                f.write(text)
            b = subprocess.run([bun, "--config=" + path, "a.js"], cwd=d, capture_output=True, text=True, timeout=60,
                               env={"PATH": os.environ.get("PATH", ""), "HOME": d})
            code, out, err = run(["--config=" + path], d)
            m = re.search(r"at .*?:(\d+):(\d+)", b.stderr)
            bun_pos = m.groups() if m else None
            ours = re.search(r"--> .*?:(\d+):(\d+)", err)
            if bun_pos is None:
                failures.append(f"bun differential {name}: bun gave no position: {b.stderr!r}")
            check("bun differential " + name, (code, ours.groups() if ours else None), (b.returncode, bun_pos))
            print(f"bun differential {name}: exit {code}, at {bun_pos}")
else:
    print("bun not found (RUNTIME_PEERS unset): differential part skipped")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("ok")
