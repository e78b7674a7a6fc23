// SPDX-License-Identifier: MIT
// runtime.signal: SIGINT/SIGTERM handling, graceful shutdown, forwarding to child processes.
#ifndef RUNTIME_MODULE
#  include <csignal>
#  include <string_view>
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
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGPIPE: return "SIGPIPE";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    default: return "SIG?";
  }
}

}  // namespace runtime::inline v1::signal
RUNTIME_EXPORT_END

#endif
