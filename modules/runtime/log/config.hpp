// SPDX-License-Identifier: MIT
// runtime.log / config: what shapes output (filter, text or JSON, colour, timestamps, the sink) and reading it
// from RUNTIME_LOG, RUNTIME_LOG_FORMAT, NO_COLOR and FORCE_COLOR.
#ifndef RUNTIME_MODULE
#  include <unistd.h>
#  include <functional>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <utility>
#  include <vector>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#endif
#include "runtime/log/levels.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_LOG_CONFIG_HPP_)
#define RUNTIME_LOG_CONFIG_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace log {

/// Output shape: human text lines, or one JSON object per line.
enum class format : std::uint8_t { text, json };

/// Where records go. The default writes each line to stderr with one write(2).
using sink = std::function<void(level, std::string_view line)>;

/// Everything that shapes output. Build one with `config::from_environment` or by hand.
struct config {
  filter levels{};
  format format_ = format::text;
  bool color = false;
  bool timestamps = true;
  sink output{};  ///< empty: stderr

  /// Reads RUNTIME_LOG, RUNTIME_LOG_FORMAT, NO_COLOR, FORCE_COLOR through `lookup` (a callable
  /// `(std::string_view) -> std::optional<std::string>`-like, e.g. a runtime::environment) and whether
  /// stderr is a terminal. Bad values are reported in `warnings` (by variable name and problem, never
  /// the value) and fall back to the defaults.
  template <class Lookup>
  static config from_environment(Lookup&& lookup, std::vector<std::string>* warnings = nullptr) {
    config c;
    auto get = [&](std::string_view k) -> std::optional<std::string> {
      auto v = lookup(k);
      if (!v) return std::nullopt;
      return std::string(*v);
    };
    if (auto spec = get("RUNTIME_LOG")) {
      std::string why;
      if (auto f = filter::parse(*spec, &why)) {
        c.levels = std::move(*f);
      } else if (warnings) {
        warnings->push_back("ignoring RUNTIME_LOG: " + why + "; using the default level warn");
      }
    }
    if (auto fmt = get("RUNTIME_LOG_FORMAT")) {
      if (*fmt == "json") c.format_ = format::json;
      else if (*fmt == "text" || fmt->empty()) c.format_ = format::text;
      else if (warnings) warnings->push_back("ignoring RUNTIME_LOG_FORMAT: expected text or json; using text");
    }
    c.color = color_wanted(get("NO_COLOR"), get("FORCE_COLOR"), ::isatty(2) == 1);
    return c;
  }

  /// Exactly runtime::color_enabled (one rule for logs and error display; see there).
  static bool color_wanted(const std::optional<std::string>& no_color, const std::optional<std::string>& force_color,
                           bool is_tty) noexcept {
    return ::runtime::color_enabled(no_color, force_color, is_tty);
  }
};

} } }  // namespace runtime::v1::log
RUNTIME_EXPORT_END

#endif
