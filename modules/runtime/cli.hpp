// SPDX-License-Identifier: MIT
// runtime.cli: declarative, typed command-line parsing.
//
// A program declares its commands and options once, as constexpr data (designated initializers, help text
// beside each option), checks the declaration at compile time (`static_assert(!cli::first_problem(p))`), and
// parses an argv into a `result<Cmd>`: the command as the program's own enum plus typed option values. The
// same declaration renders help, usage lines and bash/zsh/fish completion scripts.
//
// Parsing never copies arguments: every string_view in a result points into the argument list, the
// environment snapshot or the declaration, so the caller keeps those alive as long as the result.
// Work is linear in the number and size of arguments (the edit-distance suggestion runs only on failure and
// skips candidates whose length alone rules them out).
#ifndef RUNTIME_MODULE
#  include <sys/ioctl.h>
#  include <unistd.h>
#  include <algorithm>
#  include <charconv>
#  include <cstddef>
#  include <cstdint>
#  include <limits>
#  include <optional>
#  include <span>
#  include <string>
#  include <string_view>
#  include <system_error>
#  include <utility>
#  include <vector>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#  include "runtime/env.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_CLI_HPP_)
#define RUNTIME_CLI_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1::cli {

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
};

template <class Cmd>
struct result;

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
  bool (*auto_accepts)(std::string_view word, const result<Cmd>& before, const environment& env) = nullptr;
  std::string_view footer = {};                ///< last paragraph of the main help
};

/// Where a value came from.
enum class value_source : std::uint8_t { command_line, environment, default_value };

/// One option's values in a result.
struct option_value {
  const option* spec = nullptr;
  std::vector<std::string_view> values;  ///< one for scalar kinds (the last given), several for lists
  value_source source = value_source::command_line;
};

/// A parsed command line. Views point into the arguments, the environment and the declaration.
template <class Cmd>
struct result {
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
    if (v->spec->kind == value_kind::boolean) return !v->values.empty() && parse_bool_value(v->values.back()).value_or(false);
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
  /// A boolean option's value.
  std::optional<bool> boolean(std::string_view name) const {
    auto s = value(name);
    if (!s) return std::nullopt;
    return parse_bool_value(*s);
  }

  /// "true"/"1"/"yes"/"on" and "false"/"0"/"no"/"off" (ASCII case-insensitive); nullopt otherwise.
  static constexpr std::optional<bool> parse_bool_value(std::string_view s) {
    auto eq = [&](std::string_view w) {
      if (s.size() != w.size()) return false;
      for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != w[i]) return false;
      }
      return true;
    };
    if (eq("true") || eq("1") || eq("yes") || eq("on")) return true;
    if (eq("false") || eq("0") || eq("no") || eq("off")) return false;
    return std::nullopt;
  }
};

/// `s` in double quotes as an error message echoes a user's argument: cut after 200 bytes (at a UTF-8
/// character boundary) with "...", so a 1 MB argument never becomes a 1 MB error line.
inline std::string quote_for_message(std::string_view s) {
  constexpr std::size_t limit = 200;
  std::string out;
  out.reserve((s.size() > limit ? limit + 3 : s.size()) + 2);
  out += '"';
  if (s.size() > limit) {
    std::size_t cut = limit;
    // Back up over continuation bytes so a multi-byte character is never split.
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    out.append(s.substr(0, cut));
    out += "...";
  } else {
    out.append(s);
  }
  out += '"';
  return out;
}

/// A mistake in a declaration: what is wrong and the name it concerns. Converts to false when there is none.
struct problem {
  std::string_view what = {};
  std::string_view name = {};
  constexpr explicit operator bool() const noexcept { return !what.empty(); }
};

}  // namespace runtime::inline v1::cli
RUNTIME_EXPORT_END

namespace runtime::inline v1::cli::detail {

/// Calls f(word) for each space-separated word of `list`.
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

/// Does option `o` answer to long name `n` (its name or one of its aliases)?
constexpr bool has_long(const option& o, std::string_view n) {
  return !n.empty() && (o.name == n || list_contains(o.aliases, ' ', n));
}

template <class Cmd>
constexpr bool command_has_word(const command<Cmd>& c, std::string_view w) {
  return c.name == w || list_contains(c.aliases, ' ', w);
}

constexpr bool takes_value(const option& o) { return o.kind != value_kind::flag; }
constexpr bool is_list(const option& o) { return o.kind == value_kind::list || o.kind == value_kind::comma_list; }

constexpr std::string_view default_value_name(const option& o) {
  if (!o.value_name.empty()) return o.value_name;
  switch (o.kind) {
    case value_kind::integer: return "int";
    case value_kind::boolean: return "bool";
    case value_kind::choice: return o.choices;
    case value_kind::path: return "path";
    default: return "val";
  }
}

/// Checks one option list on its own; `other` (may be empty) is a list whose names must not clash either.
constexpr problem check_options(std::span<const option> opts, std::span<const option> other) {
  for (std::size_t i = 0; i < opts.size(); ++i) {
    const option& o = opts[i];
    if (o.name.empty() && o.short_name == 0) return {"option without a name", o.help};
    if (!o.name.empty() && o.name.front() == '-') return {"option name must be given without dashes", o.name};
    if (o.short_name == '-' || o.short_name == '=' || o.short_name == ' ') return {"invalid short flag", o.name};
    if (o.kind == value_kind::choice && o.choices.empty()) return {"choice option without choices", o.name};
    if (o.kind == value_kind::choice && !o.default_value.empty() && !list_contains(o.choices, '|', o.default_value))
      return {"default value is not one of the choices", o.name};
    if (o.optional_value && o.kind == value_kind::flag) return {"a flag cannot have an optional value", o.name};
    if (o.min > o.max) return {"integer range is empty", o.name};
    if (o.role != option_role::normal && o.kind != value_kind::flag) return {"help/version options must be flags", o.name};
    if (o.required && !o.default_value.empty()) return {"a required option cannot have a default", o.name};
    problem p{};
    auto clash_long = [&](std::string_view n) {
      for (std::size_t j = i + 1; j < opts.size(); ++j)
        if (has_long(opts[j], n)) p = {"duplicate option name", n};
      for (const option& x : other)
        if (has_long(x, n)) p = {"option name also declared globally", n};
    };
    if (!o.name.empty()) clash_long(o.name);
    for_each_word(o.aliases, ' ', clash_long);
    if (p) return p;
    if (o.short_name != 0) {
      for (std::size_t j = i + 1; j < opts.size(); ++j)
        if (opts[j].short_name == o.short_name) return {"duplicate short flag", o.name.empty() ? o.help : o.name};
      for (const option& x : other)
        if (x.short_name == o.short_name) return {"short flag also declared globally", o.name.empty() ? o.help : o.name};
    }
    bool bad_conflict = false;
    std::string_view bad{};
    for_each_word(o.conflicts, ' ', [&](std::string_view n) {
      bool known = false;
      for (const option& x : opts) known = known || has_long(x, n);
      for (const option& x : other) known = known || has_long(x, n);
      if (!known) { bad_conflict = true; bad = n; }
    });
    if (bad_conflict) return {"conflicts names an unknown option", bad};
  }
  return {};
}

/// Lower-case ASCII optimal-string-alignment distance (a transposition costs 1), capped at `cap`+1.
inline std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t cap) {
  if (a.size() > b.size() + cap || b.size() > a.size() + cap) return cap + 1;
  auto low = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = low(a[i - 1]) == low(b[j - 1]) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && low(a[i - 1]) == low(b[j - 2]) && low(a[i - 2]) == low(b[j - 1]))
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[b.size()], cap + 1);
}

