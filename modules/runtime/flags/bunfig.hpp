// SPDX-License-Identifier: MIT
// runtime.flags / bunfig: reading bunfig files as Bun does: the global-then-project lookup, the core keys
// (logLevel, smol, telemetry, env, preload, define, [run]), the flag table's entries, and the JSON form of an
// explicit --config; every failure becomes a runtime::error with a source location.
#ifndef RUNTIME_MODULE
#  include <algorithm>
#  include <cstdint>
#  include <cstring>
#  include <iterator>
#  include <limits>
#  include <optional>
#  include <span>
#  include <string>
#  include <string_view>
#  include <utility>
#  include <vector>
#  include <nlohmann/json.hpp>
#  include "runtime/detail/posix_io.hpp"
#  include "runtime/detail/text.hpp"
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
#include "runtime/flags/table.hpp"
#include "runtime/flags/value.hpp"
#include "runtime/flags/settings.hpp"
#include "runtime/flags/toml_prescan.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_FLAGS_BUNFIG_HPP_)
#define RUNTIME_FLAGS_BUNFIG_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace flags { namespace detail {

inline constexpr log::target log_target{"runtime.flags"};

/// Top-level bunfig keys Bun reads that this library does not model; accepted and ignored, so a real
/// project's bunfig.toml loads.
inline constexpr std::string_view bun_other_keys[] = {
    "install", "test", "serve", "debug", "macros", "loader", "jsx", "jsxFactory", "jsxFragment",
    "jsxImportSource", "jsxRuntime", "jsxSideEffects", "origin", "framework", "console", "bundle", "dev", "hot",
    "watch", "bunx"};
inline constexpr std::string_view core_keys[] = {"logLevel", "smol", "telemetry", "env", "preload", "define", "run"};
inline constexpr std::string_view run_keys[] = {"silent", "shell", "bun", "elide-lines", "noOrphans"};
inline constexpr std::string_view env_keys[] = {"file", "autoExpand"};

struct toml_context {
  std::string_view text;
  std::string path;  // as the user named it
  source_kind layer;
  const flag_table* table;
};

inline source_location location_of(const toml_context& c, const toml::source_region& r) {
  source_location l;
  l.file = c.path;
  l.line = r.begin.line;
  l.column = r.begin.column;
  l.line_text = line_of(c.text, l.line);
  return l;
}

inline origin origin_of(const toml_context& c, const toml::source_region& r) {
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

[[noreturn]] inline void fail(const toml_context& c, error_kind kind, std::string code, std::string message,
                              const toml::source_region& r) {
  throw error(kind, std::move(code), std::move(message)).at(location_of(c, r));
}

[[noreturn]] inline void wrong_type(const toml_context& c, std::string_view key, std::string_view want,
                                    const toml::node& n, error_kind kind = error_kind::config) {
  fail(c, kind, kind == error_kind::flags ? "flags.type" : "config.type",
       "\"" + std::string(key) + "\" must be " + std::string(want) + ", not " + std::string(type_phrase(n)),
       n.source());
}

// Bun passes over keys it does not know; rt keeps going too but says so, with a suggestion (a warning, never
// a failure: the exit status is the command's).
inline void unknown_key(bunfig& out, const toml_context& c, std::string_view where, const toml::key& k,
                        std::span<const std::string_view> known) {
  std::vector<std::string_view> candidates(known.begin(), known.end());
  if (where.empty()) {
    candidates.insert(candidates.end(), std::begin(bun_other_keys), std::end(bun_other_keys));
    if (c.table) candidates.push_back(c.table->bunfig_table);
  }
  std::string msg = "unknown key \"" + std::string(k.str()) + "\"";
  if (!where.empty()) msg += " in [" + std::string(where) + "]";
  msg += did_you_mean_suffix(k.str(), candidates);
  out.warnings.push_back(error(error_kind::config, "config.unknown_key", std::move(msg)).at(location_of(c, k.source())));
}

inline bool get_bool(const toml_context& c, std::string_view key, const toml::node& n) {
  if (auto b = n.as_boolean()) return b->get();
  wrong_type(c, key, "a boolean", n);
}

inline std::string get_string(const toml_context& c, std::string_view key, const toml::node& n) {
  if (auto s = n.as_string()) return s->get();
  wrong_type(c, key, "a string", n);
}

/// Validates one bunfig feature entry against the table; throws runtime::error (kind flags) at its location.
inline void check_feature(const flag_table& t, const feature_setting& s, const source_location& key_loc) {
  const flag_desc* d = find_desc(t, s.name);
  if (!d) {
    throw error(error_kind::flags, "flags.unknown",
                "unknown feature flag \"" + s.name + "\" in [" + std::string(t.bunfig_table) + "]" +
                    did_you_mean_suffix(s.name, flag_names(t)))
        .at(key_loc);
  }
  if (auto why = misfit(*d, s.value); !why.empty())
    throw error(error_kind::flags, "flags.type", "feature flag \"" + s.name + "\" " + why).at(s.location);
}

inline void read_features(bunfig& out, const toml_context& c, const toml::table& tbl, std::string_view tname) {
  for (auto&& [k, v] : tbl) {
    feature_setting s;
    s.name = std::string(k.str());
    s.source = origin_of(c, v.source());
    s.location = location_of(c, v.source());
    if (auto b = v.as_boolean()) s.value = b->get();
    else if (auto i = v.as_integer()) s.value = i->get();
    else if (auto str = v.as_string()) s.value = str->get();
    else
      fail(c, error_kind::flags, "flags.type",
           "feature flag \"" + s.name + "\" in [" + std::string(tname) +
               "] must be a boolean, integer or string, not " +
               std::string(type_phrase(v)),
           v.source());
    if (c.table) check_feature(*c.table, s, location_of(c, k.source()));
    out.features.push_back(std::move(s));
  }
}

inline void read_env(bunfig& out, const toml_context& c, const toml::node& v) {
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
      unknown_key(out, c, "env", k, env_keys);
    }
  }
}

