// SPDX-License-Identifier: MIT
// runtime.signal: SIGINT/SIGTERM handling, graceful shutdown, forwarding to child processes.
//
// Signal context does three things only: atomics, write(2) of one byte to a self-pipe, and (for a forced
// exit) sigaction/sigprocmask/raise/_exit. Everything else (stop_source, hooks, logging) runs on a watcher
// thread that reads the pipe. Each function that may run in signal context says `// async-signal-safe`.
#ifndef RUNTIME_MODULE
#  include <algorithm>
#  include <atomic>
#  include <cerrno>
#  include <chrono>
#  include <concepts>
#  include <condition_variable>
#  include <csignal>
#  include <cstdint>
#  include <cstdio>
#  include <cstdlib>
#  include <cstring>
#  include <exception>
#  include <functional>
#  include <initializer_list>
#  include <mutex>
#  include <optional>
#  include <stop_token>
#  include <string>
#  include <string_view>
#  include <thread>
#  include <utility>
#  include <vector>
#  include <fcntl.h>
#  include <signal.h>
#  include <spawn.h>
#  include <sys/stat.h>
#  include <sys/types.h>
#  include <sys/wait.h>
#  include <time.h>
#  include <unistd.h>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#  include "runtime/log.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_SIGNAL_HPP_)
#define RUNTIME_SIGNAL_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1::signal {

/// The conventional name of a signal ("SIGINT"), or "SIG?" for one this table does not know.
/// async-signal-safe: returns a pointer to static storage.
constexpr std::string_view name_of(int sig) noexcept {
  switch (sig) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGSEGV: return "SIGSEGV";
    case SIGTERM: return "SIGTERM";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    case SIGCHLD: return "SIGCHLD";
    default: return "SIG?";
  }
}

/// A set of signal numbers 1..63 as a bit mask. Structural, so it can be a template argument.
struct signal_set {
  unsigned long long bits = 0;
  constexpr signal_set() noexcept = default;
  constexpr signal_set(std::initializer_list<int> sigs) noexcept {
    for (int s : sigs) add(s);
  }
  constexpr signal_set& add(int sig) noexcept {
    if (sig > 0 && sig < 64) bits |= 1ULL << sig;
    return *this;
  }
  /// async-signal-safe
  constexpr bool contains(int sig) const noexcept { return sig > 0 && sig < 64 && ((bits >> sig) & 1U) != 0; }
  constexpr bool empty() const noexcept { return bits == 0; }
  friend constexpr bool operator==(signal_set, signal_set) noexcept = default;
};

/// The signals a shutdown coordinator may own: SIGINT, SIGTERM, SIGHUP, SIGQUIT.
constexpr signal_set shutdown_signals_allowed() noexcept { return {SIGINT, SIGTERM, SIGHUP, SIGQUIT}; }

/// What the watcher does once the hooks of a signal-started shutdown have run.
enum class exit_mode : std::uint8_t {
  exit_process,      ///< flush stdio and exit with 128+n (or re-raise, see `reraise`)
  return_from_wait,  ///< let `wait()` return the signal; the caller chooses the exit status
};

/// Configuration of the shutdown coordinator.
struct shutdown_options {
  signal_set signals{SIGINT, SIGTERM};            ///< subset of shutdown_signals_allowed()
  std::chrono::milliseconds deadline{10000};      ///< hooks get this long; then the process exits anyway
  bool force_on_second = true;                    ///< a second signal during shutdown exits at once
  bool reraise = false;                           ///< exit by re-raising with the previous disposition
  exit_mode on_signal = exit_mode::exit_process;  ///< see exit_mode
  /// Start the watcher thread only when something needs it: the first hook, `wait()`, or `token()` with
  /// exit_mode::return_from_wait. Until then the process has no extra thread, and a shutdown signal with
  /// exit_mode::exit_process ends it straight from the handler (same status; no hooks exist to run, and
  /// stdio buffers are not flushed, as with the default disposition): for programs that write with write(2)
  /// or flush as they go, and care about start-up time.
  bool on_demand_watcher = false;
  /// Also catch a signal that was ignored (SIG_IGN) at install. By default such a signal stays ignored, as the
  /// GNU coding standards ask: nohup ignores SIGHUP, and `sh` starts background jobs with SIGINT and SIGQUIT
  /// ignored, and the user meant them to survive those.
  bool catch_ignored = false;
};

/// Identifies a registered hook, for remove_hook.
enum class hook_id : std::uint64_t {};

