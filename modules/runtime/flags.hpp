// SPDX-License-Identifier: MIT
// runtime.flags: feature flags declared once as a compile-time table, resolved from the command line, the
// environment (Bun's BUN_FEATURE_FLAG_<NAME> style) and bunfig.toml (Bun's lookup and core keys) into an
// immutable, typed snapshot that records where each value came from.
//
// Startup order (the driver's): load_bunfig() early, because `env = false` / `[env] file = false` decides
// whether default .env files load; then, once the environment is complete, resolve().
#ifndef RUNTIME_MODULE
#  include <fcntl.h>
#  include <unistd.h>
#  include <algorithm>
#  include <cerrno>
#  include <cstdint>
#  include <cstring>
#  include <exception>
#  include <limits>
#  include <map>
#  include <memory>
#  include <optional>
#  include <span>
#  include <string>
#  include <string_view>
#  include <utility>
#  include <variant>
#  include <vector>
#  include <nlohmann/json.hpp>
// toml++ 3.3 guards parser preconditions with TOML_ASSERT_ASSUME, which is assert() in debug builds and
// __builtin_assume() under NDEBUG, and malformed input can violate them (`[!]`, `a = [1,}`): an abort in
// debug, undefined behaviour in release. With the check compiled out, the parser's own error paths report
// those inputs as parse errors (the bunfig fuzzer runs this exact configuration), so hide NDEBUG from toml++'s
// configuration and make its assertions no-ops. This only takes effect where this header is the first to
// include toml++ (the module's global fragment; header-mode consumers that include flags.hpp first).
#  ifndef TOML_ASSERT
#    define TOML_ASSERT(expr) static_cast<void>(0)
#    define RUNTIME_FLAGS_TOML_ASSERT_ 1
#  endif
#  ifdef NDEBUG
#    undef NDEBUG
#    define RUNTIME_FLAGS_NDEBUG_ 1
#  endif
#  include <toml++/toml.h>
#  ifdef RUNTIME_FLAGS_NDEBUG_
#    define NDEBUG 1
#    undef RUNTIME_FLAGS_NDEBUG_
#  endif
#  ifdef RUNTIME_FLAGS_TOML_ASSERT_
#    undef TOML_ASSERT
#    undef RUNTIME_FLAGS_TOML_ASSERT_
#  endif
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#  include "runtime/log.hpp"
#  include "runtime/env.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_FLAGS_HPP_)
#define RUNTIME_FLAGS_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1::flags {

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

}  // namespace runtime::inline v1::flags
RUNTIME_EXPORT_END

namespace runtime::inline v1::flags::detail {

constexpr char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr char upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

/// Decimal integer with an optional sign, the whole text; constexpr so table defaults are checked at compile
/// time by the same code that parses environment values at run time.
constexpr std::optional<std::int64_t> parse_int(std::string_view s) noexcept {
  if (s.empty()) return std::nullopt;
  bool neg = false;
  std::size_t i = 0;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return std::nullopt;
  // Accumulate negatively so INT64_MIN parses without overflow.
  std::int64_t v = 0;
  constexpr std::int64_t lo = std::numeric_limits<std::int64_t>::min();
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return std::nullopt;
    int d = c - '0';
    if (v < lo / 10 || (v == lo / 10 && d > -(lo % 10))) return std::nullopt;
    v = v * 10 - d;
  }
  if (!neg) {
    if (v == lo) return std::nullopt;
    v = -v;
  }
  return v;
}

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

/// Bun's feature-flag truthiness (src/env_var.zig): "", 0, false, no, off in any case are false.
constexpr bool bun_truthy(std::string_view v) noexcept {
  return !(v.empty() || v == "0" || iequals(v, "false") || iequals(v, "no") || iequals(v, "off"));
}

/// A strict boolean for places where a typo must not silently mean true (command line, defaults).
constexpr std::optional<bool> parse_strict_bool(std::string_view v) noexcept {
  if (iequals(v, "true") || v == "1" || iequals(v, "yes") || iequals(v, "on")) return true;
  if (v.empty() || iequals(v, "false") || v == "0" || iequals(v, "no") || iequals(v, "off")) return false;
  return std::nullopt;
}

constexpr bool valid_name(std::string_view n) noexcept {
  if (n.empty() || n[0] < 'a' || n[0] > 'z') return false;
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + cost});
      diag = up;
    }
  }
  return row[b.size()];
}

/// The closest candidate (case-insensitive edit distance) if it is close enough to be a likely typo.
template <class Range>
std::optional<std::string> suggest(std::string_view name, const Range& candidates) {
  std::optional<std::string> best;
  std::size_t best_d = std::numeric_limits<std::size_t>::max();
  for (const auto& c : candidates) {
    std::string_view cv(c);
    std::size_t d = edit_distance(name, cv);
    if (d < best_d) {
      best_d = d;
      best = std::string(cv);
    }
  }
  std::size_t limit = std::max<std::size_t>(2, name.size() / 3);
  if (!best || best_d > limit) return std::nullopt;
  return best;
}

