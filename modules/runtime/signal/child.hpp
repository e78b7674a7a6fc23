// SPDX-License-Identifier: MIT
// runtime.signal / child: child processes: find a program on a PATH value, start it with an exact
// environment, forward signals to it while it runs, reap it, and end this process the way it ended.
#ifndef RUNTIME_MODULE
#  include <cerrno>
#  include <cstdio>
#  include <cstdlib>
#  include <cstring>
#  include <functional>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <utility>
#  include <vector>
#  include <pthread.h>
#  include <signal.h>
#  include <spawn.h>
#  include <termios.h>
#  include <fcntl.h>
#  include <sys/stat.h>
#  include <sys/types.h>
#  include <sys/wait.h>
#  include <unistd.h>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#endif
#include "runtime/signal/signal_set.hpp"
#include "runtime/signal/handlers.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_SIGNAL_CHILD_HPP_)
#define RUNTIME_SIGNAL_CHILD_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace signal { namespace detail {

// The part of child_options that the forwarding needs (child_options itself is declared with the public API
// below, after this).
struct forwarding_options {
  signal_set forward;
  bool new_process_group = true;
  bool notify_shutdown = true;
  bool catch_ignored = false;
  bool terminal = true;
  bool stop_with_child = true;
  bool end_group = true;
};

// The terminal this process has as its controlling terminal on fd 0, 1 or 2 (tcgetpgrp answers only for
// that one), or -1.
inline int controlling_terminal() noexcept {
  for (int fd = 0; fd < 3; ++fd)
    if (::tcgetpgrp(fd) >= 0) return fd;
  return -1;
}

// Makes `pgrp` the foreground group of terminal `fd`. From the background tcsetpgrp would stop us with
// SIGTTOU; blocked, the kernel lets it through (what a shell does when it takes its terminal back).
inline void set_foreground(int fd, pid_t pgrp) noexcept {
  sigset_t ttou, old;
  sigemptyset(&ttou);
  sigaddset(&ttou, SIGTTOU);
  pthread_sigmask(SIG_BLOCK, &ttou, &old);
  ::tcsetpgrp(fd, pgrp);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}


// run_child's forwarding, as one object so that every way out (spawn failure, on_spawn throwing, a failed
// wait, the normal end) stops forwarding before the child is reaped and restores the dispositions.
class child_session {
 public:
  child_session(const forwarding_options& opts, std::string_view program) : program_(program), opts_(opts) {
    auto& st = state();
    forward_mask_ = to_sigset(opts.forward);
    pthread_sigmask(SIG_BLOCK, &forward_mask_, &old_mask_);
    st.child_target.store(0);
    st.child_pending.store(0);
    st.child_chain.store(0);
    st.child_notify.store(opts.notify_shutdown);
    st.forwarded.store(0);
    st.child_shares_group.store(!opts.new_process_group);
    try {
      // Not while a coordinator is being installed or uninstalled: its handler must be either in place (and
      // then chained) or gone for good, never restored over ours or by our end().
      const std::lock_guard lock(disposition_mutex());
      for (int sig = 1; sig < 64; ++sig) {
        if (!opts.forward.contains(sig)) continue;
        struct sigaction cur {};
        ::sigaction(sig, nullptr, &cur);
        if (ignores(cur) && !opts.catch_ignored) continue;
        // Marked before our handler replaces the coordinator's, so no signal in between misses the coordinator.
        if ((cur.sa_flags & SA_SIGINFO) != 0 && cur.sa_sigaction == &on_shutdown_signal)
          st.child_chain.fetch_or(1ULL << sig);
        install_action(sig, &on_forward_signal, forward_mask_, &previous_[sig]);
        installed_.add(sig);
      }
    } catch (...) {
      end();
      throw;
    }
  }

