// SPDX-License-Identifier: MIT
// runtime.env / bun_grammar: Bun 1.4.5's .env grammar and `$VAR` expansion (Bun is the judge), the
// bun_dialect policy that applies them file by file, and parse_bun for tools.
#ifndef RUNTIME_MODULE
#  include <cstddef>
#  include <cstdint>
#  include <algorithm>
#  include <cstring>
#  include <string>
#  include <string_view>
#  include <type_traits>
#  include "runtime/detail/text.hpp"
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#endif
#include "runtime/env/text_scan.hpp"
#include "runtime/env/working_set.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ENV_BUN_GRAMMAR_HPP_)
#define RUNTIME_ENV_BUN_GRAMMAR_HPP_
#include "runtime/config.hpp"
namespace runtime { inline namespace v1 { namespace detail {

/// Bun 1.4.5's .env grammar. Calls sink.entry(key, value, key_pos) per assignment (value may live in the
/// scratch buffer: copy it) and sink.problem(code, pos, message) for what strict mode reports. Iterative.
template <class Sink>
void bun_parse(std::string_view src, std::string& scratch, Sink& sink) {
  const std::size_t n = src.size();
  const char* s = src.data();
  std::size_t pos = 0;
  auto skip_ws = [&] { while (pos < n && is_env_space(static_cast<unsigned char>(s[pos]))) ++pos; };
  auto skip_line = [&] {
    while (pos < n && s[pos] != '\n' && s[pos] != '\r') ++pos;
    if (pos < n) ++pos;
  };
  // Returns the key or an empty view; on failure pos is reset to where the key would start.
  auto parse_key = [&](bool check_export) -> std::string_view {
    if (check_export) skip_ws();
    std::size_t start = pos, end = start;
    while (end < n && is_env_key_char(static_cast<unsigned char>(s[end]))) ++end;
    if (end < n && start < end) {
      pos = end;
      skip_ws();
      if (pos < n) {
        if (check_export && end < pos && std::string_view(s + start, end - start) == "export") {
          std::size_t istart = pos, iend = istart;
          while (iend < n && is_env_key_char(static_cast<unsigned char>(s[iend]))) ++iend;
          if (iend < n && istart < iend) {
            pos = iend;
            skip_ws();
            if (pos < n) {
              if (s[pos] == '=') { ++pos; return {s + istart, iend - istart}; }
              if (s[pos] == ':' && pos + 1 < n && is_env_space(static_cast<unsigned char>(s[pos + 1]))) {
                pos += 2;
                return {s + istart, iend - istart};
              }
            }
          }
          pos = istart;
        }
        if (s[pos] == '=') { ++pos; return {s + start, end - start}; }
        if (s[pos] == ':' && pos + 1 < n && is_env_space(static_cast<unsigned char>(s[pos + 1]))) {
          pos += 2;
          return {s + start, end - start};
        }
      }
    }
    pos = start;
    return {};
  };
  while (pos < n) {
    std::string_view key = parse_key(true);
    if (key.empty()) {
      if (pos < n && s[pos] != '#') sink.problem("env.malformed_line", pos, "not a KEY=value line");
      skip_line();
      continue;
    }
    std::size_t key_pos = static_cast<std::size_t>(key.data() - s);
    // Value.
    std::size_t vstart = pos;
    skip_ws();
    if (pos >= n) { sink.entry(key, std::string_view{}, key_pos); continue; }
    char q = s[pos];
    if (q == '"' || q == '\'' || q == '`') {
      std::size_t open = pos, e = open + 1;
      bool closed = false, plain = true;  // plain: no '\\' or '\r' inside, the value is the text itself
      for (;;) {
        // Skip what is neither the quote, '\\' nor '\r': eight bytes at a time, then byte by byte.
        while (e + 8 <= n) {
          std::uint64_t w;
          std::memcpy(&w, s + e, 8);
          if (word_has_byte(w, static_cast<unsigned char>(q)) | word_has_byte(w, '\\') | word_has_byte(w, '\r')) break;
          e += 8;
        }
        while (e < n && s[e] != q && s[e] != '\\' && s[e] != '\r') ++e;
        if (e >= n) break;
        char c = s[e];
        if (c == q) { closed = true; break; }
        plain = false;
        e += c == '\\' ? 2 : 1;  // an escaped character is never the closing quote
      }
      if (closed && e < n && plain) {
        pos = e + 1;
        skip_line();
        sink.entry(key, std::string_view(s + open + 1, e - open - 1), key_pos);
        continue;
      }
      if (closed && e < n) {
        // [open+1, e) is the body; e is the closing quote.
        scratch.clear();
        std::size_t i = open + 1;
        while (i < e) {
          std::size_t run = i;
          while (run < e && s[run] != '\\' && s[run] != '\r') ++run;
          scratch.append(s + i, run - i);
          i = run;
          if (i >= e) break;
          char c = s[i];
          if (c == '\\') {
            if (q == '"') {
              char d = s[i + 1];
              if (d == 'n') scratch.push_back('\n');
              else if (d == 'r') scratch.push_back('\r');
              else { scratch.push_back('\\'); scratch.push_back(d); }
              i += 2;
            } else {
              scratch.push_back('\\');
              ++i;
            }
          } else if (c == '\r') {
            ++i;
            if (i > e || s[i] != '\n') scratch.push_back('\n');
          } else {
            scratch.push_back(c);
            ++i;
          }
        }
        pos = e + 1;
        skip_line();
        sink.entry(key, std::string_view(scratch), key_pos);
        continue;
      }
      sink.problem("env.unterminated_quote", open, "unterminated quoted value");
    }
    // Unquoted, from before the whitespace skip: up to '#', '\r' or '\n', then trimmed.
    std::size_t e = vstart;
    while (e < n && !is_env_value_end(static_cast<unsigned char>(s[e]))) ++e;
    pos = e;
    std::size_t b = vstart;
    while (b < e && is_env_space(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && is_env_space(static_cast<unsigned char>(s[e - 1]))) --e;
    sink.entry(key, std::string_view(s + b, e - b), key_pos);
  }
}

/// Bun 1.4.5's expansion of one value: left to right, `\$`, `$NAME`, `${NAME}`, `${NAME:-default}` (the default
/// expanded in turn, at most 200 levels deep, then literal). `lookup(name)` returns a const std::string_view*
/// (nullptr when undefined). Appends to `out`. When `budget` is given, stops (returning false) as soon as
/// `out` would grow past `budget` bytes, before copying them: a runaway expansion costs what it is allowed,
/// not what it would produce. `on_undefined(name)`, when given, is told each name that had no value.
template <class Lookup, class OnUndefined = std::nullptr_t>
bool bun_expand_into(std::string_view v, const Lookup& lookup, std::string& out, unsigned depth = 0,
                     std::size_t budget = static_cast<std::size_t>(-1), OnUndefined on_undefined = nullptr) {
  auto append = [&](std::string_view t) {
    if (t.size() > budget - std::min(budget, out.size())) return false;
    out.append(t);
    return true;
  };
  auto undefined = [&](std::string_view name) {
    if constexpr (!std::is_same_v<OnUndefined, std::nullptr_t>) on_undefined(name);
  };
  const std::size_t n = v.size();
  std::size_t pos = 0;
  while (pos < n) {
    // Copy the run without '$' or '\' in one go.
    std::size_t run = pos;
    while (run < n && v[run] != '$' && v[run] != '\\') ++run;
    if (!append(v.substr(pos, run - pos))) return false;
    pos = run;
    if (pos >= n) break;
    char b = v[pos];
    if (b == '\\') {
      const bool dollar = pos + 1 < n && v[pos + 1] == '$';
      if (!append(dollar ? "$" : "\\")) return false;
      pos += dollar ? 2 : 1;
      continue;
    }
    if (pos + 1 >= n) return append("$");
    char next = v[pos + 1];
    if (next == '{') {
      std::size_t inner = pos + 2, i = inner, nest = 1, close = std::string_view::npos;
      while (i < n) {
        char c = v[i];
        if (c == '\\' && i + 1 < n) { i += 2; continue; }
        if (c == '$' && i + 1 < n && v[i + 1] == '{') { ++nest; i += 2; continue; }
        if (c == '}') {
          if (--nest == 0) { close = i; break; }
        }
        ++i;
      }
      if (close == std::string_view::npos) return append(v.substr(pos));
      std::string_view body = v.substr(inner, close - inner);
      std::size_t ke = 0;
      while (ke < body.size() && is_env_name_char(static_cast<unsigned char>(body[ke]))) ++ke;
      std::string_view key = body.substr(0, ke), rest = body.substr(ke);
      if (rest.empty()) {
        if (const std::string_view* val = lookup(key)) {
          if (!append(*val)) return false;
        } else {
          undefined(key);
        }
      } else if (rest.size() >= 2 && rest[0] == ':' && rest[1] == '-') {
        if (const std::string_view* val = lookup(key)) {
          if (!append(*val)) return false;
        } else if (depth < 200) {
          if (!bun_expand_into(rest.substr(2), lookup, out, depth + 1, budget, on_undefined)) return false;
        } else if (!append(rest.substr(2))) {
          return false;
        }
      } else if (!append(v.substr(pos, close + 1 - pos))) {
        return false;
      }
      pos = close + 1;
      continue;
    }
    if (is_env_name_char(static_cast<unsigned char>(next))) {
      std::size_t k = pos + 1;
      while (k < n && is_env_name_char(static_cast<unsigned char>(v[k]))) ++k;
      const std::string_view name = v.substr(pos + 1, k - pos - 1);
      if (const std::string_view* val = lookup(name)) {
        if (!append(*val)) return false;
      } else {
        undefined(name);
      }
      pos = k;
      continue;
    }
    if (!append("$")) return false;
    ++pos;
  }
  return true;
}

}}}  // namespace runtime::v1::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace env {

/// Bun 1.4.5: each file is parsed, then the keys it added are expanded against everything loaded so far
/// (so a key only in a lower-priority file reads as empty); single quotes expand too. What expansion produces
/// is bounded by ctx.limits (Bun itself has no bound: 489 bytes of `${A}` lines make it grow until killed);
/// going over throws env.expansion_limit at the key's line. In strict mode a `$NAME` or `${NAME}` with no value
/// (Bun expands it to nothing, silently) is the diagnostic env.undefined_variable.
struct bun_dialect {
  static constexpr std::string_view name = "bun";

