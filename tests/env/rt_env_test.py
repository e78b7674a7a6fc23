#!/usr/bin/env python3
# Integration tests of rt's environment handling under hostile input (issue 18): expansion bombs in both
# dialects, out of memory during start-up, write errors on stdout, secrets in `rt env --json`, --strict, long
# paths in messages, and CI detection against ci-info 4.5.0 itself (a differential test over every vendor).
# usage: rt_env_test.py <rt>     (RUNTIME_PEERS: tests/peers/node_modules/.bin, for the ci-info comparison)
import json, os, resource, shutil, signal, subprocess, sys, tempfile

rt = sys.argv[1]
# A sanitized rt reserves terabytes of shadow memory at start: no address-space limit can be set for it.
sanitized = "--sanitized" in sys.argv[2:]
failures = []


def check(name, got, want):
    if got != want:
        failures.append(f"{name}:\n  got  {got!r}\n  want {want!r}")


def check_true(name, cond, detail=""):
    if not cond:
        failures.append(f"{name}: {detail}")


def base_env(home):
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "XDG_CONFIG_HOME": home}


def limit_memory(kib):
    if sanitized:
        return None  # the caps still end the bombs at once; only the safety net is gone
    def pre():
        resource.setrlimit(resource.RLIMIT_AS, (kib * 1024, kib * 1024))
    return pre


def run(args, cwd, env=None, preexec=None, stdout=subprocess.PIPE, timeout=60, text=True):
    e = base_env(cwd)
    e.update(env or {})
    p = subprocess.run([rt, *args], cwd=cwd, env=e, stdout=stdout, stderr=subprocess.PIPE, text=text,
                       timeout=timeout, preexec_fn=preexec)
    return p.returncode, p.stdout, p.stderr


