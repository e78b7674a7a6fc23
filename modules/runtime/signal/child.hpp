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
#  include <signal.h>
#  include <spawn.h>
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
  bool new_process_group = false;
  bool notify_shutdown = true;
  bool catch_ignored = false;
};


// run_child's forwarding, as one object so that every way out (spawn failure, on_spawn throwing, a failed
// wait, the normal end) stops forwarding before the child is reaped and restores the dispositions.
class child_session {
 public:
  child_session(const forwarding_options& opts, std::string_view program) : program_(program) {
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
      stop_forwarding();
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
    end();
  }

  // The child runs: send it what came before its pid was known, in signal-number order, and unblock.
  void started(pid_t pid, int target) noexcept {
    auto& st = state();
    pid_ = pid;
    target_ = target;
    st.child_target.store(target);
    const auto pending = st.child_pending.exchange(0);
    for (int sig = 1; sig < 64; ++sig)
      if ((pending >> sig) & 1U) {
        ::kill(target, sig);
        st.forwarded.fetch_add(1);
      }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }

  // Waits for the child to exit and reaps it. \throws runtime::error when it cannot (SIGCHLD ignored, or
  // someone else reaped it); never reports a status it did not get.
  int wait_and_reap() {
    // Wait without reaping first: while the zombie exists its pid cannot be reused, so a late forward is
    // harmless.
    siginfo_t info{};
    int rc = 0;
    while ((rc = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT)) != 0 && errno == EINTR) {
    }
    if (rc != 0) fail(errno);
    stop_forwarding();
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
    test_point(test_point_id::child_exited);
    drain_handlers();
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
    pthread_sigmask(SIG_BLOCK, &forward_mask_, nullptr);
    st.child_target.store(0);
    drain_handlers();
    for (int sig = 1; sig < 64; ++sig)
      if (installed_.contains(sig)) ::sigaction(sig, &previous_[sig], nullptr);
    const auto seen = st.child_notify.load() ? st.child_chain.load() : 0ULL;
    const auto pending = st.child_pending.exchange(0) & ~seen;
    for (int sig = 1; sig < 64; ++sig)
      if ((pending >> sig) & 1U) ::kill(::getpid(), sig);
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }

  std::string program_;
  sigset_t forward_mask_{};
  sigset_t old_mask_{};
  signal_set installed_;
  struct sigaction previous_[64] {};
  pid_t pid_ = -1;  // the child, until it is reaped
  int target_ = 0;
};

}  // namespace detail
}  // namespace signal
}  // namespace v1
}  // namespace runtime

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace signal {

/// How run_child starts and watches a child.
struct child_options {
  signal_set forward{SIGINT, SIGTERM, SIGHUP, SIGQUIT};  ///< passed on to the child while it runs
  bool new_process_group = false;  ///< child leads its own group; signals then go to the whole group
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

/// Starts `argv` with exactly `envp` ("NAME=value" strings), forwards `opts.forward` signals to it while it
/// runs, reaps it and reports how it ended. The signals are blocked from before the spawn until the child's
/// pid is known, so none is lost or sent to a wrong process; the child starts with an empty signal mask and
/// default dispositions. One run_child at a time per process.
///
/// A forwarded signal that arrives when there is no child to send it to (the spawn fails, or the child has
/// just exited) is raised again on this process once the previous dispositions are back.
/// With a shutdown coordinator installed, its signals are forwarded and also reach the coordinator
/// (child_options::notify_shutdown), and its deadline keeps working even when a hook is the caller.
/// Process groups: a child in our group (the default) also gets every signal sent to the whole group
/// (`kill(0, sig)`, `kill -TERM -pgid`), once directly and once forwarded by us; a terminal's keys
/// (SIGINT from Ctrl-C, SIGQUIT from Ctrl-\) are recognised and not doubled. With new_process_group the
/// child only gets what we forward.
/// SIGCHLD must not be ignored (SIG_IGN or SA_NOCLDWAIT): the kernel would reap the child and its status
/// would be lost.
/// \throws runtime::error: kind io "signal.program_not_found" / "signal.spawn_failed"; kind signal otherwise
/// ("signal.wait_failed" when the child's status cannot be had: it was reaped elsewhere). Whatever
/// `on_spawn` throws, after the child was killed and reaped.
inline child_result run_child(const std::vector<std::string>& argv, const std::vector<std::string>& envp,
                              child_options opts = {}) {
  if (argv.empty() || argv[0].empty()) throw error(error_kind::io, "signal.program_not_found", "no program to run");
  std::string program = argv[0];
  if (program.find('/') == std::string::npos) {
    auto found = opts.path ? find_program(program, *opts.path) : std::nullopt;
    if (!found) throw error(error_kind::io, "signal.program_not_found", "command not found: " + program);
    program = std::move(*found);
  }
  {
    // Checked before starting anything: a child whose status is bound to be lost is not worth starting.
    struct sigaction chld {};
    ::sigaction(SIGCHLD, nullptr, &chld);
    if (detail::ignores(chld) || (chld.sa_flags & SA_NOCLDWAIT) != 0)
      throw error(error_kind::signal, "signal.sigchld_ignored",
                  "cannot run " + argv[0] + ": SIGCHLD is ignored, so its exit status would be lost");
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
                                 .catch_ignored = opts.catch_ignored},
                                argv[0]);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty, all;
  sigemptyset(&empty);
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (opts.new_process_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attr, 0);
  }
  posix_spawnattr_setflags(&attr, flags);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &all);
  pid_t pid = -1;
  detail::test_point(detail::test_point_id::before_spawn);
  const int rc = ::posix_spawn(&pid, program.c_str(), nullptr, &attr, av.data(), ev.data());
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    const bool missing = rc == ENOENT || rc == ENOTDIR;
    throw error(error_kind::io, missing ? "signal.program_not_found" : "signal.spawn_failed",
                (missing ? "command not found: " : "cannot start ") + argv[0]);
  }
  session.started(pid, opts.new_process_group ? -pid : pid);
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
/// default disposition and re-raise the child's signal so our parent sees the real signal. Falls back to
/// exit status 128+n if the signal does not terminate.
[[noreturn]] inline void exit_like(const child_result& r) {
  std::fflush(nullptr);
  if (r.signal != 0) detail::die_now(r.signal, true);
  std::exit(r.exit_code);
}

}  // namespace signal
}  // namespace v1
}  // namespace runtime
RUNTIME_EXPORT_END

#endif