/// The largest distance a suggestion may have for a word of length n.
inline std::size_t suggestion_cap(std::size_t n) { return n <= 3 ? 1 : (n <= 6 ? 2 : 3); }

/// Keeps the nearest candidate; ties keep the first seen.
struct nearest {
  std::string_view word;
  std::size_t cap;
  std::string best{};
  std::size_t best_d = static_cast<std::size_t>(-1);
  void offer(std::string_view candidate, std::string_view shown_prefix = {}) {
    if (candidate.empty()) return;
    std::size_t d = edit_distance(word, candidate, cap);
    if (d <= cap && d < best_d) {
      best_d = d;
      best.assign(shown_prefix);
      best.append(candidate);
    }
  }
};

inline std::string quoted(std::string_view s) { return quote_for_message(s); }

inline std::string option_display(const option& o) {
  if (!o.name.empty()) return "--" + std::string(o.name);
  return std::string("-") + o.short_name;
}

inline std::string accepted_choices(std::string_view choices) {
  std::string out;
  for_each_word(choices, '|', [&](std::string_view w) {
    if (!out.empty()) out += ", ";
    out.append(w);
  });
  return out;
}

/// Validates `text` as a value of `o`; `who` names where it came from ("--dialect" or "RT_DIALECT").
inline void check_value(const option& o, std::string_view text, const std::string& who) {
  switch (o.kind) {
    case value_kind::integer: {
      std::int64_t n = 0;
      auto r = std::from_chars(text.data(), text.data() + text.size(), n);
      bool ok = !text.empty() && r.ec == std::errc{} && r.ptr == text.data() + text.size();
      if (!ok || n < o.min || n > o.max) {
        std::string msg = "invalid value " + quoted(text) + " for " + who + ": expected an integer";
        if (o.min != std::numeric_limits<std::int64_t>::min() || o.max != std::numeric_limits<std::int64_t>::max())
          msg += " from " + std::to_string(o.min) + " to " + std::to_string(o.max);
        throw usage_error("cli.invalid_value", std::move(msg));
      }
      break;
    }
    case value_kind::boolean:
      if (!result<int>::parse_bool_value(text))
        throw usage_error("cli.invalid_value",
                          "invalid value " + quoted(text) + " for " + who + " (accepted: true, false, 1, 0, yes, no, on, off)");
      break;
    case value_kind::choice:
      if (!list_contains(o.choices, '|', text)) {
        error e = usage_error("cli.invalid_value", "invalid value " + quoted(text) + " for " + who +
                                                       " (accepted: " + accepted_choices(o.choices) + ")");
        nearest n{text, suggestion_cap(text.size())};
        for_each_word(o.choices, '|', [&](std::string_view w) { n.offer(w); });
        if (!n.best.empty()) e.hint("did you mean \"" + n.best + "\"?");
        throw e;
      }
      break;
    case value_kind::path:
      if (text.empty()) throw usage_error("cli.invalid_value", who + " needs a non-empty path");
      break;
    default:
      break;
  }
}

}  // namespace runtime::inline v1::cli::detail

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1::cli {

/// The first mistake in a declaration, or an empty problem. constexpr, so a program can
/// `static_assert(!cli::first_problem(my_program))`; `validate` is the run-time form.
/// Checks: option names (no dashes, not empty), duplicate long names/aliases and short flags (within one list,
/// and between a command's options and the globals), choices and defaults, conflicts naming known options,
/// duplicate command names/aliases, that the auto and help commands exist.
template <class Cmd>
constexpr problem first_problem(const program<Cmd>& p) {
  if (p.name.empty()) return {"program without a name", {}};
  if (auto pr = detail::check_options(p.global_options, {})) return pr;
  bool have_auto = false, have_help = false;
  for (std::size_t i = 0; i < p.commands.size(); ++i) {
    const auto& c = p.commands[i];
    if (c.name.empty()) return {"command without a name", c.help};
    have_auto = have_auto || c.id == p.auto_command;
    have_help = have_help || c.id == p.help_command;
    if (c.min_positionals > c.max_positionals) return {"positional range is empty", c.name};
    if (auto pr = detail::check_options(c.options, p.global_options)) return pr;
    problem pr{};
    auto clash = [&](std::string_view w) {
      if (!w.empty() && w.front() == '-') pr = {"command word starts with '-'", w};
      for (std::size_t j = i + 1; j < p.commands.size(); ++j)
        if (detail::command_has_word(p.commands[j], w)) pr = {"duplicate command name or alias", w};
      std::size_t self = 0;
      detail::for_each_word(c.aliases, ' ', [&](std::string_view a) { self += a == w ? 1 : 0; });
      if (self + (c.name == w ? 1 : 0) > 1) pr = {"duplicate command name or alias", w};
    };
    clash(c.name);
    detail::for_each_word(c.aliases, ' ', clash);
    if (pr) return pr;
  }
  if (!have_auto) return {"auto_command is not in the command table", p.name};
  if (!have_help) return {"help_command is not in the command table", p.name};
  return {};
}

/// Throws runtime::error (kind cli, code "cli.bad_declaration") for the first mistake in `p`.
template <class Cmd>
void validate(const program<Cmd>& p) {
  if (auto pr = first_problem(p))
    throw error(error_kind::cli, "cli.bad_declaration", std::string(pr.what) + ": " + std::string(pr.name));
}

/// The command selected by `word` (name or alias; the auto command never matches), or nullptr.
template <class Cmd>
const command<Cmd>* find_command(const program<Cmd>& p, std::string_view word) {
  for (const auto& c : p.commands)
    if (c.id != p.auto_command && detail::command_has_word(c, word)) return &c;
  return nullptr;
}

/// The command with id `id`, or nullptr.
template <class Cmd>
const command<Cmd>* command_by_id(const program<Cmd>& p, Cmd id) {
  for (const auto& c : p.commands)
    if (c.id == id) return &c;
  return nullptr;
}

/// The visible command nearest to `word` by edit distance, or "" when none is close (always "" for an empty or
/// blank word: one letter away from "x" is no reason to think the user meant it).
template <class Cmd>
std::string suggest_command(const program<Cmd>& p, std::string_view word) {
  if (word.find_first_not_of(" \t\n\r\f\v") == std::string_view::npos) return {};
  detail::nearest n{word, detail::suggestion_cap(word.size())};
  for (const auto& c : p.commands) {
    if (c.id == p.auto_command || c.hidden) continue;
    n.offer(c.name);
    detail::for_each_word(c.aliases, ' ', [&](std::string_view a) { n.offer(a); });
  }
  return n.best;
}

/// An "unknown command" usage error for `word`, with a did-you-mean hint when one is close.
template <class Cmd>
error unknown_command_error(const program<Cmd>& p, std::string_view word) {
  error e = usage_error("cli.unknown_command", "unknown command " + detail::quoted(word));
  auto s = suggest_command(p, word);
  if (!s.empty()) e.hint("did you mean \"" + s + "\"?");
  return e;
}

}  // namespace runtime::inline v1::cli
RUNTIME_EXPORT_END

