// SPDX-License-Identifier: MIT
// runtime.flags / resolve: resolving a flag table into the immutable feature_flags snapshot, with the
// precedence command line > environment > project bunfig > global bunfig > default and each value's source.
//
// Startup order (the driver's): load_bunfig() early, because `env = false` / `[env] file = false` decides
// whether default .env files load; then, once the environment is complete, resolve().
#ifndef RUNTIME_MODULE
#  include <cstdint>
#  include <memory>
#  include <optional>
#  include <span>
#  include <string>
#  include <string_view>
#  include <utility>
#  include <variant>
#  include <vector>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#  include "runtime/log.hpp"
#  include "runtime/env.hpp"
#endif
#include "runtime/flags/table.hpp"
#include "runtime/flags/value.hpp"
#include "runtime/flags/settings.hpp"
#include "runtime/flags/bunfig.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_FLAGS_RESOLVE_HPP_)
#define RUNTIME_FLAGS_RESOLVE_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace flags {

/// The settings in one `--feature` value, in order: items separated by commas, where a comma after a
/// `name=value` item starts the next item only when `name=` follows it (so `a=x,y` sets a to "x,y", and
/// `a=1,b=2` sets both), and a comma after a bare name always does (`a,b`). `\,` is a comma that never
/// separates, `\\` a backslash; any other backslash is kept. Blank items are dropped.
inline std::vector<std::string> split_feature_list(std::string_view arg) {
  auto name_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  };
  auto name_then_equals = [&](std::size_t at) {
    std::size_t e = at;
    while (e < arg.size() && name_char(arg[e])) ++e;
    return e > at && e < arg.size() && arg[e] == '=';
  };
  std::vector<std::string> out;
  std::string item;
  bool has_value = false;
  auto flush = [&] {
    if (!item.empty()) out.push_back(std::move(item));
    item.clear();
    has_value = false;
  };
  for (std::size_t i = 0; i < arg.size(); ++i) {
    const char c = arg[i];
    if (c == '\\' && i + 1 < arg.size() && (arg[i + 1] == ',' || arg[i + 1] == '\\')) {
      item += arg[++i];
      continue;
    }
    if (c == ',' && (!has_value || name_then_equals(i + 1))) {
      flush();
      continue;
    }
    if (c == '=') has_value = true;
    item += c;
  }
  flush();
  return out;
}

/// A command-line setting of one flag (e.g. from `--feature name=value`).
struct cli_override {
  std::string name;
  std::string value;
  std::string spelling;  ///< as shown in provenance, e.g. "--feature dns_cache_ttl=5"
  bool bare = false;     ///< given as a bare name (value "true"), which only a boolean flag accepts

  /// Parses "name=value", or a bare "name" meaning "true".
  static cli_override parse(std::string_view arg, std::string_view option = "--feature") {
    cli_override o;
    auto eq = arg.find('=');
    o.name = std::string(arg.substr(0, eq));
    o.value = eq == std::string_view::npos ? "true" : std::string(arg.substr(eq + 1));
    o.bare = eq == std::string_view::npos;
    o.spelling = std::string(option) + " " + std::string(arg);
    return o;
  }
};

/// One resolved flag: its descriptor, typed value and provenance.
struct resolved_flag {
  const flag_desc* desc = nullptr;  ///< points into the program's (static) table
  flag_value value;
  origin source;
};

/// The immutable snapshot of every flag of a table. All members are const after construction, so any
/// number of threads may read it without locks; share it as `std::shared_ptr<const feature_flags>`.
class feature_flags {
 public:
  feature_flags() = default;
  /// \pre one entry per flag of the table, in table order (resolve() builds it).
  explicit feature_flags(std::vector<resolved_flag> flags) : flags_(std::move(flags)) {}

  /// The flag named `name`, or nullptr.
  const resolved_flag* find(std::string_view name) const noexcept {
    for (const auto& f : flags_)
      if (f.desc->name == name) return &f;
    return nullptr;
  }
  /// The value of boolean flag `name`. \throws runtime::error (flags.no_such_flag / flags.wrong_type) on a
  /// programming error: the name is not in the table or the flag is not boolean.
  bool enabled(std::string_view name) const { return std::get<bool>(typed(name, flag_type::boolean).value); }
  /// The value of integer flag `name`; throws as enabled() does.
  std::int64_t integer(std::string_view name) const {
    return std::get<std::int64_t>(typed(name, flag_type::integer).value);
  }
  /// The value of string or enum flag `name`; throws as enabled() does.
  std::string_view string(std::string_view name) const {
    const auto& f = get(name);
    if (f.desc->type != flag_type::string && f.desc->type != flag_type::enumeration) wrong_type(f, "string");
    return std::get<std::string>(f.value);
  }
  /// Where flag `name`'s value came from; throws flags.no_such_flag for an unknown name.
  const origin& source(std::string_view name) const { return get(name).source; }
  /// Every flag, in table order.
  std::span<const resolved_flag> all() const noexcept { return flags_; }
  std::size_t size() const noexcept { return flags_.size(); }