inline void read_run(bunfig& out, const toml_context& c, const toml::node& v) {
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
      unknown_key(out, c, "run", k, run_keys);
    }
  }
}

inline void apply_toml(bunfig& out, const toml_context& c, const toml::table& root) {
  // toml++ walks a table in key order; the warnings read best in the file's order.
  struct in_file_order {
    bunfig& out;
    std::size_t first;
    ~in_file_order() {
      // A stable insertion sort of a handful of warnings (libstdc++ 12's std::stable_sort uses the deprecated
      // get_temporary_buffer, an error under clang's -Werror).
      const auto before = [](const error& a, const error& b) {
        const auto& x = *a.location();
        const auto& y = *b.location();
        return x.line != y.line ? x.line < y.line : x.column < y.column;
      };
      auto& w = out.warnings;
      for (std::size_t i = first + 1; i < w.size(); ++i)
        for (std::size_t j = i; j > first && before(w[j], w[j - 1]); --j) std::swap(w[j], w[j - 1]);
    }
  } order{out, out.warnings.size()};
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
      if (!other) unknown_key(out, c, {}, k, core_keys);
    }
  }
}

/// A parser's message made safe for one line of a terminal (the shared one-line escape policy).
inline std::string one_line(std::string_view message) {
  return runtime::detail::escaped(message, runtime::detail::escape::one_line);
}

/// Parses one file's text into `out` (later calls override earlier ones). Converts every toml++ failure into
/// a runtime::error; never lets another exception escape except std::bad_alloc.
inline void parse_into(bunfig& out, std::string_view text, const std::string& path, source_kind layer,
                       const flag_table* table) {
  toml_context c{text, path, layer, table};
  if (std::size_t bad = find_unsafe_non_ascii(text); bad != std::string_view::npos)
    throw error(error_kind::config, "config.parse",
                "invalid TOML: non-ASCII character outside a string (" + describe_code_point(text.substr(bad)) + ")")
        .at(location_at(text, path, bad));
  if (const too_deep deep = find_too_deep(text); deep.at != std::string_view::npos)
    throw error(error_kind::config, "config.parse",
                deep.total ? "invalid TOML: tables and keys nested more than 512 levels deep in all"
                           : "invalid TOML: a key or table name of more than 256 dotted parts")
        .at(location_at(text, path, deep.at));
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
  apply_toml(out, toml_context{text, path, layer, table}, root);
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
  auto fail = [&](std::string what) {
    return error(error_kind::config, "config.unreadable", "cannot read config file \"" + path + "\": " + what)
        .at(source_location{path, 0, 0, {}});
  };
  // Only a file the user named (--config) may be a pipe or device: a FIFO found by name would block forever.
  auto file = runtime::detail::read_file(
      path, runtime::detail::read_options{.special_ok = required, .limit = runtime::detail::config_file_limit});
  switch (file.status) {
    case runtime::detail::read_status::ok: break;
    case runtime::detail::read_status::missing:
      if (!required) return;
      throw error(error_kind::config, "config.not_found", "config file \"" + path + "\" not found")
          .at(source_location{path, 0, 0, {}});
    case runtime::detail::read_status::unreadable: throw fail(std::strerror(file.error_number));
    case runtime::detail::read_status::is_directory: throw fail("it is a directory");
    case runtime::detail::read_status::not_regular:
      throw fail("not a regular file (name it with --config to read a pipe)");
    case runtime::detail::read_status::too_large: throw fail("larger than 16 MiB");
  }
  const std::string& text = file.text;
  log_target.debug("reading {}", path);
  if (required && !(path.size() >= 5 && path.compare(path.size() - 5, 5, ".toml") == 0))
    parse_json_into(out, text, path, layer, table);
  else
    parse_into(out, text, path, layer, table);
}

}}}}  // namespace runtime::v1::flags::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace flags {

/// Parses one bunfig.toml text (`path` is only used for messages and provenance). With `table`, the flag
/// entries of `[<table.bunfig_table>]` are checked now; without it, `[features]` entries are kept for
/// resolve() to check.
/// \throws runtime::error kind config (config.parse, config.type, config.value) or kind flags (flags.unknown,
/// flags.type), each with a source_location (file, line, column, line text); exit 1. A key Bun does not read
/// is no error: it is recorded in bunfig::warnings (config.unknown_key, with a "did you mean").
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

}}}  // namespace runtime::v1::flags
RUNTIME_EXPORT_END

#endif
