// SPDX-License-Identifier: MIT
// runtime.cli / check: the compile-time check of a declaration (first_problem, validate) and the lookups over
// it (a command by word or id; an option by long name), with the word-list helpers every other part uses.
#ifndef RUNTIME_MODULE
#  include <cstddef>
#  include <span>
#  include <string>
#  include <string_view>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#endif
#include "runtime/cli/declare.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_CLI_CHECK_HPP_)
#define RUNTIME_CLI_CHECK_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace cli { namespace detail {

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

/// A choice option's choices for messages and help: "bun|dotenv" -> "bun, dotenv".
inline std::string accepted_choices(std::string_view choices) {
  std::string out;
  for_each_word(choices, '|', [&](std::string_view w) {
    if (!out.empty()) out += ", ";
    out.append(w);
  });
  return out;
}

}}}}  // namespace runtime::v1::cli::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace cli {

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

}}}  // namespace runtime::v1::cli
RUNTIME_EXPORT_END
#endif
