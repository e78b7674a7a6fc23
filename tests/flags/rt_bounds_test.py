#!/usr/bin/env python3
# Integration tests of rt's bunfig and --feature handling under hostile input (issue 18): a bunfig nested deep
# enough to overflow toml++'s destructor recursion, and --feature values that contain commas.
# usage: rt_bounds_test.py <rt>
import json, os, resource, subprocess, sys, tempfile

rt = sys.argv[1]
failures = []


def check(name, got, want):
    if got != want:
        failures.append(f"{name}:\n  got  {got!r}\n  want {want!r}")


def small_stack():
    # 1 MiB of stack: the unbounded recursion crashed at <= 2 MiB in a g++ build, at 8 MiB under ASan.
    resource.setrlimit(resource.RLIMIT_STACK, (1 << 20, 1 << 20))


def run(args, cwd, preexec=None):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": cwd, "XDG_CONFIG_HOME": cwd}
    p = subprocess.run([rt, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, preexec_fn=preexec)
    return p.returncode, p.stdout, p.stderr


with tempfile.TemporaryDirectory() as d:
    # 4. The 132 KB bunfig: a 256-part [a.a...] header, a 256-part key, then 255 nested inline tables each with a
    # 256-part key. Every rt command died of SIGSEGV in toml::table::~table.
    key = ".".join(["a"] * 256)
    text = f"[{key}]\n{key} = " + f"{{{key} = " * 255 + "1" + "}" * 255 + "\n"
    with open(os.path.join(d, "bunfig.toml"), "w") as f:
        f.write(text)
    check("bunfig size about 132 KB", 130_000 < len(text) < 135_000, True)
    for cmd in (["flags"], ["env"], ["info"]):
        code, out, err = run(cmd, d, preexec=small_stack)
        check(f"deep bunfig {cmd} exit", code, 1)
        first = err.split("\n", 1)[0]
        check(f"deep bunfig {cmd} message", first,
              "error: invalid TOML: tables and keys nested more than 512 levels deep in all")
        check(f"deep bunfig {cmd} location", "bunfig.toml:2:" in err, True)
        check(f"deep bunfig {cmd} short", len(err) < 2000, True)

    # A nested but reasonable bunfig still loads.
    with open(os.path.join(d, "bunfig.toml"), "w") as f:
        f.write("[install.scopes.c]\nx = { y = { z = [ { w = 1 } ] } }\n[features]\nlog_level = \"error\"\n")
    code, out, err = run(["flags", "--json"], d, preexec=small_stack)
    check("nested bunfig exit", code, 0)
    if code == 0:
        by = {f["name"]: f for f in json.loads(out)["flags"]}
        check("nested bunfig value", by["log_level"]["value"], "error")
    os.remove(os.path.join(d, "bunfig.toml"))

    # 19. --feature: a comma splits only before another name=, so a value may contain one; \, is a comma.
    def flag(args):
        code, out, err = run([*args, "flags", "--json"], d)
        if code != 0:
            return code, err
        return code, {f["name"]: f["value"] for f in json.loads(out)["flags"]}

    code, got = flag(["--feature", "transpiler_cache_path=/tmp/a,b"])
    check("comma in a value", (code, got.get("transpiler_cache_path") if code == 0 else got), (0, "/tmp/a,b"))
    code, got = flag(["--feature", "transpiler_cache_path=/x,log_level=error"])
    check("two settings", (code, got.get("transpiler_cache_path") if code == 0 else got, got.get("log_level") if code == 0 else None),
          (0, "/x", "error"))
    code, got = flag(["--feature", "transpiler_cache_path=/x\\,log_level=error"])
    check("escaped comma", (code, got.get("transpiler_cache_path") if code == 0 else got), (0, "/x,log_level=error"))
    code, got = flag(["--feature", "disable_dns_cache,disable_source_maps"])
    check("bare names", (code, got.get("disable_dns_cache") if code == 0 else got,
                         got.get("disable_source_maps") if code == 0 else None), (0, True, True))
    code, got = flag(["--feature", "log_level=error", "--feature", "dns_cache_ttl=7"])
    check("repeated", (code, got.get("log_level") if code == 0 else got, got.get("dns_cache_ttl") if code == 0 else None),
          (0, "error", 7))

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("ok")