namespace runtime::inline v1::cli::detail {
template <class Cmd>
result<Cmd> parse_into(const program<Cmd>& p, std::span<const std::string_view> args, const environment& env,
                       const command<Cmd>*& cmd);
}  // namespace runtime::inline v1::cli::detail

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1::cli {

/// Parses `args` (argv without argv[0]) against `p`. `env` supplies option fallbacks (option::env).
/// \throws runtime::error of kind cli with exit_code::usage for every user mistake.
/// Rules: global options are accepted anywhere before option parsing stops, a command's own options only after
/// its word; `--name=value`, `--name value`, `-n value`, `-nvalue`, `-abc` clusters; an optional value is taken
/// only from `=` or an attached value (`--config=x`, `-cx`), never from the next word; a standalone `--` sends
/// the rest to `passthrough`; a command with stop_at_positional (and the auto command) treats everything after
/// its first positional as positionals; "-" alone is a positional.
template <class Cmd>
result<Cmd> parse(const program<Cmd>& p, std::span<const std::string_view> args, const environment& env) {
  const command<Cmd>* reached = nullptr;
  return detail::parse_into(p, args, env, reached);
}

/// What try_parse gives back: a result, or the error plus the command selected before it (for its usage line).
template <class Cmd>
struct parse_outcome {
  std::optional<result<Cmd>> value;
  std::optional<error> failure;
  const command<Cmd>* reached = nullptr;  ///< the command whose word was seen before the failure, or nullptr
  explicit operator bool() const noexcept { return value.has_value(); }
};

/// parse() without exceptions escaping: on a usage error, `failure` holds it and `reached` the command whose
/// word had been read (so `render_error(p, *failure, reached)` prints that command's usage line).
template <class Cmd>
parse_outcome<Cmd> try_parse(const program<Cmd>& p, std::span<const std::string_view> args, const environment& env) {
  parse_outcome<Cmd> out;
  try {
    out.value.emplace(detail::parse_into(p, args, env, out.reached));
  } catch (const error& e) {
    out.failure.emplace(e);
  }
  return out;
}

}  // namespace runtime::inline v1::cli
RUNTIME_EXPORT_END

namespace runtime::inline v1::cli::detail {

/// The parser; `cmd` is the command selected so far, left set when it throws.
template <class Cmd>
result<Cmd> parse_into(const program<Cmd>& p, std::span<const std::string_view> args, const environment& env,
                       const command<Cmd>*& cmd) {
  result<Cmd> r;
  cmd = nullptr;
  const command<Cmd>* auto_cmd = command_by_id(p, p.auto_command);

  auto entry_for = [&](const option& o) -> option_value& {
    for (auto& v : r.options)
      if (v.spec == &o) return v;
    r.options.push_back(option_value{&o, {}, value_source::command_line});
    return r.options.back();
  };
  auto store = [&](const option& o, std::string_view text, const std::string& who) {
    switch (o.role) {
      case option_role::help: r.help = true; return;
      case option_role::version: r.version = true; return;
      case option_role::revision: r.revision = true; return;
      case option_role::normal: break;
    }
    option_value& v = entry_for(o);
    if (o.kind == value_kind::flag) {
      if (v.values.empty()) v.values.push_back("true");
      return;
    }
    detail::check_value(o, text, who);
    if (o.kind == value_kind::comma_list) {
      detail::for_each_word(text, ',', [&](std::string_view item) {
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (!item.empty()) v.values.push_back(item);
      });
    } else if (o.kind == value_kind::list) {
      v.values.push_back(text);
    } else {
      v.values.assign(1, text);
    }
  };
  auto lookup_long = [&](std::string_view name) -> const option* {
    if (cmd)
      for (const auto& o : cmd->options)
        if (detail::has_long(o, name)) return &o;
    for (const auto& o : p.global_options)
      if (detail::has_long(o, name)) return &o;
    return nullptr;
  };
  auto lookup_short = [&](char c) -> const option* {
    if (cmd)
      for (const auto& o : cmd->options)
        if (o.short_name == c) return &o;
    for (const auto& o : p.global_options)
      if (o.short_name == c) return &o;
    return nullptr;
  };
  auto where = [&]() -> std::string {
    return cmd ? std::string(p.name) + " " + std::string(cmd->name) : std::string(p.name);
  };
  auto unknown_option = [&](std::string_view spelled) -> error {
    error e = usage_error("cli.unknown_option", where() + " has no " + detail::quoted(spelled) + " option");
    detail::nearest n{spelled, detail::suggestion_cap(spelled.size())};
    auto offer_all = [&](std::span<const option> opts) {
      for (const auto& o : opts) {
        if (o.hidden) continue;
        if (spelled.size() > 2 && spelled[1] == '-') {
          n.offer("--" + std::string(o.name));
          detail::for_each_word(o.aliases, ' ', [&](std::string_view a) { n.offer("--" + std::string(a)); });
        }
      }
    };
    // Offers take views; keep the candidates alive while the search runs.
    if (cmd) offer_all(cmd->options);
    offer_all(p.global_options);
    if (!n.best.empty()) e.hint("did you mean \"" + n.best + "\"?");
    else if (!cmd && auto_cmd) {
      // An option of some command given before the command word.
      for (const auto& c : p.commands)
        for (const auto& o : c.options)
          if (spelled.size() > 2 && spelled[1] == '-' && detail::has_long(o, spelled.substr(2)) && !c.hidden)
            n.best += (n.best.empty() ? "\"" : ", \"") + std::string(p.name) + " " + std::string(c.name) + "\"";
      if (!n.best.empty()) e.hint("it is an option of " + n.best + "; put it after the command");
    }
    return e;
  };
  auto missing_value = [&](const option& o) -> error {
    std::string msg = "option " + detail::option_display(o) + " needs a value";
    if (o.kind == value_kind::choice) msg += " (accepted: " + detail::accepted_choices(o.choices) + ")";
    else msg += " <" + std::string(detail::default_value_name(o)) + ">";
    return usage_error("cli.missing_value", std::move(msg));
  };
  // Run-like commands (and the auto command): the first positional ends rt's own options.
  auto stopped = [&]() { return cmd && cmd->stop_at_positional && !r.positionals.empty(); };

  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (r.saw_double_dash) { r.passthrough.push_back(a); continue; }
    if (stopped()) { r.positionals.push_back(a); continue; }
    if (a == "--") { r.saw_double_dash = true; continue; }
    if (a.size() > 2 && a[0] == '-' && a[1] == '-') {
      std::string_view body = a.substr(2);
      auto eq = body.find('=');
      std::string_view name = body.substr(0, eq);
      const option* o = lookup_long(name);
      if (!o) throw unknown_option(a.substr(0, eq == std::string_view::npos ? a.size() : eq + 2));
      std::string who = "--" + std::string(name);
      if (eq != std::string_view::npos) {
        if (!detail::takes_value(*o))
          throw usage_error("cli.unexpected_value", "option " + who + " does not take a value");
        store(*o, body.substr(eq + 1), who);
      } else if (!detail::takes_value(*o)) {
        store(*o, {}, who);
      } else if (o->optional_value) {
        store(*o, o->implicit_value, who);
      } else {
        if (i + 1 >= args.size()) throw missing_value(*o);
        store(*o, args[++i], who);
      }
      continue;
    }
    if (a.size() > 1 && a[0] == '-') {
      for (std::size_t j = 1; j < a.size(); ++j) {
        char c = a[j];
        if (static_cast<unsigned char>(c) >= 0x80) {
          // Short options are ASCII letters: the rest of the cluster is one unknown option, shown whole (a
          // byte at a time would split a UTF-8 character, "-\xC3").
          std::string spelled = "-" + std::string(a.substr(j));
          throw usage_error("cli.unknown_option",
                            where() + " has no " + detail::quoted(spelled) + " option" +
                                (j > 1 ? " (in " + detail::quoted(a) + ")" : std::string()));
        }
        const option* o = lookup_short(c);
        if (!o) {
          // Single letters get no did-you-mean: one letter is within edit distance 1 of every other.
          std::string spelled = std::string("-") + c;
          throw usage_error("cli.unknown_option",
                            where() + " has no " + detail::quoted(spelled) + " option" +
                                (a.size() > 2 ? " (in " + detail::quoted(a) + ")" : std::string()));
        }
        std::string who = std::string("-") + c;
        if (!detail::takes_value(*o)) { store(*o, {}, who); continue; }
        std::string_view rest = a.substr(j + 1);
        if (!rest.empty() && rest.front() == '=') rest.remove_prefix(1);
        if (j + 1 < a.size()) store(*o, rest, who);
        else if (o->optional_value) store(*o, o->implicit_value, who);
        else if (i + 1 < args.size()) store(*o, args[++i], who);
        else throw missing_value(*o);
        break;
      }
      continue;
    }
    // A positional.
    if (!cmd) {
      if (const command<Cmd>* c = find_command(p, a)) {
        cmd = c;
        r.word = a;
        continue;
      }
      auto near = suggest_command(p, a);
      bool path_like = a.find('/') != std::string_view::npos || a.find('.') != std::string_view::npos;
      if (!near.empty() && !path_like && !(p.auto_accepts && p.auto_accepts(a, r, env))) throw unknown_command_error(p, a);
      cmd = auto_cmd;
      r.word = a;
    }
    r.positionals.push_back(a);
  }
  if (!cmd) cmd = auto_cmd;
  r.spec = cmd;
  if (cmd) r.command = cmd->id;
  else r.command = p.auto_command;

