// SPDX-License-Identifier: MIT
// runtime.cli / declare: the declaration types a program writes as constexpr data (option, command, program)
// and the type parsing fills in (parsed<Cmd>: the command, its typed option values, where each came from).
#ifndef RUNTIME_MODULE
#  include <charconv>
#  include <cstddef>
#  include <cstdint>
#  include <limits>
#  include <optional>
#  include <span>
#  include <string_view>
#  include <system_error>
#  include <vector>
#  include "runtime/detail/text.hpp"
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/env.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_CLI_DECLARE_HPP_)
#define RUNTIME_CLI_DECLARE_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace cli {

/// What an option's value is; parsing validates it so a handler reads typed values only.
enum class value_kind : std::uint8_t {
  flag,        ///< no value: present or absent (`--json`, `-v`)
  string,      ///< any text
  integer,     ///< a decimal integer within [min, max]
  boolean,     ///< true/false, 1/0, yes/no, on/off
  choice,      ///< one of `choices` ("bun|dotenv")
  path,        ///< a non-empty path
  list,        ///< repeatable; each occurrence adds one value
  comma_list,  ///< repeatable; each occurrence adds its comma-separated items (blank items dropped)
};

/// A special meaning the parser gives an option instead of storing a value.
enum class option_role : std::uint8_t { normal, help, version, revision };

/// One option, declared as data. Names are given without dashes.
struct option {
  std::string_view name;                 ///< long name ("config" for --config); may be empty if `short_name` is set
  char short_name = 0;                   ///< single letter ('c' for -c), 0 for none
  value_kind kind = value_kind::flag;
  std::string_view help = {};            ///< one line shown in help
  std::string_view value_name = {};      ///< shown as <value_name>; defaults to the kind ("path", "int", ...)
  std::string_view choices = {};         ///< for value_kind::choice: accepted values separated by '|'
  std::int64_t min = std::numeric_limits<std::int64_t>::min();  ///< for value_kind::integer
  std::int64_t max = std::numeric_limits<std::int64_t>::max();  ///< for value_kind::integer
  bool optional_value = false;           ///< the value may be omitted (`--config`, `-c`); only `=`/attached gives one
  std::string_view implicit_value = {};  ///< the value used when an optional value is omitted
  std::string_view default_value = {};   ///< used when neither the command line nor `env` gives a value
  std::string_view env = {};             ///< environment variable consulted when the option is absent
  bool required = false;                 ///< absent (after env and default) is an error
  std::string_view conflicts = {};       ///< long names (space-separated) that may not be given with this one
  std::string_view aliases = {};         ///< further long names (space-separated), e.g. "require import"
  option_role role = option_role::normal;
  bool hidden = false;                   ///< parsed but not shown in help or completions
};

/// One command of a program. `Cmd` is the program's own enum.
template <class Cmd>
struct command {
  Cmd id;
  std::string_view name;                   ///< the word that selects it
  std::string_view aliases = {};           ///< other words (space-separated): "i ci"
  std::string_view help = {};              ///< one line for the command table
  std::string_view example = {};           ///< example argument shown in the command table ("./script.ts")
  std::string_view usage = {};             ///< positional synopsis for its usage line ("<file> [args...]")
  std::string_view group = {};             ///< commands sharing a group are listed together in help
  std::span<const option> options = {};    ///< options after the command word (globals are accepted too)
  std::size_t min_positionals = 0;
  std::size_t max_positionals = static_cast<std::size_t>(-1);
  bool stop_at_positional = false;         ///< after the first positional every argument is a positional
  bool implemented = true;                 ///< false: listed in help as "not implemented"
  bool reserved = false;                   ///< a word reserved for future use
  bool hidden = false;                     ///< parsed but not listed
  std::string_view details = {};           ///< extra paragraph for `help <command>`
  /// Whether the user's global config file applies (runtime::app: $XDG_CONFIG_HOME/.bunfig.toml or
  /// ~/.bunfig.toml). Bun's `run` and its auto command read only the project's bunfig.toml.
  bool global_config = true;
};

template <class Cmd>
struct parsed;

