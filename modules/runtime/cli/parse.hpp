// SPDX-License-Identifier: MIT
// runtime.cli / parse: turning an argument list into a parsed<Cmd> against a declaration (options, values,
// environment fallbacks, defaults, conflicts, positional limits), and the usage errors it raises.
//
// Parsing never copies arguments: every string_view in a parsed<Cmd> points into the argument list, the
// environment snapshot or the declaration, so the caller keeps those alive as long as the result.
// Work is linear in the number and size of arguments (the edit-distance suggestion runs only on failure and
// skips candidates whose length alone rules them out).
#ifndef RUNTIME_MODULE
#  include <algorithm>
#  include <cstddef>
#  include <cstdint>
#  include <limits>
#  include <optional>
#  include <span>
#  include <string>
#  include <string_view>
#  include <utility>
#  include <vector>
#  include "runtime/detail/text.hpp"
#  include "runtime/detail/utf8.hpp"
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#  include "runtime/env.hpp"
#endif
#include "runtime/cli/declare.hpp"
#include "runtime/cli/check.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_CLI_PARSE_HPP_)
#define RUNTIME_CLI_PARSE_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace cli { namespace detail {

/// The parser (defined below the public API); `cmd` is the command selected so far, left set when it throws.
template <class Cmd>
parsed<Cmd> parse_into(const program<Cmd>& p, std::span<const std::string_view> args, const environment& env,
                       const command<Cmd>*& cmd);

}}}}  // namespace runtime::v1::cli::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace cli {

/// `s` in double quotes as an error message echoes a user's argument: cut after 200 bytes (at a UTF-8
/// character boundary) with "...", so a 1 MB argument never becomes a 1 MB error line.
inline std::string quote_for_message(std::string_view s) { return runtime::detail::quoted_for_message(s); }

/// The visible command nearest to `word` by edit distance, or "" when none is close (always "" for an empty or
/// blank word: one letter away from "x" is no reason to think the user meant it).
template <class Cmd>
std::string suggest_command(const program<Cmd>& p, std::string_view word) {
  runtime::detail::nearest_match match(word);
  for (const auto& c : p.commands) {
    if (c.id == p.auto_command || c.hidden) continue;
    match.offer(c.name);
    detail::for_each_word(c.aliases, ' ', [&](std::string_view a) { match.offer(a); });
  }
  return match.best();
}

/// An "unknown command" usage error for `word`, with a did-you-mean hint when one is close.
template <class Cmd>
error unknown_command_error(const program<Cmd>& p, std::string_view word) {
  error e = usage_error("cli.unknown_command", "unknown command " + quote_for_message(word));
  auto suggestion = suggest_command(p, word);
  if (!suggestion.empty()) e.hint(runtime::detail::did_you_mean(suggestion));
  return e;
}

/// Parses `args` (argv without argv[0]) against `p`. `env` supplies option fallbacks (option::env).
/// \throws runtime::error of kind cli with exit_code::usage for every user mistake.
/// Rules: global options are accepted anywhere before option parsing stops, a command's own options only after
/// its word; `--name=value`, `--name value`, `-n value`, `-nvalue`, `-abc` clusters; an optional value is taken
/// only from `=` or an attached value (`--config=x`, `-cx`), never from the next word; a standalone `--` sends
/// the rest to `passthrough`; a command with stop_at_positional (and the auto command) treats everything after
/// its first positional as positionals; "-" alone is a positional.
template <class Cmd>
parsed<Cmd> parse(const program<Cmd>& p, std::span<const std::string_view> args, const environment& env) {
  const command<Cmd>* reached = nullptr;
  return detail::parse_into(p, args, env, reached);
}

/// What try_parse gives back: a parsed command line, or the error plus the command selected before it (for its
/// usage line).
template <class Cmd>
struct parse_outcome {
  std::optional<parsed<Cmd>> value;
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

/// Overload for an argv-style vector.
template <class Cmd>
parsed<Cmd> parse(const program<Cmd>& p, const std::vector<std::string_view>& args, const environment& env) {
  return parse(p, std::span<const std::string_view>(args.data(), args.size()), env);
}

/// The arguments after argv[0], as views that live as long as argv.
inline std::vector<std::string_view> args_of(int argc, const char* const* argv) {
  std::vector<std::string_view> out;
  if (argc > 1) out.reserve(static_cast<std::size_t>(argc - 1));
  for (int i = 1; i < argc; ++i) out.emplace_back(argv[i]);
  return out;
}

}}}  // namespace runtime::v1::cli
RUNTIME_EXPORT_END