  // Environment fallbacks, then defaults, then checks (skipped when help or a version was asked for).
  auto fill = [&](std::span<const option> opts) {
    for (const auto& o : opts) {
      if (o.role != option_role::normal) continue;
      bool have = false;
      for (const auto& v : r.options) have = have || v.spec == &o;
      if (have) continue;
      if (!o.env.empty()) {
        if (auto v = env.get(o.env)) {
          if (o.kind == value_kind::flag) {
            if (env.get_bool(o.env)) r.options.push_back(option_value{&o, {"true"}, value_source::environment});
            continue;
          }
          std::size_t before = r.options.size();
          store(o, *v, "$" + std::string(o.env));
          if (r.options.size() > before) r.options.back().source = value_source::environment;
          continue;
        }
      }
      if (!o.default_value.empty()) {
        if (o.kind == value_kind::comma_list || o.kind == value_kind::list) {
          option_value ov{&o, {}, value_source::default_value};
          if (o.kind == value_kind::list) ov.values.push_back(o.default_value);
          else detail::for_each_word(o.default_value, ',', [&](std::string_view w) { ov.values.push_back(w); });
          r.options.push_back(std::move(ov));
        } else {
          r.options.push_back(option_value{&o, {o.default_value}, value_source::default_value});
        }
      }
    }
  };
  if (cmd) fill(cmd->options);
  fill(p.global_options);
  if (r.help || r.version || r.revision) return r;

  auto check_required = [&](std::span<const option> opts) {
    for (const auto& o : opts) {
      if (!o.required) continue;
      bool have = false;
      for (const auto& v : r.options) have = have || v.spec == &o;
      if (!have) {
        std::string msg = "missing required option " + detail::option_display(o);
        if (!o.env.empty()) msg += " (or $" + std::string(o.env) + ")";
        throw usage_error("cli.missing_option", std::move(msg));
      }
    }
  };
  if (cmd) check_required(cmd->options);
  check_required(p.global_options);
  for (const auto& v : r.options) {
    if (v.source == value_source::default_value) continue;
    bool bad = false;
    std::string_view other{};
    detail::for_each_word(v.spec->conflicts, ' ', [&](std::string_view n) {
      for (const auto& w : r.options)
        if (w.source != value_source::default_value && detail::has_long(*w.spec, n)) { bad = true; other = n; }
    });
    if (bad)
      throw usage_error("cli.conflict", "option " + detail::option_display(*v.spec) + " cannot be used with --" +
                                            std::string(other));
  }
  if (cmd && cmd->id != p.auto_command) {
    // Only a run-like command hands the words after "--" to a program of its own; for the others `--` just
    // ends option parsing, so `flags -- junk` is as wrong as `flags junk`.
    const std::size_t trailing = cmd->stop_at_positional ? 0 : r.passthrough.size();
    const std::size_t n = r.positionals.size() + trailing;
    if (n > cmd->max_positionals) {
      const std::size_t at = cmd->max_positionals;
      const std::string_view extra = at < r.positionals.size() ? r.positionals[at] : r.passthrough[at - r.positionals.size()];
      throw usage_error("cli.too_many_arguments", "too many arguments for " + where() + ": unexpected " + detail::quoted(extra));
    }
    if (n < cmd->min_positionals)
      throw usage_error("cli.missing_argument", where() + " needs " +
                                                    (cmd->usage.empty() ? std::string("an argument") : std::string(cmd->usage)));
  }
  return r;
}

}  // namespace runtime::inline v1::cli::detail

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1::cli {

/// Overload for an argv-style vector.
template <class Cmd>
result<Cmd> parse(const program<Cmd>& p, const std::vector<std::string_view>& args, const environment& env) {
  return parse(p, std::span<const std::string_view>(args.data(), args.size()), env);
}

/// The arguments after argv[0], as views that live as long as argv.
inline std::vector<std::string_view> args_of(int argc, const char* const* argv) {
  std::vector<std::string_view> out;
  if (argc > 1) out.reserve(static_cast<std::size_t>(argc - 1));
  for (int i = 1; i < argc; ++i) out.emplace_back(argv[i]);
  return out;
}

/// How help is drawn: total width and whether to use ANSI colours.
struct help_style {
  std::size_t width = 80;
  bool color = false;
};

/// Width from $COLUMNS (a positive integer), else the terminal on `fd`, else 80 (clamped to 40..400).
/// Colour: NO_COLOR (non-empty) disables, FORCE_COLOR (set, not "0"/"false") enables, else isatty(fd) and
/// TERM is not "dumb". Reads only `env` and `fd`, never the live environment.
inline help_style style_for(const environment& env, int fd) {
  help_style s;
  bool sized = false;
  if (auto c = env.get("COLUMNS")) {
    std::size_t n = 0;
    auto r = std::from_chars(c->data(), c->data() + c->size(), n);
    if (r.ec == std::errc{} && r.ptr == c->data() + c->size() && n > 0) { s.width = n; sized = true; }
  }
  bool tty = fd >= 0 && ::isatty(fd) == 1;
  if (!sized && tty) {
    struct winsize ws{};
    if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) s.width = ws.ws_col;
  }
  s.width = std::clamp<std::size_t>(s.width, 40, 400);
  // The same rule as error display and logs (runtime::color_enabled); a dumb terminal counts as none.
  s.color = color_enabled(env.get("NO_COLOR"), env.get("FORCE_COLOR"), tty && env.get("TERM").value_or("") != "dumb");
  return s;
}

}  // namespace runtime::inline v1::cli
RUNTIME_EXPORT_END