class shutdown;

/// Test hooks; not for production use.
namespace testing {
/// Places where a test can make another thread act at a chosen moment (testing::set_hook).
enum class point : std::uint8_t {
  before_spawn,       ///< run_child: forwarding installed, the child not started yet (the caller's thread)
  child_exited,       ///< run_child: the child has exited and forwarding stopped; dispositions not restored yet
  draining,           ///< run_child or shutdown::uninstall waits for a handler in flight (once per spin)
  handler_in_flight,  ///< a handler holds a child pid or the wake fd (signal context: the hook must be
                      ///< async-signal-safe)
};
using hook_fn = void (*)(point) noexcept;
}  // namespace testing

}  // namespace runtime::inline v1::signal
RUNTIME_EXPORT_END

namespace runtime::inline v1::signal::detail {

// Everything signal context touches: constant-initialized, so no guard variable and no allocation.
struct global_state {
  std::atomic<int> wake_fd{-1};              // write end of the coordinator's self-pipe
  std::atomic<bool> stopping{false};         // a shutdown has started
  std::atomic<bool> force_on_second{true};
  std::atomic<bool> reraise{false};
  std::atomic<int> first_signal{0};
  std::atomic<int> owner_pid{0};             // the process that installed the coordinator
  std::atomic<int> child_target{0};          // pid (or -pgid) signals are forwarded to; 0: none yet
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
  std::atomic<testing::hook_fn> test_hook{nullptr};
};
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<bool>::is_always_lock_free &&
              std::atomic<unsigned long long>::is_always_lock_free && std::atomic<unsigned>::is_always_lock_free &&
              std::atomic<testing::hook_fn>::is_always_lock_free);

inline global_state& state() noexcept {
  static constinit global_state s{};
  return s;
}

// What the handlers and request() write to the wake pipe; the watcher reads the signal from first_signal.
inline constexpr unsigned char wake_byte = 1;
// What uninstall writes to stop the watcher; nothing else ever writes it.
inline constexpr unsigned char quit_byte = 0xff;

// async-signal-safe (when the test's hook is)
inline void test_point(testing::point p) noexcept {
  if (const auto h = state().test_hook.load(std::memory_order_relaxed)) h(p);
}

