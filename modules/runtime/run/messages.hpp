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
#include "runtime/run/lookup.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_RUN_MESSAGES_HPP_)
#define RUNTIME_RUN_MESSAGES_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace detail {

/// How the `$ ` line shows control characters: newline and tab raw, CR as \r, the others and DEL as \xNN.
inline constexpr escape_policy run_echo_policy{.keep = "\n\t", .named = "\r"};

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
  paint_style(out, color, ansi_dim);
  out += '(';
  out += signal_table[i].description;
  out += ')';
  paint_style(out, color, ansi_reset);
}

/// Bun's "error:" prefix: `<r><red>error<r><d>:<r> ` (the colon undimmed when `dim_colon` is false).
inline void append_run_error(std::string& out, bool color, bool dim_colon = true) {
  paint_style(out, color, ansi_reset);
  paint_style(out, color, ansi_red);
  out += "error";
  paint_style(out, color, ansi_reset);
  if (dim_colon) paint_style(out, color, ansi_dim);
  out += ':';
  if (dim_colon) paint_style(out, color, ansi_reset);
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
  detail::paint_style(out, color, detail::ansi_reset);
  detail::paint_style(out, color, detail::ansi_dim);
  detail::paint_style(out, color, detail::ansi_magenta);
  out += '$';
  detail::paint_style(out, color, detail::ansi_reset);
  out += ' ';
  detail::paint_style(out, color, detail::ansi_dim);
  detail::paint_style(out, color, detail::ansi_bold);
  out += detail::utf8_replace_invalid(detail::escaped(command, detail::run_echo_policy));
  detail::paint_style(out, color, detail::ansi_reset);
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
  detail::paint_style(out, color, detail::ansi_bold);
  out += '"';
  out += event;
  out += '"';
  detail::paint_style(out, color, detail::ansi_reset);
  if (signal != 0) {
    out += " was terminated by signal ";
    detail::append_signal_text(out, signal, color);
  } else {
    out += " exited with code ";
    out += std::to_string(exit_code);
  }
  detail::paint_style(out, color, detail::ansi_reset);
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
  detail::paint_style(out, color, detail::ansi_bold);
  out += name;
  detail::paint_style(out, color, detail::ansi_reset);
  out += '"';
  if (signal != 0) {
    out += " due to signal ";
    detail::paint_style(out, color, detail::ansi_bold);
    detail::append_signal_text(out, signal, color);
    detail::paint_style(out, color, detail::ansi_reset);
  } else {
    out += " exited with code ";
    out += std::to_string(exit_code);
  }
  out += '\n';
  return out;
}

/// Bun's report of a program that could not be started: `error: Failed to run "<name>" due to:` and, on the
/// next line, `reason` (signal::run_child's "signal.spawn_failed" message, e.g.
/// `ENOEXEC: /p/x: Exec format error (posix_spawn())`), with a newline. `program` may be the resolved path: Bun
/// names the program by its base name.
inline std::string spawn_failure(std::string_view program, std::string_view reason, bool color = false) {
  std::string_view name = program;
  if (const std::size_t slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string out;
  detail::append_run_error(out, color, /*dim_colon=*/false);
  out += "Failed to run \"";
  detail::paint_style(out, color, detail::ansi_bold);
  out += detail::cut_for_message(name);
  detail::paint_style(out, color, detail::ansi_reset);
  out += "\" due to:\n";
  out += reason;
  out += '\n';
  return out;
}

/// Bun's answer when nothing called `name` was found: `error: <what> "<name>"` and a newline, where `what` is
/// "Script not found", "Module not found" or "File not found". A long name is cut as every message cuts what it
/// echoes (detail::cut_for_message): a 100 KB argument stays a short line (Bun prints it whole).
inline std::string not_found(std::string_view what, std::string_view name, bool color = false) {
  std::string out;
  detail::append_run_error(out, color);
  detail::paint_style(out, color, detail::ansi_bold);
  out += what;
  out += " \"";
  detail::paint_style(out, color, detail::ansi_bold);
  out += detail::cut_for_message(name);
  detail::paint_style(out, color, detail::ansi_reset);
  out += "\"\n";
  return out;
}

/// Bun's answer when there is no such script, program or file: `error: Script not found "<name>"` and a newline.
inline std::string script_not_found(std::string_view name, bool color = false) {
  return not_found("Script not found", name, color);
}

/// Bun 1.4.5's answer for a target that is nowhere, by its shape (run::shape_of): `Module not found` for a path
/// or a JavaScript name, `File not found` for another name with an extension, else `Script not found`.
inline std::string target_not_found(std::string_view target, bool color = false) {
  switch (shape_of(target)) {
    case target_shape::path:
    case target_shape::javascript: return not_found("Module not found", target, color);
    case target_shape::file: return not_found("File not found", target, color);
    case target_shape::name: break;
  }
  return script_not_found(target, color);
}

/// The answer of a runner that is not a JavaScript runtime (`runner`: "rt") to a JavaScript or TypeScript file
/// that exists: an error naming the file and a note naming bun and node as the way to run it.
inline std::string javascript_target(std::string_view runner, std::string_view target, bool color = false) {
  std::string out;
  detail::append_run_error(out, color);
  out += runner;
  out += " runs programs, shell scripts and package.json scripts, not JavaScript or TypeScript files: \"";
  out += target;
  out += "\"\nnote: run it with bun (bun run ";
  out += target;
  out += ") or node (node ";
  out += target;
  out += ")\n";
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
    detail::paint_style(out, color, detail::ansi_reset);
    detail::paint_style(out, color, detail::ansi_yellow);
    out += package ? "No \"scripts\" found in package.json." : "No package.json found.";
    detail::paint_style(out, color, detail::ansi_reset);
    out += '\n';
    return out;
  }
  detail::paint_style(out, color, detail::ansi_bold);
  out += "package.json scripts (" + std::to_string(package->scripts.size()) + " found):";
  detail::paint_style(out, color, detail::ansi_reset);
  out += '\n';
  for (const auto& [name, script] : package->scripts) {
    out += "  ";
    detail::paint_style(out, color, detail::ansi_dim);
    out += '$';
    detail::paint_style(out, color, detail::ansi_reset);
    out += ' ';
    out += run_command;
    detail::paint_style(out, color, detail::ansi_reset);
    out += ' ';
    detail::paint_style(out, color, detail::ansi_plain_blue);
    out += name;
    detail::paint_style(out, color, detail::ansi_reset);
    out += "\n  ";
    detail::paint_style(out, color, detail::ansi_dim);
    out += "  ";
    detail::append_escaped(out, script, detail::escape::log_line);
    detail::paint_style(out, color, detail::ansi_reset);
    out += "\n\n";
  }
  return out;
}

}}}  // namespace runtime::v1::run
RUNTIME_EXPORT_END

#endif
