// SPDX-License-Identifier: MIT
// runtime.signal / handlers: everything that runs in signal context: the process-wide state it touches, the
// shutdown coordinator's handler and run_child's forwarding handler, and the test points (RUNTIME_TESTING).
//
// Signal context does three things only: atomics, write(2) of one byte to a self-pipe, and (for a forced
// exit) sigaction/sigprocmask/raise/_exit. Everything else (stop_source, hooks, logging) runs on a watcher
// thread that reads the pipe. Each function that may run in signal context says `// async-signal-safe`.
#ifndef RUNTIME_MODULE
#  include <atomic>
#  include <cerrno>
#  include <cstdint>
#  include <string>
#  include <string_view>
#  include <mutex>
#  include <thread>
#  include <signal.h>
#  include <sys/wait.h>
#  include <unistd.h>
#  include "runtime/detail/posix_io.hpp"
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#endif
#include "runtime/signal/signal_set.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_SIGNAL_HANDLERS_HPP_)
#define RUNTIME_SIGNAL_HANDLERS_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace signal { namespace detail {

// Places where a test can make another thread act at a chosen moment. The points are always compiled (one
// relaxed load each, so every translation unit sees the same code); only the setter, signal::testing::set_hook,
// needs RUNTIME_TESTING.
enum class test_point_id : std::uint8_t {
  before_spawn,       ///< run_child: forwarding installed, the child not started yet (the caller's thread)
  child_ended,        ///< run_child: waitid saw the child exit, forwarding not stopped yet (the caller's thread)
  uninstalling,       ///< shutdown::uninstall: signals blocked, the old handlers not restored yet
  child_exited,       ///< run_child: the child has exited and forwarding stopped; dispositions not restored yet
  draining,           ///< run_child or shutdown::uninstall waits for a handler in flight (once per spin)
  handler_in_flight,  ///< a handler holds a child pid or the wake fd (signal context: the hook must be
                      ///< async-signal-safe)
};
using test_hook_fn = void (*)(test_point_id) noexcept;

// Everything signal context touches: constant-initialized, so no guard variable and no allocation.
struct global_state {
  std::atomic<int> wake_fd{-1};              // write end of the coordinator's self-pipe
  std::atomic<bool> stopping{false};         // a shutdown has started
  std::atomic<bool> force_on_second{true};
  std::atomic<bool> reraise{false};
  std::atomic<int> first_signal{0};
  std::atomic<int> owner_pid{0};             // the process that installed the coordinator
  std::atomic<int> child_target{0};          // pid (or -pgid) signals are forwarded to; 0: none yet
  std::atomic<int> child_pid{0};             // the child itself (the group's leader), while unreaped
  std::atomic<bool> child_shares_group{true};
  std::atomic<unsigned long long> child_pending{0};  // signals that arrived while there was no child to send to
  std::atomic<unsigned long long> child_chain{0};    // forwarded signals whose handler before run_child's is the
                                                     // coordinator's (child_options::notify_shutdown)
  std::atomic<bool> child_notify{true};              // child_options::notify_shutdown
  std::atomic<unsigned> forwarded{0};
  std::atomic<bool> child_busy{false};
  // Handlers between reading a child pid or the wake fd and using it: the pid is not reaped and the fd not
  // closed until this drains (drain_handlers), so a late kill never hits a reused pid, nor a write a reused fd.
  std::atomic<unsigned> in_flight{0};
  std::atomic<bool> watcher_live{true};      // a watcher reads the pipe (or is being started)
  std::atomic<bool> exit_on_signal{true};    // exit_mode::exit_process
  // Raised before the deadline timer is deleted: an expiry already queued then arrives late, after the hooks
  // finished in time, and must not end the process.
  std::atomic<bool> deadline_disarmed{true};
  std::atomic<test_hook_fn> test_hook{nullptr};
};
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<bool>::is_always_lock_free &&
              std::atomic<unsigned long long>::is_always_lock_free && std::atomic<unsigned>::is_always_lock_free &&
              std::atomic<test_hook_fn>::is_always_lock_free);

inline global_state& state() noexcept {
  static constinit global_state s{};
  return s;
}

// What the handlers and request() write to the wake pipe; the watcher reads the signal from first_signal.
inline constexpr unsigned char wake_byte = 1;
// What uninstall writes to stop the watcher; nothing else ever writes it.
inline constexpr unsigned char quit_byte = 0xff;