namespace runtime::inline v1::cli::detail {

inline std::string paint(const help_style& st, std::string_view code, std::string_view text) {
  if (!st.color) return std::string(text);
  std::string out = "\x1b[";
  out.append(code);
  out += 'm';
  out.append(text);
  out += "\x1b[0m";
  return out;
}

/// Appends `text` word-wrapped into [indent, width), the first line starting at column `col`.
inline void wrap_into(std::string& out, std::string_view text, std::size_t col, std::size_t indent, std::size_t width) {
  std::size_t avail = width > indent + 10 ? width - indent : 10;
  std::size_t line = col > indent ? col - indent : 0;
  bool first_word = true;
  for_each_word(text, ' ', [&](std::string_view w) {
    if (!first_word && line + 1 + w.size() > avail) {
      out += '\n';
      out.append(indent, ' ');
      line = 0;
    } else if (!first_word) {
      out += ' ';
      ++line;
    }
    out.append(w);
    line += w.size();
    first_word = false;
  });
  out += '\n';
}

struct row {
  std::string left;          // plain text (its width is its size)
  std::string left_painted;  // what is printed
  std::string right;
};

/// Prints rows as two aligned columns; a left cell wider than the cap puts its text on the next line.
inline void columns(std::string& out, const std::vector<row>& rows, const help_style& st) {
  std::size_t cap = std::max<std::size_t>(st.width * 2 / 5, 16);
  std::size_t w = 0;
  for (const auto& r : rows)
    if (r.left.size() <= cap) w = std::max(w, r.left.size());
  std::size_t indent = w + 2;
  for (const auto& r : rows) {
    out += r.left_painted;
    if (r.right.empty()) { out += '\n'; continue; }
    if (r.left.size() > cap) {
      out += '\n';
      out.append(indent, ' ');
    } else {
      out.append(indent - r.left.size(), ' ');
    }
    wrap_into(out, r.right, indent, indent, st.width);
  }
}

inline std::string option_left(const option& o) {
  std::string s = "  ";
  if (o.short_name) {
    s += '-';
    s += o.short_name;
    s += o.name.empty() ? "" : ", ";
  } else {
    s += "    ";
  }
  if (!o.name.empty()) {
    s += "--";
    s.append(o.name);
  }
  if (takes_value(o)) {
    std::string v = "<" + std::string(default_value_name(o)) + ">";
    if (o.optional_value) s += "[=" + v + "]";
    else s += (o.name.empty() ? " " : "=") + v;
  }
  return s;
}

inline std::string option_right(const option& o) {
  std::string s(o.help);
  auto add = [&](const std::string& t) { if (!s.empty()) s += ' '; s += t; };
  if (o.kind == value_kind::choice) add("(one of: " + accepted_choices(o.choices) + ")");
  if (o.kind == value_kind::integer && (o.min != std::numeric_limits<std::int64_t>::min() ||
                                       o.max != std::numeric_limits<std::int64_t>::max()))
    add("(" + std::to_string(o.min) + ".." + std::to_string(o.max) + ")");
  if (is_list(o)) add(o.kind == value_kind::comma_list ? "(repeatable, comma-separated)" : "(repeatable)");
  std::string aliases;
  for_each_word(o.aliases, ' ', [&](std::string_view a) { aliases += (aliases.empty() ? "" : ", ") + std::string("--") + std::string(a); });
  if (!aliases.empty()) add("(also " + aliases + ")");
  if (!o.default_value.empty()) add("(default: " + std::string(o.default_value) + ")");
  if (o.optional_value && !o.implicit_value.empty()) add("(without a value: " + std::string(o.implicit_value) + ")");
  if (!o.env.empty()) add("[env: " + std::string(o.env) + "]");
  if (o.required) add("(required)");
  return s;
}

inline void option_rows(std::vector<row>& rows, std::span<const option> opts, const help_style& st) {
  for (const auto& o : opts) {
    if (o.hidden) continue;
    std::string left = option_left(o);
    rows.push_back(row{left, paint(st, "36", left), option_right(o)});
  }
}

template <class Cmd>
std::string command_blurb(std::string_view prog, const command<Cmd>& c) {
  std::string s(c.help);
  std::string al;
  for_each_word(c.aliases, ' ', [&](std::string_view a) { al += (al.empty() ? "" : ", ") + std::string(prog) + " " + std::string(a); });
  if (!al.empty()) s += " (" + al + ")";
  return s;
}

}  // namespace runtime::inline v1::cli::detail

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1::cli {

/// "Usage: rt <command> [...flags] [...args]" or, for a command, "Usage: rt install [...flags] <usage>".
template <class Cmd>
std::string usage_line(const program<Cmd>& p, const command<Cmd>* c = nullptr) {
  std::string s = "Usage: ";
  s.append(p.name);
  if (!c || c->id == p.auto_command) {
    s += " <command> [...flags] [...args]";
    return s;
  }
  s += ' ';
  s.append(c->name);
  if (!c->options.empty() || !p.global_options.empty()) s += " [...flags]";
  if (!c->usage.empty()) {
    s += ' ';
    s.append(c->usage);
  }
  return s;
}

/// The version line: "1.2.3\n", or "1.2.3+rev\n" with `with_revision`.
template <class Cmd>
std::string version_text(const program<Cmd>& p, bool with_revision) {
  std::string s(p.version);
  if (with_revision && !p.revision.empty()) {
    s += '+';
    s.append(p.revision);
  }
  s += '\n';
  return s;
}

/// The main help: summary, usage, grouped command table, global options, footer.
template <class Cmd>
std::string help_text(const program<Cmd>& p, const help_style& st) {
  std::string out;
  if (!p.summary.empty()) {
    std::string banner(p.summary);
    banner += " (";
    banner += version_text(p, true);
    banner.back() = ')';
    detail::wrap_into(out, banner, 0, 0, st.width);
    out += '\n';
  }
  out += detail::paint(st, "1", "Usage:");
  out += usage_line(p).substr(6);
  out += "\n\n";
  out += detail::paint(st, "1", "Commands:");
  out += '\n';
  std::size_t name_w = 0;
  for (const auto& c : p.commands)
    if (!c.hidden && c.id != p.auto_command) name_w = std::max(name_w, c.name.size());
  std::vector<detail::row> rows;
  std::string_view group{};
  bool first = true;
  for (const auto& c : p.commands) {
    if (c.hidden || c.id == p.auto_command) continue;
    if (!first && c.group != group) rows.push_back(detail::row{"", "", ""});
    first = false;
    group = c.group;
    std::string left = "  " + std::string(c.name);
    std::string painted = "  " + detail::paint(st, "1;32", c.name);
    if (!c.example.empty()) {
      std::string pad(name_w - c.name.size() + 2, ' ');
      left += pad + std::string(c.example);
      painted += pad + detail::paint(st, "2", c.example);
    }
    rows.push_back(detail::row{left, painted, detail::command_blurb(p.name, c)});
  }
  rows.push_back(detail::row{"", "", ""});
  std::string tail = "  <command> --help";
  rows.push_back(detail::row{tail, tail, "Print help text for command."});
  detail::columns(out, rows, st);
  // Listed apart from the table so the table does not change as a program gains implementations.
  std::string missing;
  for (const auto& c : p.commands)
    if (!c.hidden && !c.implemented && c.id != p.auto_command) missing += (missing.empty() ? "" : ", ") + std::string(c.name);
  if (!missing.empty()) {
    out += '\n';
    out += detail::paint(st, "1", "Not implemented by this driver:");
    out += '\n';
    out += "  ";
    detail::wrap_into(out, missing, 2, 2, st.width);
  }
  if (!p.global_options.empty()) {
    out += '\n';
    out += detail::paint(st, "1", "Flags:");
    out += '\n';
    std::vector<detail::row> orows;
    detail::option_rows(orows, p.global_options, st);
    detail::columns(out, orows, st);
  }
  if (!p.footer.empty()) {
    out += '\n';
    detail::wrap_into(out, p.footer, 0, 0, st.width);
  }
  return out;
}

/// Help for one command: usage, description, aliases, its options, then the global options.
template <class Cmd>
std::string command_help(const program<Cmd>& p, const command<Cmd>& c, const help_style& st) {
  std::string out = detail::paint(st, "1", "Usage:");
  out += usage_line(p, &c).substr(6);
  out += "\n\n";
  if (!c.help.empty()) detail::wrap_into(out, c.help, 0, 0, st.width);
  if (!c.aliases.empty()) {
    out += "Aliases:";
    detail::for_each_word(c.aliases, ' ', [&](std::string_view a) { out += ' '; out.append(p.name); out += ' '; out.append(a); out += ','; });
    out.back() = '\n';
  }
  if (!c.implemented)
    out += std::string(p.name) + " " + std::string(c.name) + " is not implemented by this driver.\n";
  if (c.reserved)
    out += std::string(p.name) + " " + std::string(c.name) + " is reserved for future use.\n";
  if (!c.details.empty()) {
    out += '\n';
    detail::wrap_into(out, c.details, 0, 0, st.width);
  }
  auto section = [&](std::string_view title, std::span<const option> opts) {
    std::vector<detail::row> rows;
    detail::option_rows(rows, opts, st);
    if (rows.empty()) return;
    out += '\n';
    out += detail::paint(st, "1", title);
    out += '\n';
    detail::columns(out, rows, st);
  };
  section("Flags:", c.options);
  section("Global flags:", p.global_options);
  return out;
}

/// A usage error as the user sees it: "error: <message>", "hint: ..." lines, then the usage line of `c`
/// (or the program's) and a pointer to --help. Ends with a newline.
template <class Cmd>
std::string render_error(const program<Cmd>& p, const error& e, const command<Cmd>* c = nullptr) {
  std::string out = "error: " + e.message() + "\n";
  for (const auto& n : e.notes()) out += "note: " + n + "\n";
  for (const auto& h : e.hints()) out += "hint: " + h + "\n";
  out += usage_line(p, c) + "\n";
  out += "Run '" + std::string(p.name) + (c && c->id != p.auto_command ? " " + std::string(c->name) : std::string()) +
         " --help' for more information.\n";
  return out;
}

/// Shells a completion script can be generated for.
enum class shell : std::uint8_t { bash, zsh, fish };

/// "bash"/"zsh"/"fish" → shell.
inline std::optional<shell> shell_from_name(std::string_view n) {
  if (n == "bash") return shell::bash;
  if (n == "zsh") return shell::zsh;
  if (n == "fish") return shell::fish;
  return std::nullopt;
}

}  // namespace runtime::inline v1::cli
RUNTIME_EXPORT_END

