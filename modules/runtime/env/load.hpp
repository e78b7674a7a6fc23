// SPDX-License-Identifier: MIT
// runtime.env / load: which .env files load, in what order and with which precedence: mode, default and
// explicit files, reading a file, load_options/loaded, and load_with/load/load_text.
#ifndef RUNTIME_MODULE
#  include <algorithm>
#  include <cstdint>
#  include <cstring>
#  include <memory_resource>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <utility>
#  include <vector>
#  include "runtime/detail/posix_io.hpp"
#  include "runtime/detail/text.hpp"
#  include "runtime/detail/utf8.hpp"
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#endif
#include "runtime/env/environment.hpp"
#include "runtime/env/text_scan.hpp"
#include "runtime/env/working_set.hpp"
#include "runtime/env/bun_grammar.hpp"
#include "runtime/env/dotenv_dialect.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ENV_LOAD_HPP_)
#define RUNTIME_ENV_LOAD_HPP_
#include "runtime/config.hpp"
RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace env {

/// How read_text_file ended: ok, missing, unreadable, is_directory, not_regular, too_large.
using read_status = detail::read_status;

/// Reads the whole file at `path` into `out` (replacing it). A regular file is always read; anything else (a
/// FIFO, a device, the /dev/fd/N of a shell's `<(...)`) only when `special_ok`, because opening a FIFO that
/// has no writer blocks forever and a device may never end: callers allow it for paths the user named, not
/// for files they look for. Stops with too_large past `limit` bytes, so /dev/zero or a runaway file cannot
/// exhaust memory. `error_number` is errno for unreadable. Never throws except std::bad_alloc.
/// (The one reader is detail::read_file_into; this is its public form for config readers such as flags.)
inline read_status read_text_file(const std::string& path, std::string& out, bool special_ok, std::size_t limit,
                                  int& error_number) {
  return detail::read_file_into(path, out, detail::read_options{.special_ok = special_ok, .limit = limit},
                                error_number);
}

/// The most read_text_file reads of one .env file (256 MiB), and of one config file (16 MiB).
inline constexpr std::size_t env_file_limit = detail::env_file_limit;
inline constexpr std::size_t config_file_limit = detail::config_file_limit;

/// NODE_ENV/BUN_ENV mode, which picks the default .env files.
enum class mode : std::uint8_t { development, production, test };

/// "development", "production" or "test".
constexpr std::string_view to_string(mode m) noexcept {
  return m == mode::production ? "production" : m == mode::test ? "test" : "development";
}

/// Bun's rule: BUN_ENV if set (even empty), else NODE_ENV; "production" and "test" pick those modes, anything
/// else (unset, "", "undefined", ...) is development.
inline mode mode_of(const environment& process) {
  auto v = process.get("BUN_ENV");
  if (!v) v = process.get("NODE_ENV");
  if (v && *v == "production") return mode::production;
  if (v && *v == "test") return mode::test;
  return mode::development;
}

/// The default files for a mode, highest priority first (Bun's load order; the first writer of a key wins).
inline std::vector<std::string> default_files(mode m) {
  switch (m) {
    case mode::production: return {".env.production.local", ".env.local", ".env.production", ".env"};
    case mode::test: return {".env.test.local", ".env.test", ".env"};
    case mode::development: break;
  }
  return {".env.development.local", ".env.local", ".env.development", ".env"};
}

/// Splits `--env-file` values the way Bun does and returns the files highest priority first: the values are
/// walked last to first, each is trimmed of spaces, each comma list right to left; blank items are ignored
/// (items are not trimmed individually: "a, b" names " b").
inline std::vector<std::string> explicit_files(const std::vector<std::string>& env_files) {
  std::vector<std::string> out;
  for (std::size_t i = env_files.size(); i-- > 0;) {
    std::string_view a = env_files[i];
    while (!a.empty() && a.front() == ' ') a.remove_prefix(1);
    while (!a.empty() && a.back() == ' ') a.remove_suffix(1);
    while (!a.empty()) {
      auto c = a.rfind(',');
      std::string_view item = c == std::string_view::npos ? a : a.substr(c + 1);
      if (!item.empty()) out.emplace_back(item);
      if (c == std::string_view::npos) break;
      a = a.substr(0, c);
    }
  }
  return out;
}

/// Which .env grammar and expansion to use at run time (the compile-time choice is a dialect policy type).
enum class dialect_kind : std::uint8_t { bun, dotenv };

/// Parses "bun" or "dotenv". \throws runtime::error (usage, code "env.bad_dialect") for anything else.
inline dialect_kind parse_dialect(std::string_view s) {
  if (s == "bun") return dialect_kind::bun;
  if (s == "dotenv") return dialect_kind::dotenv;
  throw usage_error("env.bad_dialect", "--dialect must be bun or dotenv, not \"" + std::string(s) + "\"");
}

/// What load() needs to know. The rt driver fills it from --cwd/--env-file/--no-env-file and bunfig.
struct load_options {
  std::string cwd;                       ///< directory relative paths resolve against ("" = the current one)
  std::vector<std::string> env_files;    ///< each --env-file value as given, comma lists unsplit, in order
  bool no_env_file = false;              ///< --no-env-file: no default files (explicit ones still load)
  bool default_files_enabled = true;     ///< false when bunfig says `[env] file = false` (or `env = false`)
  dialect_kind dialect = dialect_kind::bun;
  /// Also report what Bun passes over in silence: malformed lines, unterminated quotes, `$NAME` with no value,
  /// and a file named with --env-file that does not exist.
  bool strict = false;
  expansion_limits expansion{};          ///< what `${}` expansion may produce (see expansion_limits)
  std::optional<env::mode> mode_override;  ///< e.g. test for a test runner; otherwise from NODE_ENV/BUN_ENV
  /// Bulk storage of the loaded bytes (copied and expanded values, process variables): the returned environment
  /// and its copies keep using it, so it must outlive them (nullptr: new/delete).
  std::pmr::memory_resource* resource = nullptr;
};

/// What load() produced.
struct loaded {
  environment env;                  ///< process variables + file variables, each with its origin
  std::vector<std::string> files;   ///< files actually read, in load order (highest priority first)
  /// Problems, each with kind env, a stable code and (where there is one) a file:line:col location:
  /// unreadable files, directories and non-UTF-8 text always; malformed lines, unterminated quotes, undefined
  /// variables (Bun dialect) and missing --env-file files (env.missing_file) only when load_options::strict.
  std::vector<error> diagnostics;
  env::mode mode = env::mode::development;
};

static_assert(EnvDialect<bun_dialect> && EnvDialect<dotenv_dialect>);

/// Reads the .env file at `path`: its text, nullopt when it does not exist (Bun ignores a missing file
/// silently), or an error of kind env for the others: env.unreadable_file, env.is_directory, env.not_regular (a
/// FIFO or device that was not `named`, i.e. given with --env-file), env.too_large (over 256 MiB). Messages
/// echo a very long path cut in the middle (detail::cut_for_message).
inline result<std::optional<std::string>> read_file(const std::string& path, bool named) {
  std::string text;
  int e = 0;
  const std::string shown = detail::cut_for_message(path, detail::cut_at::middle);
  switch (env::read_text_file(path, text, named, env::env_file_limit, e)) {
    case env::read_status::ok: return std::optional<std::string>(std::move(text));
    case env::read_status::missing: return std::optional<std::string>();
    case env::read_status::unreadable:
      return error(error_kind::env, "env.unreadable_file", "cannot read env file " + shown + ": " + std::strerror(e));
    case env::read_status::is_directory:
      return error(error_kind::env, "env.is_directory", "env file " + shown + " is a directory");
    case env::read_status::not_regular:
      return error(error_kind::env, "env.not_regular",
                   "env file " + shown + " is not a regular file (name it with --env-file to read a pipe or device)");
    case env::read_status::too_large:
      return error(error_kind::env, "env.too_large", "env file " + shown + " is larger than 256 MiB");
  }
  return error(error_kind::env, "env.unreadable_file", "cannot read env file " + shown);
}

/// Loads the process environment plus the .env files `opts` selects, with dialect `D` (compile-time choice).
/// Precedence: process > files, highest priority file first; explicit --env-file replaces the default files;
/// each file is read at most once. Problems with files go to loaded::diagnostics; the one error that stops the
/// load is going over opts.expansion. \throws runtime::error env.expansion_limit (file:line of the key).
template <EnvDialect D>
loaded load_with(const environment& process, const load_options& opts) {
  loaded out;
  out.mode = opts.mode_override ? *opts.mode_override : mode_of(process);
  working_set ws(opts.resource);
  D dialect{};
  ws.reserve(process.size() + 64);
  for (const auto& [k, v] : process) ws.put(k, v, 0, 0);
  std::vector<std::string> names;
  if (!opts.env_files.empty()) names = explicit_files(opts.env_files);
  else if (!opts.no_env_file && opts.default_files_enabled) names = default_files(out.mode);
  std::vector<std::string> seen;
  std::vector<std::string> read_names;
  for (const auto& name : names) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
    seen.push_back(name);
    std::string path = (opts.cwd.empty() || (!name.empty() && name[0] == '/')) ? name : opts.cwd + "/" + name;
    const bool named = !opts.env_files.empty();
    // Diagnostics name the file as given, cut in the middle when very long; origins keep the whole name.
    const std::string shown = detail::cut_for_message(name, detail::cut_at::middle);
    auto read = read_file(path, named);
    if (!read) {
      error e = std::move(read).error();
      e.at(source_location{shown, 0, 0, {}});
      out.diagnostics.push_back(std::move(e));
      continue;
    }
    if (!*read) {  // missing: Bun says nothing, even for a file named with --env-file
      if (named && opts.strict) {
        error e(error_kind::env, "env.missing_file",
                "env file " + detail::cut_for_message(path, detail::cut_at::middle) + " does not exist");
        e.at(source_location{shown, 0, 0, {}});
        out.diagnostics.push_back(std::move(e));
      }
      continue;
    }
    std::string text = std::move(**read);
    out.files.push_back(name);
    read_names.push_back(name);
    if (auto bad = detail::first_invalid_utf8(text); bad != std::string_view::npos) {
      detail::forward_line_counter lc(text);
      std::uint32_t line = lc.line_of(bad);
      std::uint32_t col = lc.column_of(bad);
      error e(error_kind::env, "env.invalid_utf8", "env file " + shown + " is not valid UTF-8 (loaded as bytes)");
      e.at(source_location{shown, line, col, std::string(lc.line_text(bad))});
      out.diagnostics.push_back(std::move(e));
    }
    if (text.empty()) continue;
    ws.reserve(ws.entries().size() + text.size() / 32 + 16, ws.entries().size() + text.size() / 48 + 16);
    // The environment keeps the text: keys and unquoted values view it.
    std::string_view kept = ws.adopt_text(std::move(text));
    file_context ctx{shown, static_cast<std::uint32_t>(read_names.size()), opts.strict, &out.diagnostics,
                     opts.expansion};
    dialect.load_file(ws, kept, ctx);
  }
  dialect.finish(ws);
  out.env = std::move(ws).build(std::move(read_names));
  return out;
}

/// load_with<bun_dialect> or load_with<dotenv_dialect>, as `opts.dialect` says (the run-time choice).
inline loaded load(const environment& process, const load_options& opts) {
  return opts.dialect == dialect_kind::dotenv ? load_with<dotenv_dialect>(process, opts)
                                              : load_with<bun_dialect>(process, opts);
}

/// Parses and expands one .env text on top of `base` (as if it were the only file, named `name`): the unit
/// tests' and the fuzzer's entry point. \throws runtime::error env.expansion_limit, as load_with.
template <EnvDialect D = bun_dialect>
loaded load_text(const environment& base, std::string_view text, std::string_view name = ".env", bool strict = false,
                 expansion_limits limits = {}) {
  loaded out;
  working_set ws;
  for (const auto& [k, v] : base) ws.put(k, v, 0, 0);
  file_context ctx{name, 1, strict, &out.diagnostics, limits};
  D dialect{};
  dialect.load_file(ws, ws.adopt_text(std::string(text)), ctx);
  dialect.finish(ws);
  out.env = std::move(ws).build({std::string(name)});
  out.files.emplace_back(name);
  return out;
}

}}}  // namespace runtime::v1::env
RUNTIME_EXPORT_END

#endif