  ~child_session() {
    if (pid_ > 0) {
      // Only an unwind gets here with the child unreaped (on_spawn threw): nobody will wait for it.
      ::kill(target_, SIGKILL);
      if (target_ != pid_) ::kill(pid_, SIGKILL);
      stop_forwarding();
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
    end();
  }

  // The terminal the child is given (child_options::terminal): this process's controlling terminal when
  // this process is its foreground group, else -1. Called before the spawn.
  int terminal_for_child() noexcept {
    if (!opts_.terminal || !opts_.new_process_group) return -1;
    tty_ = controlling_terminal();
    if (tty_ >= 0 && ::tcgetpgrp(tty_) == ::getpgrp()) return tty_;
    return -1;
  }

  // The child runs: hand it the terminal, send it what came before its pid was known, in signal-number
  // order, and unblock.
  void started(pid_t pid, int target, bool gave_terminal) noexcept {
    auto& st = state();
    pid_ = pid;
    target_ = target;
    if (gave_terminal) {
      // The child made itself the foreground before exec (or, without glibc 2.35's
      // posix_spawn_file_actions_addtcsetpgrp_np, we do it now).
      set_foreground(tty_, pid);
      terminal_given_ = true;
    }
    st.child_pid.store(pid);
    st.child_target.store(target);
    const auto pending = st.child_pending.exchange(0);
    for (int sig = 1; sig < 64; ++sig)
      if ((pending >> sig) & 1U) {
        ::kill(target, sig);
        st.forwarded.fetch_add(1);
      }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }

  // Waits for the child to exit and reaps it. \throws runtime::error when it cannot (someone else reaped
  // it); never reports a status it did not get.
  int wait_and_reap() {
    // Wait without reaping first: while the zombie exists its pid cannot be reused, so a late forward is
    // harmless, and its process group still exists for end_group.
    const int what = WEXITED | WNOWAIT | (opts_.stop_with_child ? WSTOPPED : 0);
    for (;;) {
      siginfo_t info{};
      int rc = 0;
      while ((rc = ::waitid(P_PID, static_cast<id_t>(pid_), &info, what)) != 0 && errno == EINTR) {
      }
      if (rc != 0) fail(errno);
      if (info.si_code != CLD_STOPPED) break;
      // Take the stop report (WSTOPPED alone never reaps), then stop with the child, unless it has been
      // continued since (a Ctrl-Z that also stopped us, in our group, and the shell's `fg` continued both).
      siginfo_t taken{};
      while (::waitid(P_PID, static_cast<id_t>(pid_), &taken, WSTOPPED | WNOHANG) != 0 && errno == EINTR) {
      }
      siginfo_t continued{};
      while (::waitid(P_PID, static_cast<id_t>(pid_), &continued, WCONTINUED | WNOHANG) != 0 && errno == EINTR) {
      }
      if (continued.si_pid == 0) stop_with_child();
    }
    test_point(test_point_id::child_ended);
    stop_forwarding();
    // The child was asked to end (a signal was forwarded to its group) and has: what is left of its group
    // (a script's background jobs, which a shell starts with SIGINT ignored) is ended too, so nothing of
    // the job outlives it. SIGCONT wakes a stopped member so that it sees the SIGTERM.
    if (opts_.end_group && target_ == -pid_ && state().forwarded.load() > 0) {
      ::kill(target_, SIGTERM);
      ::kill(target_, SIGCONT);
    }
    int status = 0;
    pid_t w = -1;
    while ((w = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
    }
    if (w != pid_) fail(errno);
    pid_ = -1;
    return status;
  }

  unsigned forwarded() const noexcept { return state().forwarded.load(); }

  child_session(const child_session&) = delete;
  child_session& operator=(const child_session&) = delete;

 private:
  // From here a signal only sets a bit in child_pending (end() re-raises it); once the handlers that already
  // read the pid are done, the child may be reaped.
  void stop_forwarding() noexcept {
    pthread_sigmask(SIG_BLOCK, &forward_mask_, nullptr);
    state().child_target.store(0);
    state().child_pid.store(0);
    test_point(test_point_id::child_exited);
    drain_handlers();
  }

  // The child stopped (SIGSTOP, or Ctrl-Z / SIGTTIN / SIGTTOU at its terminal): this process stops too, as
  // sudo does, so that whoever waits for us (a shell's job control) sees the job stopped and gets its terminal
  // back; continued (`fg`, `bg`, SIGCONT), we give the child the terminal again if we are its foreground and
  // continue the child's group.
  void stop_with_child() noexcept {
    give_terminal_back();
    ::kill(::getpid(), SIGSTOP);
    if (tty_ >= 0 && ::tcgetpgrp(tty_) == ::getpgrp() && target_ == -pid_) {
      set_foreground(tty_, pid_);
      terminal_given_ = true;
    }
    ::kill(target_, SIGCONT);
  }

  void give_terminal_back() noexcept {
    if (!terminal_given_) return;
    terminal_given_ = false;
    set_foreground(tty_, ::getpgrp());
  }

  [[noreturn]] void fail(int err) {
    // The child is gone or not ours: never signal or wait for that pid again (it may be reused).
    pid_ = -1;
    stop_forwarding();
    throw error(error_kind::signal, "signal.wait_failed",
                "cannot learn how " + program_ + " ended: " + std::string(std::strerror(err)) +
                    " (SIGCHLD ignored, or another thread reaped the child)");
  }

  // Restores the dispositions, then gives the process every signal that arrived while there was no child
  // to send it to (during a failed spawn, after the exit) and that the coordinator did not already get:
  // with the signals still blocked here it waits for the restored disposition, as without run_child.
  void end() noexcept {
    auto& st = state();
    give_terminal_back();
    pthread_sigmask(SIG_BLOCK, &forward_mask_, nullptr);
    st.child_target.store(0);
    st.child_pid.store(0);
    drain_handlers();
    {
      const std::lock_guard lock(disposition_mutex());
      for (int sig = 1; sig < 64; ++sig)
        if (installed_.contains(sig)) ::sigaction(sig, &previous_[sig], nullptr);
    }
    const auto seen = st.child_notify.load() ? st.child_chain.load() : 0ULL;
    const auto pending = st.child_pending.exchange(0) & ~seen;
    for (int sig = 1; sig < 64; ++sig)
      if ((pending >> sig) & 1U) ::kill(::getpid(), sig);
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }

  std::string program_;
  forwarding_options opts_;
  int tty_ = -1;                 // our controlling terminal's fd (0, 1 or 2), or -1
  bool terminal_given_ = false;  // the child's group is its foreground because we made it so
  sigset_t forward_mask_{};
  sigset_t old_mask_{};
  signal_set installed_;
  struct sigaction previous_[64] {};
  pid_t pid_ = -1;  // the child, until it is reaped
  int target_ = 0;
};

// The `#!` interpreter named on the first line of `path`, or "" when it has none (or cannot be read).
inline std::string shebang_interpreter(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return {};
  char buf[256];
  ssize_t n = -1;
  while ((n = ::read(fd, buf, sizeof buf)) < 0 && errno == EINTR) {
  }
  ::close(fd);
  if (n < 3 || buf[0] != '#' || buf[1] != '!') return {};
  std::string_view line(buf + 2, static_cast<std::size_t>(n - 2));
  line = line.substr(0, line.find('\n'));
  const auto begin = line.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  line = line.substr(begin);
  return std::string(line.substr(0, line.find_first_of(" \t\r")));
}

// Why posix_spawn failed, as Bun 1.4.5 words it ("ENOEXEC: /path: Exec format error (posix_spawn())"), and
// for a script whose `#!` interpreter is missing (the kernel says ENOENT about the script itself) which
// file is really missing. A program that does not exist at all is "signal.program_not_found".
[[noreturn]] inline void throw_spawn_failure(int err, const std::string& name, const std::string& program) {
  struct stat sb {};
  const bool exists = ::stat(program.c_str(), &sb) == 0;
  if ((err == ENOENT || err == ENOTDIR) && !exists)
    throw error(error_kind::io, "signal.program_not_found", "command not found: " + name);
  const char* errno_name = ::strerrorname_np(err);
  std::string msg = std::string(errno_name != nullptr ? errno_name : "E?") + ": " + program + ": " +
                    std::strerror(err) + " (posix_spawn())";
  if (err == ENOENT) {
    const std::string interpreter = shebang_interpreter(program);
    if (!interpreter.empty()) msg += "; its interpreter " + interpreter + " was not found";
  }
  throw error(error_kind::io, "signal.spawn_failed", msg);
}

}  // namespace detail
}  // namespace signal
}  // namespace v1
}  // namespace runtime

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace signal {

/// How run_child starts and watches a child.
struct child_options {
  signal_set forward{SIGINT, SIGTERM, SIGHUP, SIGQUIT};  ///< passed on to the child while it runs
  /// The child leads its own process group and forwarded signals go to the whole group, so a script's
  /// commands (`sh -c 'a; b'`, its background jobs) all get them, not only the shell. Off: the child shares
  /// our group and only the child itself gets what we forward.
  bool new_process_group = true;
  /// PATH value searched when argv[0] has no '/'; without one such a name is an error. Never read from the
  /// live environment.
  std::optional<std::string> path;
  /// Called once the child runs (signals already being forwarded). If it throws, the child is killed with
  /// SIGKILL and reaped before the exception propagates: nobody is left to wait for it, and forwarding to an
  /// unreaped pid must end.
  std::function<void(pid_t)> on_spawn;
  /// With a shutdown coordinator installed, a forwarded signal the coordinator owns also goes to it, so the
  /// shutdown starts as it would without a child. Off: forwarded only, and the caller decides by the child's
  /// status (what `bun run` does). The coordinator's deadline timer is never forwarded either way.
  bool notify_shutdown = true;
  /// Also forward a signal that was ignored (SIG_IGN) when run_child started; by default it stays ignored,
  /// as the GNU coding standards ask (a nohup'd SIGHUP, a background job's SIGINT).
  bool catch_ignored = false;
  /// With new_process_group, when this process is the foreground of its controlling terminal, the child's
  /// group becomes the foreground while it runs (interactive programs read the terminal, Ctrl-C and Ctrl-Z
  /// reach them directly) and we take the terminal back afterwards.
  bool terminal = true;
  /// When the child stops (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU), stop this process too (SIGSTOP), and continue
  /// the child when we are continued, as sudo does: a job-control shell then sees the job stopped and gets its
  /// terminal back. Off: keep waiting (what a shell without job control does).
  bool stop_with_child = true;
  /// With new_process_group: once a signal has been forwarded and the child has ended, send SIGTERM (then
  /// SIGCONT) to what is left of its group, so nothing of an ended job keeps running (a shell starts
  /// background jobs with SIGINT ignored). A child that ends on its own leaves its group alone.
  bool end_group = true;
};

/// How a child ended, as a shell reports it.
struct child_result {
  pid_t pid = -1;
  int exit_code = 0;         ///< its exit status, when it exited
  int signal = 0;            ///< the signal that killed it, or 0
  bool core_dumped = false;
  unsigned forwarded = 0;    ///< signals passed on to it
  bool signaled() const noexcept { return signal != 0; }
  /// The shell's `$?`: exit code, or 128+n for death by signal n.
  int shell_status() const noexcept { return signal != 0 ? 128 + signal : exit_code; }
};

/// Looks `name` up like execvp: a name with '/' is taken as is; otherwise each entry of `path_value` (':'
/// separated; empty means ".") is tried. \returns the first executable regular file, or nullopt.
inline std::optional<std::string> find_program(std::string_view name, std::string_view path_value) {
  const auto usable = [](const std::string& p) {
    struct stat sb {};
    return ::stat(p.c_str(), &sb) == 0 && S_ISREG(sb.st_mode) && ::access(p.c_str(), X_OK) == 0;
  };
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string_view::npos) {
    std::string p(name);
    if (usable(p)) return p;
    return std::nullopt;
  }
  std::size_t pos = 0;
  for (;;) {
    const auto end = path_value.find(':', pos);
    auto dir = path_value.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    std::string p = dir.empty() ? std::string(".") : std::string(dir);
    if (p.back() != '/') p += '/';
    p += name;
    if (usable(p)) return p;
    if (end == std::string_view::npos) return std::nullopt;
    pos = end + 1;
  }
}