namespace runtime::inline v1::cli::detail {

/// Only [A-Za-z0-9_] survive in a shell function name.
inline std::string ident(std::string_view s) {
  std::string out;
  for (char c : s) out += ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) ? c : '_';
  return out;
}

/// Single-quoted for sh-family shells (bash, zsh): nothing inside is expanded.
inline std::string sq(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  out += '\'';
  return out;
}

/// Single-quoted for fish, where `\\` and `\'` are escapes even inside single quotes.
inline std::string fq(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

/// True when `w` means the same unquoted in sh, bash, zsh and fish (so generated scripts stay readable).
inline bool plain_word(std::string_view w) {
  if (w.empty()) return false;
  for (char c : w)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
          c == '.' || c == ',' || c == '/' || c == '+' || c == '@' || c == '='))
      return false;
  return true;
}
inline std::string sh_word(std::string_view w) { return plain_word(w) ? std::string(w) : sq(w); }
inline std::string fish_word(std::string_view w) { return plain_word(w) ? std::string(w) : fq(w); }

/// Each word of `words` sh-quoted, separated by `sep` (" " for word lists, "|" for case patterns).
inline std::string quoted_words(const std::vector<std::string>& words, std::string_view sep) {
  std::string s;
  for (const auto& w : words) {
    if (!s.empty()) s.append(sep);
    s += sh_word(w);
  }
  return s;
}

/// The spellings of the visible options of `opts` ("--name", "-n").
inline void option_spellings(std::vector<std::string>& out, std::span<const option> opts) {
  for (const auto& o : opts) {
    if (o.hidden) continue;
    if (!o.name.empty()) out.push_back("--" + std::string(o.name));
    if (o.short_name) out.push_back(std::string("-") + o.short_name);
  }
}

/// The spellings of options whose value is the next word (so that word is neither a command nor a positional).
inline void valued_spellings(std::vector<std::string>& out, std::span<const option> opts) {
  for (const auto& o : opts) {
    if (!takes_value(o) || o.optional_value) continue;
    if (!o.name.empty()) out.push_back("--" + std::string(o.name));
    if (o.short_name) out.push_back(std::string("-") + o.short_name);
  }
}

/// How an option's value completes: a choice's words, file names, or nothing.
enum class value_completion : std::uint8_t { none, choices, files };
inline value_completion completes_as(const option& o) {
  if (o.kind == value_kind::choice) return value_completion::choices;
  if (o.kind == value_kind::path) return value_completion::files;
  return value_completion::none;
}

inline std::vector<std::string> split_words(std::string_view list, char sep) {
  std::vector<std::string> out;
  for_each_word(list, sep, [&](std::string_view w) { out.emplace_back(w); });
  return out;
}

/// A command whose only positional is a choice ("<bash|zsh|fish>") completes those words; else empty.
template <class Cmd>
std::vector<std::string> positional_choices(const command<Cmd>& c) {
  if (c.usage.size() > 2 && c.usage.front() == '<' && c.usage.back() == '>' &&
      c.usage.find('|') != std::string_view::npos)
    return split_words(c.usage.substr(1, c.usage.size() - 2), '|');
  return {};
}

/// The names and aliases of the commands a user may type (hidden and auto left out).
template <class Cmd>
std::vector<std::string> visible_command_words(const program<Cmd>& p) {
  std::vector<std::string> out;
  for (const auto& c : p.commands) {
    if (c.hidden || c.id == p.auto_command) continue;
    out.emplace_back(c.name);
    for_each_word(c.aliases, ' ', [&](std::string_view a) { out.emplace_back(a); });
  }
  return out;
}

template <class Cmd>
std::vector<std::string> command_words(const command<Cmd>& c) {
  std::vector<std::string> out{std::string(c.name)};
  for_each_word(c.aliases, ' ', [&](std::string_view a) { out.emplace_back(a); });
  return out;
}