// async-signal-safe
inline void write_stderr(std::string_view s) noexcept {
  [[maybe_unused]] auto n = ::write(2, s.data(), s.size());
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
      write_stderr("runtime.signal: shutdown deadline passed; exiting\n");
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
  test_point(testing::point::handler_in_flight);
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
    test_point(testing::point::handler_in_flight);
    // A terminal's Ctrl-C (si_code SI_KERNEL) already reached a child in our process group: do not double it.
    const bool from_tty = info != nullptr && info->si_code == SI_KERNEL;
    if (!(from_tty && s.child_shares_group.load())) {
      ::kill(target, sig);
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
    test_point(testing::point::draining);
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

inline sigset_t to_sigset(signal_set set) noexcept {
  sigset_t s;
  sigemptyset(&s);
  for (int i = 1; i < 64; ++i)
    if (set.contains(i)) sigaddset(&s, i);
  return s;
}

}  // namespace runtime::inline v1::signal::detail

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1::signal {

/// The process-wide shutdown coordinator. `install` blocks the chosen signals, installs the handlers and starts
/// a watcher thread (or defers it: shutdown_options::on_demand_watcher), then unblocks: a signal arriving
/// meanwhile stays pending and is handled, never lost.
/// On the first signal the watcher requests stop on `token()`, then runs the hooks once each, newest first, on
/// its own thread; if they outlast the deadline (a kernel timer re-sends the signal) the process exits anyway
/// with the same status. A second signal during shutdown exits at once (unless `force_on_second` is off).
/// A signal that was ignored at install stays ignored unless `catch_ignored` is on. While run_child runs, the
/// coordinator still sees its signals (child_options::notify_shutdown).
/// Exit status: 128+n, or death by signal n when `reraise` is on. Hooks must not call wait() or uninstall().
///
/// **Example**:
/// ```cpp
/// auto& sd = runtime::signal::shutdown::install({.deadline = std::chrono::seconds(5)});
/// sd.add_hook("flush-db", [&] { db.flush(); });
/// worker w(sd.token());
/// sd.wait();   // with exit_mode::exit_process a signal ends the process after the hooks
/// ```
class shutdown {
 public:
  /// Installs the coordinator (once per process; uninstall() allows another).
  /// \throws runtime::error (kind signal) when already installed, a signal is not allowed, or a system call fails.
  static shutdown& install(shutdown_options opts = {}) {
    std::lock_guard lock(install_mutex());
    if (instance() != nullptr) throw error(error_kind::signal, "signal.already_installed", "shutdown coordinator already installed");
    if ((opts.signals.bits & ~shutdown_signals_allowed().bits) != 0 || opts.signals.empty())
      throw error(error_kind::signal, "signal.unsupported", "shutdown signals must be among SIGINT, SIGTERM, SIGHUP, SIGQUIT");
    auto* sd = new shutdown(opts);  // never deleted while installed: the watcher and handlers may outlive main()
    try {
      sd->start();
    } catch (...) {
      delete sd;
      throw;
    }
    instance() = sd;
    return *sd;
  }

  /// The installed coordinator, or nullptr.
  static shutdown* current() noexcept { return instance(); }

  /// Restores the previous dispositions, stops the watcher (after any running hooks) and frees the coordinator.
  /// Mostly for tests; `*this` is dangling afterwards.
  void uninstall() {
    std::lock_guard lock(install_mutex());
    const sigset_t mask = detail::to_sigset(opts_.signals);
    sigset_t old;
    pthread_sigmask(SIG_BLOCK, &mask, &old);
    for (int sig = 1; sig < 64; ++sig)
      if (owned_.contains(sig)) ::sigaction(sig, &previous_[sig], nullptr);
    auto& st = detail::state();
    st.wake_fd.store(-1);
    [[maybe_unused]] auto n = ::write(wake_wr_, &detail::quit_byte, 1);
    if (watcher_.joinable()) watcher_.join();
    disarm_deadline();
    detail::drain_handlers();  // a handler on another thread may still hold wake_wr_
    ::close(wake_wr_);
    ::close(wake_rd_);
    st.stopping.store(false);
    st.first_signal.store(0);
    st.watcher_live.store(true);
    st.exit_on_signal.store(true);
    // A signal blocked meanwhile now meets the restored disposition, as it would have without us.
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    instance() = nullptr;
    delete this;
  }

  /// Registers a hook; hooks run once each, newest first, outside signal context. A hook added while the
  /// others run still runs. Exceptions from a hook are logged and the next hook runs.
  hook_id add_hook(std::string name, std::function<void()> fn) {
    ensure_watcher();
    std::lock_guard lock(mu_);
    const auto id = hook_id{++next_id_};
    hooks_.push_back({id, std::move(name), std::move(fn)});
    return id;
  }

  /// Unregisters a hook that has not run yet. \returns whether it was found.
  bool remove_hook(hook_id id) {
    std::lock_guard lock(mu_);
    auto it = std::find_if(hooks_.begin(), hooks_.end(), [&](const hook& h) { return h.id == id; });
    if (it == hooks_.end()) return false;
    hooks_.erase(it);
    return true;
  }

  /// Stopped when a shutdown starts (before the hooks run), for cooperative loops. (With on_demand_watcher
  /// and exit_process, a signal before any hook exists ends the process without stopping it.)
  /// \throws std::system_error when an on-demand watcher thread cannot be started.
  std::stop_token token() {
    if (opts_.on_signal != exit_mode::exit_process) ensure_watcher();
    return stop_.get_token();
  }

  /// Starts a shutdown as if signal `sig` had arrived (0: none; the process is then never exited for you).
  /// No effect when a shutdown already started.
  /// \pre `sig` is 0 or one of options().signals (the exit status and the deadline depend on it).
  /// \throws runtime::error (kind signal, "signal.unsupported") for any other `sig`.
  void request(int sig = 0) {
    if (sig != 0 && !opts_.signals.contains(sig))
      throw error(error_kind::signal, "signal.unsupported",
                  "request(" + std::to_string(sig) + "): the signal must be 0 or one of the coordinator's signals");
    auto& st = detail::state();
    {
      // Without a watcher there are no hooks: the shutdown is just the stop request, done here.
      std::lock_guard lock(watcher_mu_);
      if (!watcher_started_) {
        if (st.stopping.exchange(true)) return;
        int none = 0;
        st.first_signal.compare_exchange_strong(none, sig);
        run_shutdown(sig, /*deadline=*/false);
        return;
      }
    }
    if (st.stopping.exchange(true)) return;
    int none = 0;
    st.first_signal.compare_exchange_strong(none, sig);
    [[maybe_unused]] auto n = ::write(wake_wr_, &detail::wake_byte, 1);
  }

  /// Blocks until a shutdown has started and its hooks have run. \returns its signal (0 for request()).
  /// With exit_mode::exit_process a signal ends the process instead, so this returns only for request().
  /// While waiting, the calling thread blocks the shutdown signals, so the kernel hands them to the watcher
  /// (one wake-up instead of two); its mask is restored on return.
  int wait() {
    ensure_watcher_unless_finished();
    const mask_guard g(opts_.signals);
    std::unique_lock lock(mu_);
    done_cv_.wait(lock, [&] { return finished_; });
    return detail::state().first_signal.load();
  }

  /// Like wait(), giving up after `timeout`. \returns the signal, or nullopt on timeout.
  std::optional<int> wait_for(std::chrono::milliseconds timeout) {
    ensure_watcher_unless_finished();
    const mask_guard g(opts_.signals);
    std::unique_lock lock(mu_);
    if (!done_cv_.wait_for(lock, timeout, [&] { return finished_; })) return std::nullopt;
    return detail::state().first_signal.load();
  }

  /// Whether a shutdown has started.
  bool stopping() const noexcept { return detail::state().stopping.load(); }

  /// The signal that started the shutdown, or 0.
  int signal_received() const noexcept { return detail::state().first_signal.load(); }

  const shutdown_options& options() const noexcept { return opts_; }

  shutdown(const shutdown&) = delete;
  shutdown& operator=(const shutdown&) = delete;

 private:
  struct hook {
    hook_id id;
    std::string name;
    std::function<void()> fn;
  };
  struct mask_guard {
    sigset_t old;
    explicit mask_guard(signal_set s) noexcept {
      const sigset_t m = detail::to_sigset(s);
      pthread_sigmask(SIG_BLOCK, &m, &old);
    }
    ~mask_guard() { pthread_sigmask(SIG_SETMASK, &old, nullptr); }
    mask_guard(const mask_guard&) = delete;
    mask_guard& operator=(const mask_guard&) = delete;
  };

  explicit shutdown(shutdown_options opts) : opts_(opts) {}
  ~shutdown() = default;

  static shutdown*& instance() noexcept {
    static constinit shutdown* p = nullptr;
    return p;
  }
  static std::mutex& install_mutex() noexcept {
    static std::mutex m;
    return m;
  }

  void start() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw error(error_kind::io, "signal.pipe_failed", "cannot create the signal pipe");
    wake_rd_ = fds[0];
    wake_wr_ = fds[1];
    // Only the writer is non-blocking: signal context must never block; the watcher should.
    ::fcntl(wake_wr_, F_SETFL, ::fcntl(wake_wr_, F_GETFL) | O_NONBLOCK);
    auto& st = detail::state();
    st.stopping.store(false);
    st.first_signal.store(0);
    st.force_on_second.store(opts_.force_on_second);
    st.reraise.store(opts_.reraise);
    st.owner_pid.store(::getpid());
    st.wake_fd.store(wake_wr_);
    st.exit_on_signal.store(opts_.on_signal == exit_mode::exit_process);
    st.watcher_live.store(!opts_.on_demand_watcher);

    const sigset_t mask = detail::to_sigset(opts_.signals);
    sigset_t old;
    pthread_sigmask(SIG_BLOCK, &mask, &old);
    try {
      for (int sig = 1; sig < 64; ++sig) {
        if (!opts_.signals.contains(sig)) continue;
        struct sigaction cur {};
        ::sigaction(sig, nullptr, &cur);
        if (detail::ignores(cur) && !opts_.catch_ignored) {
          previous_[sig] = cur;  // what exit_for re-raises with after request(sig)
          continue;
        }
        detail::install_action(sig, &detail::on_shutdown_signal, mask, &previous_[sig]);
        owned_.add(sig);
      }
      if (!opts_.on_demand_watcher) ensure_watcher();
    } catch (...) {
      for (int sig = 1; sig < 64; ++sig)
        if (owned_.contains(sig)) ::sigaction(sig, &previous_[sig], nullptr);
      st.wake_fd.store(-1);
      ::close(wake_rd_);
      ::close(wake_wr_);
      pthread_sigmask(SIG_SETMASK, &old, nullptr);
      throw;
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }

  // The on-demand watcher (shutdown_options::on_demand_watcher). The flag goes up before the thread exists:
  // a signal from then on writes the pipe, which the new thread reads first, so none is lost.
  void ensure_watcher() {
    std::lock_guard lock(watcher_mu_);
    if (watcher_started_) return;
    auto& st = detail::state();
    const sigset_t mask = detail::to_sigset(opts_.signals);
    sigset_t old;
    pthread_sigmask(SIG_BLOCK, &mask, &old);  // the thread starts with them blocked; watch() unblocks
    st.watcher_live.store(true);
    try {
      watcher_ = std::thread([this] { watch(); });
    } catch (...) {
      st.watcher_live.store(false);
      pthread_sigmask(SIG_SETMASK, &old, nullptr);
      throw;
    }
    watcher_started_ = true;
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }

  void ensure_watcher_unless_finished() {
    {
      std::lock_guard lock(mu_);
      if (finished_) return;
    }
    ensure_watcher();
  }

  // A stack overflow in a hook is reported only if the crash handler has an alternate stack to run on, and
  // such stacks are per thread: the watcher gets one when the SIGSEGV handler asks for it (SA_ONSTACK, as
  // runtime::crash::install does). Freed when the watcher returns; an exit from the watcher needs no free.
  struct alt_stack {
    bool on = false;
    alt_stack() noexcept {
      struct sigaction segv {};
      if (::sigaction(SIGSEGV, nullptr, &segv) == 0 && (segv.sa_flags & SA_ONSTACK) != 0) on = crash::prepare_thread();
    }
    ~alt_stack() {
      if (on) crash::release_thread_stack();
    }
    alt_stack(const alt_stack&) = delete;
    alt_stack& operator=(const alt_stack&) = delete;
  };

  void watch() {
    const alt_stack stack;
    // The watcher may take the signals itself: its handler run then wakes its own read at once.
    const sigset_t m = detail::to_sigset(opts_.signals);
    pthread_sigmask(SIG_UNBLOCK, &m, nullptr);
    unsigned char buf[64];
    bool started = false;
    for (;;) {
      const auto n = ::read(wake_rd_, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      for (ssize_t i = 0; i < n; ++i) {
        if (buf[i] == detail::quit_byte) return;
        if (!started) {
          started = true;
          run_shutdown(detail::state().first_signal.load());
        }
      }
    }
  }

  void run_hooks() {
    for (;;) {
      hook h;
      {
        std::lock_guard lock(mu_);
        if (hooks_.empty()) return;
        h = std::move(hooks_.back());
        hooks_.pop_back();
      }
      try {
        if (h.fn) h.fn();
      } catch (const std::exception& e) {
        log::warn("shutdown hook '{}' failed: {}", h.name, e.what());
      } catch (...) {
        log::warn("shutdown hook '{}' failed", h.name);
      }
    }
  }

  // Hooks run on the watcher itself. The deadline is a kernel timer that sends the shutdown signal again
  // (si_code SI_TIMER, which the handler turns into a forced exit): no extra thread, nothing to wake.
  // Without a watcher (request() before any hook) nothing can outlast a deadline, so none is armed.
  void run_shutdown(int sig, bool deadline = true) {
    if (deadline) arm_deadline(sig);
    stop_.request_stop();
    run_hooks();
    if (sig > 0 && opts_.on_signal == exit_mode::exit_process) exit_for(sig);
    disarm_deadline();
    {
      std::lock_guard lock(mu_);
      finished_ = true;
    }
    done_cv_.notify_all();
  }

  void arm_deadline(int sig) {
    // The timer must send a signal our handler takes: not one left ignored (catch_ignored).
    int signo = owned_.contains(sig) ? sig : 0;
    for (int i = 1; signo == 0 && i < 64; ++i)
      if (owned_.contains(i)) signo = i;
    if (signo == 0) {
      log::warn("runtime.signal: no shutdown deadline (every shutdown signal is ignored)");
      return;
    }
    struct sigevent ev {};
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = signo;
    if (::timer_create(CLOCK_MONOTONIC, &ev, &timer_) != 0) {
      log::warn("runtime.signal: no shutdown deadline (timer_create failed)");
      return;
    }
    timer_armed_ = true;
    detail::state().deadline_disarmed.store(false);
    const auto ms = std::max<long long>(opts_.deadline.count(), 1);
    struct itimerspec its {};
    its.it_value.tv_sec = static_cast<time_t>(ms / 1000);
    its.it_value.tv_nsec = static_cast<long>((ms % 1000) * 1000000);
    ::timer_settime(timer_, 0, &its, nullptr);
  }

  void disarm_deadline() noexcept {
    detail::state().deadline_disarmed.store(true);  // before the delete: see global_state::deadline_disarmed
    if (timer_armed_) ::timer_delete(timer_);
    timer_armed_ = false;
  }

  [[noreturn]] void exit_for(int sig) {
    std::fflush(nullptr);
    if (opts_.reraise) {
      // The disposition the process had before us decides what the parent sees (SIG_DFL: the real signal).
      ::sigaction(sig, &previous_[sig], nullptr);
      detail::unblock_one(sig);
      ::raise(sig);
    }
    ::_exit(128 + sig);
  }

  shutdown_options opts_;
  signal_set owned_;  // the signals whose handler is ours: opts_.signals less those left ignored
  struct sigaction previous_[64] {};
  int wake_rd_ = -1;
  int wake_wr_ = -1;
  std::thread watcher_;
  std::mutex watcher_mu_;         // guards watcher_started_ and starting the watcher
  bool watcher_started_ = false;
  std::stop_source stop_;
  std::mutex mu_;  // guards hooks_, next_id_, finished_
  std::condition_variable done_cv_;
  timer_t timer_{};  // the deadline; touched by the watcher only (and uninstall after joining it)
  bool timer_armed_ = false;
  std::vector<hook> hooks_;
  std::uint64_t next_id_ = 0;
  bool finished_ = false;
};

/// A graceful deadline as a template argument: milliseconds, or any std::chrono duration (`graceful<10s>`).
struct deadline_ms {
  long long ms = 10000;
  constexpr deadline_ms(long long milliseconds) noexcept : ms(milliseconds) {}  // NOLINT: implicit on purpose
  template <class Rep, class Period>
  constexpr deadline_ms(std::chrono::duration<Rep, Period> d) noexcept  // NOLINT: implicit on purpose
      : ms(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) {}
};

/// A shutdown policy: a type that says how an application installs its shutdown handling.
template <class P>
concept ShutdownPolicy = requires {
  { P::options() } -> std::same_as<shutdown_options>;
  { P::install() } -> std::same_as<shutdown&>;
};

/// The standard policy: SIGINT/SIGTERM start a graceful shutdown with `Deadline` for the hooks.
/// `runtime::signal::graceful<10s>`, `graceful<10000>` (ms), `graceful<5s, true>` (re-raise on exit);
/// `OnDemandWatcher` sets shutdown_options::on_demand_watcher (no thread until a hook needs one).
template <deadline_ms Deadline = deadline_ms(10000), bool Reraise = false,
          signal_set Signals = signal_set{SIGINT, SIGTERM}, bool OnDemandWatcher = false>
struct graceful {
  static constexpr std::chrono::milliseconds deadline{Deadline.ms};
  static constexpr shutdown_options options() noexcept {
    shutdown_options o;
    o.signals = Signals;
    o.deadline = deadline;
    o.reraise = Reraise;
    o.on_demand_watcher = OnDemandWatcher;
    return o;
  }
  static shutdown& install() { return shutdown::install(options()); }
};

// ---------------------------------------------------------------------------------------------------------
// Child processes

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

}  // namespace runtime::inline v1::signal
RUNTIME_EXPORT_END

namespace runtime::inline v1::signal::detail {

// run_child's forwarding, as one object so that every way out (spawn failure, on_spawn throwing, a failed
// wait, the normal end) stops forwarding before the child is reaped and restores the dispositions.
class child_session {
 public:
  child_session(const child_options& opts, std::string_view program) : program_(program) {
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
    test_point(testing::point::child_exited);
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

}  // namespace runtime::inline v1::signal::detail

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1::signal {

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

  detail::child_session session(opts, argv[0]);
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
  detail::test_point(testing::point::before_spawn);
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

namespace testing {
/// Calls `fn` at each testing::point from now on (nullptr: stop). For tests of the signal races only.
inline void set_hook(hook_fn fn) noexcept { detail::state().test_hook.store(fn); }
}  // namespace testing

/// Ends this process the way the child ended: the same exit code, or (as Bun does) flush stdio, restore the
/// default disposition and re-raise the child's signal so our parent sees the real signal. Falls back to
/// exit status 128+n if the signal does not terminate.
[[noreturn]] inline void exit_like(const child_result& r) {
  std::fflush(nullptr);
  if (r.signal != 0) detail::die_now(r.signal, true);
  std::exit(r.exit_code);
}

}  // namespace runtime::inline v1::signal
RUNTIME_EXPORT_END

#endif
