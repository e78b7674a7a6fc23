// SPDX-License-Identifier: MIT
// runtime.error / crash_signal: the fatal-signal handler itself: one report per process whatever the number of
// faulting threads, a fault inside the report, a stuck report, then death by the signal.
#ifndef RUNTIME_MODULE
#  include <signal.h>
#  include <sys/syscall.h>
#  include <time.h>
#  include <unistd.h>
#  include <atomic>
#  include <string_view>
#  include "runtime/detail/posix_io.hpp"
#  include "runtime/detail/signals.hpp"
#endif
#include "runtime/error/crash_report.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ERROR_CRASH_SIGNAL_HPP_)
#define RUNTIME_ERROR_CRASH_SIGNAL_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace detail {

// async-signal-safe
inline long current_tid() noexcept { return static_cast<long>(::syscall(SYS_gettid)); }

/// Restores the default action and re-raises, so the parent sees the real signal and a core is dumped.
// async-signal-safe
[[noreturn]] inline void die_by(int sig) noexcept {
  struct sigaction sa {};
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  ::sigaction(sig, &sa, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
  ::raise(sig);
  ::_exit(128 + sig);
}

/// SIGALRM while a report is being written: the report is stuck (e.g. stderr is a full pipe nobody reads);
/// end the process by the signal being reported rather than hang.
// async-signal-safe
inline void on_report_timeout(int) noexcept {
  // Nothing is written: stderr is the likely reason the report is stuck.
  int orig = crash_globals.signo.load();
  die_by(orig != 0 ? orig : SIGABRT);
}

// async-signal-safe
inline void on_fatal_signal(int sig, siginfo_t* info, void* uctx) noexcept {
  crash_state& g = crash_globals;
  const long tid = current_tid();
  long expected = 0;
  if (!g.reporting_tid.compare_exchange_strong(expected, tid)) {
    if (expected == tid) {
      // The reporting code itself faulted: one line, then die of the signal being reported.
      static constexpr char msg[] = "\ncrash handler: crashed while reporting (";
      write_all(STDERR_FILENO, msg, sizeof msg - 1);
      std::string_view name = signal_name_of(sig, "signal");
      write_all(STDERR_FILENO, name.data(), name.size());
      static constexpr char tail[] = "); report incomplete, ending the process now\n";
      write_all(STDERR_FILENO, tail, sizeof tail - 1);
      int orig = g.signo.load();
      die_by(orig != 0 ? orig : sig);
    }
    // Another thread is reporting and will end the process when done; never write a second report.
    // Waiting bounds the damage if that thread is stuck (e.g. blocked on a full stderr pipe).
    struct timespec ten_ms {0, 10 * 1000 * 1000};
    const unsigned limit = g.report_timeout.load();
    for (unsigned i = 0; limit == 0 || i < limit * 100 + 100; ++i) ::nanosleep(&ten_ms, nullptr);
    die_by(sig);
  }
  g.signo.store(sig);
  // Nothing may pre-empt the report: a shutdown signal (SIGINT/SIGTERM/SIGHUP/SIGQUIT, the shutdown
  // coordinator's deadline timer is one of them) would otherwise end the process with 128+n and no report
  // while stderr is slow. Blocked here and ignored process-wide (another thread would take them); the
  // process ends by `sig` in any case, and the report's own timeout (SIGALRM) still bounds it.
  {
    sigset_t shut;
    sigemptyset(&shut);
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    for (const int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
      sigaddset(&shut, s);
      ::sigaction(s, &ign, nullptr);
    }
    ::sigprocmask(SIG_BLOCK, &shut, nullptr);
  }
  {
    struct sigaction sa {};
    sa.sa_handler = &on_report_timeout;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_ONSTACK;
    ::sigaction(SIGALRM, &sa, nullptr);
    sigset_t alrm;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    ::sigprocmask(SIG_UNBLOCK, &alrm, nullptr);
    ::alarm(g.report_timeout.load());
  }
  write_report(sig, info, uctx, tid);
  die_by(sig);
}

/// Whether abort() will reach our report: installed, and SIGABRT not taken over since.
inline bool abort_reports() noexcept {
  if (!crash_globals.installed.load()) return false;
  struct sigaction current {};
  ::sigaction(SIGABRT, nullptr, &current);
  return (current.sa_flags & SA_SIGINFO) != 0 && current.sa_sigaction == &on_fatal_signal;
}

} } }  // namespace runtime::v1::detail


#endif