inline std::string did_you_mean(const std::optional<std::string>& s) {
  return s ? " (did you mean \"" + *s + "\"?)" : std::string();
}

inline std::string to_dec(std::int64_t v) { return std::to_string(v); }

/// The text of 1-based line `n` of `text`, without its line break.
inline std::string line_of(std::string_view text, std::uint32_t n) {
  if (n == 0) return {};
  std::size_t pos = 0;
  for (std::uint32_t i = 1; i < n; ++i) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) return {};
    pos = nl + 1;
  }
  std::size_t end = text.find('\n', pos);
  std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return std::string(line);
}

}  // namespace runtime::inline v1::flags::detail

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1::flags {

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
  for (char c : d.name) out += detail::upper(c);
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

/// One feature-flag entry read from a bunfig `[features]` table (or the table's `bunfig_table`).
struct feature_setting {
  std::string name;
  flag_value value;
  origin source;             ///< global_bunfig or project_bunfig, "file:line"
  source_location location;  ///< of the value, for errors raised when the table is only known at resolve()
};

/// bunfig `[run]`: the keys Bun's core reads.
struct run_config {
  std::optional<sourced<bool>> silent;            ///< silent
  std::optional<sourced<std::string>> shell;      ///< shell: "bun" or "system"
  std::optional<sourced<bool>> bun;               ///< bun: alias node to bun in scripts
  std::optional<sourced<std::int64_t>> elide_lines;  ///< elide-lines, >= 0
  std::optional<sourced<bool>> no_orphans;        ///< noOrphans
};

/// The typed result of reading bunfig.toml files (global, then project or --config; later layers override).
/// A member that no file set is empty.
struct bunfig {
  std::vector<std::string> files;                        ///< files read, lowest precedence first
  std::optional<sourced<log::level>> log_level;          ///< logLevel: debug | info | warn | error
  std::optional<sourced<bool>> smol;                     ///< smol
  std::optional<sourced<bool>> telemetry;                ///< telemetry
  std::optional<sourced<bool>> env_autoload;             ///< `env = bool` or `[env] file = false`
  std::optional<sourced<std::string>> env_file;          ///< `[env] file = "path"`
  std::optional<sourced<bool>> env_auto_expand;          ///< `[env] autoExpand`
  std::optional<sourced<std::vector<std::string>>> preload;  ///< preload: string or array of strings
  std::map<std::string, sourced<std::string>, std::less<>> define;  ///< define: name → JSON text
  run_config run;                                        ///< [run]
  std::vector<feature_setting> features;                 ///< flag entries, global first then project

  /// Whether the default .env files (.env, .env.<NODE_ENV>, .env.local) should load: false after
  /// `env = false` or `[env] file = false`.
  bool loads_default_env_files() const noexcept { return !env_autoload || env_autoload->value; }
};

/// Where load_bunfig() looks.
struct bunfig_options {
  std::optional<std::string> config_path;  ///< -c/--config: relative to `cwd`; a missing file is an error
  std::string cwd = ".";                   ///< the project directory (after --cwd)
  bool global = true;                      ///< also read $XDG_CONFIG_HOME/.bunfig.toml or $HOME/.bunfig.toml
  const flag_table* features = nullptr;    ///< when given, the flag table is checked while loading
};

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

}  // namespace runtime::inline v1::flags
RUNTIME_EXPORT_END

