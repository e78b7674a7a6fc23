// SPDX-License-Identifier: MIT
// runtime.error: the one error type every module reports through, and the exit-code mapping.
// This module imports no other runtime module: it sits at the bottom of the graph (modules/README.md).
#ifndef RUNTIME_MODULE
#  include <cstdint>
#  include <exception>
#  include <memory>
#  include <string>
#  include <string_view>
#  include <utility>
#  include <vector>
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ERROR_HPP_)
#define RUNTIME_ERROR_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1 {

/// Process exit codes, as a shell sees them: 0 ok, 1 error, 2 usage, 128+n for death by signal n.
enum class exit_code : int { ok = 0, failure = 1, usage = 2 };

/// The exit status a shell reports for a process that died of signal `sig` (SIGINT -> 130).
constexpr int exit_code_for_signal(int sig) noexcept { return 128 + sig; }

/// Which part of the runtime raised an error; stable, part of the error's identity.
enum class error_kind : std::uint8_t { generic, cli, env, flags, config, alloc, signal, io, log };

/// Stable lower-case name of a kind ("cli", "env", ...), used in codes and JSON.
constexpr std::string_view to_string(error_kind k) noexcept {
  switch (k) {
    case error_kind::generic: return "generic";
    case error_kind::cli: return "cli";
    case error_kind::env: return "env";
    case error_kind::flags: return "flags";
    case error_kind::config: return "config";
    case error_kind::alloc: return "alloc";
    case error_kind::signal: return "signal";
    case error_kind::io: return "io";
    case error_kind::log: return "log";
  }
  return "generic";
}

/// Where in a user's file an error was found. Lines and columns count from 1; 0 means unknown.
struct source_location {
  std::string file;       ///< path as the user named it
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string line_text;  ///< the offending line, without its newline, for the caret display
};

/// The base error of every runtime module: kind + stable code + message, with optional notes, hints,
/// a source location and a cause chain. Copyable and cheap to move; usable thrown or returned.
class error : public std::exception {
 public:
  /// \pre `code` is a stable identifier such as "env.unterminated_quote"; `message` is one line.
  error(error_kind kind, std::string code, std::string message, exit_code exit = exit_code::failure)
      : kind_(kind), exit_(exit), code_(std::move(code)), message_(std::move(message)) {}

  error_kind kind() const noexcept { return kind_; }
  const std::string& code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  const std::vector<std::string>& notes() const noexcept { return notes_; }
  const std::vector<std::string>& hints() const noexcept { return hints_; }
  /// \returns the location, or nullptr when the error is not tied to a file position.
  const source_location* location() const noexcept { return location_ ? &*location_ : nullptr; }
  /// \returns the error that caused this one, or nullptr.
  const error* cause() const noexcept { return cause_.get(); }
  /// The exit status this error asks for (see runtime::exit_status_of).
  exit_code exit() const noexcept { return exit_; }

  error& note(std::string text) & { notes_.push_back(std::move(text)); return *this; }
  error&& note(std::string text) && { notes_.push_back(std::move(text)); return std::move(*this); }
  error& hint(std::string text) & { hints_.push_back(std::move(text)); return *this; }
  error&& hint(std::string text) && { hints_.push_back(std::move(text)); return std::move(*this); }
  error& at(source_location loc) & { location_ = std::make_shared<source_location>(std::move(loc)); return *this; }
  error&& at(source_location loc) && { location_ = std::make_shared<source_location>(std::move(loc)); return std::move(*this); }
  error& caused_by(error cause) & { cause_ = std::make_shared<error>(std::move(cause)); return *this; }
  error&& caused_by(error cause) && { cause_ = std::make_shared<error>(std::move(cause)); return std::move(*this); }

  const char* what() const noexcept override { return message_.c_str(); }

 private:
  error_kind kind_;
  exit_code exit_;
  std::string code_;
  std::string message_;
  std::vector<std::string> notes_;
  std::vector<std::string> hints_;
  std::shared_ptr<const source_location> location_;
  std::shared_ptr<const error> cause_;
};

/// A usage error (bad command-line input): exit code 2.
inline error usage_error(std::string code, std::string message) {
  return error(error_kind::cli, std::move(code), std::move(message), exit_code::usage);
}

/// The one mapping from an error to the process exit status.
inline int exit_status_of(const error& e) noexcept { return static_cast<int>(e.exit()); }

}  // namespace runtime::inline v1
RUNTIME_EXPORT_END

#endif
