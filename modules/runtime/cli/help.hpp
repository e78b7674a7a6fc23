// SPDX-License-Identifier: MIT
// runtime.cli / help: the text a user reads from a declaration: main and per-command help (wrapped to the
// terminal, coloured when it should be), usage and version lines, and a usage error as printed.
#ifndef RUNTIME_MODULE
#  include <sys/ioctl.h>
#  include <unistd.h>
#  include <algorithm>
#  include <charconv>
#  include <cstddef>
#  include <cstdint>
#  include <limits>
#  include <span>
#  include <string>
#  include <string_view>
#  include <system_error>
#  include <vector>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#  include "runtime/env.hpp"
#endif
#include "runtime/cli/declare.hpp"
#include "runtime/cli/check.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_CLI_HELP_HPP_)
#define RUNTIME_CLI_HELP_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace cli { namespace detail {

/// `text` in the ANSI style `code` ("1" bold, "36" cyan, ...) when `color`, else as it is.
inline std::string paint(bool color, std::string_view code, std::string_view text) {
  if (!color) return std::string(text);
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
inline void columns(std::string& out, const std::vector<row>& rows, std::size_t width) {
  std::size_t cap = std::max<std::size_t>(width * 2 / 5, 16);
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
    wrap_into(out, r.right, indent, indent, width);
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

inline void option_rows(std::vector<row>& rows, std::span<const option> opts, bool color) {
  for (const auto& o : opts) {
    if (o.hidden) continue;
    std::string left = option_left(o);
    rows.push_back(row{left, paint(color, "36", left), option_right(o)});
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


}}}}  // namespace runtime::v1::cli::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace cli {

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
std::string help_text(const program<Cmd>& p, const help_style& style) {
  std::string out;
  if (!p.summary.empty()) {
    std::string banner(p.summary);
    banner += " (";
    banner += version_text(p, true);
    banner.back() = ')';
    detail::wrap_into(out, banner, 0, 0, style.width);
    out += '\n';
  }
  out += detail::paint(style.color, "1", "Usage:");
  out += usage_line(p).substr(6);
  out += "\n\n";
  out += detail::paint(style.color, "1", "Commands:");
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
    std::string painted = "  " + detail::paint(style.color, "1;32", c.name);
    if (!c.example.empty()) {
      std::string pad(name_w - c.name.size() + 2, ' ');
      left += pad + std::string(c.example);
      painted += pad + detail::paint(style.color, "2", c.example);
    }
    rows.push_back(detail::row{left, painted, detail::command_blurb(p.name, c)});
  }
  rows.push_back(detail::row{"", "", ""});
  std::string tail = "  <command> --help";
  rows.push_back(detail::row{tail, tail, "Print help text for command."});
  detail::columns(out, rows, style.width);
  // Listed apart from the table so the table does not change as a program gains implementations.
  std::string missing;
  for (const auto& c : p.commands)
    if (!c.hidden && !c.implemented && c.id != p.auto_command) missing += (missing.empty() ? "" : ", ") + std::string(c.name);
  if (!missing.empty()) {
    out += '\n';
    out += detail::paint(style.color, "1", "Not implemented by this driver:");
    out += '\n';
    out += "  ";
    detail::wrap_into(out, missing, 2, 2, style.width);
  }
  if (!p.global_options.empty()) {
    out += '\n';
    out += detail::paint(style.color, "1", "Flags:");
    out += '\n';
    std::vector<detail::row> orows;
    detail::option_rows(orows, p.global_options, style.color);
    detail::columns(out, orows, style.width);
  }
  if (!p.footer.empty()) {
    out += '\n';
    detail::wrap_into(out, p.footer, 0, 0, style.width);
  }
  return out;
}

/// Help for one command: usage, description, aliases, its options, then the global options.
template <class Cmd>
std::string command_help(const program<Cmd>& p, const command<Cmd>& c, const help_style& style) {
  std::string out = detail::paint(style.color, "1", "Usage:");
  out += usage_line(p, &c).substr(6);
  out += "\n\n";
  if (!c.help.empty()) detail::wrap_into(out, c.help, 0, 0, style.width);
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
    detail::wrap_into(out, c.details, 0, 0, style.width);
  }
  auto section = [&](std::string_view title, std::span<const option> opts) {
    std::vector<detail::row> rows;
    detail::option_rows(rows, opts, style.color);
    if (rows.empty()) return;
    out += '\n';
    out += detail::paint(style.color, "1", title);
    out += '\n';
    detail::columns(out, rows, style.width);
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

}}}  // namespace runtime::v1::cli
RUNTIME_EXPORT_END
#endif
