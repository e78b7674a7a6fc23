// SPDX-License-Identifier: MIT
// runtime.run / package_json: the nearest package.json (walking up from a directory) and what Bun's runner reads
// from it (name, version, scripts, config), parsed as Bun 1.4.5 parses it; a file that cannot be read or parsed
// is a runtime::error located at its file, line and column.
#ifndef RUNTIME_MODULE
#  include <unistd.h>
#  include <sys/stat.h>
#  include <cerrno>
#  include <cstddef>
#  include <cstdint>
#  include <cstring>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <system_error>
#  include <utility>
#  include <vector>
#  include <nlohmann/json.hpp>
#  include "runtime/detail/posix_io.hpp"
#  include "runtime/detail/text.hpp"
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_RUN_PACKAGE_JSON_HPP_)
#define RUNTIME_RUN_PACKAGE_JSON_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace detail {

/// Offset just past the comment that starts at `i` (`//` to the end of the line, `/* */`), or `i` when none
/// starts there. An unterminated block comment runs to the end (the parser reports it).
inline std::size_t skip_json_comment(std::string_view s, std::size_t i) noexcept {
  if (i + 1 >= s.size() || s[i] != '/') return i;
  if (s[i + 1] == '/') {
    const std::size_t nl = s.find('\n', i + 2);
    return nl == std::string_view::npos ? s.size() : nl;
  }
  if (s[i + 1] == '*') {
    const std::size_t end = s.find("*/", i + 2);
    return end == std::string_view::npos ? s.size() : end + 2;
  }
  return i;
}

/// Bun's JSON reader accepts a comma before `}` or `]`; nlohmann-json 3.11.2 does not. Each such comma (outside
/// strings and comments; whitespace and comments may stand between it and the bracket) becomes a space, so every
/// byte keeps its offset and the parser's error positions stay right. A comma after `,`, `[`, `{` or `:` is
/// left for the parser to report (`[1,,]` is an error in Bun too).
inline void blank_trailing_commas(std::string& text) noexcept {
  const std::string_view s(text);
  std::size_t i = 0;
  char previous = 0;  // the last byte outside strings, comments and whitespace
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i)
        if (s[i] == '\\') ++i;
      ++i;
      previous = '"';
      continue;
    }
    if (c == '/') {
      const std::size_t past = skip_json_comment(s, i);
      if (past == i) previous = c;
      i = past == i ? i + 1 : past;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    const char before = previous;
    previous = c;
    if (c == ',' && before != ',' && before != '[' && before != '{' && before != ':') {
      std::size_t j = i + 1;
      for (;;) {
        while (j < s.size() && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r')) ++j;
        const std::size_t past = skip_json_comment(s, j);
        if (past == j) break;
        j = past;
      }
      if (j < s.size() && (s[j] == '}' || s[j] == ']')) text[i] = ' ';
    }
    ++i;
  }
}

/// The 1-based line and byte column of offset `at` in `text`, and that line's text.
inline source_location json_location(const std::string& path, std::string_view text, std::size_t at) {
  if (at > text.size()) at = text.size();
  source_location loc;
  loc.file = path;
  std::uint32_t line = 1;
  std::size_t start = 0;
  for (std::size_t k = 0; k < at; ++k)
    if (text[k] == '\n') {
      ++line;
      start = k + 1;
    }
  std::size_t end = text.find('\n', start);
  if (end == std::string_view::npos) end = text.size();
  std::string_view line_text = text.substr(start, end - start);
  if (!line_text.empty() && line_text.back() == '\r') line_text.remove_suffix(1);
  loc.line = line;
  loc.column = static_cast<std::uint32_t>(at - start + 1);
  loc.line_text = std::string(line_text);
  return loc;
}

/// nlohmann-json reports the last byte it read; a caret belongs under the first byte of the offending token. From
/// `at`, the end of a string (its closing quote) or of a number or word, this walks back to where it starts.
inline std::size_t json_token_start(std::string_view text, std::size_t at) noexcept {
  if (at >= text.size()) return at;
  const auto word = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' ||
           c == '+';
  };
  if (text[at] == '"') {
    for (std::size_t k = at; k-- > 0;) {
      if (text[k] != '"') continue;
      std::size_t backslashes = 0;
      while (k > backslashes && text[k - 1 - backslashes] == '\\') ++backslashes;
      if (backslashes % 2 == 0) return k;
    }
    return at;
  }
  while (at > 0 && word(text[at]) && word(text[at - 1])) --at;
  return at;
}

/// nlohmann's parse_error text without its "[json.exception.parse_error.101] parse error at line 1, column 2: "
/// prefix (the location is the error's own).
inline std::string json_reason(std::string_view what) {
  if (const std::size_t colon = what.find(": "); colon != std::string_view::npos && what.substr(0, 1) == "[")
    what.remove_prefix(colon + 2);
  return std::string(what);
}

}}}  // namespace runtime::v1::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace run {

/// What Bun's runner reads from a package.json. Only string values count: a `name`, `version` or script that is
/// not a string, or is the empty string, is as if absent (Bun: an empty script is "Script not found").
struct package_json {
  std::string path;  ///< the file, as found (dir + "/package.json"; not made canonical, as in npm_package_json)
  std::string dir;   ///< its directory: where its scripts run
  std::optional<std::string> name;
  std::optional<std::string> version;
  /// Scripts in file order; a key given twice keeps its first place and its last value (as Bun lists them).
  std::vector<std::pair<std::string, std::string>> scripts;
  /// The string members of `config` (Bun sets npm_package_config_<key> for each).
  std::vector<std::pair<std::string, std::string>> config;

