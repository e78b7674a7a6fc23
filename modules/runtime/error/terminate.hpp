// SPDX-License-Identifier: MIT
// runtime.error / terminate: the std::terminate hook (the uncaught exception described into the report) and
// crash::fatal, which ends the process through the same one report.
#ifndef RUNTIME_MODULE
#  include <cxxabi.h>
#  include <unistd.h>
#  include <cstdlib>
#  include <exception>
#  include <string>
#  include <string_view>
#  include <typeinfo>
#  include "runtime/detail/posix_io.hpp"
#  include "runtime/detail/stack.hpp"
#endif
#include "runtime/error/error.hpp"
#include "runtime/error/crash_signal.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ERROR_TERMINATE_HPP_)
#define RUNTIME_ERROR_TERMINATE_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace detail {

/// The std::terminate hook: describes the reason into crash_globals.reason (outside signal context, so it may
/// allocate), then aborts through the signal path so exactly one report is written.
template <class Error>
[[noreturn]] void on_terminate() noexcept {
  std::string text;
  try {
    if (std::exception_ptr ep = std::current_exception()) {
      const std::type_info* type = abi::__cxa_current_exception_type();
      text = "uncaught exception of type ";
      text += type != nullptr ? demangled(type->name()) : std::string("<unknown>");
      try {
        std::rethrow_exception(ep);
      } catch (const Error& e) {
        text += ": ";
        text += e.message();
        text += " [" + e.code() + "]";
        for (const Error* c = e.cause(); c != nullptr; c = c->cause()) {
          text += "\n  caused by: " + c->message() + " [" + c->code() + "]";
        }
      } catch (const std::exception& e) {
        text += ": ";
        text += e.what();
      } catch (...) {
      }
    } else {
      text = "std::terminate called without an active exception (e.g. a joinable std::thread was destroyed)";
    }
  } catch (...) {
    text = "std::terminate called; describing the exception failed (out of memory?)";
  }
  crash_globals.reason.set(text);
  if (!abort_reports()) {
    text = "terminate: " + text + "\n";
    write_all(STDERR_FILENO, text.data(), text.size());
  }
  std::abort();
}

} } }  // namespace runtime::v1::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 {

namespace crash {

/// Ends the process through the crash path with `reason` in the report (a broken invariant, a "panic").
/// Not for signal handlers (use the report's own path there).
[[noreturn]] inline void fatal(std::string_view reason) noexcept {
  detail::crash_globals.reason.set(reason);
  if (!detail::abort_reports()) {
    detail::write_all(STDERR_FILENO, "fatal: ", 7);
    detail::write_all(STDERR_FILENO, reason.data(), reason.size());
    detail::write_all(STDERR_FILENO, "\n", 1);
  }
  std::abort();
}

}  // namespace crash

} }  // namespace runtime::v1
RUNTIME_EXPORT_END

#endif
