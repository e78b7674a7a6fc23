// SPDX-License-Identifier: MIT
// runtime.run / messages: what Bun 1.4.5's runner prints, byte for byte (with and without colour): the `$ command`
// line before a script, how a failed script or program is reported (and when nothing is), "Script not found", and
// the list of scripts that `run` without a target prints.
#ifndef RUNTIME_MODULE
#  include <optional>
#  include <string>
#  include <string_view>
#  include "runtime/detail/signals.hpp"
#  include "runtime/detail/text.hpp"
#  include "runtime/detail/utf8.hpp"
#endif
#include "runtime/run/package_json.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_RUN_MESSAGES_HPP_)
#define RUNTIME_RUN_MESSAGES_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace detail {

// Bun's <r>, <red>, <d>, <b>, <magenta>.
inline constexpr std::string_view run_reset = "\x1b[0m";
inline constexpr std::string_view run_red = "\x1b[31m";
inline constexpr std::string_view run_dim = "\x1b[2m";
inline constexpr std::string_view run_bold = "\x1b[1m";
inline constexpr std::string_view run_magenta = "\x1b[35m";
inline constexpr std::string_view run_blue = "\x1b[34m";
inline constexpr std::string_view run_yellow = "\x1b[33m";

/// How the `$ ` line shows control characters: newline and tab raw, CR as \r, the others and DEL as \xNN.
inline constexpr escape_policy run_echo_policy{.keep = "\n\t", .named = "\r"};

/// Appends `style` when colour is on.
inline void run_paint(std::string& out, bool color, std::string_view style) {
  if (color) out += style;
}

/// "SIGTERM (Polite quit request)" (description dimmed in colour), the bare name for a signal without a description,
/// "code 34" for a signal without a name.
inline void append_signal_text(std::string& out, int sig, bool color) {
  const std::size_t i = signal_index(sig);
  if (i == signal_count) {
    out += "code ";
    out += std::to_string(sig);
    return;
  }
  out += signal_table[i].name;
  if (signal_table[i].description.empty()) return;
  out += ' ';
  run_paint(out, color, run_dim);
  out += '(';
  out += signal_table[i].description;
  out += ')';
  run_paint(out, color, run_reset);
}

/// Bun's "error:" prefix: `<r><red>error<r><d>:<r> ` (the colon undimmed when `dim_colon` is false).
inline void append_run_error(std::string& out, bool color, bool dim_colon = true) {
  run_paint(out, color, run_reset);
  run_paint(out, color, run_red);
  out += "error";
  run_paint(out, color, run_reset);
  if (dim_colon) run_paint(out, color, run_dim);
  out += ':';
  if (dim_colon) run_paint(out, color, run_reset);
  out += ' ';
}

}}}  // namespace runtime::v1::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace run {

/// The line Bun prints before each script (not with --silent): "$ <command>\n", control characters escaped
/// (CR as \r, others as \xNN; newline and tab raw) and invalid UTF-8 shown as U+FFFD. The command itself runs
/// unchanged.
inline std::string command_echo(std::string_view command, bool color = false) {
  std::string out;
  detail::run_paint(out, color, detail::run_reset);
  detail::run_paint(out, color, detail::run_dim);
  detail::run_paint(out, color, detail::run_magenta);
  out += '$';
  detail::run_paint(out, color, detail::run_reset);
  out += ' ';
  detail::run_paint(out, color, detail::run_dim);
  detail::run_paint(out, color, detail::run_bold);
  out += detail::utf8_replace_invalid(detail::escaped(command, detail::run_echo_policy));
  detail::run_paint(out, color, detail::run_reset);
  out += '\n';
  return out;
}

/// The report of a script (`event`: "build", "prebuild" ...) that failed, or nullopt when Bun prints none: it
/// exited 0 or 2, or SIGINT killed it (the user pressed Ctrl-C). Otherwise
///   `error: script "build" exited with code 1`
///   `error: script "build" was terminated by signal SIGTERM (Polite quit request)`   (then the runner re-raises)
/// with a newline. --silent prints none of these.
inline std::optional<std::string> script_failure(std::string_view event, int exit_code, int signal,
                                                 bool color = false) {
  if (signal == 0 && (exit_code == 0 || exit_code == 2)) return std::nullopt;
  if (signal == SIGINT) return std::nullopt;
  std::string out;
  detail::append_run_error(out, color);
  out += "script ";
  detail::run_paint(out, color, detail::run_bold);
  out += '"';
  out += event;
  out += '"';
  detail::run_paint(out, color, detail::run_reset);
  if (signal != 0) {
    out += " was terminated by signal ";
    detail::append_signal_text(out, signal, color);
  } else {
    out += " exited with code ";
    out += std::to_string(exit_code);
  }
  detail::run_paint(out, color, detail::run_reset);
  out += '\n';
  return out;
}