  /// \throws runtime::error env.expansion_limit (see expansion_limits).
  void load_file(working_set& ws, std::string_view text, const file_context& ctx) {
    if (!ws.owns_text(text)) text = ws.adopt_text(std::string(text));  // entries view the text
    text = detail::strip_utf8_bom(text);
    const std::size_t before = ws.entries().size();
    detail::forward_line_counter lines(text);
    std::string scratch;
    struct sink {
      working_set& ws;
      const file_context& ctx;
      detail::forward_line_counter& lines;
      std::size_t before;
      std::string_view text;
      void entry(std::string_view key, std::string_view value, std::size_t key_pos) {
        std::uint32_t line = lines.line_of(key_pos);
        // Keys and unquoted values view the file text, which outlives the load; quoted ones are in scratch.
        bool in_text = value.data() >= text.data() && value.data() + value.size() <= text.data() + text.size();
        ws.put_unless_before(key, in_text ? value : ws.keep(value), ctx.file_id, line, before);
      }
      void problem(std::string_view code, std::size_t pos, std::string_view msg) {
        if (!ctx.strict) return;
        std::uint32_t line = lines.line_of(pos);
        error e(error_kind::env, std::string(code), std::string(msg));
        e.at(source_location{std::string(ctx.name), line, lines.column_of(pos), std::string(lines.line_text(pos))});
        ctx.diagnostics->push_back(std::move(e));
      }
    } s{ws, ctx, lines, before, text};
    detail::bun_parse(text, scratch, s);
    // Expansion of the keys this file added, in insertion order, against the whole map.
    auto lookup = [&ws](std::string_view k) { return ws.lookup(k); };
    std::string out;
    for (std::size_t i = before; i < ws.entries().size(); ++i) {
      std::string_view v = ws.entries()[i].value;
      if (v.size() < 2 || v.find('$') == std::string_view::npos) continue;
      out.clear();
      const std::size_t room = ctx.limits.total - std::min(ctx.limits.total, produced_);
      const std::size_t budget = std::min(ctx.limits.value, room);
      const auto& e = ws.entries()[i];
      auto undefined = [&](std::string_view name) {
        if (!ctx.strict) return;
        error d(error_kind::env, "env.undefined_variable",
                "$" + detail::cut_for_message(name) + " in the value of " + detail::cut_for_message(e.key) +
                    " has no value (it expands to nothing)");
        d.at(source_location{std::string(ctx.name), e.line, 0, {}});
        d.hint("write ${" + detail::cut_for_message(name) + ":-} to mean an empty default, or \\$ for a literal $");
        ctx.diagnostics->push_back(std::move(d));
      };
      if (!detail::bun_expand_into(v, lookup, out, 0, budget, undefined))
        throw expansion_limit_error(ctx.name, e.line, e.key, budget < ctx.limits.value,
                                    budget < ctx.limits.value ? ctx.limits.total : ctx.limits.value);
      produced_ += out.size();
      ws.entries()[i].value = ws.keep(out);
    }
  }
  void finish(working_set&) {}

 private:
  std::size_t produced_ = 0;  // bytes expansion produced in this load, every file so far
};

/// Runs Bun's .env grammar over `text` alone (no expansion, no precedence), calling
/// `on_entry(std::string_view key, std::string_view value)` per assignment in file order (the value view is only
/// valid during the call). Returns the number of assignments. For tools and benchmarks.
template <class OnEntry>
std::size_t parse_bun(std::string_view text, OnEntry&& on_entry) {
  struct sink {
    OnEntry& f;
    std::size_t n = 0;
    void entry(std::string_view k, std::string_view v, std::size_t) { ++n; f(k, v); }
    void problem(std::string_view, std::size_t, std::string_view) {}
  } s{on_entry};
  std::string scratch;
  detail::bun_parse(detail::strip_utf8_bom(text), scratch, s);
  return s.n;
}

}}}  // namespace runtime::v1::env
RUNTIME_EXPORT_END

#endif
