// SPDX-License-Identifier: MIT
// runtime.flags / settings: the typed model of what bunfig files set (struct bunfig, each value with its
// provenance) and the options that say where load_bunfig() looks.
#ifndef RUNTIME_MODULE
#  include <cstdint>
#  include <functional>
#  include <map>
#  include <optional>
#  include <string>
#  include <vector>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#  include "runtime/log.hpp"
#endif
#include "runtime/flags/table.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_FLAGS_SETTINGS_HPP_)
#define RUNTIME_FLAGS_SETTINGS_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace flags {

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
  /// Keys no Bun version reads (config.unknown_key, located, with a "did you mean"): Bun passes over them, so
  /// they are warnings for the program to print, never failures.
  std::vector<error> warnings;

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

}}}  // namespace runtime::v1::flags
RUNTIME_EXPORT_END

#endif