/// The signal state this process inherited from its parent (ignored signals, signal mask), as it was when
/// the signal module first ran (shutdown::install, run_child or this call): what a child gets back, and what
/// exit_like goes by. Call it first thing in main when the program itself ignores or blocks signals early.
inline detail::inherited_signal_state inherited_signals() noexcept { return detail::inherited_slot(); }

/// Starts `argv` with exactly `envp` ("NAME=value" strings), forwards `opts.forward` signals to it while it
/// runs, reaps it and reports how it ended. The signals are blocked from before the spawn until the child's
/// pid is known, so none is lost or sent to a wrong process. One run_child at a time per process.
///
/// Signal state of the child: what this process inherited (inherited_signals): signals its parent ignored
/// stay ignored (nohup's SIGHUP, a background job's SIGINT), the inherited mask; a signal this process
/// ignored itself since is reset to the default; handlers are reset by exec; SIGCHLD is the default (see below).
///
/// A forwarded signal that arrives when there is no child to send it to (the spawn fails, or the child has
/// already exited) is raised again on this process once the previous dispositions are back.
/// With a shutdown coordinator installed, its signals are forwarded and also reach the coordinator
/// (child_options::notify_shutdown), and its deadline keeps working even when a hook is the caller.
///
/// Process groups (child_options::new_process_group, the default): the child leads its own group, every
/// forwarded signal goes to the whole group, and the group gets the terminal when we had it
/// (child_options::terminal). When the child has ended after a forwarded signal, the rest of its group gets
/// SIGTERM (child_options::end_group). A child that stops makes us stop (child_options::stop_with_child).
/// In our group instead, the child also gets every signal sent to the whole group (`kill(0, sig)`,
/// `kill -TERM -pgid`), once directly and once forwarded by us; a terminal's keys (SIGINT from Ctrl-C,
/// SIGQUIT from Ctrl-\) are recognised and not doubled.
///
/// SIGCHLD: an ignored SIGCHLD (SIG_IGN or SA_NOCLDWAIT, from a careless parent) would let the kernel reap the
/// child and lose its status, so run_child sets it back to the default for the whole process (and the child).
/// \throws runtime::error: kind io "signal.program_not_found" (no such program) / "signal.spawn_failed" (it
/// exists but cannot be started: the message gives the reason as Bun prints it, e.g.
/// `E2BIG: /usr/bin/bash: Argument list too long (posix_spawn())`, and names a missing `#!` interpreter);
/// kind signal otherwise ("signal.wait_failed" when the child's status cannot be had: it was reaped
/// elsewhere). Whatever `on_spawn` throws, after the child was killed and reaped.
inline child_result run_child(const std::vector<std::string>& argv, const std::vector<std::string>& envp,
                              child_options opts = {}) {
  if (argv.empty() || argv[0].empty()) throw error(error_kind::io, "signal.program_not_found", "no program to run");
  const detail::inherited_signal_state inherited = detail::inherited_slot();  // before we change anything
  std::string program = argv[0];
  if (program.find('/') == std::string::npos) {
    auto found = opts.path ? find_program(program, *opts.path) : std::nullopt;
    if (!found) throw error(error_kind::io, "signal.program_not_found", "command not found: " + program);
    program = std::move(*found);
  }
  {
    // A child whose status the kernel throws away cannot be reported: SIGCHLD back to the default.
    struct sigaction chld {};
    ::sigaction(SIGCHLD, nullptr, &chld);
    if (detail::ignores(chld) || (chld.sa_flags & SA_NOCLDWAIT) != 0) {
      if (detail::ignores(chld)) chld.sa_handler = SIG_DFL;
      chld.sa_flags &= ~SA_NOCLDWAIT;
      ::sigaction(SIGCHLD, &chld, nullptr);
    }
  }
  std::vector<char*> av, ev;
  for (const auto& a : argv) av.push_back(const_cast<char*>(a.c_str()));
  av.push_back(nullptr);
  for (const auto& e : envp) ev.push_back(const_cast<char*>(e.c_str()));
  ev.push_back(nullptr);

  auto& st = detail::state();
  if (st.child_busy.exchange(true)) throw error(error_kind::signal, "signal.child_busy", "another run_child is running");
  struct busy_guard {
    ~busy_guard() { detail::state().child_busy.store(false); }
  } busy;

  detail::child_session session({.forward = opts.forward,
                                 .new_process_group = opts.new_process_group,
                                 .notify_shutdown = opts.notify_shutdown,
                                 .catch_ignored = opts.catch_ignored,
                                 .terminal = opts.terminal,
                                 .stop_with_child = opts.stop_with_child,
                                 .end_group = opts.end_group},
                                argv[0]);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Reset in the child only what this process changed: every signal to the default except those inherited
  // as ignored, which stay as they are (still ignored, unless we caught one since: exec resets a handler).
  // One set for posix_spawn, no per-signal query here (rt run's start-up is measured).
  sigset_t defaults;
  sigfillset(&defaults);
  sigdelset(&defaults, SIGKILL);
  sigdelset(&defaults, SIGSTOP);
  for (int sig = 1; sig < 64; ++sig)
    if (sig != SIGCHLD && inherited.ignores(sig)) sigdelset(&defaults, sig);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (opts.new_process_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attr, 0);
  }
  posix_spawnattr_setflags(&attr, flags);
  posix_spawnattr_setsigmask(&attr, &inherited.mask);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const int tty = session.terminal_for_child();
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
  // The child takes the terminal itself, before exec: an interactive program that reads at once must not
  // meet SIGTTIN because we had not handed the terminal over yet.
  if (tty >= 0) posix_spawn_file_actions_addtcsetpgrp_np(&actions, tty);
