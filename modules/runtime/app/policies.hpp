// SPDX-License-Identifier: MIT
// runtime.app / policies: the crash policies an application is composed from (report_to_stderr, no_report)
// and the CrashPolicy concept that checks them. (Allocator, EnvDialect and ShutdownPolicy live in their modules.)
#ifndef RUNTIME_MODULE
#  include <string_view>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_APP_POLICIES_HPP_)
#define RUNTIME_APP_POLICIES_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 {

namespace crash {
/// Crash policy: fatal signals and uncaught exceptions print one report to stderr (runtime::crash::install),
/// then the process dies of the real signal.
struct report_to_stderr {
  static void install(std::string_view program, std::string_view version) noexcept {
    set_program(program, version);
    crash::install();
  }
};
/// Crash policy: leave fatal signals to the operating system's default action.
struct no_report {
  static void install(std::string_view, std::string_view) noexcept {}
};
}  // namespace crash

/// A crash policy: `P::install(program, version)` sets up fatal-signal handling first thing at startup.
template <class P>
concept CrashPolicy = requires(std::string_view s) {
  { P::install(s, s) } noexcept;
};

}  // namespace v1
}  // namespace runtime
RUNTIME_EXPORT_END

#endif