namespace runtime::inline v1::flags::detail {

inline constexpr log::target lg{"runtime.flags"};

/// Top-level bunfig keys Bun reads that this library does not model; accepted and ignored, so a real
/// project's bunfig.toml loads.
inline constexpr std::string_view bun_other_keys[] = {
    "install", "test", "serve", "debug", "macros", "loader", "jsx", "jsxFactory", "jsxFragment",
    "jsxImportSource", "jsxRuntime", "jsxSideEffects", "origin", "framework", "console", "bundle", "dev", "hot",
    "watch", "bunx"};
inline constexpr std::string_view core_keys[] = {"logLevel", "smol", "telemetry", "env", "preload", "define", "run"};
inline constexpr std::string_view run_keys[] = {"silent", "shell", "bun", "elide-lines", "noOrphans"};
inline constexpr std::string_view env_keys[] = {"file", "autoExpand"};

struct toml_ctx {
  std::string_view text;
  std::string path;  // as the user named it
  source_kind layer;
  const flag_table* table;
};

inline source_location loc_of(const toml_ctx& c, const toml::source_region& r) {
  source_location l;
  l.file = c.path;
  l.line = r.begin.line;
  l.column = r.begin.column;
  l.line_text = line_of(c.text, l.line);
  return l;
}

inline origin origin_of(const toml_ctx& c, const toml::source_region& r) {
  origin o;
  o.kind = c.layer;
  o.where = r.begin.line ? c.path + ":" + std::to_string(r.begin.line) : c.path;
  return o;
}

inline std::string_view type_phrase(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

[[noreturn]] inline void fail(const toml_ctx& c, error_kind kind, std::string code, std::string message,
                              const toml::source_region& r) {
  throw error(kind, std::move(code), std::move(message)).at(loc_of(c, r));
}

[[noreturn]] inline void wrong_type(const toml_ctx& c, std::string_view key, std::string_view want,
                                    const toml::node& n, error_kind kind = error_kind::config) {
  fail(c, kind, kind == error_kind::flags ? "flags.type" : "config.type",
       "\"" + std::string(key) + "\" must be " + std::string(want) + ", not " + std::string(type_phrase(n)),
       n.source());
}

[[noreturn]] inline void unknown_key(const toml_ctx& c, std::string_view where, const toml::key& k,
                                     std::span<const std::string_view> known) {
  std::vector<std::string_view> cands(known.begin(), known.end());
  if (where.empty()) {
    cands.insert(cands.end(), std::begin(bun_other_keys), std::end(bun_other_keys));
    if (c.table) cands.push_back(c.table->bunfig_table);
  }
  std::string msg = "unknown key \"" + std::string(k.str()) + "\"";
  if (!where.empty()) msg += " in [" + std::string(where) + "]";
  msg += did_you_mean(suggest(k.str(), cands));
  fail(c, error_kind::config, "config.unknown_key", std::move(msg), k.source());
}

inline bool get_bool(const toml_ctx& c, std::string_view key, const toml::node& n) {
  if (auto b = n.as_boolean()) return b->get();
  wrong_type(c, key, "a boolean", n);
}

inline std::string get_string(const toml_ctx& c, std::string_view key, const toml::node& n) {
  if (auto s = n.as_string()) return s->get();
  wrong_type(c, key, "a string", n);
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
        return "must be between " + to_dec(d.min) + " and " + to_dec(d.max) + ", not " + to_dec(*i);
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

inline const flag_desc* find_desc(const flag_table& t, std::string_view name) {
  for (const auto& d : t.flags)
    if (d.name == name) return &d;
  return nullptr;
}

inline std::vector<std::string_view> flag_names(const flag_table& t) {
  std::vector<std::string_view> v;
  for (const auto& d : t.flags) v.push_back(d.name);
  return v;
}

/// Validates one bunfig feature entry against the table; throws runtime::error (kind flags) at its location.
inline void check_feature(const flag_table& t, const feature_setting& s, const source_location& key_loc) {
  const flag_desc* d = find_desc(t, s.name);
  if (!d) {
    throw error(error_kind::flags, "flags.unknown",
                "unknown feature flag \"" + s.name + "\" in [" + std::string(t.bunfig_table) + "]" +
                    did_you_mean(suggest(s.name, flag_names(t))))
        .at(key_loc);
  }
  if (auto why = misfit(*d, s.value); !why.empty())
    throw error(error_kind::flags, "flags.type", "feature flag \"" + s.name + "\" " + why).at(s.location);
}

inline void read_features(bunfig& out, const toml_ctx& c, const toml::table& tbl, std::string_view tname) {
  for (auto&& [k, v] : tbl) {
    feature_setting s;
    s.name = std::string(k.str());
    s.source = origin_of(c, v.source());
    s.location = loc_of(c, v.source());
    if (auto b = v.as_boolean()) s.value = b->get();
    else if (auto i = v.as_integer()) s.value = i->get();
    else if (auto str = v.as_string()) s.value = str->get();
    else
      fail(c, error_kind::flags, "flags.type",
           "feature flag \"" + s.name + "\" in [" + std::string(tname) +
               "] must be a boolean, integer or string, not " +
               std::string(type_phrase(v)),
           v.source());
    if (c.table) check_feature(*c.table, s, loc_of(c, k.source()));
    out.features.push_back(std::move(s));
  }
}

inline void read_env(bunfig& out, const toml_ctx& c, const toml::node& v) {
  if (auto b = v.as_boolean()) {
    out.env_autoload = sourced<bool>{b->get(), origin_of(c, v.source())};
    return;
  }
  auto t = v.as_table();
  if (!t) wrong_type(c, "env", "a boolean or a table", v);
  for (auto&& [k, x] : *t) {
    std::string_view key = k.str();
    if (key == "file") {
      if (auto b = x.as_boolean()) out.env_autoload = sourced<bool>{b->get(), origin_of(c, x.source())};
      else if (auto s = x.as_string()) out.env_file = sourced<std::string>{s->get(), origin_of(c, x.source())};
      else wrong_type(c, "env.file", "false or a path string", x);
    } else if (key == "autoExpand") {
      out.env_auto_expand = sourced<bool>{get_bool(c, "env.autoExpand", x), origin_of(c, x.source())};
    } else {
      unknown_key(c, "env", k, env_keys);
    }
  }
}

inline void read_run(bunfig& out, const toml_ctx& c, const toml::node& v) {
  auto t = v.as_table();
  if (!t) wrong_type(c, "run", "a table", v);
  for (auto&& [k, x] : *t) {
    std::string_view key = k.str();
    auto o = origin_of(c, x.source());
    if (key == "silent") out.run.silent = sourced<bool>{get_bool(c, "run.silent", x), o};
    else if (key == "bun") out.run.bun = sourced<bool>{get_bool(c, "run.bun", x), o};
    else if (key == "noOrphans") out.run.no_orphans = sourced<bool>{get_bool(c, "run.noOrphans", x), o};
    else if (key == "shell") {
      auto s = get_string(c, "run.shell", x);
      if (s != "bun" && s != "system")
        fail(c, error_kind::config, "config.value", "\"run.shell\" must be \"bun\" or \"system\", not \"" + s + "\"",
             x.source());
      out.run.shell = sourced<std::string>{std::move(s), o};
    } else if (key == "elide-lines") {
      auto i = x.as_integer();
      if (!i) wrong_type(c, "run.elide-lines", "an integer", x);
      if (i->get() < 0)
        fail(c, error_kind::config, "config.value", "\"run.elide-lines\" must not be negative", x.source());
      out.run.elide_lines = sourced<std::int64_t>{i->get(), o};
    } else {
      unknown_key(c, "run", k, run_keys);
    }
  }
}

inline void apply_toml(bunfig& out, const toml_ctx& c, const toml::table& root) {
  for (auto&& [k, v] : root) {
    std::string_view key = k.str();
    auto o = origin_of(c, v.source());
    if (key == "logLevel") {
      auto s = get_string(c, "logLevel", v);
      std::optional<log::level> l;
      if (s == "debug") l = log::level::debug;
      else if (s == "info") l = log::level::info;
      else if (s == "warn") l = log::level::warn;
      else if (s == "error") l = log::level::error;
      if (!l)
        fail(c, error_kind::config, "config.value",
             "\"logLevel\" must be one of debug, info, warn or error, not \"" + s + "\"", v.source());
      out.log_level = sourced<log::level>{*l, o};
    } else if (key == "smol") {
      out.smol = sourced<bool>{get_bool(c, "smol", v), o};
    } else if (key == "telemetry") {
      out.telemetry = sourced<bool>{get_bool(c, "telemetry", v), o};
    } else if (key == "env") {
      read_env(out, c, v);
    } else if (key == "preload") {
      std::vector<std::string> list;
      if (auto s = v.as_string()) {
        list.push_back(s->get());
      } else if (auto a = v.as_array()) {
        for (auto&& e : *a) list.push_back(get_string(c, "preload[]", e));
      } else {
        wrong_type(c, "preload", "a string or an array of strings", v);
      }
      out.preload = sourced<std::vector<std::string>>{std::move(list), o};
    } else if (key == "define") {
      auto t = v.as_table();
      if (!t) wrong_type(c, "define", "a table", v);
      for (auto&& [dk, dv] : *t)
        out.define[std::string(dk.str())] =
            sourced<std::string>{get_string(c, "define." + std::string(dk.str()), dv), origin_of(c, dv.source())};
    } else if (key == "run") {
      read_run(out, c, v);
    } else if (c.table && key == c.table->bunfig_table) {
      auto t = v.as_table();
      if (!t) wrong_type(c, key, "a table", v, error_kind::flags);
      read_features(out, c, *t, key);
    } else if (!c.table && key == "features") {
      // No table to check against yet: keep the entries; resolve() checks them.
      if (auto t = v.as_table()) read_features(out, c, *t, key);
      else wrong_type(c, key, "a table", v, error_kind::flags);
    } else {
      bool other = false;
      for (auto ok : bun_other_keys) other = other || ok == key;
      if (!other) unknown_key(c, {}, k, core_keys);
    }
  }
}

/// "U+00E9", or "byte 0xFF" when `s` does not start with a valid UTF-8 sequence.
inline std::string describe_code_point(std::string_view s) {
  const char* hex = "0123456789ABCDEF";
  auto b = [&](std::size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0u; };
  unsigned lead = b(0);
  std::size_t len = lead >= 0xF0 && lead < 0xF5 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (lead >= 0xF5) len = 0;
  std::uint32_t cp = len == 4 ? lead & 0x07 : len == 3 ? lead & 0x0F : lead & 0x1F;
  for (std::size_t i = 1; i < len; ++i) {
    if ((b(i) & 0xC0) != 0x80) len = 0;
    cp = (cp << 6) | (b(i) & 0x3F);
  }
  std::string out;
  if (len == 0) {
    out = "byte 0x";
    out += hex[lead >> 4];
    out += hex[lead & 15];
    return out;
  }
  out = "U+";
  int digits = cp > 0xFFFF ? 6 : 4;
  for (int d = digits - 1; d >= 0; --d) out += hex[(cp >> (4 * d)) & 15];
  return out;
}

/// toml++ 3.3 reaches __builtin_unreachable() (undefined behaviour) when it asks whether certain non-ASCII
/// code points (U+00A1.., U+2C8E.., U+FBA6.. and others) are whitespace: marzer/tomlplusplus#190 and #295,
/// fixed upstream after 3.3. It asks that only of characters outside strings and comments, and right after
/// a backslash in a basic string -- and of everything its look-ahead scans in a value that starts with a digit
/// or sign, up to the next whitespace, ']', '}', ',' or '#', quotes included. TOML allows non-ASCII in none of
/// those places, so rejecting it first loses only one odd valid form: a key whose first dotted part starts
/// with a digit followed by a quoted part with non-ASCII (`1."é" = 2`). This lexer follows strings, comments
/// and such values as the parser does and returns the offset of the first such character, or npos.
inline std::size_t find_unsafe_non_ascii(std::string_view t) {
  const std::size_t n = t.size();
  std::size_t p = t.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // the parser skips a UTF-8 BOM
  auto non_ascii = [&](std::size_t i) { return i < n && static_cast<unsigned char>(t[i]) >= 0x80; };
  auto triple = [&](char q) { return p + 2 < n && t[p] == q && t[p + 1] == q && t[p + 2] == q; };
  // Where the parser can start a value: after whitespace, a line break, '=', '[', '{' or ','.
  auto token_start = [&](std::size_t i) {
    if (i == 0) return true;
    char b = t[i - 1];
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '=' || b == '[' || b == '{' || b == ',';
  };
  // Advances over a run up to a value terminator; returns the offset of a non-ASCII byte in it, or npos.
  auto bare_run = [&]() -> std::size_t {
    for (; p < n; ++p) {
      char v = t[p];
      if (v == ' ' || v == '\t' || v == '\r' || v == '\n' || v == ']' || v == '}' || v == ',' || v == '#') break;
      if (non_ascii(p)) return p;
    }
    return std::string_view::npos;
  };
  while (p < n) {
    char c = t[p];
    if (non_ascii(p)) return p;
    if (c == '#') {
      while (p < n && t[p] != '\n') ++p;
    } else if (c == '"' || c == '\'') {
      bool multi = triple(c);
      p += multi ? 3 : 1;
      while (p < n) {
        if (c == '"' && t[p] == '\\') {
          // An escape or a line-ending backslash: the parser classifies what follows it.
          std::size_t q = p + 1;
          if (non_ascii(q)) return q;
          if (multi && q < n && (t[q] == ' ' || t[q] == '\t' || t[q] == '\r' || t[q] == '\n')) {
            while (q < n && (t[q] == ' ' || t[q] == '\t' || t[q] == '\r' || t[q] == '\n')) ++q;
            if (non_ascii(q)) return q;
            p = q;
          } else {
            p = q + 1;
          }
          continue;
        }
        if (multi ? triple(c) : t[p] == c) {
          p += multi ? 3 : 1;
          for (int extra = 0; multi && extra < 2 && p < n && t[p] == c; ++extra) ++p;  // `""""` ends with one `"`
          break;
        }
        if (!multi && t[p] == '\n') break;  // unterminated: the parser reports it
        ++p;
      }
    } else if ((c == '+' || c == '-' || (c >= '0' && c <= '9')) && token_start(p)) {
      // A value that starts with a digit or sign: the parser scans it up to a value terminator, classifying
      // every character on the way (quotes included), then once more past a space after a date.
      std::size_t begin = p;
      if (std::size_t bad = bare_run(); bad != std::string_view::npos) return bad;
      bool date_like = true;
      for (std::size_t i = begin; i < p; ++i)
        date_like = date_like && (t[i] == '-' || t[i] == '_' || (t[i] >= '0' && t[i] <= '9'));
      if (date_like && p < n && t[p] == ' ') {
        ++p;
        if (std::size_t bad = bare_run(); bad != std::string_view::npos) return bad;
      }
    } else {
      ++p;
    }
  }
  return std::string_view::npos;
}

/// A parser's message made safe for one line of a terminal: control characters become \n, \t or \xNN.
inline std::string one_line(std::string_view m) {
  std::string out;
  out.reserve(m.size());
  static constexpr char hex[] = "0123456789abcdef";
  for (char ch : m) {
    auto u = static_cast<unsigned char>(ch);
    if (ch == '\n') out += "\\n";
    else if (ch == '\t') out += "\\t";
    else if (u < 0x20 || u == 0x7f) out += {'\\', 'x', hex[u >> 4], hex[u & 15]};
    else out += ch;
  }
  return out;
}

/// toml++ 3.3 recurses once per part of a dotted key or table header, outside its 256-level nesting limit:
/// a key of ~100k parts (a 400 KB line) overflows the stack. Returns the offset of the dot that gives a key
/// more than `max_parts` parts, or npos. Follows strings, comments, arrays and inline tables, so dots in
/// values (floats, strings) do not count.
inline std::size_t find_too_deep_key(std::string_view t, std::size_t max_parts = 256) {
  const std::size_t n = t.size();
  std::vector<char> nest;  // open '{' and '[' of the current value
  bool key = true;         // in key position: at a line's start (outside arrays), or after '{' or ',' in a table
  std::size_t parts = 1;
  for (std::size_t p = 0; p < n;) {
    char c = t[p];
    if (c == '#') {
      while (p < n && t[p] != '\n') ++p;
    } else if (c == '"' || c == '\'') {
      bool multi = p + 2 < n && t[p + 1] == c && t[p + 2] == c;
      p += multi ? 3 : 1;
      while (p < n) {
        if (c == '"' && t[p] == '\\') { p += 2; continue; }
        if (multi ? p + 2 < n && t[p] == c && t[p + 1] == c && t[p + 2] == c : t[p] == c) {
          p += multi ? 3 : 1;
          break;
        }
        if (!multi && t[p] == '\n') break;
        ++p;
      }
    } else if (c == '\n') {
      if (nest.empty()) key = true, parts = 1;
      ++p;
    } else if (key) {
      if (c == '=' || c == ']') key = false, parts = 1;
      else if (c == '.' && ++parts > max_parts) return p;
      ++p;
    } else {
      if (c == '{') nest.push_back('{'), key = true;
      else if (c == '[') nest.push_back('[');
      else if ((c == '}' || c == ']') && !nest.empty()) nest.pop_back();
      else if (c == ',' && !nest.empty() && nest.back() == '{') key = true;
      ++p;
    }
  }
  return std::string_view::npos;
}

/// Where byte `at` of `text` is, for a finding of the pre-scans (columns count UTF-8 sequences as one).
inline source_location location_at(std::string_view text, const std::string& path, std::size_t at) {
  source_location l;
  l.file = path;
  l.line = 1;
  std::size_t start = 0;
  for (std::size_t i = 0; i < at; ++i)
    if (text[i] == '\n') ++l.line, start = i + 1;
  l.column = 1;
  for (std::size_t i = start; i < at; ++i) l.column += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  l.line_text = line_of(text, l.line);
  return l;
}

/// Parses one file's text into `out` (later calls override earlier ones). Converts every toml++ failure into
/// a runtime::error; never lets another exception escape except std::bad_alloc.
inline void parse_into(bunfig& out, std::string_view text, const std::string& path, source_kind layer,
                       const flag_table* table) {
  toml_ctx c{text, path, layer, table};
  if (std::size_t bad = find_unsafe_non_ascii(text); bad != std::string_view::npos)
    throw error(error_kind::config, "config.parse",
                "invalid TOML: non-ASCII character outside a string (" + describe_code_point(text.substr(bad)) + ")")
        .at(location_at(text, path, bad));
  if (std::size_t deep = find_too_deep_key(text); deep != std::string_view::npos)
    throw error(error_kind::config, "config.parse", "invalid TOML: a key or table name of more than 256 dotted parts")
        .at(location_at(text, path, deep));
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    source_location l;
    l.file = path;
    l.line = e.source().begin.line;
    l.column = e.source().begin.column;
    l.line_text = line_of(text, l.line);
    throw error(error_kind::config, "config.parse", "invalid TOML: " + one_line(e.description())).at(std::move(l));
  }
  apply_toml(out, c, root);
  out.files.push_back(path);
}

/// JSON (with comments) converted to the TOML document model, so one walker checks both; nulls are dropped
/// (Bun accepts `"env": null` as "default"). Converted nodes carry no line numbers, so JSON provenance and
/// type errors name the file only.
inline toml::table json_to_toml_table(const nlohmann::json& j, int depth);
inline bool json_to_toml(const nlohmann::json& j, toml::array& into, int depth) {
  // toml++'s own nesting limit, so neither form can exhaust the stack.
  if (depth > 256) throw error(error_kind::config, "config.parse", "invalid JSON: nested deeper than 256 levels");
  switch (j.type()) {
    case nlohmann::json::value_t::object: into.push_back(json_to_toml_table(j, depth + 1)); return true;
    case nlohmann::json::value_t::array: {
      toml::array a;
      for (const auto& e : j) json_to_toml(e, a, depth + 1);
      into.push_back(std::move(a));
      return true;
    }
    case nlohmann::json::value_t::string: into.push_back(j.get<std::string>()); return true;
    case nlohmann::json::value_t::boolean: into.push_back(j.get<bool>()); return true;
    case nlohmann::json::value_t::number_integer: into.push_back(j.get<std::int64_t>()); return true;
    case nlohmann::json::value_t::number_unsigned:
      if (j.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        into.push_back(static_cast<std::int64_t>(j.get<std::uint64_t>()));
      else
        into.push_back(j.get<double>());
      return true;
    case nlohmann::json::value_t::number_float: into.push_back(j.get<double>()); return true;
    default: return false;
  }
}
inline toml::table json_to_toml_table(const nlohmann::json& j, int depth) {
  toml::table t;
  for (auto it = j.begin(); it != j.end(); ++it) {
    toml::array one;
    if (json_to_toml(it.value(), one, depth)) t.insert_or_assign(it.key(), std::move(*one.get(0)));
  }
  return t;
}

/// Bun reads an explicit config file that does not end in ".toml" as JSON with comments.
inline void parse_json_into(bunfig& out, std::string_view text, const std::string& path, source_kind layer,
                            const flag_table* table) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.begin(), text.end(), nullptr, true, true);
  } catch (const nlohmann::json::parse_error& e) {
    source_location l;
    l.file = path;
    std::size_t at = e.byte == 0 ? 0 : std::min<std::size_t>(e.byte - 1, text.size());
    l.line = 1;
    std::size_t start = 0;
    for (std::size_t i = 0; i < at; ++i)
      if (text[i] == '\n') ++l.line, start = i + 1;
    l.column = static_cast<std::uint32_t>(at - start + 1);
    l.line_text = line_of(text, l.line);
    // "[json.exception.parse_error.101] parse error at line 1, column 15: syntax error while parsing value -
    // invalid literal; last read: '...'": the reason is what follows the position.
    std::string what = e.what();
    if (auto col = what.find(", column "); col != std::string::npos) {
      if (auto colon = what.find(": ", col); colon != std::string::npos) what = what.substr(colon + 2);
    } else if (auto close = what.find("] "); close != std::string::npos) {
      what = what.substr(close + 2);
    }
    throw error(error_kind::config, "config.parse", "invalid JSON: " + one_line(what)).at(std::move(l));
  } catch (const nlohmann::json::exception& e) {  // e.g. out_of_range for a number too large for a double
    std::string what = e.what();
    if (auto close = what.find("] "); close != std::string::npos) what = what.substr(close + 2);
    throw error(error_kind::config, "config.parse", "invalid JSON: " + one_line(what))
        .at(source_location{path, 0, 0, {}});
  }
  if (!j.is_object())
    throw error(error_kind::config, "config.type", "a JSON config must be an object")
        .at(source_location{path, 1, 1, line_of(text, 1)});
  toml::table root;
  try {
    root = json_to_toml_table(j, 0);
  } catch (error& e) {
    throw std::move(e).at(source_location{path, 0, 0, {}});
  }
  apply_toml(out, toml_ctx{text, path, layer, table}, root);
  out.files.push_back(path);
}