#endif
  pid_t pid = -1;
  detail::test_point(detail::test_point_id::before_spawn);
  const int rc = ::posix_spawn(&pid, program.c_str(), &actions, &attr, av.data(), ev.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) detail::throw_spawn_failure(rc, argv[0], program);
  session.started(pid, opts.new_process_group ? -pid : pid, tty >= 0);
  if (opts.on_spawn) opts.on_spawn(pid);
  const int status = session.wait_and_reap();

  child_result r;
  r.pid = pid;
  r.forwarded = session.forwarded();
  if (WIFSIGNALED(status)) {
    r.signal = WTERMSIG(status);
    r.core_dumped = WCOREDUMP(status);
  } else if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  }
  return r;
}

/// Ends this process the way the child ended: the same exit code, or (as Bun does) flush stdio, restore the
/// default disposition and re-raise the child's signal so our parent sees the real signal. Exit status
/// 128+n instead when that signal was ignored when we started (inherited_signals), or does not terminate.
[[noreturn]] inline void exit_like(const child_result& r) {
  std::fflush(nullptr);
  // A signal our parent had us ignore (nohup's SIGHUP) must not end us by that signal: 128+n instead.
  if (r.signal != 0) detail::die_now(r.signal, !detail::inherited_slot().ignores(r.signal));
  std::exit(r.exit_code);
}

}  // namespace signal
}  // namespace v1
}  // namespace runtime
RUNTIME_EXPORT_END

#endif
