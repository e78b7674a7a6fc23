// SPDX-License-Identifier: MIT
// runtime.app / policies: the crash policies (report_to_stderr, no_report) and config-file policies (none,
// bunfig, named<"file.toml">) an application is composed from, and the CrashPolicy and ConfigPolicy concepts
// that check them. (Allocator, EnvDialect and ShutdownPolicy live in their modules.)
#ifndef RUNTIME_MODULE
#  include <sys/stat.h>
#  include <cerrno>
#  include <concepts>
#  include <cstddef>
#  include <optional>
#  include <string>
#  include <string_view>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#  include "runtime/env.hpp"
#  include "runtime/flags.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_APP_POLICIES_HPP_)
#define RUNTIME_APP_POLICIES_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 {

namespace crash {
/// Crash policy: fatal signals and uncaught exceptions print one report to stderr (runtime::crash::install),
/// then the process dies of the real signal.
struct report_to_stderr {
  static void install(std::string_view program, std::string_view version) noexcept {
    set_program(program, version);
    crash::install();
  }
};
/// Crash policy: leave fatal signals to the operating system's default action.
struct no_report {
  static void install(std::string_view, std::string_view) noexcept {}
};
}  // namespace crash

/// What runtime::app hands a config policy: the program's `--config` value when its table declares one and it
/// was given, and the program's flag table (its `[<bunfig_table>]` entries are checked while loading).
struct config_request {
  std::optional<std::string_view> path;   ///< --config, relative to the working directory (after --cwd)
  const flags::flag_table* features = nullptr;
  bool global = true;  ///< whether the command reads a global config file (false for Bun's `run`: global_config)
};

namespace config_file {
/// Config policy: the program reads no config file. runtime::app leaves a declared `--config` to the program.
struct none {
  static flags::bunfig load(const environment&, const config_request&) { return {}; }
};
/// Config policy: Bun's files, as Bun reads them (flags::load_bunfig): the global $XDG_CONFIG_HOME/.bunfig.toml
/// or $HOME/.bunfig.toml (not for a command with global_config = false), then `--config <file>` or
/// ./bunfig.toml. An unknown key is a warning with its "did you mean", as Bun passes over it. For Bun-like
/// programs only: any other program would read settings (and warn) in every directory that holds a Bun project.
struct bunfig {
  static flags::bunfig load(const environment& env, const config_request& r) {
    flags::bunfig_options bo;
    if (r.path) bo.config_path = std::string(*r.path);
    bo.features = r.features;
    bo.global = r.global;
    return flags::load_bunfig(env, bo);
  }
};

/// A file name as a template argument: `named<"todo.toml">`.
template <std::size_t N>
struct file_name {
  char text[N] = {};
  consteval file_name(const char (&s)[N]) {  // NOLINT: implicit, from a literal
    for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
  }
  constexpr std::string_view view() const noexcept { return {text, N - 1}; }
};

/// Config policy: the program's own file, `Name` in the working directory (after --cwd), or the file
/// `--config` names (which must exist). No global file. Keys are bunfig's (logLevel, [env], [run], the flag
/// table's [<bunfig_table>]); an unknown key is a warning naming file, line and column.
template <file_name Name>
struct named {
  static_assert(Name.view().size() > 5 && Name.view().ends_with(".toml") && Name.view().find('/') == std::string_view::npos,
                "config_file::named takes a plain file name ending in .toml (\"todo.toml\")");
  static flags::bunfig load(const environment& env, const config_request& r) {
    flags::bunfig_options bo;
    bo.global = false;
    bo.features = r.features;
    if (r.path) {
      bo.config_path = std::string(*r.path);
    } else {
      struct ::stat st {};
      if (::stat(Name.text, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return {};  // no file: no settings
      } else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        // Only a file the user names may be a pipe: one found by name would block the program.
        throw error(error_kind::config, "config.unreadable", "cannot read config file \"" + std::string(Name.view()) +
                                                                 "\": not a regular file (name it with --config to read a pipe)");
      }
      bo.config_path = std::string(Name.view());  // exists: read (and report) it as an explicit file
    }
    return flags::load_bunfig(env, bo);
  }
};
}  // namespace config_file

/// A config policy: `P::load(env, request)` reads the program's settings before the environment loads.
template <class P>
concept ConfigPolicy = requires(const environment& env, const config_request& r) {
  { P::load(env, r) } -> std::same_as<flags::bunfig>;
};

/// A crash policy: `P::install(program, version)` sets up fatal-signal handling first thing at startup.
template <class P>
concept CrashPolicy = requires(std::string_view s) {
  { P::install(s, s) } noexcept;
};

}  // namespace v1
}  // namespace runtime
RUNTIME_EXPORT_END

#endif