namespace runtime { inline namespace v1 { namespace cli { namespace detail {

inline std::string option_display(const option& o) {
  if (!o.name.empty()) return "--" + std::string(o.name);
  return std::string("-") + o.short_name;
}

/// Validates `text` as a value of `o`; `who` names where it came from ("--dialect" or "RT_DIALECT").
inline void check_value(const option& o, std::string_view text, const std::string& who) {
  switch (o.kind) {
    case value_kind::integer: {
      if (!valid_value(o, text)) {
        std::string msg = "invalid value " + quote_for_message(text) + " for " + who + ": expected an integer";
        if (o.min != std::numeric_limits<std::int64_t>::min() || o.max != std::numeric_limits<std::int64_t>::max())
          msg += " from " + std::to_string(o.min) + " to " + std::to_string(o.max);
        throw usage_error("cli.invalid_value", std::move(msg));
      }
      break;
    }
    case value_kind::boolean:
      if (!runtime::detail::parse_bool_word(text))
        throw usage_error("cli.invalid_value", "invalid value " + quote_for_message(text) + " for " + who +
                                                   " (accepted: " + std::string(runtime::detail::bool_words_list) + ")");
      break;
    case value_kind::choice:
      if (!list_contains(o.choices, '|', text)) {
        error e = usage_error("cli.invalid_value", "invalid value " + quote_for_message(text) + " for " + who +
                                                       " (accepted: " + accepted_choices(o.choices) + ")");
        runtime::detail::nearest_match match(text);
        for_each_word(o.choices, '|', [&](std::string_view w) { match.offer(w); });
        if (match.found()) e.hint(runtime::detail::did_you_mean(match.best()));
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


template <class Cmd>
parsed<Cmd> parse_into(const program<Cmd>& p, std::span<const std::string_view> args, const environment& env,
                       const command<Cmd>*& cmd) {
  parsed<Cmd> r;
  r.globals = p.global_options;
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
    error e = usage_error("cli.unknown_option", where() + " has no " + quote_for_message(spelled) + " option");
    runtime::detail::nearest_match match(spelled);
    auto offer_all = [&](std::span<const option> opts) {
      for (const auto& o : opts) {
        if (o.hidden) continue;
        if (spelled.size() > 2 && spelled[1] == '-') {
          match.offer("--" + std::string(o.name));
          detail::for_each_word(o.aliases, ' ', [&](std::string_view a) { match.offer("--" + std::string(a)); });
        }
      }
    };
    // Offers take views; the match copies the best candidate, so temporaries are fine.
    if (cmd) offer_all(cmd->options);
    offer_all(p.global_options);
    if (match.found()) e.hint(runtime::detail::did_you_mean(match.best()));
    else if (!cmd && auto_cmd) {
      // An option of some command given before the command word.
      std::string owners;
      for (const auto& c : p.commands)
        for (const auto& o : c.options)
          if (spelled.size() > 2 && spelled[1] == '-' && detail::has_long(o, spelled.substr(2)) && !c.hidden)
            owners += (owners.empty() ? "\"" : ", \"") + std::string(p.name) + " " + std::string(c.name) + "\"";
      if (!owners.empty()) e.hint("it is an option of " + owners + "; put it after the command");
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
                            where() + " has no " + quote_for_message(spelled) + " option" +
                                (j > 1 ? " (in " + quote_for_message(a) + ")" : std::string()));
        }
        const option* o = lookup_short(c);
        if (!o) {
          // Single letters get no did-you-mean: one letter is within edit distance 1 of every other.
          std::string spelled = std::string("-") + c;
          throw usage_error("cli.unknown_option",
                            where() + " has no " + quote_for_message(spelled) + " option" +
                                (a.size() > 2 ? " (in " + quote_for_message(a) + ")" : std::string()));
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
      if (!p.catch_all || (!near.empty() && !path_like && !(p.auto_accepts && p.auto_accepts(a, r, env))))
        throw unknown_command_error(p, a);
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
      throw usage_error("cli.too_many_arguments", "too many arguments for " + where() + ": unexpected " + quote_for_message(extra));
    }
    if (n < cmd->min_positionals)
      throw usage_error("cli.missing_argument", where() + " needs " +
                                                    (cmd->usage.empty() ? std::string("an argument") : std::string(cmd->usage)));
  }
  return r;
}


}}}}  // namespace runtime::v1::cli::detail
#endif
