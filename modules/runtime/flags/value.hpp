// SPDX-License-Identifier: MIT
// runtime.flags / value: one flag's value checked against its descriptor (text → typed value, ranges, choices,
// defaults), and finding a flag by name with the shared did-you-mean suggestion.
#ifndef RUNTIME_MODULE
#  include <cstdint>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <variant>
#  include <vector>
#  include "runtime/detail/text.hpp"
#endif
#include "runtime/flags/table.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_FLAGS_VALUE_HPP_)
#define RUNTIME_FLAGS_VALUE_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace flags { namespace detail {

/// "a, b or c" from "a|b|c", for messages.
inline std::string list_choices(std::string_view choices) {
  std::vector<std::string_view> parts;
  std::size_t pos = 0;
  while (pos <= choices.size()) {
    std::size_t bar = choices.find('|', pos);
    if (bar == std::string_view::npos) bar = choices.size();
    parts.push_back(choices.substr(pos, bar - pos));
    pos = bar + 1;
  }
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += i + 1 == parts.size() ? " or " : ", ";
    out += parts[i];
  }
  return out;
}

/// ` (did you mean "x"?)` to append to a message when `word` is near one of `candidates` (the shared nearest
/// match, as for cli commands and options), else "".
template <class Range>
std::string did_you_mean_suffix(std::string_view word, const Range& candidates) {
  auto nearest = runtime::detail::nearest(word, candidates);
  return nearest ? " (" + runtime::detail::did_you_mean(*nearest) + ")" : std::string();
}

inline const flag_desc* find_desc(const flag_table& t, std::string_view name) {
  for (const auto& d : t.flags)
    if (d.name == name) return &d;
  return nullptr;
}

inline std::vector<std::string_view> flag_names(const flag_table& t) {
  std::vector<std::string_view> names;
  for (const auto& d : t.flags) names.push_back(d.name);
  return names;
}

/// Checks a typed value against a flag; returns the reason it does not fit, or "".
inline std::string misfit(const flag_desc& d, const flag_value& v) {
  switch (d.type) {
    case flag_type::boolean:
      if (!std::holds_alternative<bool>(v)) return "must be a boolean";
      break;
    case flag_type::integer: {
      auto i = std::get_if<std::int64_t>(&v);
      if (!i) return "must be an integer";
      if (*i < d.min || *i > d.max)
        return "must be between " + std::to_string(d.min) + " and " + std::to_string(d.max) + ", not " +
               std::to_string(*i);
      break;
    }
    case flag_type::string:
      if (!std::holds_alternative<std::string>(v)) return "must be a string";
      break;
    case flag_type::enumeration: {
      auto s = std::get_if<std::string>(&v);
      if (!s) return "must be one of " + list_choices(d.choices);
      if (!in_choices(d.choices, *s)) return "must be one of " + list_choices(d.choices) + ", not \"" + *s + "\"";
      break;
    }
  }
  return {};
}

/// Where a value given as text comes from; it decides how a boolean reads.
enum class text_source : std::uint8_t {
  environment,   ///< Bun's feature-flag truthiness: anything but "", 0, false, no, off is true
  command_line,  ///< a clear yes/no (true/false, 1/0, yes/no, on/off); anything else is an error
};

/// Parses a value given as text for flag `d`; on failure returns nullopt and sets `why` to the reason.
inline std::optional<flag_value> parse_text(const flag_desc& d, std::string_view v, text_source from,
                                            std::string& why) {
  switch (d.type) {
    case flag_type::boolean:
      if (from == text_source::environment) return flag_value(runtime::detail::is_truthy_value(v));
      if (auto b = parse_strict_bool(v)) return flag_value(*b);
      why = "must be true or false";
      return std::nullopt;
    case flag_type::integer:
      if (auto i = parse_int(v)) {
        flag_value value(*i);
        why = misfit(d, value);
        if (why.empty()) return value;
        return std::nullopt;
      }
      // All digits but no int64: the range says more than "must be an integer".
      why = v.find_first_not_of("0123456789", v.empty() || v[0] == '-' || v[0] == '+' ? 1 : 0) ==
                        std::string_view::npos && v.size() > 1
                ? "must be between " + std::to_string(d.min) + " and " + std::to_string(d.max)
                : "must be an integer";
      return std::nullopt;
    case flag_type::string: return flag_value(std::string(v));
    case flag_type::enumeration:
      if (in_choices(d.choices, v)) return flag_value(std::string(v));
      why = "must be one of " + list_choices(d.choices);
      return std::nullopt;
  }
  return std::nullopt;
}

inline flag_value default_of(const flag_desc& d) {
  switch (d.type) {
    case flag_type::boolean: return parse_strict_bool(d.default_value).value_or(false);
    case flag_type::integer:
      return d.default_value.empty() ? std::int64_t{0} : parse_int(d.default_value).value_or(0);
    default: return std::string(d.default_value);
  }
}

}}}}  // namespace runtime::v1::flags::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace flags {

/// The typed default of `d` (its `default_value` text parsed as its type).
inline flag_value default_value(const flag_desc& d) { return detail::default_of(d); }

}}}  // namespace runtime::v1::flags
RUNTIME_EXPORT_END

#endif
