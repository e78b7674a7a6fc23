// SPDX-License-Identifier: MIT
// runtime.cli / declare: the declaration types a program writes as constexpr data (option, command, program)
// and the type parsing fills in (parsed<Cmd>: the command, its typed option values, where each came from).
#ifndef RUNTIME_MODULE
#  include <cstddef>
#  include <cstdint>
#  include <limits>
#  include <optional>
#  include <span>
#  include <string>
#  include <string_view>
#  include <vector>
#  include "runtime/detail/text.hpp"
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#  include "runtime/env.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_CLI_DECLARE_HPP_)
#define RUNTIME_CLI_DECLARE_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace cli { namespace detail {

/// Calls f(word) for each `sep`-separated word of `list` (empty words skipped).
template <class F>
constexpr void for_each_word(std::string_view list, char sep, F&& f) {
  std::size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && list[i] == sep) ++i;
    std::size_t j = i;
    while (j < list.size() && list[j] != sep) ++j;
    if (j > i) f(list.substr(i, j - i));
    i = j;
  }
}

constexpr bool list_contains(std::string_view list, char sep, std::string_view word) {
  bool found = false;
  for_each_word(list, sep, [&](std::string_view w) { found = found || w == word; });
  return found;
}

/// A decimal integer as the integer kind accepts it: an optional '-', then digits only, within int64.
/// constexpr (std::from_chars is not in C++20), so declarations can be checked at compile time.
constexpr std::optional<std::int64_t> parse_decimal(std::string_view s) noexcept {
  const bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  // Accumulate as a negative number: its range includes INT64_MIN.
  constexpr std::int64_t low = std::numeric_limits<std::int64_t>::min();
  std::int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const int d = c - '0';
    if (n < (low + d) / 10) return std::nullopt;
    n = n * 10 - d;
  }
  if (!negative) {
    if (n == low) return std::nullopt;
    n = -n;
  }
  return n;
}

/// Does option `o` answer to long name `n` (its name or one of its aliases)? (A template: cli::option is
/// declared below.)
template <class Option>
constexpr bool has_long(const Option& o, std::string_view n) {
  return !n.empty() && (o.name == n || list_contains(o.aliases, ' ', n));
}

/// Throws the error a lookup of an option the command does not declare raises: a mistake in the program.
[[noreturn]] inline void throw_undeclared(std::string_view name, std::string_view command) {
  std::string where = command.empty() ? std::string("the program") : "command \"" + std::string(command) + "\"";
  throw error(error_kind::cli, "cli.undeclared_option",
              "option --" + std::string(name) + " is not declared by " + where + " or the global options");
}

}}}}  // namespace runtime::v1::cli::detail

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
  /// The hidden catch-all: true makes a first word that is no command (and not close to one, see auto_accepts)
  /// select auto_command with the word as its first positional, as `bun ./file.ts` runs a file. false (the
  /// default): such a word is an unknown-command error. No word at all selects auto_command either way.
  bool catch_all = false;
  std::string_view reserved_by = {};           ///< who reserved the `reserved` command words, for their message; empty: `name`
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
  std::span<const option> globals = {};      ///< the program's global options (set by parse)

  /// The command's arguments in order: positionals, then the words after "--".
  std::vector<std::string_view> operands() const {
    std::vector<std::string_view> all;
    all.reserve(positionals.size() + passthrough.size());
    all.insert(all.end(), positionals.begin(), positionals.end());
    all.insert(all.end(), passthrough.begin(), passthrough.end());
    return all;
  }
  /// Does the selected command or the global option list declare long name (or alias) `name`?
  bool declares(std::string_view name) const {
    if (spec)
      for (const auto& o : spec->options)
        if (detail::has_long(o, name)) return true;
    for (const auto& o : globals)
      if (detail::has_long(o, name)) return true;
    return false;
  }
  /// The entry for long name (or alias) `name`, or nullptr when it has no value or is not declared: the
  /// lenient lookup, for code that serves many programs (runtime::app reads `--cwd` where one is declared).
  const option_value* find(std::string_view name) const {
    for (const auto& v : options)
      if (detail::has_long(*v.spec, name)) return &v;
    return nullptr;
  }
  // The lookups below are strict: a name neither the selected command nor the globals declare (a typo,
  // "priorty") throws runtime::error cli.undeclared_option instead of answering "absent" (cli::typed catches
  // it at compile time).

  /// True when given on the command line or by its environment variable (not by a default).
  bool given(std::string_view name) const {
    auto* v = entry(name);
    return v && v->source != value_source::default_value;
  }
  /// A flag's state; for a boolean option its value.
  bool flag(std::string_view name) const {
    auto* v = entry(name);
    if (!v) return false;
    if (v->spec->kind == value_kind::boolean)
      return !v->values.empty() && runtime::detail::parse_bool_word(v->values.back()).value_or(false);
    return true;
  }
  /// The last value, or nullopt when the option has none (not given, no environment value, no default).
  std::optional<std::string_view> value(std::string_view name) const {
    auto* v = entry(name);
    if (!v || v->values.empty()) return std::nullopt;
    return v->values.back();
  }
  /// Every value, in command-line order (lists, comma lists split).
  std::vector<std::string_view> values(std::string_view name) const {
    auto* v = entry(name);
    return v ? v->values : std::vector<std::string_view>{};
  }
  /// An integer option's value, or nullopt when it has none. Values are validated by parse and defaults by
  /// first_problem; \throws runtime::error cli.not_an_integer when `name` is not an integer option.
  std::optional<std::int64_t> integer(std::string_view name) const {
    auto* v = entry(name);
    if (v && v->spec->kind != value_kind::integer)
      throw error(error_kind::cli, "cli.not_an_integer", "option --" + std::string(name) + " is not an integer option");
    if (!v || v->values.empty()) return std::nullopt;
    const auto n = detail::parse_decimal(v->values.back());
    if (!n)  // only a hand-built parsed<Cmd> gets here
      throw error(error_kind::cli, "cli.not_an_integer", "option --" + std::string(name) + " has a value that is not an integer");
    return n;
  }
  /// A boolean option's value: "true"/"1"/"yes"/"on" or "false"/"0"/"no"/"off" (ASCII case-insensitive).
  std::optional<bool> boolean(std::string_view name) const {
    auto s = value(name);
    if (!s) return std::nullopt;
    return runtime::detail::parse_bool_word(*s);
  }

 private:
  const option_value* entry(std::string_view name) const {
    if (!declares(name)) detail::throw_undeclared(name, spec ? spec->name : std::string_view{});
    return find(name);
  }
};

/// Lookups of options that may not be declared at all, answering "absent" for those: for code that serves
/// many programs (runtime::app reads `--cwd` and `--env-file` where a program declares them). A program's
/// own code uses parsed<Cmd> (or cli::typed), which treats an undeclared name as the mistake it is.
template <class Cmd>
struct if_declared {
  const parsed<Cmd>& args;
  bool flag(std::string_view name) const { return args.declares(name) && args.flag(name); }
  std::optional<std::string_view> value(std::string_view name) const {
    return args.declares(name) ? args.value(name) : std::nullopt;
  }
  std::vector<std::string_view> values(std::string_view name) const {
    return args.declares(name) ? args.values(name) : std::vector<std::string_view>{};
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
