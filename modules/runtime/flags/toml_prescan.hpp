// SPDX-License-Identifier: MIT
// runtime.flags / toml_prescan: text scans run over a bunfig before toml++ 3.3 parses it, rejecting with a
// source location the inputs that parser mishandles (non-ASCII it would misclassify, keys and tables nested
// deep enough to overflow its stack).
#ifndef RUNTIME_MODULE
#  include <cstdint>
#  include <string>
#  include <string_view>
#  include <vector>
#  include "runtime/detail/text.hpp"
#  include "runtime/detail/utf8.hpp"
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_FLAGS_TOML_PRESCAN_HPP_)
#define RUNTIME_FLAGS_TOML_PRESCAN_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace flags { namespace detail {

/// The text of 1-based line `n` of `text`, without its line break.
inline std::string line_of(std::string_view text, std::uint32_t n) {
  if (n == 0) return {};
  std::size_t pos = 0;
  for (std::uint32_t i = 1; i < n; ++i) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) return {};
    pos = nl + 1;
  }
  std::size_t end = text.find('\n', pos);
  std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return std::string(line);
}

/// "U+00E9", or "byte 0xFF" when `s` does not start with a well-formed UTF-8 sequence.
inline std::string describe_code_point(std::string_view s) {
  constexpr char hex[] = "0123456789ABCDEF";
  const unsigned lead = s.empty() ? 0u : static_cast<unsigned char>(s[0]);
  const runtime::detail::utf8_step step = s.empty() ? runtime::detail::utf8_step{} : runtime::detail::utf8_next(s);
  std::string out;
  if (!step.valid || step.length < 2) {
    out = "byte 0x";
    out += hex[lead >> 4];
    out += hex[lead & 15];
    return out;
  }
  std::uint32_t cp = lead & (0x7Fu >> step.length);
  for (std::size_t i = 1; i < step.length; ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3Fu);
  out = "U+";
  const int digits = cp > 0xFFFF ? 6 : 4;
  for (int d = digits - 1; d >= 0; --d) out += hex[(cp >> (4 * d)) & 15];
  return out;
}

