#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration tests of runtime.signal: real signals sent to tests/signal/probe.cpp.

usage: signal_integration.py PROBE CASE      (CASE: see CASES below)
"""
import errno
import os
import pty
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


# ---- a child's whole job: process group, terminal, stops, inherited dispositions --------------------------

def alive(pid):
    """Whether pid is a live process (a zombie counts as gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def wait_gone(pids, timeout=5.0):
    deadline = time.monotonic() + timeout
    while any(alive(p) for p in pids):
        if time.monotonic() > deadline:
            for p in pids:
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            return False
        time.sleep(0.01)
    return True


def wait_pids(path, n, timeout=10.0):
    deadline = time.monotonic() + timeout
    while len(lines(path)) < n:
        if time.monotonic() > deadline:
            fail("the script never wrote %d pids to %s: %r" % (n, path, lines(path)))
        time.sleep(0.005)
    return [int(x) for x in lines(path)[:n]]


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read()
    except OSError:
        return b""


def wait_children(pid, timeout=10.0, exec_of=None):
    """The children of `pid` once it has one (with `exec_of`: once one has exec'd that program; a forked shell
    child still holds the shell's SIGINT handler until its exec, so a SIGINT then is deferred and lost)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
                kids = [int(x) for x in f.read().split()]
        except FileNotFoundError:
            kids = []
        if kids and (exec_of is None or any(cmdline(k).startswith(exec_of + b"\0") for k in kids)):
            return kids
        if time.monotonic() > deadline:
            fail("process %d never started a child" % pid)
        time.sleep(0.002)


# Background jobs (a shell starts them with SIGINT ignored) and a foreground wait.
JOB = "sleep 30 & echo $! >> %s; sleep 31 & echo $! >> %s; wait"
# Several commands in a row: the shell stays between us and the program.
SEQUENCE = "echo $$ >> %s; sleep 32; echo after >> %s"


def run_job(tmp, name, script, sig, want_rc, npids, rounds=3):
    """Sends `sig` to the probe's pid alone while `script` runs; asserts the status and that nothing the
    script started is left running. Repeated: the outcome may not depend on timing."""
    for k in range(rounds):
        f = os.path.join(tmp, "%s%d.pids" % (name, k))
        # stderr to a file: a process left running must not keep a pipe of ours open.
        with open(os.path.join(tmp, "stderr"), "w+b") as err:
            p = subprocess.Popen([PROBE, "run", "--", "sh", "-c", script % (f, f)], stdout=subprocess.DEVNULL,
                                 stderr=err, env=ENV)
            pids = wait_pids(f, npids)
            if script is SEQUENCE:
                # Only once sleep runs: dash -c catches SIGINT and defers one that comes between two commands
                # (as it does for a Ctrl-C at a terminal), which is dash's business, not ours.
                pids += wait_children(pids[0], exec_of=b"sleep")
            os.kill(p.pid, sig)
            try:
                rc = p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                wait_gone(pids, timeout=0)
                fail("%s round %d: the parent did not exit after %s" % (name, k, signal.Signals(sig).name))
            err.seek(0)
            check_stderr(err.read())
        expect(rc == want_rc, "%s round %d: %s to the parent: exit %s, want %s" %
               (name, k, signal.Signals(sig).name, rc, want_rc))
        expect(wait_gone(pids), "%s round %d: %s to the parent left %r running" %
               (name, k, signal.Signals(sig).name, [q for q in pids if alive(q)]))
        expect("after" not in lines(f), "%s: the script went on after the signal" % name)


def case_job_sigterm(tmp):
    run_job(tmp, "job", JOB, signal.SIGTERM, -signal.SIGTERM, 2)
    run_job(tmp, "seq", SEQUENCE, signal.SIGTERM, -signal.SIGTERM, 1)


def case_job_sigint(tmp):
    run_job(tmp, "job", JOB, signal.SIGINT, -signal.SIGINT, 2)
    run_job(tmp, "seq", SEQUENCE, signal.SIGINT, -signal.SIGINT, 1)


def case_job_sighup(tmp):
    run_job(tmp, "job", JOB, signal.SIGHUP, -signal.SIGHUP, 2)


def case_job_timeout(tmp):
    # `timeout --foreground` signals its child (us) alone: the job must end with us, nothing orphaned;
    # with SIGINT and -k3 it must end at once rather than wait for the SIGKILL.
    for opts, name in ((["--foreground"], "term"), (["-s", "INT", "--foreground", "-k3"], "int")):
        f = os.path.join(tmp, "timeout-%s.pids" % name)
        t0 = time.monotonic()
        with open(os.path.join(tmp, "stderr"), "w+b") as err:
            try:
                p = subprocess.run(["timeout"] + opts + ["1", PROBE, "run", "--", "sh", "-c", JOB % (f, f)],
                                   stdout=subprocess.DEVNULL, stderr=err, timeout=20, env=ENV)
            except subprocess.TimeoutExpired:
                wait_gone([int(x) for x in lines(f)], timeout=0)
                fail("timeout %s: hung" % name)
            err.seek(0)
            check_stderr(err.read())
        took = time.monotonic() - t0
        pids = [int(x) for x in lines(f)]
        expect(len(pids) == 2, "timeout %s: pids %r" % (name, pids))
        expect(p.returncode == 124, "timeout %s: exit %s, want 124 (timed out)" % (name, p.returncode))
        expect(took < 3.0, "timeout %s: took %.1fs (hung until the SIGKILL?)" % (name, took))
        expect(wait_gone(pids), "timeout %s: left %r running" % (name, [q for q in pids if alive(q)]))


def case_job_own_exit(tmp):
    # A child that ends on its own, leaving a background job: no signal was forwarded, so the job is left
    # alone (a script may start a daemon on purpose).
    f = os.path.join(tmp, "daemon.pids")
    p = run(["run", "--", "sh", "-c", "sleep 5 >/dev/null 2>&1 & echo $! >> %s; exit 6" % f])
    expect(p.returncode == 6, "exit 6 -> %s" % p.returncode)
    pids = [int(x) for x in lines(f)]
    expect(len(pids) == 1 and alive(pids[0]), "the background job of a child that exited was killed")
    wait_gone(pids, timeout=0)


def case_stopped_child(tmp):
    # The child stops itself: the parent stops too (a shell's job control sees the job stopped) and
    # continues it when continued; it never waits forever.
    for k in range(3):
        f = os.path.join(tmp, "stop%d.txt" % k)
        p = subprocess.Popen([PROBE, "run", "--", "sh", "-c", "kill -STOP $$; echo resumed >> %s; exit 3" % f],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        deadline = time.monotonic() + 10
        stopped = False
        status = None
        while time.monotonic() < deadline:
            pid, st = os.waitpid(p.pid, os.WUNTRACED | os.WNOHANG)
            if pid == p.pid:
                status = st
                break
            time.sleep(0.005)
        if status is None:
            os.kill(p.pid, signal.SIGKILL)
            os.waitpid(p.pid, 0)
            fail("round %d: the parent neither stopped nor exited when its child stopped" % k)
        stopped = os.WIFSTOPPED(status)
        expect(stopped, "round %d: the parent did not stop with its child (status %r)" % (k, status))
        os.kill(p.pid, signal.SIGCONT)
        deadline = time.monotonic() + 10
        while True:
            pid, st = os.waitpid(p.pid, os.WNOHANG)
            if pid == p.pid:
                break
            if time.monotonic() > deadline:
                os.kill(p.pid, signal.SIGKILL)
                os.waitpid(p.pid, 0)
                fail("round %d: continued parent never ended (child not continued?)" % k)
            time.sleep(0.005)
        p.returncode = 0  # reaped here
        expect(os.WIFEXITED(st) and os.WEXITSTATUS(st) == 3, "round %d: status %r, want exit 3" % (k, st))
        expect(lines(f) == ["resumed"], "round %d: the child was not continued: %r" % (k, lines(f)))


def ignoring(*sigs):
    def pre():
        for s in sigs:
            signal.signal(s, signal.SIG_IGN)
    return pre


def case_inherited(tmp):
    # Under nohup (SIGHUP ignored) the child still ignores SIGHUP; a background job's SIGINT likewise.
    check = ("ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/self/status); "
             "[ $(( 0x$ign & (1 << (%d - 1)) )) -ne 0 ]")
    for s in (signal.SIGHUP, signal.SIGINT):
        p = subprocess.run([PROBE, "run", "--", "sh", "-c", check % s], capture_output=True, timeout=10, env=ENV,
                           preexec_fn=ignoring(s))
        expect(p.returncode == 0, "%s ignored by the parent is not ignored in the child (%s %r)" %
               (signal.Signals(s).name, p.returncode, p.stderr))
    # Not ignored when the parent did not ignore it.
    p = run(["run", "--", "sh", "-c", check % signal.SIGHUP])
    expect(p.returncode == 1, "SIGHUP ignored in the child of a parent that does not ignore it")
    # A child that dies of a signal we were started ignoring: exit 128+n, never death by that signal.
    die = "import os, signal; signal.signal(signal.SIGINT, signal.SIG_DFL); os.kill(os.getpid(), signal.SIGINT)"
    p = subprocess.run([PROBE, "run", "--", sys.executable, "-c", die], capture_output=True, timeout=10, env=ENV,
                       preexec_fn=ignoring(signal.SIGINT))
    expect(p.returncode == 130, "child killed by an inherited-ignored SIGINT: parent %s, want exit 130" % p.returncode)
    p = run(["run", "--", sys.executable, "-c", die])
    expect(p.returncode == -signal.SIGINT, "child killed by SIGINT: parent %s, want death by SIGINT" % p.returncode)


def case_sigchld_ignored(tmp):
    # A parent that ignores SIGCHLD must not stop us from running (and reporting) a child.
    p = subprocess.run([PROBE, "run", "--", "sh", "-c", "exit 5"], capture_output=True, timeout=10, env=ENV,
                       preexec_fn=ignoring(signal.SIGCHLD))
    expect(p.returncode == 5, "SIGCHLD ignored by the parent: exit %s %r, want 5" % (p.returncode, p.stderr))


def case_spawn_errors(tmp):
    y = os.path.join(tmp, "y")
    with open(y, "w") as f:
        f.write("#!/nonexistent/interp -x\necho hi\n")
    z = os.path.join(tmp, "z")
    with open(z, "wb") as f:
        f.write(b"\x7fELFgarbage")
    os.chmod(y, 0o755)
    os.chmod(z, 0o755)
    p = run(["run", "--", y])
    want = "ENOENT: %s: No such file or directory (posix_spawn()); its interpreter /nonexistent/interp was not found" % y
    expect(p.returncode == 1 and want.encode() in p.stderr, "missing interpreter: %s %r" % (p.returncode, p.stderr))
    p = run(["run", "--", z])
    want = "ENOEXEC: %s: Exec format error (posix_spawn())" % z
    expect(p.returncode == 1 and want.encode() in p.stderr, "ENOEXEC: %s %r" % (p.returncode, p.stderr))
    p = run(["run", "--big-env", "8000000", "--", "/bin/true"])
    want = "E2BIG: /bin/true: Argument list too long (posix_spawn())"
    expect(p.returncode == 1 and want.encode() in p.stderr, "E2BIG: %s %r" % (p.returncode, p.stderr))


def pty_run(args, feed, timeout=10.0):
    """Runs the probe as the session leader of a new terminal, foreground; `feed` is a list of
    (wait_for_bytes, bytes_to_type). Returns (status, output)."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execve(PROBE, [PROBE] + args, ENV)
        finally:
            os._exit(127)
    out = b""
    deadline = time.monotonic() + timeout
    steps = list(feed)
    status = None
    while True:
        while steps and steps[0][0] in out:
            os.write(fd, steps.pop(0)[1])
        left = deadline - time.monotonic()
        if left <= 0:
            state = subprocess.run(["ps", "-o", "pid,ppid,pgid,tpgid,stat,wchan:24,args", "-s", str(pid)],
                                   capture_output=True, text=True).stdout
            out += b"\n[processes]\n" + state.encode()
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(fd)
            fail("terminal run %r hung; output %r" % (args, out))
        r, _, _ = select.select([fd], [], [], min(left, 0.05))
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError as e:
                if e.errno != errno.EIO:
                    raise
                chunk = b""
            out += chunk
            if not chunk:
                break
        w, st = os.waitpid(pid, os.WNOHANG | os.WUNTRACED)
        if w == pid:
            if os.WIFSTOPPED(st):
                out += b"<stopped>"
                os.kill(pid, signal.SIGCONT)
                continue
            status = st
            break
    if status is None:
        _, status = os.waitpid(pid, 0)
    try:
        while True:
            r, _, _ = select.select([fd], [], [], 0.05)
            if not r:
                break
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            out += chunk
    except OSError:
        pass
    os.close(fd)
    return status, out


def case_terminal(tmp):
    # In the foreground of a terminal: the child (its own group) reads the terminal, gets Ctrl-C directly,
    # and the terminal comes back to us afterwards.
    st, out = pty_run(["run", "--report-fg", "--", "sh", "-c", "echo ready; read x; echo \"got $x\"; exit 4"],
                      [(b"ready", b"hello\n")])
    expect(os.WIFEXITED(st) and os.WEXITSTATUS(st) == 4, "read from the terminal: status %r, output %r" % (st, out))
    expect(b"got hello" in out, "the child could not read the terminal: %r" % out)
    expect(b"foreground: yes" in out, "the terminal was not given back: %r" % out)
    # (The program says ready itself: dash -c catches SIGINT and defers one that comes between commands.)
    wait = ("import signal, sys, time; signal.signal(signal.SIGINT, signal.SIG_DFL); print('ready', flush=True); "
            "time.sleep(30); print('after')")
    st, out = pty_run(["run", "--", sys.executable, "-c", wait], [(b"ready", b"\x03")])
    expect(os.WIFSIGNALED(st) and os.WTERMSIG(st) == signal.SIGINT, "Ctrl-C: status %r, output %r" % (st, out))
    expect(b"after" not in out, "Ctrl-C did not end the script")
    # Ctrl-Z stops the child's group; we stop with it, and once continued the child has the terminal again.
    st, out = pty_run(["run", "--", "sh", "-c", "echo ready; read x; echo \"got $x\"; exit 5"],
                      [(b"ready", b"\x1a"), (b"<stopped>", b"again\n")])
    expect(b"<stopped>" in out, "Ctrl-Z: we did not stop with the child: %r" % out)
    expect(os.WIFEXITED(st) and os.WEXITSTATUS(st) == 5 and b"got again" in out,
           "Ctrl-Z then continue: status %r, output %r" % (st, out))


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
