// SPDX-License-Identifier: MIT
// runtime.flags / table: a program's flag table (descriptors, value and source types) and its compile-time
// check, table_error().
#ifndef RUNTIME_MODULE
#  include <cstdint>
#  include <limits>
#  include <optional>
#  include <span>
#  include <string>
#  include <string_view>
#  include <variant>
#  include "runtime/detail/text.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_FLAGS_TABLE_HPP_)
#define RUNTIME_FLAGS_TABLE_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace flags { namespace detail {

/// Decimal integer with an optional sign, the whole text; constexpr so table defaults are checked at compile
/// time by the same code that parses environment values at run time.
constexpr std::optional<std::int64_t> parse_int(std::string_view s) noexcept {
  if (s.empty()) return std::nullopt;
  bool negative = false;
  std::size_t i = 0;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return std::nullopt;
  // Accumulate negatively so INT64_MIN parses without overflow.
  std::int64_t v = 0;
  constexpr std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return std::nullopt;
    int digit = c - '0';
    if (v < lowest / 10 || (v == lowest / 10 && digit > -(lowest % 10))) return std::nullopt;
    v = v * 10 - digit;
  }
  if (!negative) {
    if (v == lowest) return std::nullopt;
    v = -v;
  }
  return v;
}

/// Whether `v` is one of the '|'-separated `choices`.
constexpr bool in_choices(std::string_view choices, std::string_view v) noexcept {
  std::size_t pos = 0;
  while (pos <= choices.size()) {
    std::size_t bar = choices.find('|', pos);
    if (bar == std::string_view::npos) bar = choices.size();
    if (choices.substr(pos, bar - pos) == v) return true;
    pos = bar + 1;
  }
  return false;
}

/// A strict boolean for places where a typo must not silently mean true (command line, defaults): a true or
/// false word, or empty (false); anything else is nullopt.
constexpr std::optional<bool> parse_strict_bool(std::string_view v) noexcept {
  if (v.empty()) return false;
  return runtime::detail::parse_bool_word(v);
}

constexpr bool valid_name(std::string_view n) noexcept {
  if (n.empty() || n[0] < 'a' || n[0] > 'z') return false;
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

}}}}  // namespace runtime::v1::flags::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace flags {

/// Where a value came from, lowest precedence first: command line > environment > project bunfig >
/// global bunfig > default.
enum class source_kind : std::uint8_t { default_value, global_bunfig, project_bunfig, environment, command_line };

/// Stable lower-case name of a source ("environment", "project-bunfig", ...), used in text and JSON output.
constexpr std::string_view to_string(source_kind k) noexcept {
  switch (k) {
    case source_kind::default_value: return "default";
    case source_kind::global_bunfig: return "global-bunfig";
    case source_kind::project_bunfig: return "project-bunfig";
    case source_kind::environment: return "environment";
    case source_kind::command_line: return "command-line";
  }
  return "default";
}

/// The type of a flag's value. `enumeration` is a string restricted to the descriptor's `choices`.
enum class flag_type : std::uint8_t { boolean, integer, string, enumeration };

/// Lower-case name of a type ("boolean", "integer", "string", "enum").
constexpr std::string_view to_string(flag_type t) noexcept {
  switch (t) {
    case flag_type::boolean: return "boolean";
    case flag_type::integer: return "integer";
    case flag_type::string: return "string";
    case flag_type::enumeration: return "enum";
  }
  return "boolean";
}

/// One flag of a program's table, written with designated initializers:
/// `{.name = "dns_cache_ttl", .type = flag_type::integer, .default_value = "30", .help = "..."}`.
struct flag_desc {
  std::string_view name;                          ///< snake_case: [a-z0-9_], starts with a letter; bunfig key
  flag_type type = flag_type::boolean;
  std::string_view default_value = {};            ///< text form, parsed as the type ("" → false / 0 / "")
  std::string_view help = {};                     ///< one line
  std::string_view env = {};                      ///< variable name; empty: the table's prefix + NAME upper-cased
  std::string_view choices = {};                  ///< enumeration only: "debug|info|warn|error"
  std::int64_t min = std::numeric_limits<std::int64_t>::min();  ///< integer only, inclusive
  std::int64_t max = std::numeric_limits<std::int64_t>::max();  ///< integer only, inclusive
};

/// A program's flag table: its descriptors plus where they are looked up. Make it `constexpr` over a
/// `static constexpr std::array<flag_desc, N>` and check it with `static_assert(table_error(t).empty())`.
struct flag_table {
  std::span<const flag_desc> flags = {};
  std::string_view env_prefix = "BUN_FEATURE_FLAG_";  ///< variables starting with it are this table's
  std::string_view bunfig_table = "features";         ///< the bunfig.toml table that holds flag values
};

/// Why a flag table is invalid, or "" when it is fine. constexpr: `static_assert(table_error(t).empty())`.
/// Checks: valid unique names, defaults that parse as their type, enum choices present and containing the
/// default, min <= default <= max.
constexpr std::string_view table_error(const flag_table& t) noexcept {
  if (t.env_prefix.empty()) return "env_prefix is empty";
  for (std::size_t i = 0; i < t.flags.size(); ++i) {
    const flag_desc& d = t.flags[i];
    if (!detail::valid_name(d.name)) return "a flag name is not snake_case ([a-z][a-z0-9_]*)";
    for (std::size_t j = 0; j < i; ++j)
      if (t.flags[j].name == d.name) return "two flags have the same name";
    switch (d.type) {
      case flag_type::boolean:
        if (!detail::parse_strict_bool(d.default_value)) return "a boolean default is not true/false";
        break;
      case flag_type::integer: {
        if (d.min > d.max) return "an integer flag has min > max";
        auto v = d.default_value.empty() ? std::optional<std::int64_t>(0) : detail::parse_int(d.default_value);
        if (!v) return "an integer default is not a decimal integer";
        if (*v < d.min || *v > d.max) return "an integer default is outside [min, max]";
        break;
      }
      case flag_type::string: break;
      case flag_type::enumeration:
        if (d.choices.empty()) return "an enum flag has no choices";
        if (!detail::in_choices(d.choices, d.default_value)) return "an enum default is not one of its choices";
        break;
    }
  }
  return "";
}

/// The environment variable that sets `d`: `d.env`, or the table's prefix + the name upper-cased.
inline std::string env_var_name(const flag_table& t, const flag_desc& d) {
  if (!d.env.empty()) return std::string(d.env);
  std::string out(t.env_prefix);
  for (char c : d.name) out += runtime::detail::ascii_upper(c);
  return out;
}

/// A flag's value: bool (boolean), int64 (integer) or string (string, enumeration).
using flag_value = std::variant<bool, std::int64_t, std::string>;

/// Text form of a value as a user would write it ("true", "30", "info").
inline std::string to_string(const flag_value& v) {
  if (auto b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (auto i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  return std::get<std::string>(v);
}

/// Provenance of one value: the kind of source and where exactly, for display: "default",
/// "bunfig.toml:3", "BUN_FEATURE_FLAG_DISABLE_SOURCE_MAPS", "--feature dns_cache_ttl=5".
struct origin {
  source_kind kind = source_kind::default_value;
  std::string where = "default";
};

/// A value together with its provenance (bunfig core settings).
template <class T>
struct sourced {
  T value{};
  origin source{};
};

}}}  // namespace runtime::v1::flags
RUNTIME_EXPORT_END

#endif