  /// The script called `script_name`, or nullptr.
  const std::string* script(std::string_view script_name) const noexcept {
    for (const auto& [k, v] : scripts)
      if (k == script_name) return &v;
    return nullptr;
  }
};

/// Parses package.json text as Bun 1.4.5 does where it matters: comments and trailing commas are accepted, a
/// UTF-8 byte-order mark is skipped, duplicate keys keep the last value. `path` names the file in errors and
/// fills package_json::path/dir. \throws runtime::error (kind config, code "run.package_json_invalid") located at
/// the line and column of the first syntax error, or at line 1 when the top level is not an object.
inline package_json parse_package_json(std::string text, const std::string& path) {
  const std::string original = text;
  detail::blank_trailing_commas(text);
  nlohmann::ordered_json doc;
  try {
    doc = nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const nlohmann::ordered_json::parse_error& e) {
    const std::size_t at = detail::json_token_start(original, e.byte > 0 ? e.byte - 1 : 0);
    throw error(error_kind::config, "run.package_json_invalid",
                "invalid package.json: " + detail::json_reason(e.what()))
        .at(detail::json_location(path, original, at));
  }
  if (!doc.is_object()) {
    std::size_t at = 0;
    if (original.compare(0, 3, "\xEF\xBB\xBF") == 0) at = 3;
    while (at < original.size() && (original[at] == ' ' || original[at] == '\t' || original[at] == '\n' ||
                                     original[at] == '\r'))
      ++at;
    throw error(error_kind::config, "run.package_json_invalid",
                std::string("invalid package.json: the top level is ") + doc.type_name() + ", not an object")
        .at(detail::json_location(path, original, at));
  }
  package_json out;
  out.path = path;
  const std::size_t slash = path.rfind('/');
  out.dir = slash == std::string::npos ? std::string(".") : slash == 0 ? std::string("/") : path.substr(0, slash);
  const auto text_of = [&](const char* key) -> std::optional<std::string> {
    const auto it = doc.find(key);
    if (it == doc.end() || !it->is_string()) return std::nullopt;
    std::string v = it->get<std::string>();
    if (v.empty()) return std::nullopt;
    return v;
  };
  out.name = text_of("name");
  out.version = text_of("version");
  const auto strings_of = [](const nlohmann::ordered_json& obj, std::vector<std::pair<std::string, std::string>>& to) {
    if (!obj.is_object()) return;
    for (const auto& [k, v] : obj.items())
      if (v.is_string() && !v.get_ref<const std::string&>().empty()) to.emplace_back(k, v.get<std::string>());
  };
  if (const auto it = doc.find("scripts"); it != doc.end()) strings_of(*it, out.scripts);
  if (const auto it = doc.find("config"); it != doc.end()) strings_of(*it, out.config);
  return out;
}

/// Reads and parses the package.json at `path` (a regular file of at most 16 MiB).
/// \throws runtime::error: code "run.package_json_unreadable" (a FIFO, socket or device, a directory, too large,
/// unreadable; located at the file), or "run.package_json_invalid" (see parse_package_json).
inline package_json read_package_json(const std::string& path) {
  detail::read_options opts;
  opts.limit = detail::config_file_limit;
  detail::read_result r = detail::read_file(path, opts);
  if (!r) {
    std::string why = r.status == detail::read_status::unreadable || r.status == detail::read_status::missing
                          ? std::string(std::strerror(r.error_number))
                          : std::string(detail::read_status_text(r.status));
    if (r.status == detail::read_status::too_large)
      why += " (" + std::to_string(detail::config_file_limit >> 20) + " MiB)";
    error e(error_kind::config, "run.package_json_unreadable", "cannot read package.json: " + why);
    source_location loc;
    loc.file = path;
    e.at(std::move(loc));
    if (r.error_number != 0) e.sys_error(std::error_code(r.error_number, std::generic_category()));
    throw e;
  }
  return parse_package_json(std::move(r.text), path);
}

/// The nearest package.json: `start_dir` (made absolute with the working directory when relative), then each
/// ancestor up to `/`. A directory named package.json is passed over, as Bun passes it over; anything else of that
/// name counts (reading a FIFO there is then an error, not a silent skip). \returns its path, or nullopt.
inline std::optional<std::string> find_package_json(std::string_view start_dir) {
  std::string dir(start_dir);
  if (dir.empty() || dir[0] != '/') {
    std::string cwd(4096, '\0');
    while (::getcwd(cwd.data(), cwd.size()) == nullptr) {
      if (errno != ERANGE) return std::nullopt;
      cwd.resize(cwd.size() * 2);
    }
    cwd.resize(std::strlen(cwd.c_str()));
    dir = dir.empty() || dir == "." ? cwd : (cwd == "/" ? "" : cwd) + "/" + dir;
  }
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  for (;;) {
    std::string candidate = (dir == "/" ? std::string() : dir) + "/package.json";
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) return candidate;
    if (dir == "/") return std::nullopt;
    const std::size_t slash = dir.rfind('/');
    dir = slash == 0 ? std::string("/") : dir.substr(0, slash);
  }
}

/// find_package_json + read_package_json: the nearest package.json read, or nullopt when there is none.
/// \throws runtime::error as read_package_json.
inline std::optional<package_json> nearest_package_json(std::string_view start_dir) {
  std::optional<std::string> path = find_package_json(start_dir);
  if (!path) return std::nullopt;
  return read_package_json(*path);
}

}}}  // namespace runtime::v1::run
RUNTIME_EXPORT_END

#endif