/// toml++ 3.3 reaches __builtin_unreachable() (undefined behaviour) when it asks whether certain non-ASCII
/// code points (U+00A1.., U+2C8E.., U+FBA6.. and others) are whitespace: marzer/tomlplusplus#190 and #295,
/// fixed upstream after 3.3. It asks that only of characters outside strings and comments, and right after
/// a backslash in a basic string -- and of everything its look-ahead scans in a value that starts with a digit
/// or sign, up to the next whitespace, ']', '}', ',' or '#', quotes included. TOML allows non-ASCII in none of
/// those places, so rejecting it first loses only one odd valid form: a key whose first dotted part starts
/// with a digit followed by a quoted part with non-ASCII (`1."é" = 2`). This lexer follows strings, comments
/// and such values as the parser does and returns the offset of the first such character, or npos.
inline std::size_t find_unsafe_non_ascii(std::string_view t) {
  const std::size_t n = t.size();
  std::size_t p = t.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // the parser skips a UTF-8 BOM
  auto non_ascii = [&](std::size_t i) { return i < n && static_cast<unsigned char>(t[i]) >= 0x80; };
  auto triple = [&](char q) { return p + 2 < n && t[p] == q && t[p + 1] == q && t[p + 2] == q; };
  // Where the parser can start a value: after whitespace, a line break, '=', '[', '{' or ','.
  auto token_start = [&](std::size_t i) {
    if (i == 0) return true;
    char b = t[i - 1];
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '=' || b == '[' || b == '{' || b == ',';
  };
  // Advances over a run up to a value terminator; returns the offset of a non-ASCII byte in it, or npos.
  auto bare_run = [&]() -> std::size_t {
    for (; p < n; ++p) {
      char v = t[p];
      if (v == ' ' || v == '\t' || v == '\r' || v == '\n' || v == ']' || v == '}' || v == ',' || v == '#') break;
      if (non_ascii(p)) return p;
    }
    return std::string_view::npos;
  };
  while (p < n) {
    char c = t[p];
    if (non_ascii(p)) return p;
    if (c == '#') {
      while (p < n && t[p] != '\n') ++p;
    } else if (c == '"' || c == '\'') {
      bool multi = triple(c);
      p += multi ? 3 : 1;
      while (p < n) {
        if (c == '"' && t[p] == '\\') {
          // An escape or a line-ending backslash: the parser classifies what follows it.
          std::size_t q = p + 1;
          if (non_ascii(q)) return q;
          if (multi && q < n && (t[q] == ' ' || t[q] == '\t' || t[q] == '\r' || t[q] == '\n')) {
            while (q < n && (t[q] == ' ' || t[q] == '\t' || t[q] == '\r' || t[q] == '\n')) ++q;
            if (non_ascii(q)) return q;
            p = q;
          } else {
            p = q + 1;
          }
          continue;
        }
        if (multi ? triple(c) : t[p] == c) {
          p += multi ? 3 : 1;
          for (int extra = 0; multi && extra < 2 && p < n && t[p] == c; ++extra) ++p;  // `""""` ends with one `"`
          break;
        }
        if (!multi && t[p] == '\n') break;  // unterminated: the parser reports it
        ++p;
      }
    } else if ((c == '+' || c == '-' || (c >= '0' && c <= '9')) && token_start(p)) {
      // A value that starts with a digit or sign: the parser scans it up to a value terminator, classifying
      // every character on the way (quotes included), then once more past a space after a date.
      std::size_t begin = p;
      if (std::size_t bad = bare_run(); bad != std::string_view::npos) return bad;
      bool date_like = true;
      for (std::size_t i = begin; i < p; ++i)
        date_like = date_like && (t[i] == '-' || t[i] == '_' || (t[i] >= '0' && t[i] <= '9'));
      if (date_like && p < n && t[p] == ' ') {
        ++p;
        if (std::size_t bad = bare_run(); bad != std::string_view::npos) return bad;
      }
    } else {
      ++p;
    }
  }
  return std::string_view::npos;
}

/// What find_too_deep found: the offset (npos for nothing) and whether it was the total depth.
struct too_deep {
  std::size_t at = std::string_view::npos;
  bool total = false;
};

