// SPDX-License-Identifier: MIT
// runtime detail / signals: the one table of signal names ("SIGTERM") with Bun's descriptions ("Polite quit
// request", from Bun's src/SignalCode.zig, which took them from fish), and the crash report's fault texts
// (SIGSEGV "segmentation fault", si_code names). Internal: a plain header, exported by no module.
// Every function here is constexpr, allocation-free and async-signal-safe.
#ifndef RUNTIME_DETAIL_SIGNALS_HPP_
#define RUNTIME_DETAIL_SIGNALS_HPP_

#include <signal.h>

#include <cstddef>
#include <string_view>

#include "runtime/detail/text.hpp"

namespace runtime { inline namespace v1 { namespace detail {

/// One row of the signal table.
struct signal_info {
  int number;
  std::string_view name;         ///< "SIGTERM"
  std::string_view description;  ///< Bun's: "Polite quit request"
};

/// The signals with names, in number order (Linux numbering where numbers differ). The descriptions are
/// Bun 1.4.5's SignalCode.description() texts, kept byte for byte (its "Virtual timefr expired" typo included,
/// so messages match Bun's).
inline constexpr signal_info signal_table[] = {
    {SIGHUP, "SIGHUP", "Terminal hung up"},
    {SIGINT, "SIGINT", "Quit request"},
    {SIGQUIT, "SIGQUIT", "Quit request"},
    {SIGILL, "SIGILL", "Illegal instruction"},
    {SIGTRAP, "SIGTRAP", "Trace or breakpoint trap"},
    {SIGABRT, "SIGABRT", "Abort"},
    {SIGBUS, "SIGBUS", "Misaligned address error"},
    {SIGFPE, "SIGFPE", "Floating point exception"},
    {SIGKILL, "SIGKILL", "Forced quit"},
    {SIGUSR1, "SIGUSR1", "User defined signal 1"},
    {SIGSEGV, "SIGSEGV", "Address boundary error"},
    {SIGUSR2, "SIGUSR2", "User defined signal 2"},
    {SIGPIPE, "SIGPIPE", "Broken pipe"},
    {SIGALRM, "SIGALRM", "Timer expired"},
    {SIGTERM, "SIGTERM", "Polite quit request"},
#ifdef SIGSTKFLT
    {SIGSTKFLT, "SIGSTKFLT", "Stack fault"},
#endif
    {SIGCHLD, "SIGCHLD", "Child process status changed"},
    {SIGCONT, "SIGCONT", "Continue previously stopped process"},
    {SIGSTOP, "SIGSTOP", "Forced stop"},
    {SIGTSTP, "SIGTSTP", "Stop request from job control (^Z)"},
    {SIGTTIN, "SIGTTIN", "Stop from terminal input"},
    {SIGTTOU, "SIGTTOU", "Stop from terminal output"},
    {SIGURG, "SIGURG", "Urgent socket condition"},
    {SIGXCPU, "SIGXCPU", "CPU time limit exceeded"},
    {SIGXFSZ, "SIGXFSZ", "File size limit exceeded"},
    {SIGVTALRM, "SIGVTALRM", "Virtual timefr expired"},
    {SIGPROF, "SIGPROF", "Profiling timer expired"},
    {SIGWINCH, "SIGWINCH", "Window size change"},
    {SIGIO, "SIGIO", "I/O on asynchronous file descriptor is possible"},
#ifdef SIGPWR
    {SIGPWR, "SIGPWR", "Power failure"},
#endif
    {SIGSYS, "SIGSYS", "Bad system call"},
};

/// The number of rows in signal_table.
inline constexpr std::size_t signal_count = sizeof signal_table / sizeof signal_table[0];

/// The index of `sig` in signal_table, or signal_count when it has no row. async-signal-safe.
/// (An index, not a pointer: GCC's -fsanitize=undefined makes a null-pointer test non-constant.)
constexpr std::size_t signal_index(int sig) noexcept {
  std::size_t i = 0;
  while (i < signal_count && signal_table[i].number != sig) ++i;
  return i;
}

/// The row of `sig`, or nullptr. async-signal-safe.
constexpr const signal_info* find_signal(int sig) noexcept {
  const std::size_t i = signal_index(sig);
  return i < signal_count ? &signal_table[i] : nullptr;
}

/// The conventional name of `sig` ("SIGINT"), or `unknown` for a number the table does not hold (callers
/// choose: runtime.signal says "SIG?", the crash report "signal"). async-signal-safe.
constexpr std::string_view signal_name_of(int sig, std::string_view unknown = "SIG?") noexcept {
  const std::size_t i = signal_index(sig);
  return i < signal_count ? signal_table[i].name : unknown;
}

/// Bun's description of `sig` ("Polite quit request" for SIGTERM), or "" when it has none. async-signal-safe.
constexpr std::string_view signal_description(int sig) noexcept {
  const std::size_t i = signal_index(sig);
  return i < signal_count ? signal_table[i].description : std::string_view{};
}

/// The number of the signal named `name`: "SIGTERM", "TERM" or "sigterm" (ASCII case-insensitive, with or
/// without the SIG prefix), or a decimal number of a known signal ("15"); 0 when unknown. async-signal-safe.
constexpr int signal_from_name(std::string_view name) noexcept {
  if (!name.empty() && name[0] >= '0' && name[0] <= '9') {
    int v = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || v > 1000) return 0;
      v = v * 10 + (c - '0');
    }
    return signal_index(v) < signal_count ? v : 0;
  }
  if (name.size() > 3 && iequals(name.substr(0, 3), "SIG")) name.remove_prefix(3);
  for (const signal_info& s : signal_table)
    if (iequals(s.name.substr(3), name)) return s.number;
  return 0;
}

/// The crash report's lower-case phrase for a fatal signal ("segmentation fault"); "fatal signal" for others.
/// async-signal-safe.
constexpr std::string_view fault_meaning(int sig) noexcept {
  switch (sig) {
    case SIGSEGV: return "segmentation fault";
    case SIGBUS: return "bus error";
    case SIGILL: return "illegal instruction";
    case SIGFPE: return "arithmetic exception";
    case SIGABRT: return "aborted";
    case SIGTRAP: return "trace/breakpoint trap";
    default: return "fatal signal";
  }
}

/// The name and meaning of a siginfo si_code.
struct signal_code_text {
  std::string_view name;     ///< "SEGV_MAPERR"; "" when unknown
  std::string_view meaning;  ///< "address not mapped to object"; "unknown code" when unknown
};

/// The si_code `code` of a fatal signal `sig` (generic SI_* first, then the signal's own codes).
/// async-signal-safe.
constexpr signal_code_text signal_code_of(int sig, int code) noexcept {
  switch (code) {
    case SI_USER: return {"SI_USER", "sent by kill()"};
    case SI_TKILL: return {"SI_TKILL", "sent by tkill()/raise() (e.g. abort())"};
    case SI_QUEUE: return {"SI_QUEUE", "sent by sigqueue()"};
    case SI_KERNEL: return {"SI_KERNEL", "sent by the kernel"};
    default: break;
  }
  if (sig == SIGSEGV) {
    switch (code) {
      case SEGV_MAPERR: return {"SEGV_MAPERR", "address not mapped to object"};
      case SEGV_ACCERR: return {"SEGV_ACCERR", "invalid permissions for mapped object"};
      default: break;
    }
  } else if (sig == SIGBUS) {
    switch (code) {
      case BUS_ADRALN: return {"BUS_ADRALN", "invalid address alignment"};
      case BUS_ADRERR: return {"BUS_ADRERR", "nonexistent physical address (e.g. past the end of a mapped file)"};
      case BUS_OBJERR: return {"BUS_OBJERR", "object-specific hardware error"};
      default: break;
    }
  } else if (sig == SIGILL) {
    switch (code) {
      case ILL_ILLOPC: return {"ILL_ILLOPC", "illegal opcode"};
      case ILL_ILLOPN: return {"ILL_ILLOPN", "illegal operand"};
      case ILL_ILLADR: return {"ILL_ILLADR", "illegal addressing mode"};
      case ILL_ILLTRP: return {"ILL_ILLTRP", "illegal trap"};
      case ILL_PRVOPC: return {"ILL_PRVOPC", "privileged opcode"};
      case ILL_PRVREG: return {"ILL_PRVREG", "privileged register"};
      case ILL_COPROC: return {"ILL_COPROC", "coprocessor error"};
      case ILL_BADSTK: return {"ILL_BADSTK", "internal stack error"};
      default: break;
    }
  } else if (sig == SIGFPE) {
    switch (code) {
      case FPE_INTDIV: return {"FPE_INTDIV", "integer divide by zero"};
      case FPE_INTOVF: return {"FPE_INTOVF", "integer overflow"};
      case FPE_FLTDIV: return {"FPE_FLTDIV", "floating-point divide by zero"};
      case FPE_FLTOVF: return {"FPE_FLTOVF", "floating-point overflow"};
      case FPE_FLTUND: return {"FPE_FLTUND", "floating-point underflow"};
      case FPE_FLTRES: return {"FPE_FLTRES", "floating-point inexact result"};
      case FPE_FLTINV: return {"FPE_FLTINV", "floating-point invalid operation"};
      case FPE_FLTSUB: return {"FPE_FLTSUB", "subscript out of range"};
      default: break;
    }
  } else if (sig == SIGTRAP) {
    switch (code) {
      case TRAP_BRKPT: return {"TRAP_BRKPT", "process breakpoint"};
      case TRAP_TRACE: return {"TRAP_TRACE", "process trace trap"};
      default: break;
    }
  }
  return {"", "unknown code"};
}

/// The exit status a shell reports for a process killed by `sig`: 128 + sig. async-signal-safe.
constexpr int signal_exit_code(int sig) noexcept { return 128 + sig; }

}}}  // namespace runtime::v1::detail

#endif  // RUNTIME_DETAIL_SIGNALS_HPP_
