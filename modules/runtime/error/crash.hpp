// SPDX-License-Identifier: MIT
// runtime.error / crash: installing the crash handler: fatal-signal actions on an alternate stack, per-thread
// alternate stacks, the std::terminate hook, and the setters of the facts a report prints.
#ifndef RUNTIME_MODULE
#  include <signal.h>
#  include <sys/mman.h>
#  include <sys/utsname.h>
#  include <unistd.h>
#  include <cstddef>
#  include <exception>
#  include <string_view>
#  include "runtime/detail/stack.hpp"
#endif
#include "runtime/error/error.hpp"
#include "runtime/error/crash_report.hpp"
#include "runtime/error/crash_signal.hpp"
#include "runtime/error/terminate.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ERROR_CRASH_HPP_)
#define RUNTIME_ERROR_CRASH_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace detail {

// Big enough for the handler (a few KiB of buffers plus the unwinder) on top of the kernel's signal frame,
// which can exceed 10 KiB with AVX-512/AMX state. Static, so it costs no start-up time and no RSS until used.
inline constexpr std::size_t crash_alt_stack_size = 256 * 1024;
alignas(64) inline char crash_alt_stack[crash_alt_stack_size];

/// The alternate stack crash::prepare_thread() mapped for this thread, and the one it replaced: release
/// frees only this mapping (never a stack another library such as ASan set up) and puts `previous` back.
struct thread_alt_stack {
  void* mapping = nullptr;  ///< start of the mmap (the guard page); nullptr: none
  std::size_t mapping_size = 0;
  stack_t previous{};
};

inline thread_alt_stack& this_thread_alt_stack() noexcept {
  static thread_local thread_alt_stack s;
  return s;
}

} } }  // namespace runtime::v1::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 {

/// The process-wide handler for fatal signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP) and for
/// std::terminate. It prints one report to stderr (and optionally a JSON file), then restores the default
/// action and re-raises, so the parent sees the real signal and core dumps still work.
/// The facts in the report come only from the setters below (copied into fixed buffers at startup), never
/// from the environment. Frames carry function names only for exported symbols: link the program with
/// -rdynamic (meson: `export_dynamic: true`, or link_args: ['-rdynamic']).
namespace crash {

/// Installs the handlers on an alternate signal stack (256 KiB, static: a stack overflow is reported too)
/// and the std::terminate hook. Warms up the unwinder, records uname() and takes the snapshot of the loaded
/// objects (refresh_modules) so the handler does nothing lazy and takes no lock.
/// Idempotent; call it first thing in main, on the main thread. \returns false if a sigaction failed.
/// Cost: about 20 us in a fresh process, mostly the unwinder warm-up (no allocation, no dlopen).
inline bool install() noexcept {
  detail::crash_state& g = detail::crash_globals;
  if (g.installed.load()) return true;
  // One unwinder step runs libgcc's one-time init (a pthread_once) and its first FDE lookup here rather
  // than in a signal handler; it is most of install()'s ~20 us, the rest is page faults and 14 syscalls.
  detail::warm_up_capture();
  // The handler names frames from this snapshot (and _dl_find_object), never through the loader's locks.
  detail::refresh_module_snapshot();
  struct utsname u {};
  if (::uname(&u) == 0) {
    g.os_name.set(u.sysname);
    g.os_release.set(u.release);
    g.os_machine.set(u.machine);
  }
  g.main_tid = ::getpid();  // on Linux the main thread's id is the pid, whichever thread installs
  stack_t old{};
  if (::sigaltstack(nullptr, &old) != 0 || (old.ss_flags & SS_DISABLE) != 0 ||
      old.ss_size < detail::crash_alt_stack_size) {
    stack_t ss{};
    ss.ss_sp = detail::crash_alt_stack;
    ss.ss_size = detail::crash_alt_stack_size;
    ss.ss_flags = 0;
    ::sigaltstack(&ss, nullptr);
  }
  bool ok = true;
  for (int i = 0; i < detail::crash_signal_count; ++i) {
    struct sigaction sa {};
    sa.sa_sigaction = &detail::on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    // SA_NODEFER: a fault inside the handler re-enters it, so it can say so and end the process at once
    // instead of the kernel killing it silently.
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    if (::sigaction(detail::crash_signals[i], &sa, &g.previous[i]) != 0) ok = false;
  }
  g.previous_terminate = std::set_terminate(&detail::on_terminate<::runtime::error>);
  g.installed.store(true);
  return ok;
}

/// Restores the signal actions and terminate handler that install() replaced (tests; embedding).
inline void uninstall() noexcept {
  detail::crash_state& g = detail::crash_globals;
  if (!g.installed.exchange(false)) return;
  for (int i = 0; i < detail::crash_signal_count; ++i) ::sigaction(detail::crash_signals[i], &g.previous[i], nullptr);
  std::set_terminate(g.previous_terminate);
}

/// Takes a new snapshot of the loaded objects for the handler (install() takes the first; prepare_thread()
/// refreshes it). The handler never asks the dynamic loader, whose locks a dlopen in progress may hold: an
/// object dlopen'ed since the last snapshot is still named where glibc has _dl_find_object (2.35+), else
/// its frames show bare addresses until this is called. Not async-signal-safe.
inline void refresh_modules() noexcept { detail::refresh_module_snapshot(); }

/// \returns whether install() is in effect.
inline bool installed() noexcept { return detail::crash_globals.installed.load(); }

/// Program name and version for the report's first line (copied; names longer than 127 bytes are cut).
inline void set_program(std::string_view name, std::string_view version) noexcept {
  detail::crash_globals.program.set(name);
  detail::crash_globals.version.set(version);
}

/// The command being run (the subcommand's name, never its argument values).
inline void set_command(std::string_view command) noexcept { detail::crash_globals.command.set(command); }

/// The enabled feature flags, comma-separated names (no values).
inline void set_features(std::string_view comma_separated) noexcept { detail::crash_globals.features.set(comma_separated); }

/// CI vendor ("github-actions", "" when not in CI) and container kind ("docker", "" when none), as the
/// program detected them.
inline void set_facts(std::string_view ci, std::string_view container) noexcept {
  detail::crash_globals.ci.set(ci);
  detail::crash_globals.container.set(container);
}

/// A directory for JSON crash reports (<dir>/<program>-crash-<pid>.json, mode 0600); empty disables them.
inline void set_report_dir(std::string_view dir) noexcept { detail::crash_globals.report_dir.set(dir); }

/// The longest a report may take (default 10 s; 0 = no limit). Past it, the process ends by the signal being
/// reported, so a stuck stderr (a full pipe nobody reads) never hangs the program.
inline void set_report_timeout(unsigned seconds) noexcept { detail::crash_globals.report_timeout.store(seconds); }

/// Gives the calling thread its own alternate signal stack (mmap'd with a guard page), so a stack overflow
/// in a thread other than the one that called install() is reported too. Release it with
/// release_thread_stack() before the thread ends. Idempotent: a second call keeps (and re-selects) the
/// stack the first one made. \returns false when mmap or sigaltstack failed.
inline bool prepare_thread() noexcept {
  if (detail::crash_globals.installed.load()) detail::refresh_module_snapshot();  // objects loaded since
  detail::thread_alt_stack& mine = detail::this_thread_alt_stack();
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  stack_t current{};
  if (::sigaltstack(nullptr, &current) != 0) return false;
  if (mine.mapping != nullptr) {
    void* const sp = static_cast<char*>(mine.mapping) + page;
    if ((current.ss_flags & SS_DISABLE) == 0 && current.ss_sp == sp) return true;
    // Someone selected another stack since: ours is still mapped, select it again.
    stack_t ss{};
    ss.ss_sp = sp;
    ss.ss_size = detail::crash_alt_stack_size;
    return ::sigaltstack(&ss, nullptr) == 0;
  }
  const std::size_t size = detail::crash_alt_stack_size + page;
  void* mem = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mem == MAP_FAILED) return false;
  ::mprotect(mem, page, PROT_NONE);  // guard page below the stack
  stack_t ss{};
  ss.ss_sp = static_cast<char*>(mem) + page;
  ss.ss_size = detail::crash_alt_stack_size;
  if (::sigaltstack(&ss, nullptr) != 0) {
    ::munmap(mem, size);
    return false;
  }
  mine.mapping = mem;
  mine.mapping_size = size;
  mine.previous = current;
  return true;
}

