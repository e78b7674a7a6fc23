// SPDX-License-Identifier: MIT
// runtime.signal / signal_set: signal numbers as values: their conventional names, and sets of them as a
// structural bit mask (usable as a template argument).
#ifndef RUNTIME_MODULE
#  include <initializer_list>
#  include <string_view>
#  include <signal.h>
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_SIGNAL_SIGNAL_SET_HPP_)
#define RUNTIME_SIGNAL_SIGNAL_SET_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace signal {

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

}  // namespace signal
}  // namespace v1
}  // namespace runtime
RUNTIME_EXPORT_END

#endif