 private:
  const resolved_flag& get(std::string_view name) const {
    if (auto f = find(name)) return *f;
    throw error(error_kind::flags, "flags.no_such_flag", "no feature flag named \"" + std::string(name) + "\"");
  }
  const resolved_flag& typed(std::string_view name, flag_type t) const {
    const auto& f = get(name);
    if (f.desc->type != t) wrong_type(f, to_string(t));
    return f;
  }
  [[noreturn]] static void wrong_type(const resolved_flag& f, std::string_view asked) {
    throw error(error_kind::flags, "flags.wrong_type",
                "feature flag \"" + std::string(f.desc->name) + "\" is " + std::string(to_string(f.desc->type)) +
                    ", not " + std::string(asked));
  }
  std::vector<resolved_flag> flags_;
};

/// Resolves every flag of `table` with the precedence command line > environment > project bunfig >
/// global bunfig > default, recording each value's source. Environment booleans use Bun's feature-flag
/// truthiness; an environment value that does not parse (integer, enum) is ignored with a warning, as Bun
/// treats it as unset. A variable starting with the table's prefix that names no flag is logged at debug level
/// (target "runtime.flags") with a suggestion; values are never logged.
/// \throws runtime::error kind flags: flags.unknown / flags.type for bunfig entries (exit 1, with location),
/// flags.cli_unknown / flags.cli_value for overrides (exit 2).
inline std::shared_ptr<const feature_flags> resolve(const flag_table& table, const environment& env,
                                                    const bunfig& cfg = {},
                                                    std::span<const cli_override> cli = {}) {
  std::vector<resolved_flag> out;
  out.reserve(table.flags.size());
  for (const auto& d : table.flags) out.push_back(resolved_flag{&d, detail::default_of(d), origin{}});
  auto slot = [&](std::string_view name) -> resolved_flag* {
    for (auto& f : out)
      if (f.desc->name == name) return &f;
    return nullptr;
  };
  // bunfig: global entries come first in cfg.features, so a project entry overrides them.
  for (const auto& s : cfg.features) {
    detail::check_feature(table, s, s.location);
    auto* f = slot(s.name);
    f->value = s.value;
    f->source = s.source;
  }
  // Environment.
  std::vector<std::string> names;
  for (auto& f : out) {
    names.push_back(env_var_name(table, *f.desc));
    auto v = env.get(names.back());
    if (!v) continue;
    std::string why;
    if (auto fv = detail::parse_text(*f.desc, *v, detail::text_source::environment, why)) {
      f.value = std::move(*fv);
      f.source = origin{source_kind::environment, names.back()};
    } else {
      detail::log_target.warn("ignoring {}: the value {}", names.back(), why);
    }
  }
  for (const auto& [k, v] : env) {
    std::string_view key(k);
    if (key.size() <= table.env_prefix.size() || key.compare(0, table.env_prefix.size(), table.env_prefix) != 0)
      continue;
    bool known = false;
    for (const auto& n : names) known = known || n == key;
    if (!known)
      detail::log_target.debug("unknown feature flag variable {}{}", key, detail::did_you_mean_suffix(key, names));
  }
  // Command line.
  for (const auto& o : cli) {
    auto* f = slot(o.name);
    if (!f)
      throw error(error_kind::flags, "flags.cli_unknown",
                  "unknown feature flag \"" + o.name + "\"" +
                      detail::did_you_mean_suffix(o.name, detail::flag_names(table)),
                  exit_code::usage);
    std::string why;
    auto fv = detail::parse_text(*f->desc, o.value, detail::text_source::command_line, why);
    if (!fv && o.bare)  // "true" was never typed: say what is missing instead
      throw error(error_kind::flags, "flags.cli_value",
                  "feature flag \"" + o.name + "\" needs a value (" + o.name + "=<value>): it " + why, exit_code::usage);
    if (!fv)
      throw error(error_kind::flags, "flags.cli_value",
                  "invalid value \"" + o.value + "\" for feature flag \"" + o.name + "\": " + why, exit_code::usage);
    f->value = std::move(*fv);
    f->source = origin{source_kind::command_line, o.spelling.empty() ? o.name + "=" + o.value : o.spelling};
  }
  return std::make_shared<const feature_flags>(std::move(out));
}

/// Reads a boolean feature flag `<prefix><name>` with Bun's feature-flag truthiness (unset, "", "0",
/// "false", "no", "off" in any case are false). For one-off checks without a table.
inline bool env_flag(const environment& env, std::string_view prefix, std::string_view name) {
  std::string key(prefix);
  key += name;
  auto v = env.get(key);
  return v && runtime::detail::is_truthy_value(*v);
}

}}}  // namespace runtime::v1::flags
RUNTIME_EXPORT_END

#endif
