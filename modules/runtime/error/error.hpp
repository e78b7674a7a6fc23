// SPDX-License-Identifier: MIT
// runtime.error / error: the error type (kind, stable code, message, notes, hints, location, cause, trace),
// exit codes, and std::error_code interop; the type every runtime module reports through.
#ifndef RUNTIME_MODULE
#  include <atomic>
#  include <cstddef>
#  include <cstdint>
#  include <exception>
#  include <memory>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <system_error>
#  include <type_traits>
#  include <utility>
#  include <vector>
#  include "runtime/detail/stack.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ERROR_ERROR_HPP_)
#define RUNTIME_ERROR_ERROR_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace detail {

/// Whether errors capture a stack trace when constructed (capture_error_traces).
inline std::atomic<bool> capture_traces{false};

/// The std::error_category of runtime errors: a value is an error_kind + 1, so 0 stays "no error".
class runtime_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "runtime"; }
  std::string message(int value) const override;
};

} } }  // namespace runtime::v1::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 {

/// Process exit codes, as a shell sees them: 0 ok, 1 error, 2 usage, 128+n for death by signal n.
enum class exit_code : int { ok = 0, failure = 1, usage = 2 };

/// The exit status a shell reports for a process that died of signal `sig` (SIGINT -> 130).
constexpr int exit_code_for_signal(int sig) noexcept { return 128 + sig; }

/// Which part of the runtime raised an error; stable, part of the error's identity.
/// `internal` is for broken invariants and foreign exceptions caught at a boundary.
enum class error_kind : std::uint8_t { generic, cli, env, flags, config, alloc, signal, io, log, internal };

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
    case error_kind::internal: return "internal";
  }
  return "generic";
}

/// Where in a user's file an error was found. Lines and columns count from 1; 0 means unknown.
/// The column counts bytes of `line_text` (a tab or a UTF-8 sequence is one column per byte).
struct source_location {
  std::string file;       ///< path as the user named it
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string line_text;  ///< the offending line, without its newline, for the caret display
};

/// Turns stack-trace capture at error construction on or off, process-wide (off by default). The caller
/// decides (`--verbose-error-trace`, RUNTIME_VERBOSE_ERRORS=1); a capture costs about a microsecond.
inline void capture_error_traces(bool on) noexcept { detail::capture_traces.store(on, std::memory_order_relaxed); }
/// \returns whether errors capture a stack trace when constructed.
inline bool capturing_error_traces() noexcept { return detail::capture_traces.load(std::memory_order_relaxed); }

/// The base error of every runtime module: kind + stable code + message, with optional notes, hints,
/// a source location, an OS error code, a cause chain and (when capture is on) the stack where it was made.
/// Copyable and cheap to move; usable thrown or returned (see result<T>).
class error : public std::exception {
 public:
  /// \pre `code` is a stable identifier such as "env.unterminated_quote"; `message` is one line.
  error(error_kind kind, std::string code, std::string message, exit_code exit = exit_code::failure)
      : kind_(kind), exit_(exit), code_(std::move(code)), message_(std::move(message)) {
    if (capturing_error_traces()) capture_trace();
  }

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
  /// The OS/library error code attached with sys_error(ec), or an empty code.
  std::error_code sys_error() const noexcept { return sys_; }
  /// Code addresses of the stack where the error was constructed (empty unless capture_error_traces(true)).
  const std::vector<void*>& trace() const noexcept {
    static const std::vector<void*> none;
    return trace_ ? *trace_ : none;
  }

  error& note(std::string text) & { notes_.push_back(std::move(text)); return *this; }
  error&& note(std::string text) && { notes_.push_back(std::move(text)); return std::move(*this); }
  error& hint(std::string text) & { hints_.push_back(std::move(text)); return *this; }
  error&& hint(std::string text) && { hints_.push_back(std::move(text)); return std::move(*this); }
  error& at(source_location loc) & { location_ = std::make_shared<source_location>(std::move(loc)); return *this; }
  error&& at(source_location loc) && { location_ = std::make_shared<source_location>(std::move(loc)); return std::move(*this); }
  error& caused_by(error cause) & { cause_ = std::make_shared<error>(std::move(cause)); return *this; }
  error&& caused_by(error cause) && { cause_ = std::make_shared<error>(std::move(cause)); return std::move(*this); }
  /// Attaches the OS or library error code behind this error (errno, std::filesystem, ...).
  error& sys_error(std::error_code ec) & { sys_ = ec; return *this; }
  error&& sys_error(std::error_code ec) && { sys_ = ec; return std::move(*this); }

