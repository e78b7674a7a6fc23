// SPDX-License-Identifier: MIT
// runtime.error, the umbrella of the module (it imports no other runtime module and reads no environment
// variable: colour and trace decisions take the caller's values). Stack capture, symbolisation, escaping, UTF-8
// and signal names come from the shared layer runtime/detail/. Its parts, in dependency order:
//   error/error.hpp          the error type, exit codes, std::error_code interop
//   error/result.hpp         result<T> and capture(): the non-throwing form
//   error/display.hpp        the human (text, colour rule) and JSON forms of an error
//   error/crash_report.hpp   the crash report writer and the slots of facts it prints
//   error/crash_signal.hpp   the fatal-signal handler: one report, nested faults, stuck reports
//   error/terminate.hpp      the std::terminate hook and crash::fatal
//   error/crash.hpp          installing the crash handler, per-thread stacks, the report's setters
#include "runtime/error/error.hpp"
#include "runtime/error/result.hpp"
#include "runtime/error/display.hpp"
#include "runtime/error/crash_report.hpp"
#include "runtime/error/crash_signal.hpp"
#include "runtime/error/terminate.hpp"
#include "runtime/error/crash.hpp"
