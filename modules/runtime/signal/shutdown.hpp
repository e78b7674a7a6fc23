// SPDX-License-Identifier: MIT
// runtime.signal / shutdown: the process-wide graceful-shutdown coordinator (SIGINT/SIGTERM/SIGHUP/SIGQUIT,
// a watcher thread, hooks, a deadline) and `graceful`, the shutdown policy an application names.
#ifndef RUNTIME_MODULE
#  include <algorithm>
#  include <atomic>
#  include <cerrno>
#  include <chrono>
#  include <concepts>
#  include <condition_variable>
#  include <cstdint>
#  include <cstdio>
#  include <exception>
#  include <functional>
#  include <mutex>
#  include <optional>
#  include <stop_token>
#  include <string>
#  include <thread>
#  include <utility>
#  include <vector>
#  include <fcntl.h>
#  include <signal.h>
#  include <time.h>
#  include <unistd.h>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#  include "runtime/log.hpp"
#endif
#include "runtime/signal/signal_set.hpp"
#include "runtime/signal/handlers.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_SIGNAL_SHUTDOWN_HPP_)
#define RUNTIME_SIGNAL_SHUTDOWN_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace signal {

/// The signals a shutdown coordinator may own: SIGINT, SIGTERM, SIGHUP, SIGQUIT.
constexpr signal_set shutdown_signals_allowed() noexcept { return {SIGINT, SIGTERM, SIGHUP, SIGQUIT}; }

/// What the watcher does once the hooks of a signal-started shutdown have run.
enum class exit_mode : std::uint8_t {
  exit_process,      ///< flush stdio and exit with 128+n (or re-raise, see `reraise`)
  return_from_wait,  ///< let `wait()` return the signal; the caller chooses the exit status
};

/// A duration in whole milliseconds that can be part of a template argument (a std::chrono::duration cannot:
/// its count is private). Converts from any std::chrono duration (`std::chrono::seconds(10)`, `2500ms`) and
/// back to std::chrono::milliseconds.
struct milliseconds_value {
  long long milliseconds = 0;
  constexpr milliseconds_value() noexcept = default;
  template <class Rep, class Period>
  constexpr milliseconds_value(std::chrono::duration<Rep, Period> d) noexcept  // NOLINT: implicit on purpose
      : milliseconds(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) {}
  constexpr long long count() const noexcept { return milliseconds; }
  constexpr operator std::chrono::milliseconds() const noexcept {  // NOLINT: implicit on purpose
    return std::chrono::milliseconds(milliseconds);
  }
  friend constexpr bool operator==(milliseconds_value, milliseconds_value) noexcept = default;
};

/// Configuration of the shutdown coordinator: shutdown::install takes it at run time, and `graceful` as a
/// template argument (every member is structural).
struct shutdown_options {
  signal_set signals{SIGINT, SIGTERM};            ///< subset of shutdown_signals_allowed()
  /// Hooks get this long; then the process exits anyway.
  milliseconds_value deadline = std::chrono::seconds(10);
  bool force_on_second = true;                    ///< a second signal during shutdown exits at once
  bool reraise = false;                           ///< exit by re-raising with the previous disposition
  exit_mode on_signal = exit_mode::exit_process;  ///< see exit_mode
  /// Start the watcher thread only when something needs it: the first hook, `wait()`, or `token()` with
  /// exit_mode::return_from_wait. Until then the process has no extra thread, and a shutdown signal with
  /// exit_mode::exit_process ends it straight from the handler (same status; no hooks exist to run, and
  /// stdio buffers are not flushed, as with the default disposition): for programs that write with write(2)
  /// or flush as they go, and care about start-up time. Flushing cannot be done there safely: fflush takes
  /// the stdio locks, and the signal may have interrupted a printf holding them (on this or another thread),
  /// so it could deadlock or write a half-updated buffer. A program that needs its stdio flushed on a signal
  /// adds a hook (which starts the watcher; exit_process then flushes before exiting) or leaves this off.
  bool on_demand_watcher = false;
  /// Also catch a signal that was ignored (SIG_IGN) at install. By default such a signal stays ignored, as the
  /// GNU coding standards ask: nohup ignores SIGHUP, and `sh` starts background jobs with SIGINT and SIGQUIT
  /// ignored, and the user meant them to survive those.
  bool catch_ignored = false;
};

/// Identifies a registered hook, for remove_hook.
enum class hook_id : std::uint64_t {};

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
/// auto& coordinator = runtime::signal::shutdown::install({.deadline = std::chrono::seconds(5)});
/// coordinator.add_hook("flush-db", [&] { db.flush(); });
/// worker w(coordinator.token());
/// coordinator.wait();   // with exit_mode::exit_process a signal ends the process after the hooks
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
    // Never deleted while installed: the watcher and handlers may outlive main().
    auto* coordinator = new shutdown(opts);
    try {
      coordinator->start();
    } catch (...) {
      delete coordinator;
      throw;
    }
    instance() = coordinator;
    return *coordinator;
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
    {
      // A run_child starting now waits, so it never saves our handler to restore it after we are gone.
      const std::lock_guard dispositions(detail::disposition_mutex());
      detail::test_point(detail::test_point_id::uninstalling);
      for (int sig = 1; sig < 64; ++sig)
        if (owned_.contains(sig)) ::sigaction(sig, &previous_[sig], nullptr);
    }
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

    (void)detail::inherited_slot();  // what the process inherited, before we change it
    const sigset_t mask = detail::to_sigset(opts_.signals);
    sigset_t old;
    pthread_sigmask(SIG_BLOCK, &mask, &old);
    try {
      const std::lock_guard dispositions(detail::disposition_mutex());
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

/// A shutdown policy: a type that says how an application installs its shutdown handling.
template <class P>
concept ShutdownPolicy = requires {
  { P::options() } -> std::same_as<shutdown_options>;
  { P::install() } -> std::same_as<shutdown&>;
};

/// The standard policy: install the coordinator with `Options`, named field by field:
/// `graceful<>` (SIGINT/SIGTERM, 10 s for the hooks),
/// `graceful<shutdown_options{.deadline = std::chrono::seconds(5), .reraise = true}>`,
/// `graceful<shutdown_options{.deadline = 10s, .on_demand_watcher = true}>` (no thread until a hook needs one).
template <shutdown_options Options = shutdown_options{}>
struct graceful {
  static constexpr std::chrono::milliseconds deadline = Options.deadline;
  static constexpr shutdown_options options() noexcept { return Options; }
  static shutdown& install() { return shutdown::install(options()); }
};

}  // namespace signal
}  // namespace v1
}  // namespace runtime
RUNTIME_EXPORT_END

#endif