  const char* what() const noexcept override { return message_.c_str(); }

 private:
  void capture_trace() {
    void* frames[64];
    int n = detail::safe_capture(frames, 64, 1);
    trace_ = std::make_shared<const std::vector<void*>>(frames, frames + n);
  }

  error_kind kind_;
  exit_code exit_;
  std::string code_;
  std::string message_;
  std::vector<std::string> notes_;
  std::vector<std::string> hints_;
  std::shared_ptr<const source_location> location_;
  std::shared_ptr<const error> cause_;
  std::error_code sys_;
  std::shared_ptr<const std::vector<void*>> trace_;
};

/// A usage error (bad command-line input): exit code 2.
inline error usage_error(std::string code, std::string message) {
  return error(error_kind::cli, std::move(code), std::move(message), exit_code::usage);
}

/// The one mapping from an error to the process exit status.
inline int exit_status_of(const error& e) noexcept { return static_cast<int>(e.exit()); }

// ---- std::error_code interop ---------------------------------------------------------------------------

/// The category of runtime errors ("runtime"); its values are error_kind + 1.
inline const std::error_category& runtime_category() noexcept {
  static const detail::runtime_category cat;
  return cat;
}

/// An error_code naming a runtime error kind (so `std::error_code ec = error_kind::env;` works).
inline std::error_code make_error_code(error_kind k) noexcept {
  return {static_cast<int>(k) + 1, runtime_category()};
}

/// \returns the error_kind an error_code of runtime_category() names, or nullopt for other categories.
inline std::optional<error_kind> kind_of(std::error_code ec) noexcept {
  if (ec.category() != runtime_category() || ec.value() < 1 ||
      ec.value() > static_cast<int>(error_kind::internal) + 1)
    return std::nullopt;
  return static_cast<error_kind>(ec.value() - 1);
}

/// The std::error_code view of an error: its attached sys_error() when there is one, else its kind.
inline std::error_code to_error_code(const error& e) noexcept {
  return e.sys_error() ? e.sys_error() : make_error_code(e.kind());
}

/// An error from a std::error_code: message "<context>: <ec.message()>" (or just the latter), the code
/// attached as sys_error(). A runtime_category() code keeps its kind; any other code gets `kind`.
inline error from_error_code(std::error_code ec, std::string code, std::string_view context = {},
                             error_kind kind = error_kind::io) {
  std::string msg(context);
  if (!msg.empty()) msg += ": ";
  msg += ec.message();
  if (auto k = kind_of(ec)) kind = *k;
  return error(kind, std::move(code), std::move(msg)).sys_error(ec);
}

/// from_error_code for an errno value (system_category).
inline error from_errno(int errno_value, std::string code, std::string_view context = {},
                        error_kind kind = error_kind::io) {
  return from_error_code(std::error_code(errno_value, std::system_category()), std::move(code), context, kind);
}

/// Converts the exception being handled (call inside a catch block) into an error: a runtime::error as is,
/// a std::system_error with its code, another std::exception as internal.exception, anything else as
/// internal.unknown_exception.
inline error from_current_exception() {
  auto ep = std::current_exception();
  try {
    if (ep) std::rethrow_exception(ep);
  } catch (const error& e) {
    return e;
  } catch (const std::system_error& e) {
    return error(error_kind::generic, "internal.system_error", e.what()).sys_error(e.code());
  } catch (const std::exception& e) {
    return error(error_kind::internal, "internal.exception", e.what());
  } catch (...) {
  }
  return error(error_kind::internal, "internal.unknown_exception", "unknown exception");
}

} }  // namespace runtime::v1
RUNTIME_EXPORT_END

namespace runtime { inline namespace v1 { namespace detail {
inline std::string runtime_category::message(int value) const {
  if (value < 1 || value > static_cast<int>(error_kind::internal) + 1) return "unknown runtime error";
  return std::string(to_string(static_cast<error_kind>(value - 1))) + " error";
}
} } }  // namespace runtime::v1::detail

template <>
struct std::is_error_code_enum<runtime::v1::error_kind> : std::true_type {};

#endif