// async-signal-safe (when the test's hook is)
inline void test_point(test_point_id p) noexcept {
  if (const auto h = state().test_hook.load(std::memory_order_relaxed)) h(p);
}

// async-signal-safe
inline void unblock_one(int sig) noexcept {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
}

// Ends the process now: re-raise with the default disposition when asked, else _exit(128+n).
// async-signal-safe
[[noreturn]] inline void die_now(int sig, bool reraise) noexcept {
  if (sig > 0 && reraise) {
    struct sigaction sa {};
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, nullptr);
    unblock_one(sig);
    raise(sig);
  }
  _exit(sig > 0 ? 128 + sig : 1);
}

// The coordinator's handler.
// async-signal-safe
inline void on_shutdown_signal(int sig, siginfo_t* info, void*) noexcept {
  auto& s = state();
  const int saved = errno;
  // A child forked without exec inherits the handler and the pipe but not the watcher: a write would wake
  // the parent's watcher. Such a child behaves as if it had no handler.
  if (::getpid() != s.owner_pid.load()) die_now(sig, true);
  if (s.stopping.exchange(true)) {
    if (info != nullptr && info->si_code == SI_TIMER) {
      if (s.deadline_disarmed.load()) {
        errno = saved;
        return;
      }
      // The shutdown deadline (shutdown::arm_deadline): the hooks took too long.
      runtime::detail::write_all(2, "runtime.signal: shutdown deadline passed; exiting\n");  // async-signal-safe
      die_now(s.first_signal.load(), s.reraise.load());
    }
    if (s.force_on_second.load()) die_now(sig, s.reraise.load());
    errno = saved;
    return;
  }
  int none = 0;
  s.first_signal.compare_exchange_strong(none, sig);
  // No watcher yet (shutdown_options::on_demand_watcher): there is no hook to run, so exiting is all that is
  // left. In return_from_wait mode the byte below waits in the pipe for the watcher wait() starts.
  if (!s.watcher_live.load() && s.exit_on_signal.load()) die_now(sig, s.reraise.load());
  s.in_flight.fetch_add(1);
  const int fd = s.wake_fd.load();
  test_point(test_point_id::handler_in_flight);
  // A full pipe already holds a wake-up, so a failed write loses nothing.
  if (fd >= 0) {
    [[maybe_unused]] auto n = ::write(fd, &wake_byte, 1);
  }
  s.in_flight.fetch_sub(1);
  errno = saved;
}