/// The pre-scan of nesting. toml++ 3.3 bounds each dotted key (by parts) and each run of inline tables and
/// arrays (256 levels), but not their sum: a 256-part `[a.a...]` header, a 256-part key under it and 255 nested
/// inline tables each with a 256-part key is a 132 KB file 66,000 tables deep, and toml::table's destructor
/// recursion overflows the stack (at 8 MiB under ASan). Returns the first offset where a key gets more than
/// `max_parts` parts, or where the total depth -- the header's parts (plus one for `[[...]]`), then for each
/// key its parts and for each inline table or array one level -- passes `max_depth`. Follows strings and
/// comments, so dots and brackets inside them do not count.
inline too_deep find_too_deep(std::string_view t, std::size_t max_parts = 256, std::size_t max_depth = 512) {
  const std::size_t n = t.size();
  struct level {
    char open;                // '{' or '['
    std::size_t depth;        // the enclosing table's depth, restored at the close
    std::size_t value_depth;  // the depth values had where it opened
  };
  std::vector<level> nest;       // open '{' and '[' of the current value
  bool key = true;               // in key position: at a line's start (outside arrays), or after '{' or ',' in a table
  bool line_start = true;        // nothing but blanks yet on this line (outside values)
  bool header = false, array_of_tables = false;  // in a `[...]` / `[[...]]` header
  std::size_t parts = 1;
  std::size_t header_depth = 0;  // the depth the current header's keys live at
  std::size_t depth = 0;         // the depth of the table the current key belongs to
  std::size_t value_depth = 0;   // the depth a value starting here has
  for (std::size_t p = 0; p < n;) {
    char c = t[p];
    if (c == '#') {
      while (p < n && t[p] != '\n') ++p;
    } else if (c == '"' || c == '\'') {
      line_start = false;
      bool multi = p + 2 < n && t[p + 1] == c && t[p + 2] == c;
      p += multi ? 3 : 1;
      while (p < n) {
        if (c == '"' && t[p] == '\\') { p += 2; continue; }
        if (multi ? p + 2 < n && t[p] == c && t[p + 1] == c && t[p + 2] == c : t[p] == c) {
          p += multi ? 3 : 1;
          break;
        }
        if (!multi && t[p] == '\n') break;
        ++p;
      }
    } else if (c == '\n') {
      if (nest.empty()) key = true, parts = 1, line_start = true, header = false, depth = header_depth;
      ++p;
    } else if (key) {
      if (line_start && c == '[' && nest.empty()) {
        header = true;
        array_of_tables = p + 1 < n && t[p + 1] == '[';
        p += array_of_tables ? 2 : 1;
        line_start = false;
        continue;
      }
      if (c != ' ' && c != '\t' && c != '\r') line_start = false;
      if (c == '}' && !nest.empty() && nest.back().open == '{') {  // `{}`, or a trailing comma
        depth = nest.back().depth, value_depth = nest.back().value_depth;
        nest.pop_back();
        key = false, parts = 1;
      } else if (c == ']' && header) {
        header_depth = parts + (array_of_tables ? 1 : 0);
        if (header_depth > max_depth) return {p, true};
        depth = header_depth;
        header = false, key = false, parts = 1;
      } else if (c == '=' || c == ']') {
        value_depth = depth + parts;
        if (value_depth > max_depth) return {p, true};
        key = false, parts = 1;
      } else if (c == '.' && ++parts > max_parts) {
        return {p, false};
      }
      ++p;
    } else {
      if (c == '{' || c == '[') {
        nest.push_back(level{c, depth, value_depth});
        if (c == '{') depth = value_depth + 1, key = true, parts = 1;
        else value_depth = value_depth + 1;
        if ((c == '{' ? depth : value_depth) > max_depth) return {p, true};
      } else if ((c == '}' || c == ']') && !nest.empty()) {
        depth = nest.back().depth, value_depth = nest.back().value_depth;
        nest.pop_back();
      } else if (c == ',' && !nest.empty() && nest.back().open == '{') {
        key = true, parts = 1;
      }
      ++p;
    }
  }
  return {};
}

/// toml++ 3.3 recurses once per part of a dotted key or table header, outside its 256-level nesting limit:
/// a key of ~100k parts (a 400 KB line) overflows the stack. Returns the offset of the dot that gives a key
/// more than `max_parts` parts, or npos. Follows strings, comments, arrays and inline tables, so dots in
/// values (floats, strings) do not count.
inline std::size_t find_too_deep_key(std::string_view t, std::size_t max_parts = 256) {
  return find_too_deep(t, max_parts, static_cast<std::size_t>(-1)).at;
}

/// Where byte `at` of `text` is, for a finding of the pre-scans (columns count UTF-8 sequences as one); the
/// line's text only when it is short enough to show.
inline source_location location_at(std::string_view text, const std::string& path, std::size_t at) {
  source_location l;
  l.file = path;
  l.line = 1;
  std::size_t start = 0;
  for (std::size_t i = 0; i < at; ++i)
    if (text[i] == '\n') ++l.line, start = i + 1;
  l.column = 1;
  for (std::size_t i = start; i < at; ++i) l.column += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  l.line_text = line_of(text, l.line);
  // A line too long to show (a 130 KB line of nested tables) is located by line and column alone.
  if (l.line_text.size() > 2 * runtime::detail::message_echo_limit) l.line_text.clear();
  return l;
}

}}}}  // namespace runtime::v1::flags::detail

#endif
