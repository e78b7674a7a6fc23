// SPDX-License-Identifier: MIT
// runtime.error / display: how an error is shown: the human text form (rustc-like, with the one colour rule of
// every module, color_enabled) and the JSON form.
#ifndef RUNTIME_MODULE
#  include <algorithm>
#  include <cstddef>
#  include <cstdint>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <system_error>
#  include <vector>
#  include "runtime/detail/json.hpp"
#  include "runtime/detail/stack.hpp"
#  include "runtime/detail/text.hpp"
#  include "runtime/detail/utf8.hpp"
#endif
#include "runtime/error/error.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ERROR_DISPLAY_HPP_)
#define RUNTIME_ERROR_DISPLAY_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace detail {

inline void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) out += buf[--n];
}

inline std::size_t digits(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 10) { v /= 10; ++n; }
  return n;
}

template <class Loc>
void append_location(std::string& out, const Loc& loc) {
  out += loc.file.empty() ? std::string_view("<input>") : std::string_view(loc.file);
  if (loc.line != 0) {
    out += ':';
    append_uint(out, loc.line);
    if (loc.column != 0) {
      out += ':';
      append_uint(out, loc.column);
    }
  }
}

/// Notes and hints under the gutter, rustc's "= note:" / "= help:".
template <class Error>
void append_notes(std::string& out, const Error& e, std::size_t gutter, bool color) {
  for (const auto& n : e.notes()) {
    out.append(gutter + 1, ' ');
    paint(out, color, ansi_blue, "=");
    out += ' ';
    paint(out, color, ansi_bold, "note");
    out += ": ";
    out += n;
    out += '\n';
  }
  for (const auto& h : e.hints()) {
    out.append(gutter + 1, ' ');
    paint(out, color, ansi_blue, "=");
    out += ' ';
    paint(out, color, ansi_help, "help");
    out += ": ";
    out += h;
    out += '\n';
  }
}

/// " --> file:line:col", then the offending line and a caret under the column when the text is known.
template <class Loc>
std::size_t append_snippet(std::string& out, const Loc& loc, bool color) {
  std::size_t gutter = loc.line != 0 ? digits(loc.line) : 1;
  out.append(gutter, ' ');
  paint(out, color, ansi_blue, "-->");
  out += ' ';
  append_location(out, loc);
  out += '\n';
  if (loc.line == 0 || loc.line_text.empty()) return gutter;
  // Control characters other than tab would move the terminal's cursor; show them as spaces.
  const std::string text = escaped(loc.line_text, escape::spaces_keep_tab);
  out.append(gutter + 1, ' ');
  paint(out, color, ansi_blue, "|");
  out += '\n';
  std::string num;
  append_uint(num, loc.line);
  paint(out, color, ansi_blue, num + " |");
  out += ' ';
  out += text;
  out += '\n';
  if (loc.column != 0) {
    out.append(gutter + 1, ' ');
    paint(out, color, ansi_blue, "|");
    out += ' ';
    // Pad with the line's own tabs so the caret lines up however the terminal expands them; a UTF-8
    // sequence takes one cell, so continuation bytes add nothing.
    std::size_t col = std::min<std::size_t>(loc.column - 1, text.size());
    for (std::size_t i = 0; i < col; ++i) {
      auto c = static_cast<unsigned char>(text[i]);
      if (c == '\t') out += '\t';
      else if ((c & 0xc0) != 0x80) out += ' ';
    }
    paint(out, color, ansi_error, "^");
    out += '\n';
  }
  return gutter;
}

template <class Error>
void append_trace(std::string& out, const Error& e, bool color) {
  paint(out, color, ansi_bold, "stack trace");
  if (e.trace().empty()) {
    out += ": not captured (capture_error_traces was off when the error was made)\n";
    return;
  }
  out += ":\n";
  std::size_t i = 0;
  for (void* f : e.trace()) {
    out += "  #";
    append_uint(out, i++);
    out += ' ';
    out += describe_address(f);
    out += '\n';
  }
}

inline void append_json_strings(std::string& out, const std::vector<std::string>& v) {
  out += '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, v[i]);
  }
  out += ']';
}
// The bytes nlohmann's dump(-1) gives for to_json's object: keys in sorted order (its std::map), no spaces.
inline void append_error_json(std::string& out, const error& e) {
  out += '{';
  if (const auto* c = e.cause()) {
    out += "\"cause\":";
    append_error_json(out, *c);
    out += ',';
  }
  out += "\"code\":";
  append_json_string(out, e.code());
  out += ",\"exit_code\":" + std::to_string(exit_status_of(e)) + ",\"hints\":";
  append_json_strings(out, e.hints());
  out += ",\"kind\":";
  append_json_string(out, to_string(e.kind()));
  if (const auto* loc = e.location()) {
    out += ",\"location\":{\"column\":" + std::to_string(loc->column) + ",\"file\":";
    append_json_string(out, loc->file);
    out += ",\"line\":" + std::to_string(loc->line) + ",\"line_text\":";
    append_json_string(out, loc->line_text);
    out += '}';
  }
  out += ",\"message\":";
  append_json_string(out, e.message());
  out += ",\"notes\":";
  append_json_strings(out, e.notes());
  if (auto ec = e.sys_error()) {
    out += ",\"system_error\":{\"category\":";
    append_json_string(out, ec.category().name());
    out += ",\"message\":";
    append_json_string(out, ec.message());
    out += ",\"value\":" + std::to_string(ec.value()) + "}";
  }
  out += '}';
}

} } }  // namespace runtime::v1::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 {

