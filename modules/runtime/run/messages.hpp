// SPDX-License-Identifier: MIT
// runtime.run / messages: what Bun 1.4.5's runner prints on stderr, byte for byte (with and without colour): the
// `$ command` line before a script, and how a failed script or program is reported (and when nothing is).
#ifndef RUNTIME_MODULE
#  include <optional>
#  include <string>
#  include <string_view>
#  include "runtime/detail/signals.hpp"
#  include "runtime/detail/text.hpp"
#  include "runtime/detail/utf8.hpp"
#endif
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
/// with a newline.
inline std::optional<std::string> program_failure(std::string_view name, int exit_code, int signal,
                                                  bool color = false) {
  if (signal == 0 && exit_code == 0) return std::nullopt;
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

}}}  // namespace runtime::v1::run
RUNTIME_EXPORT_END

#endif
