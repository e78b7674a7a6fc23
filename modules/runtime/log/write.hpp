// SPDX-License-Identifier: MIT
// runtime.log / write: writing records: configure(), the one-load level check, write() and the per-level
// functions, and named targets.
#ifndef RUNTIME_MODULE
#  include <atomic>
#  include <cstdint>
#  include <mutex>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <utility>
#  include <vector>
#endif
#include "runtime/log/format.hpp"
#include "runtime/log/levels.hpp"
#include "runtime/log/config.hpp"
#include "runtime/log/output.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_LOG_WRITE_HPP_)
#define RUNTIME_LOG_WRITE_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace log {

/// Replaces the configuration for every thread at once.
inline void configure(config c) {
  auto& s = detail::global();
  std::lock_guard lock(s.mu);
  detail::max_level().store(static_cast<std::uint8_t>(c.levels.max_level()), std::memory_order_relaxed);
  s.cfg = std::move(c);
}

/// Configures from the environment (see config::from_environment); a bad setting gives one warning record.
/// `output` replaces stderr when given (tests, embedding).
template <class Lookup>
void init_from_environment(Lookup&& lookup, sink output = {}) {
  std::vector<std::string> warnings;
  config c = config::from_environment(std::forward<Lookup>(lookup), &warnings);
  c.output = std::move(output);
  configure(std::move(c));
  for (const auto& w : warnings) {
    // Unfiltered: a level set to error must not hide that the setting itself was ignored.
    if (auto shape = detail::admit(level::warn, "runtime.log", false))
      detail::emit(*shape, level::warn, "runtime.log", w, std::nullopt);
  }
}

/// One relaxed load and one compare: the whole cost of a disabled record.
inline bool maybe_enabled(level l) noexcept {
  return static_cast<std::uint8_t>(l) <= detail::max_level().load(std::memory_order_relaxed);
}

/// Whether a record at `l` for `target` would be written (false inside a sink: see write()).
inline bool enabled(level l, std::string_view target = {}) {
  if (!maybe_enabled(l) || l == level::off) return false;
  return detail::admit(l, target).has_value();
}

/// Writes one record: `fmt` with each "{}" replaced by the next argument. Formats nothing when disabled.
/// Arguments are formatted (an argument's to_string() runs) without the log's lock held, so they may log.
/// A record made by a sink while it writes a record (the same thread, re-entrantly) is dropped: the sink
/// is in the middle of a line and holds the log's lock. A sink must not call configure().
/// In text format, control characters in `target` and the message (C0, DEL, UTF-8 C1) are escaped (\n, \x1b,
/// \xc2\x9b, ...) and so is '\' ("\\"): a logged value can neither start a line nor imitate an escape.
template <class... Args>
void write(level l, std::string_view target, std::string_view fmt, const Args&... args) {
  if (!maybe_enabled(l) || l == level::off) return;
  auto shape = detail::admit(l, target);
  if (!shape) return;
  std::string msg;
  detail::vformat(msg, fmt, args...);
  detail::emit(*shape, l, target, msg, std::nullopt);
}

/// A named log target ("runtime.env"); the usual way a module logs:
/// `constexpr log::target db_log{"app.db"}; db_log.debug("opened {}", path);`
struct target {
  std::string_view name;
  template <class... A> void error(std::string_view f, const A&... a) const { write(level::error, name, f, a...); }
  template <class... A> void warn(std::string_view f, const A&... a) const { write(level::warn, name, f, a...); }
  template <class... A> void info(std::string_view f, const A&... a) const { write(level::info, name, f, a...); }
  template <class... A> void debug(std::string_view f, const A&... a) const { write(level::debug, name, f, a...); }
  template <class... A> void trace(std::string_view f, const A&... a) const { write(level::trace, name, f, a...); }
  bool enabled(level l) const { return log::enabled(l, name); }
};

template <class... A> void error(std::string_view f, const A&... a) { write(level::error, {}, f, a...); }
template <class... A> void warn(std::string_view f, const A&... a) { write(level::warn, {}, f, a...); }
template <class... A> void info(std::string_view f, const A&... a) { write(level::info, {}, f, a...); }
template <class... A> void debug(std::string_view f, const A&... a) { write(level::debug, {}, f, a...); }
template <class... A> void trace(std::string_view f, const A&... a) { write(level::trace, {}, f, a...); }

} } }  // namespace runtime::v1::log
RUNTIME_EXPORT_END

#endif
