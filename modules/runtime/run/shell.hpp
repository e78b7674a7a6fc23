// SPDX-License-Identifier: MIT
// runtime.run / shell: the system shell a package.json script runs in, and the command line it gets: the script
// text with the extra arguments appended, each quoted as Bun 1.4.5 quotes it.
#ifndef RUNTIME_MODULE
#  include <initializer_list>
#  include <optional>
#  include <span>
#  include <string>
#  include <string_view>
#  include <utility>
#  include <vector>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/signal.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_RUN_SHELL_HPP_)
#define RUNTIME_RUN_SHELL_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace detail {

/// The bytes after which Bun 1.4.5 double-quotes an appended argument: its shell's special characters (digits
/// included) plus '?', tab, CR and the backspace it uses as a marker.
constexpr bool needs_shell_quotes(unsigned char c) noexcept {
  switch (c) {
    case ' ': case '"': case '#': case '$': case '&': case '\'': case '(': case ')': case '*': case ',':
    case ';': case '<': case '=': case '>': case '?': case '[': case '\\': case ']': case '`': case '{':
    case '|': case '}': case '~': case '\t': case '\n': case '\r': case '\b':
      return true;
    default:
      return c >= '0' && c <= '9';
  }
}

}}}  // namespace runtime::v1::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace run {

/// The shell scripts run in, found as Bun 1.4.5 finds it: `bash`, `sh`, then `zsh` on `path_value` (the
/// environment's own PATH, not the one with node_modules/.bin), then the first executable of /bin/bash,
/// /usr/bin/bash, /usr/local/bin/bash, /bin/sh, /usr/bin/sh, /usr/bin/zsh, /usr/local/bin/zsh, /system/bin/sh.
/// \returns its path, or nullopt when there is no shell at all.
inline std::optional<std::string> find_shell(std::string_view path_value) {
  for (std::string_view name : {"bash", "sh", "zsh"})
    if (auto found = runtime::signal::find_program(name, path_value)) return found;
  for (std::string_view path : {"/bin/bash", "/usr/bin/bash", "/usr/local/bin/bash", "/bin/sh", "/usr/bin/sh",
                                "/usr/bin/zsh", "/usr/local/bin/zsh", "/system/bin/sh"})
    if (auto found = runtime::signal::find_program(path, "")) return found;
  return std::nullopt;
}

/// One argument as Bun 1.4.5 appends it to a script: unchanged when it holds no special byte (letters, '-', '/',
/// '.', ':', '@', '%', '+', '^', '!', UTF-8 ...), else in double quotes with '\', '"', '$' and '`' escaped by a
/// backslash (and a backspace followed by `""`, as Bun writes it). The empty argument is `""`.
inline std::string quote_argument(std::string_view arg) {
  bool quote = arg.empty();
  for (unsigned char c : arg)
    if (detail::needs_shell_quotes(c)) {
      quote = true;
      break;
    }
  if (!quote) return std::string(arg);
  std::string out;
  out.reserve(arg.size() + 2);
  out += '"';
  for (char c : arg) {
    if (c == '\\' || c == '"' || c == '$' || c == '`') out += '\\';
    out += c;
    if (c == '\b') out += "\"\"";
  }
  out += '"';
  return out;
}

/// The command line of a script: `script`, then a space and quote_argument(a) for each extra argument.
/// This is both what the shell runs and what Bun's `$ ` line shows (see run::command_echo).
inline std::string script_command(std::string_view script, std::span<const std::string> args = {}) {
  std::string out(script);
  for (const std::string& a : args) {
    out += ' ';
    out += quote_argument(a);
  }
  return out;
}

/// The argv that runs `command` in `shell`: {shell, "-c", command} (Bun passes the shell's full path as argv[0]).
inline std::vector<std::string> shell_argv(std::string shell, std::string command) {
  std::vector<std::string> argv;
  argv.reserve(3);
  argv.push_back(std::move(shell));
  argv.emplace_back("-c");
  argv.push_back(std::move(command));
  return argv;
}

}}}  // namespace runtime::v1::run
RUNTIME_EXPORT_END

#endif
