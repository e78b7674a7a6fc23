#!/usr/bin/env python3
"""Drives crash_probe through one crash mode and checks the report runtime::crash writes.

usage: crash_test.py <crash_probe> <mode>
Checks: the process dies of the expected signal (wait status, not an exit code), stderr holds exactly one
complete report with the expected facts, no environment value leaks into it, and nothing hangs.
"""
import json, os, re, resource, signal, subprocess, sys, tempfile

HEADER = "==================== crash report ===================="
FOOTER = "================= end of crash report ================="
SECRET = "s3cr3t-env-v4lue"
# crash_probe.cpp's PROBE_BAD_UTF8
BAD_UTF8 = b"bad \xff\xfe \xed\xa0\x80 \xc0\xaf \xf0\x9f\x98 ok \xe2\x9c\x93 \xf4\x90\x80\x80 \xe0\x80\x80 \xc3"

# mode -> (signal, strings the report must contain)
CASES = {
    "segv": (signal.SIGSEGV, ["SIGSEGV (segmentation fault)", "SEGV_MAPERR", "fault address: 0x0\n",
                              "probe_null_deref", "(main thread)"]),
    "bus": (signal.SIGBUS, ["SIGBUS (bus error)", "BUS_ADRERR", "probe_bus_error"]),
    "fpe": (signal.SIGFPE, ["SIGFPE", "FPE_INTDIV", "integer divide by zero", "probe_divide_by_zero"]),
    "ill": (signal.SIGILL, ["SIGILL (illegal instruction)", "probe_illegal_instruction"]),
    "trap": (signal.SIGTRAP, ["SIGTRAP", "SI_TKILL", "probe_trap"]),
    "abort": (signal.SIGABRT, ["SIGABRT (aborted)", "probe_abort"]),
    "overflow": (signal.SIGSEGV, ["SIGSEGV", "likely cause: stack overflow", "probe_recurse"]),
    "thread-overflow": (signal.SIGSEGV, ["likely cause: stack overflow", "(not the main thread)", "probe_recurse"]),
    "exception": (signal.SIGABRT, ["reason: uncaught exception of type runtime::v1::error: cannot parse bunfig.toml "
                                   "[config.parse]\n  caused by: disk on fire [io.read]", "probe_throw_error"]),
    "std-exception": (signal.SIGABRT, ["reason: uncaught exception of type std::runtime_error: plain std exception",
                                       "probe_throw_std"]),
    "terminate": (signal.SIGABRT, ["reason: std::terminate called without an active exception"]),
    "fatal": (signal.SIGABRT, ["reason: invariant broken: probe"]),
    # terminal control characters in a slot are escaped; newlines (an exception's "caused by" lines) are kept
    "fatal-escape": (signal.SIGABRT, ["reason: escape \\x1b[31mred\\x07\\x0d done\n  next line\n"]),
    "thread": (signal.SIGSEGV, ["SIGSEGV", "(not the main thread)", "probe_null_deref"]),
    "two-threads": (signal.SIGSEGV, ["SIGSEGV", "(not the main thread)", "probe_null_deref"]),
    "handler-crash": (signal.SIGSEGV, ["SIGSEGV", "crash handler: crashed while reporting (SIGSEGV)"]),
    "json": (signal.SIGSEGV, ["crash report file: "]),
    # ill-formed UTF-8 in the slots and a command cut mid-character: the crash file is still valid UTF-8 JSON
    "json-utf8": (signal.SIGSEGV, ["crash report file: ", "command: " + "a" * 127 + "\n"]),
    "uninstalled": (signal.SIGSEGV, []),
    "stuck-stderr": (signal.SIGSEGV, []),
    # a shutdown hook faults while stderr is full (drained after 1 s): the deadline (300 ms) must not
    # pre-empt the report
    "hook-segv": (signal.SIGSEGV, ["probe_null_deref"]),
    # a SIGTERM (default disposition) during a stuck report: death by the crash's signal all the same
    "term-during-report": (signal.SIGSEGV, []),
    # crash_probe linked -static-pie: no dladdr, so frames carry (/proc/self/exe+offset) for addr2line
    # and function names from its .symtab
    "static-segv": (signal.SIGSEGV, ["SIGSEGV (segmentation fault)", "(/proc/self/exe+0x", " in probe_null_deref()+0x",
                                     " in main+0x"]),
}
COMMON = ["crash_probe 1.2.3 crashed: ", "signal: ", "program counter: 0x", "os: Linux ", "ci: probe-ci\n",
          "container: no\n", "command: probe-command\n", "features: feature_one,feature_two\n", "backtrace (", "  #0  0x"]


def no_core():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def loader_lock(probe, lib, rounds=100, limit=3.0):
    """Crashes while other threads hold the loader's locks: every round must give one complete report with a
    backtrace that names the faulting function, well before the report timeout (10 s)."""
    import time
    args = [probe, "loader-lock"] + ([lib] if lib else [])
    for k in range(rounds):
        t0 = time.monotonic()
        try:
            p = subprocess.run(args, capture_output=True, text=True, errors="replace", timeout=limit + 10,
                               preexec_fn=no_core)
        except subprocess.TimeoutExpired:
            print(f"FAIL loader-lock round {k}: the probe hung")
            return 1
        took = time.monotonic() - t0
        fails = []
        if p.returncode != -signal.SIGSEGV:
            fails.append(f"returncode {p.returncode}, want death by SIGSEGV")
        if took > limit:
            fails.append(f"took {took:.1f}s (the handler waited for the loader's lock)")
        for s in (HEADER, FOOTER, "backtrace (", "probe_null_deref"):
            if s not in p.stderr:
                fails.append(f"missing {s!r}")
        if "ALLOCATION INSIDE THE SIGNAL HANDLER" in p.stderr:
            fails.append("the handler allocated")
        if fails:
            print(f"FAIL loader-lock round {k}: " + "; ".join(fails))
            print(p.stderr)
            return 1
    print(f"ok loader-lock ({rounds}/{rounds})")
    return 0