inline std::string join_path(std::string_view dir, std::string_view file) {
  if (!file.empty() && file[0] == '/') return std::string(file);
  if (dir.empty() || dir == ".") return std::string(file);
  std::string p(dir);
  if (p.back() != '/') p += '/';
  p += file;
  return p;
}

/// Reads and parses `path` if it exists; `required` turns a missing file into an error.
inline void load_one(bunfig& out, const std::string& path, source_kind layer, const flag_table* table,
                     bool required) {
  std::string text;
  int e = 0;
  auto fail = [&](std::string what) {
    return error(error_kind::config, "config.unreadable", "cannot read config file \"" + path + "\": " + what)
        .at(source_location{path, 0, 0, {}});
  };
  // Only a file the user named (--config) may be a pipe or device: a FIFO found by name would block forever.
  switch (env::read_text_file(path, text, required, env::config_file_limit, e)) {
    case env::read_status::ok: break;
    case env::read_status::missing:
      if (!required) return;
      throw error(error_kind::config, "config.not_found", "config file \"" + path + "\" not found")
          .at(source_location{path, 0, 0, {}});
    case env::read_status::unreadable: throw fail(std::strerror(e));
    case env::read_status::is_directory: throw fail("it is a directory");
    case env::read_status::not_regular: throw fail("not a regular file (name it with --config to read a pipe)");
    case env::read_status::too_large: throw fail("larger than 16 MiB");
  }
  lg.debug("reading {}", path);
  if (required && !(path.size() >= 5 && path.compare(path.size() - 5, 5, ".toml") == 0))
    parse_json_into(out, text, path, layer, table);
  else
    parse_into(out, text, path, layer, table);
}