with tempfile.TemporaryDirectory() as d:
    # 1. Bun dialect: ten ${A} per line, nine lines: 489 bytes that would expand to 10^10. Bounded by 2 GB of
    # address space, so a regression fails here instead of taking the machine down.
    lines = ["A=0123456789"] + ["L%d=%s" % (i, ("${%s}" % ("A" if i == 1 else "L%d" % (i - 1))) * 10) for i in range(1, 10)]
    with open(os.path.join(d, "bomb.env"), "w") as f:
        f.write("\n".join(lines) + "\n")
    check("bomb size", os.path.getsize(os.path.join(d, "bomb.env")), 489)
    code, out, err = run(["--env-file", "bomb.env", "env"], d, preexec=limit_memory(2_000_000))
    check("bun bomb exit", code, 1)
    check("bun bomb stdout", out, "")
    check_true("bun bomb message", err.startswith("error: expanding L6 would make a value longer than the limit of "
                                                  "1048576 bytes\n") and "bomb.env:7" in err, err[:500])
    check_true("bun bomb is no crash", "crash" not in err and "bug" not in err, err[:500])
    # Below the limits the same shape loads (L1..L4: L4 has 10^5 bytes).
    with open(os.path.join(d, "small.env"), "w") as f:
        f.write("\n".join(lines[:5]) + "\n")
    code, out, err = run(["--env-file", "small.env", "env", "--json"], d)
    check("bun small exit", code, 0)
    check("bun small L4", len(json.loads(out).get("L4", "")), 100_000)

    # 2. dotenv dialect: S refers to itself, then 1,300 keys re-expand it: 12 KB that took 17 s and printed 75 MB.
    with open(os.path.join(d, "dotenv-bomb.env"), "w") as f:
        f.write("S=" + "1234567890" * 10 + "$S\n" + "".join("K%d=$S-\n" % i for i in range(1300)))
    code, out, err = run(["--env-file", "dotenv-bomb.env", "env", "--dialect", "dotenv"], d,
                         preexec=limit_memory(2_000_000), timeout=30)
    check("dotenv bomb exit", code, 1)
    check("dotenv bomb stdout", out, "")
    check_true("dotenv bomb message",
               err.startswith("error: expanding K0 goes over the limit of 16777216 bytes that ${} expansion may "
                              "produce in all\n") and "dotenv-bomb.env:2" in err, err[:500])

    # 3. Out of memory while loading: one line, exit 1, no crash report.
    if not sanitized:  # the sanitizers' allocators report exhaustion themselves
        code, out, err = run(["--env-file", "/dev/zero", "env"], d, preexec=limit_memory(400_000))
        check("oom exit", code, 1)
        check("oom stderr", err, "error: out of memory\n")

    # 14. Write errors: reported once at exit, as coreutils do; EPIPE stays quiet.
    with open("/dev/full", "w") as full:
        code, _, err = run(["env"], d, stdout=full)
    check("dev/full exit", code, 1)
    check("dev/full stderr", err, "error: write error: No space left on device\n")
    p = subprocess.run(["sh", "-c", 'exec "$0" --help >&-', rt], cwd=d, env=base_env(d), capture_output=True,
                       text=True, timeout=30)
    check("closed stdout exit", p.returncode, 1)
    check("closed stdout stderr", p.stderr, "error: write error: Bad file descriptor\n")
    p = subprocess.run(["sh", "-c", 'exec "$0" --version >/dev/full', rt], cwd=d, env=base_env(d),
                       capture_output=True, text=True, timeout=30)
    check("version to /dev/full", (p.returncode, p.stderr), (1, "error: write error: No space left on device\n"))
    r, w = os.pipe()
    os.close(r)
    p = subprocess.run([rt, "env"], cwd=d, env=base_env(d), stdout=w, stderr=subprocess.PIPE, text=True,
                       timeout=30, preexec_fn=lambda: signal.signal(signal.SIGPIPE, signal.SIG_IGN))
    os.close(w)
    check("EPIPE quiet", (p.returncode, p.stderr), (0, ""))

    # 17. `rt env --json` redacts what `rt env` redacts, unless --show-secrets.
    with open(os.path.join(d, "secret.env"), "w") as f:
        f.write("API_TOKEN=hunter2\nPLAIN=visible\n")
    code, out, err = run(["--env-file", "secret.env", "env", "--json"], d)
    j = json.loads(out)
    check("json redacted", (j.get("API_TOKEN"), j.get("PLAIN")), ("<redacted>", "visible"))
    code, out, err = run(["--env-file", "secret.env", "env", "--json", "--show-secrets"], d)
    check("json shown", json.loads(out).get("API_TOKEN"), "hunter2")
    code, out, err = run(["--env-file", "secret.env", "env"], d)
    check_true("text redacted", "API_TOKEN=<redacted>\n" in out and "hunter2" not in out, out)

    # 18. --strict: what Bun passes over in silence is an error naming the file; without it, silence.
    code, out, err = run(["--env-file", "nope.env", "env"], d)
    check("missing named file, not strict", (code, err), (0, ""))
    code, out, err = run(["--env-file", "nope.env", "env", "--strict"], d)
    check("missing named file, strict exit", code, 1)
    check_true("missing named file, strict message", err.startswith("error: env file nope.env does not exist\n")
               and "nope.env" in err.split("\n", 1)[1], err)
    with open(os.path.join(d, "undef.env"), "w") as f:
        f.write("A=x\nB=$A-$NOPE\n")
    code, out, err = run(["--env-file", "undef.env", "env"], d)
    check("undefined, not strict", (code, err, "B=x-\n" in out), (0, "", True))
    code, out, err = run(["--env-file", "undef.env", "env", "--strict"], d)
    check("undefined, strict exit", code, 1)
    check_true("undefined, strict message", err.startswith("error: $NOPE in the value of B has no value") and
               "undef.env:2" in err, err)
    os.chmod(os.path.join(d, "secret.env"), 0)
    if os.geteuid() != 0:  # root reads it anyway
        code, out, err = run(["--env-file", "secret.env", "env", "--strict"], d)
        check("unreadable, strict exit", code, 1)

    # 16. A 130 KB path is shortened in messages (the whole of it was printed twice in one warning).
    long_path = "/" + "a/" * 65000 + "x.env"  # 130 KB: one argument may have at most 128 KiB
    code, out, err = run(["--env-file", long_path, "env"], d)
    check("long path exit", code, 0)
    check_true("long path shortened", len(err) < 1200 and err.startswith("warning: cannot read env file /a/a/")
               and "..." in err and "x.env" in err, f"{len(err)} bytes: {err[:300]!r}")

    # 20. CI detection: every vendor of ci-info 4.5.0, compared with ci-info's own answer for the same variables.
    peers = os.environ.get("RUNTIME_PEERS", "")
    ci_dir = os.path.join(os.path.dirname(peers), "ci-info") if peers else ""
    node = shutil.which("node")
    if not (ci_dir and os.path.isfile(os.path.join(ci_dir, "vendors.json")) and node):
        failures.append("ci-info 4.5.0 or node is missing: install tests/peers (npm install in tests/peers)")
    else:
        vendors = json.load(open(os.path.join(ci_dir, "vendors.json")))

        def satisfy(rule, env):
            """Variables that make ci-info's checkEnv(rule) true."""
            if isinstance(rule, list):
                for r in rule:
                    satisfy(r, env)
            elif isinstance(rule, str):
                env[rule] = "1"
            elif "env" in rule:
                env[rule["env"]] = "/prefix" + rule["includes"] + "/suffix"
            elif "any" in rule:
                env[rule["any"][-1]] = "1"
            else:
                env.update(rule)

        def pr_variants(pr):
            """(name, variables) pairs for which ci-info's checkPR(vendor) is true and false."""
            if pr is None:
                return [("no pr rule", {})]
            if isinstance(pr, str):
                return [("pr set", {pr: "1"}), ("pr empty", {pr: ""}), ("pr unset", {})]
            if "env" in pr and "any" in pr:
                return [("pr any", {pr["env"]: pr["any"][-1]}), ("pr other", {pr["env"]: "x"})]
            if "env" in pr:
                return [("pr ne", {pr["env"]: "123"}), ("pr eq", {pr["env"]: pr["ne"]}),
                        ("pr present empty", {pr["env"]: ""}), ("pr unset", {})]
            if "any" in pr:
                return [("pr any first", {pr["any"][0]: "7"}), ("pr any empty", {pr["any"][0]: ""})]
            return [("pr equal", dict(pr)), ("pr other", {k: v + "x" for k, v in pr.items()})]

        cases = []
        for v in vendors:
            env = {}
            satisfy(v["env"], env)
            for name, pr_env in pr_variants(v.get("pr")):
                cases.append((f"{v['name']} / {name}", {**env, **pr_env}))
            cases.append((f"{v['name']} / CI=false", {**env, "CI": "false"}))
            cases.append((f"{v['name']} / values empty", {k: "" for k in env}))
        cases += [("generic BUILD_NUMBER", {"BUILD_NUMBER": "3"}), ("generic empty CI", {"CI": ""}),
                  ("nothing", {}), ("two vendors: the last wins", {"APPVEYOR": "1", "TRAVIS": "1", "XCS": "1"}),
                  ("Heroku elsewhere", {"NODE": "/usr/bin/node"}), ("Woodpecker", {"CI": "woodpecker"})]
        script = (
            "const path = require('path'); const dir = process.argv[1];"
            "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8')); const out = [];"
            "for (const env of cases) { process.env = env; delete require.cache[require.resolve(path.join(dir, 'index.js'))];"
            "  const c = require(path.join(dir, 'index.js'));"
            "  out.push({is_ci: c.isCI, vendor: c.name, is_pr: c.name === null ? null : c.isPR}); }"
            "process.stdout.write(JSON.stringify(out));")
        p = subprocess.run([node, "-e", script, ci_dir], input=json.dumps([e for _, e in cases]),
                           capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            failures.append("node ci-info: " + p.stderr[:500])
        else:
            want = json.loads(p.stdout)
            vendors_seen = set()
            for (name, env), w in zip(cases, want):
                e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": d, **env}
                q = subprocess.run([rt, "info", "--json"], cwd=d, env=e, capture_output=True, text=True, timeout=30)
                if q.returncode != 0:
                    failures.append(f"ci {name}: rt info exit {q.returncode}: {q.stderr[:300]}")
                    continue
                ci = json.loads(q.stdout)["ci"]
                check(f"ci {name}", {"is_ci": ci["is_ci"], "vendor": ci["vendor"], "is_pr": ci["is_pr"]}, w)
                if w["vendor"]:
                    vendors_seen.add(w["vendor"])
            check("every vendor detected by some case", len(vendors_seen), len(vendors))

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("ok")