// run_child's handler: pass the signal on to the child (or remember it while there is no child), then hand
// it to the shutdown coordinator when run_child replaced the coordinator's handler.
// async-signal-safe
inline void on_forward_signal(int sig, siginfo_t* info, void* ctx) noexcept {
  auto& s = state();
  const int saved = errno;
  const bool coordinator = ((s.child_chain.load() >> sig) & 1U) != 0;
  // The coordinator's deadline timer re-sends its signal (shutdown::arm_deadline): it is the coordinator's
  // verdict on its own hooks (one of which may be running this child), never something for the child.
  if (coordinator && info != nullptr && info->si_code == SI_TIMER) {
    on_shutdown_signal(sig, info, ctx);
    errno = saved;
    return;
  }
  s.in_flight.fetch_add(1);
  int target = s.child_target.load();
  if (target == 0) {
    s.child_pending.fetch_or(1ULL << sig);
    // run_child may have published the pid and drained the pending set meanwhile (on another thread): then
    // this signal is ours to send. Whoever exchanges a bit out of child_pending sends it, so exactly once.
    target = s.child_target.load();
    if (target != 0) {
      const auto bits = s.child_pending.exchange(0);
      for (int i = 1; i < 64; ++i)
        if ((bits >> i) & 1U) {
          ::kill(target, i);
          s.forwarded.fetch_add(1);
        }
    }
  } else {
    test_point(test_point_id::handler_in_flight);
    // A child that has already exited (a zombie not reaped yet: in_flight keeps run_child from reaping it)
    // takes the signal and drops it; then the signal is this process's, as when there is no child, and
    // run_child re-raises it once the dispositions are back. Checked before the kill: a child that dies of
    // the signal it was sent, or traps it and exits, is the child's answer, not a lost signal. (waitid is a
    // plain system call; WNOWAIT leaves the child for run_child to reap.)
    const int leader = s.child_pid.load();
    siginfo_t si{};
    if (leader > 0 && ::waitid(P_PID, static_cast<id_t>(leader), &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
        si.si_pid != 0)
      s.child_pending.fetch_or(1ULL << sig);
    // A terminal's Ctrl-C (si_code SI_KERNEL) already reached a child in our process group: do not double it.
    const bool from_tty = info != nullptr && info->si_code == SI_KERNEL;
    if (!(from_tty && s.child_shares_group.load())) {
      ::kill(target, sig);  // the rest of the child's group still gets it
      s.forwarded.fetch_add(1);
    }
  }
  s.in_flight.fetch_sub(1);
  // Forwarded first: the coordinator may end the process right here (no watcher yet, a second signal).
  if (coordinator && s.child_notify.load()) on_shutdown_signal(sig, info, ctx);
  errno = saved;
}

// Waits until no handler holds a child pid or the wake fd. Handlers never block, so this is a short spin.
inline void drain_handlers() noexcept {
  while (state().in_flight.load() != 0) {
    test_point(test_point_id::draining);
    std::this_thread::yield();
  }
}

// Whether `sa` ignores its signal (the GNU coding standards leave such a signal alone: nohup, `cmd &`).
inline bool ignores(const struct sigaction& sa) noexcept {
  return (sa.sa_flags & SA_SIGINFO) == 0 && sa.sa_handler == SIG_IGN;
}

inline void install_action(int sig, void (*fn)(int, siginfo_t*, void*), const sigset_t& mask,
                           struct sigaction* previous) {
  struct sigaction sa {};
  sa.sa_sigaction = fn;
  sa.sa_mask = mask;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  if (::sigaction(sig, &sa, previous) != 0) {
    throw error(error_kind::signal, "signal.sigaction_failed",
                std::string("cannot install a handler for ") + std::string(name_of(sig)));
  }
}

// Held while the shutdown coordinator or run_child swaps dispositions, so that neither saves the other's
// handler as "previous" while the other is taking it away (run_child starting while uninstall restores).
inline std::mutex& disposition_mutex() noexcept {
  static std::mutex m;
  return m;
}

/// The signal state this process inherited: which standard signals were ignored (SIG_IGN) and the mask, as
/// they were when the signal module was first used (shutdown::install, run_child, inherited_signals), before
/// it changed anything. A child gets them back; exit_like re-raises only a signal that was not ignored.
struct inherited_signal_state {
  unsigned long long ignored = 0;  ///< bit n: signal n was ignored
  sigset_t mask{};
  bool ignores(int sig) const noexcept { return sig > 0 && sig < 64 && ((ignored >> sig) & 1U) != 0; }
};

// The standard signals only (1-31): a real-time signal inherited as ignored is so rare that it is not worth
// 32 more system calls at every start-up; such a signal is treated as not ignored (reset in a child).
inline inherited_signal_state take_inherited_signals() noexcept {
  inherited_signal_state st;
  for (int sig = 1; sig < 32; ++sig) {
    struct sigaction cur {};
    if (::sigaction(sig, nullptr, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) == 0 && cur.sa_handler == SIG_IGN)
      st.ignored |= 1ULL << sig;
  }
  sigemptyset(&st.mask);
  pthread_sigmask(SIG_BLOCK, nullptr, &st.mask);
  return st;
}

inline inherited_signal_state& inherited_slot() noexcept {
  static inherited_signal_state st = take_inherited_signals();
  return st;
}

inline sigset_t to_sigset(signal_set set) noexcept {
  sigset_t s;
  sigemptyset(&s);
  for (int i = 1; i < 64; ++i)
    if (set.contains(i)) sigaddset(&s, i);
  return s;
}

}  // namespace detail
}  // namespace signal
}  // namespace v1
}  // namespace runtime

#if RUNTIME_TESTING
RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace signal {

/// Test hooks, for tests of the signal races only (compiled when RUNTIME_TESTING is 1).
namespace testing {
/// Places where a test can make another thread act at a chosen moment (testing::set_hook).
using point = detail::test_point_id;
using hook_fn = detail::test_hook_fn;
/// Calls `fn` at each testing::point from now on (nullptr: stop).
inline void set_hook(hook_fn fn) noexcept { detail::state().test_hook.store(fn); }
/// Takes the inherited signal state (signal::inherited_signals) again, from the process as it is now.
inline void retake_inherited_signals() noexcept { detail::inherited_slot() = detail::take_inherited_signals(); }
}  // namespace testing

}  // namespace signal
}  // namespace v1
}  // namespace runtime
RUNTIME_EXPORT_END
#endif

#endif