/// How render() draws an error. The caller makes every environment-dependent decision.
struct display_options {
  bool color = false;      ///< ANSI colours (see color_enabled)
  bool trace = false;      ///< append the stack trace captured at construction (--verbose-error-trace)
  bool show_code = false;  ///< "error[env.bad_line]: ..." instead of "error: ..."
};

/// The one colour decision of every runtime module (error display and runtime.log), from the caller's values;
/// pass std::nullopt for an unset variable. It is Bun 1.4.5's rule (checked against `Bun.enableANSIColors`):
///  1. FORCE_COLOR set and not falsy forces colour on, even over NO_COLOR; an empty value counts as on.
///     Falsy is an integer zero ("0", "00", "+0", "-0") or "false"/"off"/"no" in any case; a falsy
///     FORCE_COLOR forces nothing (it is as if unset), so a terminal still gets colour.
///  2. Otherwise NO_COLOR set, non-empty and not "0"/"false"/"off"/"no" (any case) turns colour off.
///  3. Otherwise colour follows whether the output is a terminal.
inline bool color_enabled(std::optional<std::string_view> no_color, std::optional<std::string_view> force_color,
                          bool is_tty) noexcept {
  if (force_color) {
    std::string_view v = *force_color;
    std::string_view digits = v;
    if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) digits.remove_prefix(1);
    const bool zero = !digits.empty() && digits.find_first_not_of('0') == std::string_view::npos;
    if (!(zero || detail::is_false_word(v))) return true;
  }
  // detail::is_false_word: "false", "off", "no" in any case, and "0".
  if (no_color && !no_color->empty() && !detail::is_false_word(*no_color)) return false;
  return is_tty;
}

/// The human form of an error, ending in a newline:
///   error: message
///    --> file:line:col
///     |
///   3 | offending line
///     |       ^
///     = note: ...
///     = help: ...
///   caused by: message of the cause (with its own location, notes and hints), for each cause in turn
///   stack trace: ... (with options.trace)
inline std::string render(const error& e, const display_options& options = {}) {
  std::string out;
  const bool color = options.color;
  std::string label = "error";
  if (options.show_code && !e.code().empty()) label += "[" + e.code() + "]";
  detail::paint(out, color, detail::ansi_error, label);
  if (color) out += detail::ansi_bold;
  out += ": ";
  out += e.message();
  if (color) out += detail::ansi_reset;
  out += '\n';
  std::size_t gutter = 1;
  if (const auto* loc = e.location()) gutter = detail::append_snippet(out, *loc, color);
  detail::append_notes(out, e, gutter, color);
  for (const error* c = e.cause(); c != nullptr; c = c->cause()) {
    detail::paint(out, color, detail::ansi_bold, "caused by");
    out += ": ";
    out += c->message();
    out += '\n';
    std::size_t g = 1;
    if (const auto* loc = c->location()) g = detail::append_snippet(out, *loc, color);
    detail::append_notes(out, *c, g, color);
  }
  if (options.trace) detail::append_trace(out, e, color);
  return out;
}

/// The machine form: {"kind","code","message","exit_code","notes","hints"} plus "location"
/// {file,line,column,line_text}, "system_error" {category,value,message} and "cause" (nested) when present.
/// A template over the JSON type, so this module needs no JSON library (nlohmann-json is the consumer's):
/// found by ADL, `nlohmann::json j = err;` works wherever <nlohmann/json.hpp> is included.
template <class Json>
  requires requires(Json& j) { j = Json::object(); }
void to_json(Json& j, const error& e) {
  j = Json::object();
  j["kind"] = std::string(to_string(e.kind()));
  j["code"] = e.code();
  j["message"] = e.message();
  j["exit_code"] = exit_status_of(e);
  j["notes"] = e.notes();
  j["hints"] = e.hints();
  if (const auto* loc = e.location()) {
    j["location"] = {{"file", loc->file}, {"line", loc->line}, {"column", loc->column},
                     {"line_text", loc->line_text}};
  }
  if (auto ec = e.sys_error()) {
    j["system_error"] = {{"category", ec.category().name()}, {"value", ec.value()}, {"message", ec.message()}};
  }
  if (const auto* c = e.cause()) {
    Json cj;
    to_json(cj, *c);
    j["cause"] = std::move(cj);
  }
}


/// to_json as one line of text, byte for byte what `nlohmann::json(e).dump()` gives with invalid UTF-8
/// replaced (never thrown on).
inline std::string render_json(const error& e) {
  std::string out;
  detail::append_error_json(out, e);
  return out;
}

} }  // namespace runtime::v1
RUNTIME_EXPORT_END

#endif