/// Every option of the program (globals first), for value completion.
template <class Cmd>
std::vector<const option*> all_options(const program<Cmd>& p) {
  std::vector<const option*> out;
  for (const auto& o : p.global_options) out.push_back(&o);
  for (const auto& c : p.commands)
    for (const auto& o : c.options) out.push_back(&o);
  return out;
}

// Every name and choice goes into the scripts as a quoted literal and is matched by the scripts' own prefix
// test, never through `compgen -W` (which expands `$(...)` and `$VAR` in its word list).
// The `case` arms (bash and zsh syntax alike) that complete option values: `eq` for `--opt=<cur>` (any option
// that takes a value), `next` for `--opt <cur>` (one that needs one). A choice list runs `choices_cmd` followed
// by the quoted choices, a path runs `files_cmd`; a `next` arm then runs `ret`.
struct value_case_arms {
  std::string eq, next;
};
template <class Cmd>
value_case_arms value_cases(const program<Cmd>& p, const std::string& choices_cmd, const std::string& files_cmd,
                            std::string_view ret) {
  value_case_arms arms;
  for (const option* o : all_options(p)) {
    const auto how = completes_as(*o);
    if (how == value_completion::none) continue;
    const std::string action = how == value_completion::choices
                                   ? choices_cmd + quoted_words(split_words(o->choices, '|'), " ")
                                   : files_cmd;
    if (!o->name.empty()) arms.eq += "      " + sh_word("--" + std::string(o->name)) + ") " + action + " ;;\n";
    if (o->optional_value) continue;
    std::vector<std::string> pats;
    if (!o->name.empty()) pats.push_back("--" + std::string(o->name));
    if (o->short_name) pats.push_back(std::string("-") + o->short_name);
    arms.next += "    " + quoted_words(pats, "|") + ") " + action + "; " + std::string(ret) + " ;;\n";
  }
  return arms;
}

template <class Cmd>
std::string bash_script(const program<Cmd>& p) {
  const std::string base = "_" + ident(p.name) + "_complete";
  const std::string add = base + "_add", files = base + "_files";
  std::string out = "# bash completion for " + std::string(p.name) + " (generated)\n";
  out += "# " + add + " <cur> <word>...: adds the words that start with <cur>\n";
  out += add + "() {\n  local w\n  for w in \"${@:2}\"; do [[ \"$w\" == \"$1\"* ]] && COMPREPLY+=(\"$w\"); done\n  return 0\n}\n";
  out += files + "() {\n  local f\n  while IFS= read -r f; do COMPREPLY+=(\"$f\"); done < <(compgen -f -- \"$1\")\n}\n";
  std::vector<std::string> valued;
  valued_spellings(valued, p.global_options);
  for (const auto& c : p.commands) valued_spellings(valued, c.options);
  std::vector<std::string> globals;
  option_spellings(globals, p.global_options);

  out += base + "() {\n";
  out += "  local cur prev cword cmd= i w\n";
  out += "  local -a words\n";
  out += "  COMPREPLY=()\n";
  // Readline splits `--opt=value` at '=' (COMP_WORDBREAKS): work on whole words, as typed.
  out += "  if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then\n";
  out += "    _get_comp_words_by_ref -n = cur prev words cword\n";
  out += "  else\n";
  out += "    local j glue=0 n\n";
  out += "    cword=0\n";
  out += "    for (( j=0; j<${#COMP_WORDS[@]}; j++ )); do\n";
  out += "      w=\"${COMP_WORDS[j]}\"\n";
  out += "      n=${#words[@]}\n";
  out += "      if (( glue )); then words[n-1]+=\"$w\"; glue=0\n";
  out += "      elif [[ \"$w\" == \"=\" ]] && (( n > 1 )) && [[ \"${words[n-1]}\" == --* ]]; then\n";
  out += "        words[n-1]+=\"=\"; glue=1\n";
  out += "      else words+=(\"$w\"); fi\n";
  out += "      (( j == COMP_CWORD )) && cword=$(( ${#words[@]} - 1 ))\n";
  out += "    done\n";
  out += "    cur=\"${words[cword]}\"\n";
  out += "    prev=\"\"\n";
  out += "    if (( cword > 0 )); then prev=\"${words[cword-1]}\"; fi\n";
  out += "  fi\n";
  out += "  local -a globals=(" + quoted_words(globals, " ") + ")\n";
  out += "  for (( i=1; i<cword; i++ )); do\n";
  out += "    w=\"${words[i]}\"\n";
  out += "    case \"$w\" in\n";
  if (!valued.empty()) out += "      " + quoted_words(valued, "|") + ") (( i++ )) ;;\n";
  out += "      -*) ;;\n";
  out += "      *) cmd=\"$w\"; break ;;\n";
  out += "    esac\n";
  out += "  done\n";
  // Values: `--opt=<cur>` for any option that takes one, `--opt <cur>` for one that needs one.
  auto [eq_cases, next_cases] = value_cases(p, add + " \"$val\" ", files + " \"$val\"", "return 0");
  out += "  local val\n";
  out += "  if [[ \"$cur\" == --*=* ]]; then\n";
  out += "    val=\"${cur#*=}\"\n";
  out += "    case \"${cur%%=*}\" in\n" + eq_cases + "    esac\n";
  // Readline replaces only the text after the '=' when '=' breaks words (the default).
  out += "    if [[ \"$COMP_WORDBREAKS\" != *=* ]]; then\n";
  out += "      for i in \"${!COMPREPLY[@]}\"; do COMPREPLY[i]=\"${cur%%=*}=${COMPREPLY[i]}\"; done\n";
  out += "    fi\n";
  out += "    return 0\n";
  out += "  fi\n";
  out += "  val=\"$cur\"\n";
  if (!next_cases.empty()) out += "  case \"$prev\" in\n" + next_cases + "  esac\n";
  out += "  case \"$cmd\" in\n";
  out += "    \"\")\n";
  out += "      if [[ \"$cur\" == -* ]]; then " + add + " \"$cur\" \"${globals[@]}\"\n";
  out += "      else " + add + " \"$cur\" " + quoted_words(visible_command_words(p), " ") + "; " + files +
         " \"$cur\"; fi ;;\n";
  for (const auto& c : p.commands) {
    if (c.id == p.auto_command) continue;
    std::vector<std::string> opts;
    option_spellings(opts, c.options);
    std::vector<std::string> args = c.id == p.help_command ? visible_command_words(p) : positional_choices(c);
    out += "    " + quoted_words(command_words(c), "|") + ")\n";
    out += "      if [[ \"$cur\" == -* ]]; then " + add + " \"$cur\" " + quoted_words(opts, " ") +
           (opts.empty() ? "" : " ") + "\"${globals[@]}\"\n";
    if (!args.empty()) out += "      else " + add + " \"$cur\" " + quoted_words(args, " ") + "; fi ;;\n";
    else out += "      else " + files + " \"$cur\"; fi ;;\n";
  }
  out += "    *) " + files + " \"$cur\" ;;\n";
  out += "  esac\n";
  out += "  return 0\n";
  out += "}\n";
  out += "complete -F " + base + " " + sh_word(p.name) + "\n";
  return out;
}

