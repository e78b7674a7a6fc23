// SPDX-License-Identifier: MIT
// runtime.cli / check: the compile-time check of a declaration (first_problem, validate) and the lookups over
// it (a command by word or id; an option by long name), with the word-list helpers every other part uses.
#ifndef RUNTIME_MODULE
#  include <cstddef>
#  include <cstdint>
#  include <optional>
#  include <span>
#  include <string>
#  include <string_view>
#  include <type_traits>
#  include <vector>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#endif
#include "runtime/cli/declare.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_CLI_CHECK_HPP_)
#define RUNTIME_CLI_CHECK_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace cli { namespace detail {

/// Is `text` a value of `o`'s kind (integer in range, boolean word, one of the choices, non-empty path)?
/// The one rule for values from every source: the command line and environment (parse), defaults and
/// implicit values (first_problem, at compile time).
constexpr bool valid_value(const option& o, std::string_view text) {
  switch (o.kind) {
    case value_kind::integer: {
      const auto n = parse_decimal(text);
      return n && *n >= o.min && *n <= o.max;
    }
    case value_kind::boolean: return runtime::detail::parse_bool_word(text).has_value();
    case value_kind::choice: return list_contains(o.choices, '|', text);
    case value_kind::path: return !text.empty();
    default: return true;
  }
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
    if (o.optional_value && o.kind == value_kind::flag) return {"a flag cannot have an optional value", o.name};
    if (o.min > o.max) return {"integer range is empty", o.name};
    // Every default and implicit value is a value of the option's kind, so a typed lookup never meets one
    // that parse would have rejected (an integer option defaulting to "high").
    if (o.kind == value_kind::flag && !o.default_value.empty())
      return {"a flag cannot have a default value (declare a boolean option)", o.name};
    if (!o.default_value.empty() && !is_list(o) && !valid_value(o, o.default_value)) {
      switch (o.kind) {
        case value_kind::choice: return {"default value is not one of the choices", o.name};
        case value_kind::integer: return {"default value is not an integer within [min, max]", o.name};
        default: return {"default value is not a boolean word (true/false, 1/0, yes/no, on/off)", o.name};
      }
    }
    if (o.optional_value && !is_list(o) && !valid_value(o, o.implicit_value))
      return {"implicit value is not a value of the option's kind", o.name};
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
/// and between a command's options and the globals), choices, every default and implicit value against its
/// option's kind (integer within [min, max], boolean word, choice; no default on a flag), conflicts naming known options,
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

namespace detail {
/// A short text as a template argument: how a problem found at compile time reaches the diagnostic.
struct fixed_text {
  char text[64] = {};
  constexpr fixed_text(std::string_view s) {  // NOLINT: implicit on purpose
    for (std::size_t i = 0; i < s.size() && i + 1 < sizeof text; ++i) text[i] = s[i];
  }
};
/// Fails to compile for a declaration with a mistake; both compilers print the template arguments, so the
/// diagnostic names the problem and the option or command it concerns.
template <fixed_text Problem, fixed_text Name>
constexpr bool no_declaration_problem() {
  static_assert(Problem.text[0] == 0,
                "this cli declaration has a mistake: the Problem and the Name it concerns are shown above");
  return true;
}
/// Does `p` declare long option name (or alias) `name` globally or in any command?
template <class Cmd>
constexpr bool program_declares(const program<Cmd>& p, std::string_view name) {
  for (const auto& o : p.global_options)
    if (has_long(o, name)) return true;
  for (const auto& c : p.commands)
    for (const auto& o : c.options)
      if (has_long(o, name)) return true;
  return false;
}
/// Not constexpr on purpose: reaching it while checking an option_name is the compile error.
inline void option_name_is_not_declared_by_the_program() {}
}  // namespace detail

/// True for a program without declaration mistakes; for one with a mistake, using it is a compile error that
/// names the mistake (`static_assert(cli::well_declared<my_program>)`; runtime::app checks this itself).
template <const auto& Program>
inline constexpr bool well_declared =
    detail::no_declaration_problem<detail::fixed_text(first_problem(Program).what),
                                   detail::fixed_text(first_problem(Program).name)>();

/// An option name checked at compile time against `Program`: a string literal that no option of the program
/// (global or of a command) answers to does not compile.
template <const auto& Program>
struct option_name {
  std::string_view text;
  template <std::size_t N>
  consteval option_name(const char (&s)[N]) : text(s, N - 1) {  // NOLINT: implicit, from a literal
    if (!detail::program_declares(Program, text)) detail::option_name_is_not_declared_by_the_program();
  }
};

/// The typed view of a parsed command line of `Program`: the same lookups as parsed<Cmd>, with every option
/// name checked at compile time (`cli::typed<todo> opts(args); opts.integer("priorty")` does not compile) and
/// the declaration itself checked (well_declared). A name the program declares but the selected command does
/// not still throws cli.undeclared_option, as parsed<Cmd> does.
template <const auto& Program>
class typed {
 public:
  using command_id = std::remove_cvref_t<decltype(Program.auto_command)>;
  using name = option_name<Program>;
  static_assert(well_declared<Program>);

  explicit typed(const parsed<command_id>& p) noexcept : p_(&p) {}
  command_id command() const noexcept { return p_->command; }
  const parsed<command_id>& raw() const noexcept { return *p_; }

  bool given(name n) const { return p_->given(n.text); }
  bool flag(name n) const { return p_->flag(n.text); }
  std::optional<std::string_view> value(name n) const { return p_->value(n.text); }
  std::vector<std::string_view> values(name n) const { return p_->values(n.text); }
  std::optional<std::int64_t> integer(name n) const { return p_->integer(n.text); }
  std::optional<bool> boolean(name n) const { return p_->boolean(n.text); }

 private:
  const parsed<command_id>* p_;
};

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