/// A whole program: globals, commands, and the two commands the parser treats specially.
template <class Cmd>
struct program {
  std::string_view name;                       ///< argv[0] as shown in usage ("rt")
  std::string_view version;                    ///< printed by a version-role option
  std::string_view revision = {};              ///< appended as "+rev" by a revision-role option
  std::string_view summary = {};               ///< first line of the main help
  std::span<const option> global_options = {};
  std::span<const command<Cmd>> commands = {};
  Cmd auto_command{};                          ///< what a first word that is no command (or no word) selects
  Cmd help_command{};                          ///< `help [command]`
  /// Called for an unknown first word that is close to a command name: true means "it is a real target, run it"
  /// (a file, a script, a program on PATH), false makes it an unknown-command error with a suggestion.
  /// `before` holds the options parsed ahead of the word (a `--cwd` the check must look in); `env` is the
  /// environment the parse was given (its PATH). nullptr: always an error.
  bool (*auto_accepts)(std::string_view word, const parsed<Cmd>& before, const environment& env) = nullptr;
  std::string_view footer = {};                ///< last paragraph of the main help
};

/// Where a value came from.
enum class value_source : std::uint8_t { command_line, environment, default_value };

/// One option's values in a parsed command line.
struct option_value {
  const option* spec = nullptr;
  std::vector<std::string_view> values;  ///< one for scalar kinds (the last given), several for lists
  value_source source = value_source::command_line;
};

/// A parsed command line. Views point into the arguments, the environment and the declaration.
template <class Cmd>
struct parsed {
  Cmd command{};
  const cli::command<Cmd>* spec = nullptr;   ///< the selected command's declaration
  std::string_view word = {};                ///< the command word as typed (an alias stays an alias)
  std::vector<std::string_view> positionals; ///< for the auto command the first one is the typed word
  /// Everything after a standalone "--". For a command without a trailing-args slot (no stop_at_positional)
  /// `--` only ends option parsing: these words count against its positional limits (see operands()).
  std::vector<std::string_view> passthrough;
  bool saw_double_dash = false;
  bool help = false;                         ///< a help-role option was given
  bool version = false;                      ///< a version-role option was given
  bool revision = false;                     ///< a revision-role option was given
  std::vector<option_value> options;         ///< given on the command line, from env, or defaulted

  /// The command's arguments in order: positionals, then the words after "--".
  std::vector<std::string_view> operands() const {
    std::vector<std::string_view> all;
    all.reserve(positionals.size() + passthrough.size());
    all.insert(all.end(), positionals.begin(), positionals.end());
    all.insert(all.end(), passthrough.begin(), passthrough.end());
    return all;
  }
  /// The entry for long name `name`, or nullptr.
  const option_value* find(std::string_view name) const {
    for (const auto& v : options)
      if (v.spec->name == name) return &v;
    return nullptr;
  }
  /// True when given on the command line or by its environment variable (not by a default).
  bool given(std::string_view name) const {
    auto* v = find(name);
    return v && v->source != value_source::default_value;
  }
  /// A flag's state; for a boolean option its value.
  bool flag(std::string_view name) const {
    auto* v = find(name);
    if (!v) return false;
    if (v->spec->kind == value_kind::boolean)
      return !v->values.empty() && runtime::detail::parse_bool_word(v->values.back()).value_or(false);
    return true;
  }
  /// The last value, or nullopt.
  std::optional<std::string_view> value(std::string_view name) const {
    auto* v = find(name);
    if (!v || v->values.empty()) return std::nullopt;
    return v->values.back();
  }
  /// Every value, in command-line order (lists, comma lists split).
  std::vector<std::string_view> values(std::string_view name) const {
    auto* v = find(name);
    return v ? v->values : std::vector<std::string_view>{};
  }
  /// An integer option's value (validated during parsing).
  std::optional<std::int64_t> integer(std::string_view name) const {
    auto s = value(name);
    if (!s) return std::nullopt;
    std::int64_t n = 0;
    auto r = std::from_chars(s->data(), s->data() + s->size(), n);
    if (r.ec != std::errc{}) return std::nullopt;
    return n;
  }
  /// A boolean option's value: "true"/"1"/"yes"/"on" or "false"/"0"/"no"/"off" (ASCII case-insensitive).
  std::optional<bool> boolean(std::string_view name) const {
    auto s = value(name);
    if (!s) return std::nullopt;
    return runtime::detail::parse_bool_word(*s);
  }
};

/// A mistake in a declaration: what is wrong and the name it concerns. Converts to false when there is none.
struct problem {
  std::string_view what = {};
  std::string_view name = {};
  constexpr explicit operator bool() const noexcept { return !what.empty(); }
};

}}}  // namespace runtime::v1::cli
RUNTIME_EXPORT_END
#endif