/// Parses a value given as text (environment or command line) for flag `d`. Booleans from the environment
/// use Bun's truthiness; from the command line they must be a clear yes/no.
inline std::optional<flag_value> parse_text(const flag_desc& d, std::string_view v, bool from_env, std::string& why) {
  switch (d.type) {
    case flag_type::boolean:
      if (from_env) return flag_value(bun_truthy(v));
      if (auto b = parse_strict_bool(v)) return flag_value(*b);
      why = "must be true or false";
      return std::nullopt;
    case flag_type::integer:
      if (auto i = parse_int(v)) {
        flag_value fv(*i);
        why = misfit(d, fv);
        if (why.empty()) return fv;
        return std::nullopt;
      }
      // All digits but no int64: the range says more than "must be an integer".
      why = v.find_first_not_of("0123456789", v.empty() || v[0] == '-' || v[0] == '+' ? 1 : 0) ==
                        std::string_view::npos && v.size() > 1
                ? "must be between " + to_dec(d.min) + " and " + to_dec(d.max)
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

}  // namespace runtime::inline v1::flags::detail

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1::flags {

/// Parses one bunfig.toml text (`path` is only used for messages and provenance). With `table`, the flag
/// entries of `[<table.bunfig_table>]` are checked now; without it, `[features]` entries are kept for
/// resolve() to check.
/// \throws runtime::error kind config (config.parse, config.type, config.value, config.unknown_key) or kind
/// flags (flags.unknown, flags.type), each with a source_location (file, line, column, line text); exit 1.
inline bunfig parse_bunfig(std::string_view text, std::string_view path = "bunfig.toml",
                           source_kind layer = source_kind::project_bunfig, const flag_table* table = nullptr) {
  bunfig out;
  detail::parse_into(out, text, std::string(path), layer, table);
  return out;
}

/// Parses one config in Bun's JSON-with-comments form (what an explicit non-.toml --config file is read as);
/// same keys, checks and errors as parse_bunfig, except that values carry no line numbers.
inline bunfig parse_bunfig_json(std::string_view text, std::string_view path = "bunfig.json",
                                source_kind layer = source_kind::project_bunfig, const flag_table* table = nullptr) {
  bunfig out;
  detail::parse_json_into(out, text, std::string(path), layer, table);
  return out;
}

/// Finds and reads bunfig files as Bun does: the global file ($XDG_CONFIG_HOME/.bunfig.toml when
/// XDG_CONFIG_HOME is set, else $HOME/.bunfig.toml; both taken from `env`), then either the explicit
/// `config_path` (relative to `cwd`; a missing file is an error) or `<cwd>/bunfig.toml` (a missing file is
/// fine). As Bun, an explicit path that does not end in ".toml" is read as JSON with comments (values read
/// from JSON record the file without a line). Later files override earlier ones key by key.
/// Call it before .env files load:
/// `loads_default_env_files()` of the result says whether they should.
/// \throws runtime::error as parse_bunfig, plus config.not_found / config.unreadable (location: the path).
/// Unlike Bun, a broken global file is an error too rather than silently ignored.
inline bunfig load_bunfig(const environment& env, const bunfig_options& opt = {}) {
  bunfig out;
  if (opt.global) {
    std::string global;
    if (auto x = env.get("XDG_CONFIG_HOME"); x && !x->empty()) global = detail::join_path(*x, ".bunfig.toml");
    else if (auto h = env.get("HOME"); h && !h->empty()) global = detail::join_path(*h, ".bunfig.toml");
    if (!global.empty()) detail::load_one(out, global, source_kind::global_bunfig, opt.features, false);
  }
  if (opt.config_path) {
    detail::load_one(out, detail::join_path(opt.cwd, *opt.config_path), source_kind::project_bunfig, opt.features,
                     true);
  } else {
    detail::load_one(out, detail::join_path(opt.cwd, "bunfig.toml"), source_kind::project_bunfig, opt.features,
                     false);
  }
  return out;
}

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
    if (auto fv = detail::parse_text(*f.desc, *v, true, why)) {
      f.value = std::move(*fv);
      f.source = origin{source_kind::environment, names.back()};
    } else {
      detail::lg.warn("ignoring {}: the value {}", names.back(), why);
    }
  }
  for (const auto& [k, v] : env) {
    std::string_view key(k);
    if (key.size() <= table.env_prefix.size() || key.compare(0, table.env_prefix.size(), table.env_prefix) != 0)
      continue;
    bool known = false;
    for (const auto& n : names) known = known || n == key;
    if (!known)
      detail::lg.debug("unknown feature flag variable {}{}", key, detail::did_you_mean(detail::suggest(key, names)));
  }
  // Command line.
  for (const auto& o : cli) {
    auto* f = slot(o.name);
    if (!f)
      throw error(error_kind::flags, "flags.cli_unknown",
                  "unknown feature flag \"" + o.name + "\"" +
                      detail::did_you_mean(detail::suggest(o.name, detail::flag_names(table))),
                  exit_code::usage);
    std::string why;
    auto fv = detail::parse_text(*f->desc, o.value, false, why);
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

/// The typed default of `d` (its `default_value` text parsed as its type).
inline flag_value default_value(const flag_desc& d) { return detail::default_of(d); }


/// Reads a boolean feature flag `<prefix><name>` with Bun's feature-flag truthiness (unset, "", "0",
/// "false", "no", "off" in any case are false). For one-off checks without a table.
inline bool env_flag(const environment& env, std::string_view prefix, std::string_view name) {
  std::string key(prefix);
  key += name;
  auto v = env.get(key);
  return v && detail::bun_truthy(*v);
}

}  // namespace runtime::inline v1::flags
RUNTIME_EXPORT_END

#endif
