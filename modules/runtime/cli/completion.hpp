// SPDX-License-Identifier: MIT
// runtime.cli / completion: bash, zsh and fish completion scripts generated from a declaration (commands,
// aliases, options, choice values, file arguments), every word quoted for the shell that reads it.
#ifndef RUNTIME_MODULE
#  include <cstddef>
#  include <cstdint>
#  include <optional>
#  include <span>
#  include <string>
#  include <string_view>
#  include <utility>
#  include <vector>
#  include "runtime/detail/text.hpp"
#endif
#include "runtime/cli/declare.hpp"
#include "runtime/cli/check.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_CLI_COMPLETION_HPP_)
#define RUNTIME_CLI_COMPLETION_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace cli { namespace detail {

/// Only [A-Za-z0-9_] survive in a shell function name.
inline std::string shell_identifier(std::string_view s) {
  std::string out;
  for (char c : s) out += ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) ? c : '_';
  return out;
}

/// Single-quoted for fish, where `\\` and `\'` are escapes even inside single quotes.
inline std::string fish_single_quoted(std::string_view s) {
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
/// `w` as one word of a bash or zsh script: as it is when plain, else single-quoted.
inline std::string shell_word(std::string_view w) {
  return plain_word(w) ? std::string(w) : runtime::detail::shell_single_quoted(w);
}
/// `w` as one word of a fish script: as it is when plain, else single-quoted the fish way.
inline std::string fish_word(std::string_view w) { return plain_word(w) ? std::string(w) : fish_single_quoted(w); }

/// Each word of `words` sh-quoted, separated by `sep` (" " for word lists, "|" for case patterns).
inline std::string quoted_words(const std::vector<std::string>& words, std::string_view sep) {
  std::string s;
  for (const auto& w : words) {
    if (!s.empty()) s.append(sep);
    s += shell_word(w);
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
    if (!o->name.empty()) arms.eq += "      " + shell_word("--" + std::string(o->name)) + ") " + action + " ;;\n";
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
  const std::string base = "_" + shell_identifier(p.name) + "_complete";
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
  out += "complete -F " + base + " " + shell_word(p.name) + "\n";
  return out;
}

template <class Cmd>
std::string zsh_script(const program<Cmd>& p) {
  std::string function_name = "_" + shell_identifier(p.name);
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
    return runtime::detail::shell_single_quoted(s);
  };
  out += function_name + "() {\n";
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
  auto option_list = [&](std::string_view var, std::span<const option> opts) {
    out += "  " + std::string(var) + "=(\n";
    for (const auto& o : opts) {
      if (o.hidden) continue;
      if (!o.name.empty()) out += "    " + describe("--" + std::string(o.name), o.help) + "\n";
      if (o.short_name) out += "    " + describe(std::string("-") + o.short_name, o.help) + "\n";
    }
    out += "  )\n";
  };
  option_list("globals", p.global_options);
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
    option_list("opts", c.options);
    std::vector<std::string> args = positional_choices(c);
    out += "      if [[ \"$PREFIX\" == -* ]]; then _describe -t options 'flag' opts -- globals\n";
    if (c.id == p.help_command) out += "      else _describe -t commands 'command' commands; fi ;;\n";
    else if (!args.empty()) out += "      else compadd -- " + quoted_words(args, " ") + "; fi ;;\n";
    else out += "      else _files; fi ;;\n";
  }
  out += "    *) _files ;;\n";
  out += "  esac\n";
  out += "}\n";
  out += "if [[ \"$funcstack[1]\" == \"" + function_name + "\" ]]; then " + function_name + " \"$@\"; else compdef " +
         function_name + " " +
         shell_word(p.name) + "; fi\n";
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
    out += "complete -c " + name + " -n " + fish_single_quoted(cond);
    if (!o.name.empty()) out += " -l " + fish_word(o.name);
    if (o.short_name) out += " -s " + fish_word(std::string(1, o.short_name));
    if (o.kind == value_kind::choice) {
      out += " -x -a " + fish_single_quoted(fish_words(split_words(o.choices, '|')).substr(1));
    } else if (takes_value(o) && !o.optional_value) {
      out += o.kind == value_kind::path ? " -r -F" : " -r";
    }
    if (!o.help.empty()) out += " -d " + fish_single_quoted(o.help);
    out += "\n";
  };
  // Files only where the other shells offer them: the first word and the auto command's words, and the
  // arguments of commands without a fixed list of words.
  out += "complete -c " + name + " -f\n";
  out += "complete -c " + name + " -n " + fish_single_quoted("not __fish_seen_subcommand_from" + fish_words(every)) +
         " -F\n";
  for (const auto& o : p.global_options) fish_opt(o, "true");
  for (const auto& c : p.commands) {
    if (c.hidden || c.id == p.auto_command) continue;
    // -a is expanded as fish code: the name is quoted for that too.
    out += "complete -c " + name + " -n '__fish_use_subcommand' -a " + fish_single_quoted(fish_word(c.name)) + " -d " +
           fish_single_quoted(c.help) + "\n";
    for_each_word(c.aliases, ' ', [&](std::string_view a) {
      out += "complete -c " + name + " -n '__fish_use_subcommand' -a " + fish_single_quoted(fish_word(a)) + " -d " +
             fish_single_quoted("alias of " + std::string(c.name)) + "\n";
    });
  }
  for (const auto& c : p.commands) {
    if (c.id == p.auto_command) continue;
    const std::string cond = "__fish_seen_subcommand_from" + fish_words(command_words(c));
    for (const auto& o : c.options) fish_opt(o, cond);
    std::vector<std::string> args = c.id == p.help_command ? visible_command_words(p) : positional_choices(c);
    if (!args.empty())
      out += "complete -c " + name + " -n " + fish_single_quoted(cond) + " -a " +
             fish_single_quoted(fish_words(args).substr(1)) + "\n";
    else out += "complete -c " + name + " -n " + fish_single_quoted(cond) + " -F\n";
  }
  return out;
}


}}}}  // namespace runtime::v1::cli::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace cli {

/// Shells a completion script can be generated for.
enum class shell : std::uint8_t { bash, zsh, fish };

/// "bash"/"zsh"/"fish" → shell.
inline std::optional<shell> shell_from_name(std::string_view n) {
  if (n == "bash") return shell::bash;
  if (n == "zsh") return shell::zsh;
  if (n == "fish") return shell::fish;
  return std::nullopt;
}

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


}}}  // namespace runtime::v1::cli
RUNTIME_EXPORT_END
#endif