template <class Cmd>
std::string zsh_script(const program<Cmd>& p) {
  std::string fn = "_" + ident(p.name);
  std::string out = "#compdef " + std::string(p.name) + "\n# zsh completion for " + std::string(p.name) + " (generated)\n";
  // _describe reads "name:description": a ':' (or '\') in the name is escaped, one in the help becomes a space.
  auto describe = [](std::string_view name, std::string_view help) {
    std::string s;
    for (char c : name) {
      if (c == ':' || c == '\\') s += '\\';
      s += c;
    }
    s += ':';
    for (char c : help) s += (c == ':' ? ' ' : c);
    return sq(s);
  };
  out += fn + "() {\n";
  out += "  local -a commands globals opts\n";
  out += "  commands=(\n";
  for (const auto& c : p.commands) {
    if (c.hidden || c.id == p.auto_command) continue;
    out += "    " + describe(c.name, c.help) + "\n";
    for_each_word(c.aliases, ' ', [&](std::string_view a) {
      out += "    " + describe(a, "alias of " + std::string(c.name)) + "\n";
    });
  }
  out += "  )\n";
  auto opt_list = [&](std::string_view var, std::span<const option> opts) {
    out += "  " + std::string(var) + "=(\n";
    for (const auto& o : opts) {
      if (o.hidden) continue;
      if (!o.name.empty()) out += "    " + describe("--" + std::string(o.name), o.help) + "\n";
      if (o.short_name) out += "    " + describe(std::string("-") + o.short_name, o.help) + "\n";
    }
    out += "  )\n";
  };
  opt_list("globals", p.global_options);
  std::vector<std::string> valued;
  valued_spellings(valued, p.global_options);
  for (const auto& c : p.commands) valued_spellings(valued, c.options);
  out += "  local cmd= i\n";
  out += "  for (( i=2; i<CURRENT; i++ )); do\n";
  out += "    case \"${words[i]}\" in\n";
  if (!valued.empty()) out += "      " + quoted_words(valued, "|") + ") (( i++ )) ;;\n";
  out += "      -*) ;;\n";
  out += "      *) cmd=\"${words[i]}\"; break ;;\n";
  out += "    esac\n";
  out += "  done\n";
  // Option values: `--opt=<cur>` and `--opt <cur>`, as the bash script.
  auto [eq_cases, next_cases] = value_cases(p, "compadd -- ", "_files", "return");
  out += "  if [[ \"$PREFIX\" == --*=* ]]; then\n";
  out += "    local opt=\"${PREFIX%%=*}\"\n";
  out += "    compset -P '*='\n";
  out += "    case \"$opt\" in\n" + eq_cases + "    esac\n";
  out += "    return\n";
  out += "  fi\n";
  if (!next_cases.empty()) out += "  case \"${words[CURRENT-1]}\" in\n" + next_cases + "  esac\n";
  out += "  if [[ -z \"$cmd\" ]]; then\n";
  out += "    if [[ \"$PREFIX\" == -* ]]; then _describe -t options 'flag' globals\n";
  out += "    else _describe -t commands 'command' commands; _files; fi\n";
  out += "    return\n";
  out += "  fi\n";
  out += "  case \"$cmd\" in\n";
  for (const auto& c : p.commands) {
    if (c.id == p.auto_command) continue;
    out += "    " + quoted_words(command_words(c), "|") + ")\n";
    opt_list("opts", c.options);
    std::vector<std::string> args = positional_choices(c);
    out += "      if [[ \"$PREFIX\" == -* ]]; then _describe -t options 'flag' opts -- globals\n";
    if (c.id == p.help_command) out += "      else _describe -t commands 'command' commands; fi ;;\n";
    else if (!args.empty()) out += "      else compadd -- " + quoted_words(args, " ") + "; fi ;;\n";
    else out += "      else _files; fi ;;\n";
  }
  out += "    *) _files ;;\n";
  out += "  esac\n";
  out += "}\n";
  out += "if [[ \"$funcstack[1]\" == \"" + fn + "\" ]]; then " + fn + " \"$@\"; else compdef " + fn + " " +
         sh_word(p.name) + "; fi\n";
  return out;
}

template <class Cmd>
std::string fish_script(const program<Cmd>& p) {
  const std::string name = fish_word(p.name);
  std::string out = "# fish completion for " + std::string(p.name) + " (generated)\n";
  // Each word quoted twice: once for the condition's own parsing, once for the quotes around the condition.
  auto fish_words = [](const std::vector<std::string>& words) {
    std::string s;
    for (const auto& w : words) s += " " + fish_word(w);
    return s;
  };
  std::vector<std::string> every;  // every command word, hidden ones too: after any of them it is that command
  for (const auto& c : p.commands)
    if (c.id != p.auto_command)
      for (auto& w : command_words(c)) every.push_back(std::move(w));
  auto fish_opt = [&](const option& o, const std::string& cond) {
    if (o.hidden) return;
    out += "complete -c " + name + " -n " + fq(cond);
    if (!o.name.empty()) out += " -l " + fish_word(o.name);
    if (o.short_name) out += " -s " + fish_word(std::string(1, o.short_name));
    if (o.kind == value_kind::choice) {
      out += " -x -a " + fq(fish_words(split_words(o.choices, '|')).substr(1));
    } else if (takes_value(o) && !o.optional_value) {
      out += o.kind == value_kind::path ? " -r -F" : " -r";
    }
    if (!o.help.empty()) out += " -d " + fq(o.help);
    out += "\n";
  };
  // Files only where the other shells offer them: the first word and the auto command's words, and the
  // arguments of commands without a fixed list of words.
  out += "complete -c " + name + " -f\n";
  out += "complete -c " + name + " -n " + fq("not __fish_seen_subcommand_from" + fish_words(every)) + " -F\n";
  for (const auto& o : p.global_options) fish_opt(o, "true");
  for (const auto& c : p.commands) {
    if (c.hidden || c.id == p.auto_command) continue;
    // -a is expanded as fish code: the name is quoted for that too.
    out += "complete -c " + name + " -n '__fish_use_subcommand' -a " + fq(fish_word(c.name)) + " -d " + fq(c.help) + "\n";
    for_each_word(c.aliases, ' ', [&](std::string_view a) {
      out += "complete -c " + name + " -n '__fish_use_subcommand' -a " + fq(fish_word(a)) + " -d " +
             fq("alias of " + std::string(c.name)) + "\n";
    });
  }
  for (const auto& c : p.commands) {
    if (c.id == p.auto_command) continue;
    const std::string cond = "__fish_seen_subcommand_from" + fish_words(command_words(c));
    for (const auto& o : c.options) fish_opt(o, cond);
    std::vector<std::string> args = c.id == p.help_command ? visible_command_words(p) : positional_choices(c);
    if (!args.empty()) out += "complete -c " + name + " -n " + fq(cond) + " -a " + fq(fish_words(args).substr(1)) + "\n";
    else out += "complete -c " + name + " -n " + fq(cond) + " -F\n";
  }
  return out;
}

}  // namespace runtime::inline v1::cli::detail

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1::cli {

/// A completion script for `sh` generated from the declaration: commands, aliases, options, choice values.
template <class Cmd>
std::string completion_script(const program<Cmd>& p, shell sh) {
  switch (sh) {
    case shell::bash: return detail::bash_script(p);
    case shell::zsh: return detail::zsh_script(p);
    case shell::fish: return detail::fish_script(p);
  }
  return {};
}

}  // namespace runtime::inline v1::cli
RUNTIME_EXPORT_END

#endif