/// Frees the calling thread's stack from prepare_thread(), if it made one, and puts back the alternate stack
/// the thread had before (or none). A stack prepare_thread() did not make (the static one of install(), one
/// from ASan or another library) is never disabled or freed.
inline void release_thread_stack() noexcept {
  detail::thread_alt_stack& mine = detail::this_thread_alt_stack();
  if (mine.mapping == nullptr) return;
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  stack_t current{};
  if (::sigaltstack(nullptr, &current) != 0) return;
  if ((current.ss_flags & SS_ONSTACK) != 0) return;  // running on an alternate stack: nothing can go now
  if ((current.ss_flags & SS_DISABLE) == 0 && current.ss_sp == static_cast<char*>(mine.mapping) + page) {
    stack_t back = mine.previous;
    if ((back.ss_flags & SS_DISABLE) != 0 || back.ss_sp == nullptr) {
      back = stack_t{};
      back.ss_flags = SS_DISABLE;
    } else {
      back.ss_flags = 0;
    }
    if (::sigaltstack(&back, nullptr) != 0) {
      stack_t off{};
      off.ss_flags = SS_DISABLE;
      if (::sigaltstack(&off, nullptr) != 0) return;  // still selected: keep it mapped
    }
  }
  ::munmap(mine.mapping, mine.mapping_size);
  mine = detail::thread_alt_stack{};
}

#if RUNTIME_TESTING
/// Test hooks (the build defines RUNTIME_TESTING=1 for the tests); not for production use.
namespace testing {
/// Makes the handler fault while writing its report (checks the "crash inside the handler" path).
inline void fault_while_reporting(bool on) noexcept { detail::crash_globals.fault_in_report.store(on); }
}  // namespace testing
#endif

}  // namespace crash

} }  // namespace runtime::v1
RUNTIME_EXPORT_END

#endif
