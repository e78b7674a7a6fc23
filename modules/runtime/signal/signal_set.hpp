// SPDX-License-Identifier: MIT
// runtime.signal / signal_set: signal numbers as values: their conventional names, and sets of them as a
// structural bit mask (usable as a template argument).
#ifndef RUNTIME_MODULE
#  include <initializer_list>
#  include <string_view>
#  include <signal.h>
#  include "runtime/detail/signals.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_SIGNAL_SIGNAL_SET_HPP_)
#define RUNTIME_SIGNAL_SIGNAL_SET_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace signal {

/// The conventional name of a signal ("SIGINT"), or "SIG?" for a number that names no signal.
/// async-signal-safe: returns a pointer to static storage.
constexpr std::string_view name_of(int sig) noexcept { return runtime::detail::signal_name_of(sig, "SIG?"); }

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
