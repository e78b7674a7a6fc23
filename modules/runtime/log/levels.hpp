// SPDX-License-Identifier: MIT
// runtime.log / levels: severity levels, their names, and the per-target filter (env_logger syntax) that
// decides which records pass.
#ifndef RUNTIME_MODULE
#  include <algorithm>
#  include <cstddef>
#  include <cstdint>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <utility>
#  include <vector>
#  include "runtime/detail/text.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_LOG_LEVELS_HPP_)
#define RUNTIME_LOG_LEVELS_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace log {

/// Severity, most severe first. `off` disables a target entirely.
enum class level : std::uint8_t { off = 0, error = 1, warn = 2, info = 3, debug = 4, trace = 5 };

/// Lower-case name of a level ("warn").
constexpr std::string_view to_string(level l) noexcept {
  switch (l) {
    case level::off: return "off";
    case level::error: return "error";
    case level::warn: return "warn";
    case level::info: return "info";
    case level::debug: return "debug";
    case level::trace: return "trace";
  }
  return "off";
}

/// Parses a level name, case-insensitively ("WARN", "warning" and "warn" are all warn).
inline std::optional<level> parse_level(std::string_view s) noexcept {
  auto is = [s](std::string_view word) { return ::runtime::detail::iequals(s, word); };  // no allocation
  if (is("off") || is("none")) return level::off;
  if (is("error")) return level::error;
  if (is("warn") || is("warning")) return level::warn;
  if (is("info")) return level::info;
  if (is("debug")) return level::debug;
  if (is("trace")) return level::trace;
  return std::nullopt;
}

/// A filter in env_logger's syntax: comma-separated `level` or `target=level` directives. A target matches
/// itself and its dotted children (`runtime.env` matches `runtime.env.parse`); the longest match wins.
struct filter {
  level default_level = level::warn;
  std::vector<std::pair<std::string, level>> directives;  ///< sorted longest target first

  /// The level in force for `target`.
  level for_target(std::string_view target) const noexcept {
    for (const auto& [t, l] : directives) {
      if (target.size() >= t.size() && target.compare(0, t.size(), t) == 0 &&
          (target.size() == t.size() || target[t.size()] == '.'))
        return l;
    }
    return default_level;
  }

  /// The most verbose level any target can reach: the one-branch fast path compares against this.
  level max_level() const noexcept {
    level m = default_level;
    for (const auto& d : directives) m = std::max(m, d.second);
    return m;
  }

  /// Parses `spec`; on a malformed directive returns nullopt and, if `why` is given, says which one (its
  /// 1-based position in the comma-separated list) and what is wrong with it. `why` never quotes `spec`:
  /// the spec usually comes from the environment, and no log line may carry an environment value.
  static std::optional<filter> parse(std::string_view spec, std::string* why = nullptr) {
    filter f;
    std::size_t pos = 0;
    std::size_t index = 0;
    auto reject = [&](std::string_view problem) {
      if (why) *why = "directive " + std::to_string(index) + " " + std::string(problem);
      return std::nullopt;
    };
    while (pos <= spec.size()) {
      ++index;
      std::size_t comma = spec.find(',', pos);
      if (comma == std::string_view::npos) comma = spec.size();
      std::string_view item = spec.substr(pos, comma - pos);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      pos = comma + 1;
      if (item.empty()) {
        if (comma == spec.size()) break;
        continue;
      }
      std::size_t eq = item.find('=');
      if (eq == std::string_view::npos) {
        if (auto l = parse_level(item)) {
          f.default_level = *l;
        } else {
          // A bare word that is not a level names a target to enable fully, as env_logger does.
          bool ident = std::all_of(item.begin(), item.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                   c == '_' || c == '-' || c == ':';
          });
          if (!ident)
            return reject("is neither a level nor a target name (letters, digits, '.', '_', '-', ':')");
          f.directives.emplace_back(std::string(item), level::trace);
        }
      } else {
        std::string_view target = item.substr(0, eq), lv = item.substr(eq + 1);
        auto l = parse_level(lv);
        if (target.empty()) return reject("has an empty target before '='");
        if (!l) return reject("has an unknown level after '=' (expected off, error, warn, info, debug or trace)");
        f.directives.emplace_back(std::string(target), *l);
      }
      if (comma == spec.size()) break;
    }
    // Longest target first; among equal targets the last directive wins, so it goes first. (Insertion sort:
    // std::stable_sort trips a deprecation warning of libstdc++ 12 under clang 19.)
    auto& d = f.directives;
    for (std::size_t i = 1; i < d.size(); ++i)
      for (std::size_t j = i; j > 0 && d[j].first.size() >= d[j - 1].first.size(); --j) std::swap(d[j], d[j - 1]);
    return f;
  }
};

} } }  // namespace runtime::v1::log
RUNTIME_EXPORT_END

#endif