def main():
    probe, mode = sys.argv[1], sys.argv[2]
    if mode == "loader-lock":
        return loader_lock(probe, sys.argv[3] if len(sys.argv) > 3 else None)
    want_sig, needles = CASES[mode]
    tmp = tempfile.mkdtemp(prefix="crash_test_")
    args = [probe, "segv" if mode in ("json", "static-segv") else mode]
    if mode in ("json", "json-utf8"):
        args.append(tmp)
    env = dict(os.environ, CRASH_PROBE_SECRET=SECRET)
    try:
        p = subprocess.run(args, capture_output=True, text=True, errors="replace", timeout=30, env=env,
                           preexec_fn=no_core)
    except subprocess.TimeoutExpired:
        print(f"FAIL {mode}: the probe hung (30 s)")
        return 1
    err = p.stderr
    fails = []
    if "ALLOCATION INSIDE THE SIGNAL HANDLER" in err:
        fails.append("the handler allocated (malloc on the alternate signal stack)")
    if p.returncode != -want_sig:
        fails.append(f"wait status: want death by {want_sig.name}, got returncode {p.returncode}")
    if mode in ("stuck-stderr", "term-during-report"):
        pass
    elif mode == "hook-segv":
        if err.count(HEADER) != 1 or err.count(FOOTER) != 1 or "probe_null_deref" not in err:
            fails.append("no complete report (the shutdown deadline pre-empted it?)")
        if "deadline passed" in err:
            fails.append("the shutdown deadline ran during the report")  # stderr was a full pipe: no report can arrive; the checks are the signal and the time limit
    elif mode == "uninstalled":
        if HEADER in err:
            fails.append("a report without install()")
    else:
        if err.count(HEADER) != 1:
            fails.append(f"want exactly one report header, got {err.count(HEADER)}")
        want_footer = 0 if mode == "handler-crash" else 1
        if err.count(FOOTER) != want_footer:
            fails.append(f"want {want_footer} report footer(s), got {err.count(FOOTER)}")
        common = COMMON if mode != "handler-crash" else COMMON[:3]
        if mode == "json-utf8":
            common = [c for c in common if not c.startswith(("ci:", "command:"))]
        for s in common + needles:
            if s not in err:
                fails.append(f"missing {s!r}")
        if mode == "fatal-escape" and ("\x1b" in err or "\x07" in err):
            fails.append("a raw terminal control character reached stderr")
        if SECRET in err:
            fails.append("an environment value leaked into the report")
        if "still alive" in err:
            fails.append("the probe survived its crash")
    if mode == "static-segv":
        offsets = re.findall(r"\(/proc/self/exe\+(0x[0-9a-f]+)\)", err)
        names = subprocess.run(["addr2line", "-f", "-e", probe, *offsets], capture_output=True, text=True).stdout
        if "probe_null_deref" not in names:
            fails.append(f"addr2line on the report's offsets does not find probe_null_deref: {names!r}")
    if mode == "json-utf8":
        files = os.listdir(tmp)
        if len(files) != 1:
            fails.append(f"want one crash file in {tmp}, got {files}")
        else:
            path = os.path.join(tmp, files[0])
            raw = open(path, "rb").read()
            try:
                j = json.loads(raw.decode("utf-8"))  # strict: any ill-formed byte fails here
                if j.get("command") != "a" * 127:
                    fails.append(f"json command: want the 127 a's before the cut character, got {j.get('command')!r}")
                # U+FFFD once per maximal ill-formed subpart, as Python's decoder does
                want_ci = BAD_UTF8.decode("utf-8", "replace")
                if j.get("ci") != want_ci:
                    fails.append(f"json ci: want {want_ci!r}, got {j.get('ci')!r}")
            except ValueError as e:
                fails.append(f"crash file is not valid UTF-8 JSON: {e}")
            os.unlink(path)
    if mode == "json":
        files = os.listdir(tmp)
        if len(files) != 1 or not files[0].startswith("crash_probe-crash-"):
            fails.append(f"want one crash_probe-crash-<pid>.json in {tmp}, got {files}")
        else:
            path = os.path.join(tmp, files[0])
            if (os.stat(path).st_mode & 0o777) != 0o600:
                fails.append("crash file is not mode 0600")
            try:
                j = json.load(open(path))
                checks = {"program": "crash_probe", "version": "1.2.3", "signal": "SIGSEGV", "signo": 11,
                          "code_name": "SEGV_MAPERR", "fault_address": "0x0", "command": "probe-command",
                          "features": ["feature_one", "feature_two"], "ci": "probe-ci", "main_thread": True}
                for k, v in checks.items():
                    if j.get(k) != v:
                        fails.append(f"json {k}: want {v!r}, got {j.get(k)!r}")
                if not j.get("frames") or not any("probe_null_deref" in f.get("symbol", "") for f in j["frames"]):
                    fails.append("json frames lack probe_null_deref")
                if j["os"]["name"] != "Linux":
                    fails.append("json os.name")
                if SECRET in open(path).read():
                    fails.append("an environment value leaked into the crash file")
            except (ValueError, KeyError) as e:
                fails.append(f"crash file is not the expected JSON: {e}")
            os.unlink(path)
    os.rmdir(tmp)
    if fails:
        print(f"FAIL {mode}:\n  " + "\n  ".join(fails))
        print("---- stderr ----\n" + err)
        return 1
    print(f"ok {mode}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