/// The report of a program (from node_modules/.bin or PATH) that failed, or nullopt when Bun prints none (it
/// exited 0, or SIGINT killed it). Unlike a script, exit code 2 is reported. Otherwise
///   `error: "eslint" exited with code 2`
///   `error: Failed to run "eslint" due to signal SIGTERM (Polite quit request)`
/// with a newline. `program` may be the resolved path: Bun names the program by its base name.
inline std::optional<std::string> program_failure(std::string_view program, int exit_code, int signal,
                                                  bool color = false) {
  if (signal == 0 && exit_code == 0) return std::nullopt;
  std::string_view name = program;
  if (const std::size_t slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  if (signal == SIGINT) return std::nullopt;
  std::string out;
  if (signal != 0) {
    detail::append_run_error(out, color, /*dim_colon=*/false);
    out += "Failed to run \"";
  } else {
    detail::append_run_error(out, color);
    out += '"';
  }
  detail::run_paint(out, color, detail::run_bold);
  out += name;
  detail::run_paint(out, color, detail::run_reset);
  out += '"';
  if (signal != 0) {
    out += " due to signal ";
    detail::run_paint(out, color, detail::run_bold);
    detail::append_signal_text(out, signal, color);
    detail::run_paint(out, color, detail::run_reset);
  } else {
    out += " exited with code ";
    out += std::to_string(exit_code);
  }
  out += '\n';
  return out;
}

/// Bun's answer when there is no such script, program or file: `error: Script not found "<name>"` and a newline.
inline std::string script_not_found(std::string_view name, bool color = false) {
  std::string out;
  detail::append_run_error(out, color);
  detail::run_paint(out, color, detail::run_bold);
  out += "Script not found \"";
  detail::run_paint(out, color, detail::run_bold);
  out += name;
  detail::run_paint(out, color, detail::run_reset);
  out += "\"\n";
  return out;
}

/// What Bun prints (on stdout, after the run usage) when `run` has no target: each script of `package` (null: none
/// found) as
///   package.json scripts (2 found):
///     $ bun run build
///       make all
///   <blank line>
/// with `run_command` in place of "bun run" and the script text on one line (\n, \r, \t and \xNN escapes); or
/// `No "scripts" found in package.json.` / `No package.json found.` and a newline.
inline std::string script_list(const package_json* package, std::string_view run_command = "bun run",
                               bool color = false) {
  std::string out;
  if (!package || package->scripts.empty()) {
    detail::run_paint(out, color, detail::run_reset);
    detail::run_paint(out, color, detail::run_yellow);
    out += package ? "No \"scripts\" found in package.json." : "No package.json found.";
    detail::run_paint(out, color, detail::run_reset);
    out += '\n';
    return out;
  }
  detail::run_paint(out, color, detail::run_bold);
  out += "package.json scripts (" + std::to_string(package->scripts.size()) + " found):";
  detail::run_paint(out, color, detail::run_reset);
  out += '\n';
  for (const auto& [name, script] : package->scripts) {
    out += "  ";
    detail::run_paint(out, color, detail::run_dim);
    out += '$';
    detail::run_paint(out, color, detail::run_reset);
    out += ' ';
    out += run_command;
    detail::run_paint(out, color, detail::run_reset);
    out += ' ';
    detail::run_paint(out, color, detail::run_blue);
    out += name;
    detail::run_paint(out, color, detail::run_reset);
    out += "\n  ";
    detail::run_paint(out, color, detail::run_dim);
    out += "  ";
    detail::append_escaped(out, script, detail::escape::log_line);
    detail::run_paint(out, color, detail::run_reset);
    out += "\n\n";
  }
  return out;
}

}}}  // namespace runtime::v1::run
RUNTIME_EXPORT_END

#endif
