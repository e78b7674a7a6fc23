#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration tests of runtime.signal: real signals sent to tests/signal/probe.cpp.

usage: signal_integration.py PROBE CASE      (CASE: see CASES below)
"""
import os
import select
import signal
import subprocess
import sys
import tempfile
import time

PROBE = ""
# TSan sleeps a second at exit by default; its reports must fail the test even when the probe leaves with _exit.
# A forced exit (second signal, deadline) leaves threads unjoined on purpose, so thread leaks are not reports.
ENV = dict(os.environ)
ENV["TSAN_OPTIONS"] = (ENV.get("TSAN_OPTIONS", "") + ":atexit_sleep_ms=0:report_thread_leaks=0").lstrip(":")
SANITIZER_MARKS = (b"ThreadSanitizer", b"AddressSanitizer", b"LeakSanitizer", b"runtime error:")
HOOKS = ["hook:third", "hook:second", "hook:first"]


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def start(args, timeout=10.0):
    """Starts the probe and waits until it (or its child) prints 'ready'."""
    p = subprocess.Popen([PROBE] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    deadline = time.monotonic() + timeout
    buf = b""
    while b"ready\n" not in buf:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([p.stdout], [], [], left)[0]:
            p.kill()
            fail("probe never became ready: %r" % (args,))
        chunk = os.read(p.stdout.fileno(), 4096)
        if not chunk:
            fail("probe exited before ready (rc %s): %s" % (p.wait(), p.stderr.read().decode()))
        buf += chunk
    return p


def check_stderr(err):
    if any(m in err for m in SANITIZER_MARKS):
        fail("sanitizer report:\n" + err.decode(errors="replace"))


def finish(p, timeout=10.0):
    """Waits for the probe; returns its status. Its stderr is kept in p.err."""
    try:
        rc = p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        fail("probe did not exit within %ss" % timeout)
    p.err = p.stderr.read()
    check_stderr(p.err)
    return rc


def run(args):
    p = subprocess.run([PROBE] + args, timeout=10, capture_output=True, env=ENV)
    check_stderr(p.stderr)
    return p


def lines(path):
    try:
        with open(path) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def hook_lines(path):
    return [l for l in lines(path) if l.startswith("hook:")]


def wait_for_line(path, line, timeout=10.0):
    deadline = time.monotonic() + timeout
    while line not in lines(path):
        if time.monotonic() > deadline:
            fail("%r never appeared in %r" % (line, lines(path)))
        time.sleep(0.005)


def expect(cond, msg):
    if not cond:
        fail(msg)


def case_signal_exit(tmp, sig, code, extra=()):
    f = os.path.join(tmp, "hooks.txt")
    p = start(["hooks", f] + list(extra))
    os.kill(p.pid, sig)
    rc = finish(p)
    expect(rc == code, "%s: exit %s, want %s" % (signal.Signals(sig).name, rc, code))
    expect(hook_lines(f) == HOOKS, "hooks not once each in LIFO order: %r" % lines(f))
    expect(lines(f).count("worker-stopped") == 1, "stop token not seen once: %r" % lines(f))


def case_sigint(tmp):
    case_signal_exit(tmp, signal.SIGINT, 130)


def case_sigterm(tmp):
    case_signal_exit(tmp, signal.SIGTERM, 143)


def case_sighup(tmp):
    case_signal_exit(tmp, signal.SIGHUP, 129, ["--hup"])


def case_reraise(tmp):
    # The parent sees the real signal (Popen reports death by signal n as -n).
    case_signal_exit(tmp, signal.SIGTERM, -signal.SIGTERM, ["--reraise"])


def case_second_signal(tmp):
    f = os.path.join(tmp, "hooks.txt")
    p = start(["hooks", f, "--slow-ms", "30000"])
    os.kill(p.pid, signal.SIGTERM)
    wait_for_line(f, "slow-start")
    t0 = time.monotonic()
    os.kill(p.pid, signal.SIGINT)
    rc = finish(p, timeout=5)
    expect(rc == 130, "second signal: exit %s, want 130 (128+SIGINT)" % rc)
    expect(time.monotonic() - t0 < 5, "second signal did not force a quick exit")
    expect("slow-end" not in lines(f) and hook_lines(f) == [], "hooks kept running: %r" % lines(f))


def case_deadline(tmp):
    f = os.path.join(tmp, "hooks.txt")
    p = start(["hooks", f, "--hang", "--deadline-ms", "200"])
    t0 = time.monotonic()
    os.kill(p.pid, signal.SIGTERM)
    rc = finish(p, timeout=5)
    expect(rc == 143, "deadline: exit %s, want 143" % rc)
    expect("hang-start" in lines(f), "the hung hook never ran: %r" % lines(f))
    expect(hook_lines(f) == [], "hooks after the hung one ran: %r" % lines(f))
    expect(b"deadline" in p.err, "no deadline message on stderr")
    expect(time.monotonic() - t0 < 5, "deadline not honoured")


def case_deadline_child(tmp):
    # A hook waiting for a child: the deadline timer's signal belongs to the coordinator, not to the child.
    f = os.path.join(tmp, "hooks.txt")
    p = start(["hooks", f, "--child-in-hook", "--deadline-ms", "300"])
    t0 = time.monotonic()
    os.kill(p.pid, signal.SIGTERM)
    rc = finish(p, timeout=6)
    expect(rc == 143, "deadline with a child: exit %s, want 143" % rc)
    expect("child-start" in lines(f), "the child hook never ran: %r" % lines(f))
    expect("child-end" not in lines(f), "the child hook finished: %r" % lines(f))
    expect(b"deadline" in p.err, "no deadline message on stderr")
    expect(time.monotonic() - t0 < 6, "deadline not honoured")


def burst(pid, n=1000):
    sent = 0
    for i in range(n):
        try:
            os.kill(pid, signal.SIGTERM if i % 2 == 0 else signal.SIGINT)
            sent += 1
        except ProcessLookupError:
            break
    return sent


def case_burst(tmp):
    # Forced exit on the second signal: the burst ends the process at once; nothing may run twice.
    f = os.path.join(tmp, "hooks.txt")
    p = start(["hooks", f])
    burst(p.pid)
    rc = finish(p)
    expect(rc in (130, 143), "burst: exit %s" % rc)
    for h in HOOKS:
        expect(lines(f).count(h) <= 1, "hook ran twice: %r" % lines(f))
    # Without forcing, the burst is absorbed: every hook exactly once, status from the first signal.
    f2 = os.path.join(tmp, "hooks2.txt")
    p = start(["hooks", f2, "--no-force"])
    burst(p.pid)
    rc = finish(p)
    # Both signals may be pending together; the kernel delivers the lower number (SIGINT) first.
    expect(rc in (130, 143), "burst (no force): exit %s" % rc)
    expect(hook_lines(f2) == HOOKS, "burst (no force): hooks %r" % lines(f2))


def case_forward(tmp, group=False):
    # The parent runs the probe as a child; SIGTERM to the parent reaches the child, whose hooks run;
    # the parent then exits with the child's status (143), or dies of the child's signal (re-raise).
    for extra, want in (([], 143), (["--reraise"], -signal.SIGTERM)):
        f = os.path.join(tmp, "fwd%s.txt" % len(extra))
        opts = ["--group"] if group else []
        p = start(["run"] + opts + ["--", PROBE, "hooks", f] + extra)
        os.kill(p.pid, signal.SIGTERM)
        rc = finish(p)
        expect(rc == want, "forward %r: parent exit %s, want %s" % (extra, rc, want))
        expect(hook_lines(f) == HOOKS, "forward: child hooks %r" % lines(f))


def case_forward_group(tmp):
    case_forward(tmp, group=True)


def case_child_status(tmp):
    p = run(["run", "--", "sh", "-c", "exit 7"])
    expect(p.returncode == 7, "child exit 7 -> parent %s" % p.returncode)
    p = run(["run", "--", "sh", "-c", "kill -INT $$"])
    expect(p.returncode == -signal.SIGINT, "child SIGINT -> parent %s" % p.returncode)
    p = run(["run", "--", "no-such-program-xyz"])
    expect(p.returncode == 1 and b"command not found: no-such-program-xyz" in p.stderr,
           "missing program: %s %r" % (p.returncode, p.stderr))


CASES = {n[len("case_"):]: f for n, f in globals().items() if n.startswith("case_") and n != "case_signal_exit"}


def main():
    global PROBE
    if len(sys.argv) != 3 or sys.argv[2] not in CASES:
        print("usage: signal_integration.py PROBE {%s}" % ",".join(CASES))
        return 2
    PROBE = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        CASES[sys.argv[2]](tmp)
    print("ok", sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
