// SPDX-License-Identifier: MIT
// runtime.env: the Environment. An immutable snapshot of the process environment plus .env layers, each value
// with its provenance; Bun-exact .env parsing, expansion and file precedence (Bun 1.4.5 is the judge), a second
// dialect (the dotenv + dotenv-expand npm packages), strict-mode diagnostics, and CI/container/OS detection.
// This is the only module that reads `environ`.
#ifndef RUNTIME_MODULE
#  include <fcntl.h>
#  include <sys/stat.h>
#  include <sys/utsname.h>
#  include <unistd.h>  // environ (glibc declares it under _GNU_SOURCE, which C++ compilers define)
#  include <algorithm>
#  include <bit>
#  include <cerrno>
#  include <charconv>
#  include <concepts>
#  include <cstdint>
#  include <cstdlib>
#  include <cstring>
#  include <deque>
#  include <map>
#  include <memory>
#  include <memory_resource>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <unordered_map>
#  include <unordered_set>
#  include <utility>
#  include <vector>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ENV_HPP_)
#define RUNTIME_ENV_HPP_
#include "runtime/config.hpp"

namespace runtime::inline v1::detail::envd {

// Character classes as one table lookup each (the parser's hot loops).
enum : unsigned char { cc_ws = 1, cc_key = 2, cc_ident = 4, cc_value_end = 8 };
struct char_table {
  unsigned char t[256] = {};
  constexpr char_table() {
    // Bun's .env whitespace: ASCII only (the 1.4.5 parser does not treat 0xA0 as whitespace). Newlines included.
    for (unsigned char c : {' ', '\t', '\n', '\r', '\v', '\f'}) t[c] |= cc_ws;
    for (int c = 0; c < 256; ++c) {
      bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (alnum || c == '_') t[c] |= cc_ident;
      if (alnum || c == '_' || c == '-' || c == '.') t[c] |= cc_key;
    }
    for (unsigned char c : {'#', '\r', '\n'}) t[c] |= cc_value_end;
  }
};
inline constexpr char_table char_classes{};
inline constexpr bool is_ws(unsigned char c) noexcept { return char_classes.t[c] & cc_ws; }
inline constexpr bool is_key_char(unsigned char c) noexcept { return char_classes.t[c] & cc_key; }
inline constexpr bool is_ident(unsigned char c) noexcept { return char_classes.t[c] & cc_ident; }
inline constexpr bool is_value_end(unsigned char c) noexcept { return char_classes.t[c] & cc_value_end; }

/// Nonzero when one of the eight bytes of `w` is `c`.
inline constexpr std::uint64_t has_byte(std::uint64_t w, unsigned char c) noexcept {
  const std::uint64_t x = w ^ (0x0101010101010101ull * c);
  return (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
}

inline std::string_view strip_bom(std::string_view s) noexcept {
  if (s.size() >= 3 && static_cast<unsigned char>(s[0]) == 0xEF && static_cast<unsigned char>(s[1]) == 0xBB &&
      static_cast<unsigned char>(s[2]) == 0xBF)
    s.remove_prefix(3);
  return s;
}

/// Offset of the first byte that is not part of valid UTF-8, or npos.
inline std::size_t first_invalid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = s.size(), i = 0;
  while (i < n) {
    // ASCII eight bytes at a time.
    for (; i + 8 <= n; i += 8) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ull) break;
    }
    if (i >= n) break;
    unsigned char c = p[i];
    if (c < 0x80) { ++i; continue; }
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; if (c == 0xE0) lo = 0xA0; if (c == 0xED) hi = 0x9F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; if (c == 0xF0) lo = 0x90; if (c == 0xF4) hi = 0x8F; }
    else return i;
    if (i + len > n) return i;
    if (p[i + 1] < lo || p[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    i += len;
  }
  return std::string_view::npos;
}

/// Counts lines up to a position that only moves forward, so provenance costs O(file size) in total.
class line_counter {
 public:
  explicit line_counter(std::string_view src) noexcept
      : src_(src), has_cr_(!src.empty() && std::memchr(src.data(), '\r', src.size()) != nullptr) {}
  /// 1-based line of byte `pos` (\n, \r\n and a lone \r each end a line). \pre pos never decreases.
  inline std::uint32_t line_of(std::size_t pos) noexcept {
    if (pos > src_.size()) pos = src_.size();
    if (at_ >= pos) return line_;
    if (!has_cr_) {
      // No \r anywhere: count \n eight bytes at a time and remember where the last one ends.
      const char* s = src_.data();
      std::size_t i = at_, count = 0;
      for (; i + 8 <= pos; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, s + i, 8);
        std::uint64_t x = w ^ 0x0A0A0A0A0A0A0A0Aull;  // zero bytes where '\n'
        std::uint64_t t = ((x & 0x7F7F7F7F7F7F7F7Full) + 0x7F7F7F7F7F7F7F7Full) | x;
        count += static_cast<std::size_t>((((~t & 0x8080808080808080ull) >> 7) * 0x0101010101010101ull) >> 56);
      }
      for (; i < pos; ++i) count += s[i] == '\n';
      if (count) {
        line_ += static_cast<std::uint32_t>(count);
        std::size_t k = pos;
        while (s[k - 1] != '\n') --k;
        line_start_ = k;
      }
      at_ = pos;
      return line_;
    }
    while (at_ < pos) {
      char c = src_[at_++];
      if (c == '\n' || (c == '\r' && (at_ >= src_.size() || src_[at_] != '\n'))) {
        ++line_;
        line_start_ = at_;
      }
    }
    return line_;
  }
  /// 1-based column of `pos` (bytes); valid right after line_of(pos).
  std::uint32_t column_of(std::size_t pos) const noexcept { return static_cast<std::uint32_t>(pos - line_start_ + 1); }
  std::string_view line_text(std::size_t pos) const noexcept {
    std::size_t e = pos;
    while (e < src_.size() && src_[e] != '\n' && src_[e] != '\r') ++e;
    return src_.substr(line_start_, e - line_start_);
  }

 private:
  std::string_view src_;
  bool has_cr_;
  std::size_t at_ = 0, line_start_ = 0;
  std::uint32_t line_ = 1;
};

/// Bun 1.4.5's .env grammar. Calls sink.entry(key, value, key_pos) per assignment (value may live in the
/// scratch buffer: copy it) and sink.problem(code, pos, message) for what strict mode reports. Iterative.
template <class Sink>
void bun_parse(std::string_view src, std::string& scratch, Sink& sink) {
  const std::size_t n = src.size();
  const char* s = src.data();
  std::size_t pos = 0;
  auto skip_ws = [&] { while (pos < n && is_ws(static_cast<unsigned char>(s[pos]))) ++pos; };
  auto skip_line = [&] {
    while (pos < n && s[pos] != '\n' && s[pos] != '\r') ++pos;
    if (pos < n) ++pos;
  };
  // Returns the key or an empty view; on failure pos is reset to where the key would start.
  auto parse_key = [&](bool check_export) -> std::string_view {
    if (check_export) skip_ws();
    std::size_t start = pos, end = start;
    while (end < n && is_key_char(static_cast<unsigned char>(s[end]))) ++end;
    if (end < n && start < end) {
      pos = end;
      skip_ws();
      if (pos < n) {
        if (check_export && end < pos && std::string_view(s + start, end - start) == "export") {
          std::size_t istart = pos, iend = istart;
          while (iend < n && is_key_char(static_cast<unsigned char>(s[iend]))) ++iend;
          if (iend < n && istart < iend) {
            pos = iend;
            skip_ws();
            if (pos < n) {
              if (s[pos] == '=') { ++pos; return {s + istart, iend - istart}; }
              if (s[pos] == ':' && pos + 1 < n && is_ws(static_cast<unsigned char>(s[pos + 1]))) {
                pos += 2;
                return {s + istart, iend - istart};
              }
            }
          }
          pos = istart;
        }
        if (s[pos] == '=') { ++pos; return {s + start, end - start}; }
        if (s[pos] == ':' && pos + 1 < n && is_ws(static_cast<unsigned char>(s[pos + 1]))) {
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
          if (has_byte(w, static_cast<unsigned char>(q)) | has_byte(w, '\\') | has_byte(w, '\r')) break;
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
    while (e < n && !is_value_end(static_cast<unsigned char>(s[e]))) ++e;
    pos = e;
    std::size_t b = vstart;
    while (b < e && is_ws(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && is_ws(static_cast<unsigned char>(s[e - 1]))) --e;
    sink.entry(key, std::string_view(s + b, e - b), key_pos);
  }
}

/// Bun 1.4.5's expansion of one value: left to right, `\$`, `$NAME`, `${NAME}`, `${NAME:-default}` (the default
/// expanded in turn, at most 200 levels deep, then literal). `lookup(name)` returns a const std::string_view*
/// (nullptr when undefined). Appends to `out`.
template <class Lookup>
void bun_expand_into(std::string_view v, const Lookup& lookup, std::string& out, unsigned depth = 0) {
  const std::size_t n = v.size();
  std::size_t pos = 0;
  while (pos < n) {
    // Copy the run without '$' or '\' in one go.
    std::size_t run = pos;
    while (run < n && v[run] != '$' && v[run] != '\\') ++run;
    out.append(v.data() + pos, run - pos);
    pos = run;
    if (pos >= n) break;
    char b = v[pos];
    if (b == '\\') {
      if (pos + 1 < n && v[pos + 1] == '$') { out.push_back('$'); pos += 2; }
      else { out.push_back('\\'); ++pos; }
      continue;
    }
    if (pos + 1 >= n) { out.push_back('$'); ++pos; continue; }
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
      if (close == std::string_view::npos) { out.append(v.substr(pos)); break; }
      std::string_view body = v.substr(inner, close - inner);
      std::size_t ke = 0;
      while (ke < body.size() && is_ident(static_cast<unsigned char>(body[ke]))) ++ke;
      std::string_view key = body.substr(0, ke), rest = body.substr(ke);
      if (rest.empty()) {
        if (const std::string_view* val = lookup(key)) out.append(*val);
      } else if (rest.size() >= 2 && rest[0] == ':' && rest[1] == '-') {
        if (const std::string_view* val = lookup(key)) out.append(*val);
        else if (depth < 200) bun_expand_into(rest.substr(2), lookup, out, depth + 1);
        else out.append(rest.substr(2));
      } else {
        out.append(v.substr(pos, close + 1 - pos));
      }
      pos = close + 1;
      continue;
    }
    if (is_ident(static_cast<unsigned char>(next))) {
      std::size_t k = pos + 1;
      while (k < n && is_ident(static_cast<unsigned char>(v[k]))) ++k;
      if (const std::string_view* val = lookup(v.substr(pos + 1, k - pos - 1))) out.append(*val);
      pos = k;
      continue;
    }
    out.push_back('$');
    ++pos;
  }
}

// ---- dotenv (npm) dialect helpers -------------------------------------------------------------------------

// JavaScript's \s for the code points that can appear in UTF-8 text (ASCII + the Unicode spaces).
// Returns the byte length of the whitespace character at s[i], or 0.
inline std::size_t js_space_len(std::string_view s, std::size_t i) noexcept {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || (c >= 9 && c <= 13)) return 1;
  if (c < 0xC2) return 0;
  auto at = [&](std::size_t k) -> unsigned { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  if (c == 0xC2 && at(1) == 0xA0) return 2;                                   // U+00A0
  if (c == 0xE1 && at(1) == 0x9A && at(2) == 0x80) return 3;                 // U+1680
  if (c == 0xE2 && at(1) == 0x80 && ((at(2) >= 0x80 && at(2) <= 0x8A) || at(2) == 0xA8 || at(2) == 0xA9 || at(2) == 0xAF))
    return 3;                                                                // U+2000-200A, 2028, 2029, 202F
  if (c == 0xE2 && at(1) == 0x81 && at(2) == 0x9F) return 3;                 // U+205F
  if (c == 0xE3 && at(1) == 0x80 && at(2) == 0x80) return 3;                 // U+3000
  if (c == 0xEF && at(1) == 0xBB && at(2) == 0xBF) return 3;                 // U+FEFF
  return 0;
}
inline bool js_line_end(std::string_view s, std::size_t i) noexcept {
  if (i >= s.size()) return true;
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == '\n' || c == '\r') return true;
  return c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
         (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9);
}
inline std::string_view js_trim(std::string_view v) noexcept {
  std::size_t b = 0;
  while (b < v.size()) { auto l = js_space_len(v, b); if (!l) break; b += l; }
  v.remove_prefix(b);
  // Trailing: step back over whitespace code points (at most 3 bytes each).
  for (;;) {
    bool cut = false;
    for (std::size_t l = 1; l <= 3 && l <= v.size(); ++l)
      if (js_space_len(v, v.size() - l) == l) { v.remove_suffix(l); cut = true; break; }
    if (!cut) break;
  }
  return v;
}

/// After a candidate closing quote: does `\s*(?:#.*)?$` match (multiline $)?
inline bool dotenv_tail_ok(std::string_view s, std::size_t i) noexcept {
  while (i < s.size() && !js_line_end(s, i)) {
    auto l = js_space_len(s, i);
    if (!l) return s[i] == '#';
    i += l;
  }
  return true;
}

/// dotenv 18's LINE regex, emulated without backtracking recursion. `src` has CRLF/CR already folded to LF.
template <class Sink>
void dotenv_parse(std::string_view src, Sink& sink) {
  const std::size_t n = src.size();
  std::size_t line = 0;  // start of the line being tried
  while (line < n) {
    std::size_t next_line = line;
    while (next_line < n && src[next_line] != '\n') ++next_line;
    if (next_line < n) ++next_line;
    // \s* (may cross lines: equivalent to trying the later line, which the loop does anyway)
    std::size_t p = line;
    while (p < n && src[p] != '\n') { auto l = js_space_len(src, p); if (!l) break; p += l; }
    if (p >= n || src[p] == '\n') { line = next_line; continue; }
    std::size_t key_pos = p;
    auto try_key = [&](std::size_t at, std::size_t& after) -> std::size_t {  // returns key end or npos
      std::size_t e = at;
      while (e < n && (is_ident(static_cast<unsigned char>(src[e])) || src[e] == '.' || src[e] == '-')) ++e;
      if (e == at) return std::string_view::npos;
      std::size_t k = e;
      while (k < n) { auto l = js_space_len(src, k); if (!l) break; k += l; }
      if (k < n && src[k] == '=') { after = k + 1; return e; }
      if (e < n && src[e] == ':' && e + 1 < n && js_space_len(src, e + 1)) { after = e + 1 + js_space_len(src, e + 1); return e; }
      return std::string_view::npos;
    };
    std::size_t after = 0, key_end = std::string_view::npos, kstart = p;
    if (src.compare(p, 6, "export") == 0 && p + 6 < n && js_space_len(src, p + 6)) {
      std::size_t k = p + 6;
      while (k < n) { auto l = js_space_len(src, k); if (!l) break; k += l; }
      key_end = try_key(k, after);
      if (key_end != std::string_view::npos) kstart = k;
    }
    if (key_end == std::string_view::npos) { kstart = p; key_end = try_key(p, after); }
    if (key_end == std::string_view::npos) {
      if (src[p] != '#') sink.problem("env.malformed_line", key_pos, "not a KEY=value line");
      line = next_line;
      continue;
    }
    std::string_view key = src.substr(kstart, key_end - kstart);
    // Value alternatives. For '(?:\s*=\s*?)' the lazy \s*? matches nothing first; each quoted alternative
    // skips its own \s*, the unquoted one starts right after the separator.
    std::size_t v = after;
    while (v < n) { auto l = js_space_len(src, v); if (!l) break; v += l; }
    std::string_view value;
    bool got = false;
    std::size_t resume = next_line;
    if (v < n && (src[v] == '"' || src[v] == '\'' || src[v] == '`')) {
      char q = src[v];
      // Longest run first: up to the first quote not preceded by '\'; then the escaped ones, right to left.
      std::vector<std::size_t> cands;
      std::size_t i = v + 1;
      std::size_t first_plain = std::string_view::npos;
      while (i < n) {
        if (src[i] == q) {
          if (src[i - 1] == '\\' && i - 1 > v) { cands.push_back(i); ++i; continue; }
          first_plain = i;
          break;
        }
        ++i;
      }
      auto accept = [&](std::size_t c) {
        if (!dotenv_tail_ok(src, c + 1)) return false;
        value = src.substr(v, c + 1 - v);
        std::size_t r = c + 1;
        while (r < n && src[r] != '\n') ++r;
        resume = r < n ? r + 1 : n;
        return true;
      };
      if (first_plain != std::string_view::npos && accept(first_plain)) got = true;
      for (std::size_t k = cands.size(); !got && k-- > 0;)
        if (accept(cands[k])) got = true;
    }
    if (!got) {
      std::size_t e = after;
      while (e < n && src[e] != '#' && src[e] != '\n' && src[e] != '\r') ++e;
      value = src.substr(after, e - after);
      // The match ends on the value's line, which is a later one when the separator spanned a newline
      // ("K:\nv", "K\n=v").
      std::size_t r = e;
      while (r < n && src[r] != '\n') ++r;
      resume = std::max(resume, r < n ? r + 1 : n);
    }
    sink.entry(key, value, key_pos);
    line = resume;
  }
}

/// The value dotenv keeps for a raw match: trimmed, the outer quotes stripped, and for double quotes \n and \r.
inline std::string dotenv_value(std::string_view raw) {
  std::string_view v = js_trim(raw);
  char q = v.empty() ? '\0' : v[0];
  if (v.size() >= 2 && (q == '"' || q == '\'' || q == '`') && v.back() == q) v = v.substr(1, v.size() - 2);
  std::string out;
  out.reserve(v.size());
  if (q == '"') {
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (v[i] == '\\' && i + 1 < v.size() && (v[i + 1] == 'n' || v[i + 1] == 'r')) {
        out.push_back(v[i + 1] == 'n' ? '\n' : '\r');
        ++i;
      } else {
        out.push_back(v[i]);
      }
    }
  } else {
    out.assign(v);
  }
  return out;
}

/// JavaScript String.prototype.replace(string, string): the first occurrence, with $$, $&, $` and $'.
inline std::string js_replace_first(const std::string& s, std::string_view pat, std::string_view rep) {
  auto at = s.find(pat);
  if (at == std::string::npos) return s;
  std::string out(s, 0, at);
  for (std::size_t i = 0; i < rep.size(); ++i) {
    if (rep[i] == '$' && i + 1 < rep.size()) {
      char c = rep[i + 1];
      if (c == '$') { out.push_back('$'); ++i; continue; }
      if (c == '&') { out.append(pat); ++i; continue; }
      if (c == '`') { out.append(s, 0, at); ++i; continue; }
      if (c == '\'') { out.append(s, at + pat.size()); ++i; continue; }
    }
    out.push_back(rep[i]);
  }
  out.append(s, at + pat.size());
  return out;
}

/// The bytes environments view: the .env texts, the loader's arena (quoted and expanded values, process
/// variables) and the storages of environments this one was derived from. Written only while one environment
/// is being built, then shared read-only by it and its copies (a snapshot's views stay valid as long as any
/// environment holding the storage lives).
struct env_storage {
  explicit env_storage(std::pmr::memory_resource* upstream = nullptr)
      : arena(upstream ? upstream : std::pmr::new_delete_resource()) {}
  env_storage(const env_storage&) = delete;
  env_storage& operator=(const env_storage&) = delete;
  /// Copies `s` into the arena.
  inline std::string_view keep(std::string_view s) {
    if (s.empty()) return std::string_view("", 0);  // never a null data()
    char* p = static_cast<char*>(arena.allocate(s.size(), 1));
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }
  /// Takes ownership of a whole text (a .env file); the view stays valid as long as the storage.
  inline std::string_view adopt(std::string text) {
    texts.push_back(std::move(text));
    return texts.back();
  }
  std::pmr::monotonic_buffer_resource arena;
  std::deque<std::string> texts;
  std::vector<std::shared_ptr<const env_storage>> parents;
};

/// A value's origin as an environment stores it: file 0 = the process, else a 1-based index into its files.
struct origin_ref {
  std::uint32_t file = 0;
  std::uint32_t line = 0;
};

/// The first 8 bytes of `k` from `off` on, as a big-endian number (zero-padded): comparing two of them orders
/// like comparing the bytes.
inline std::uint64_t key_prefix(std::string_view k, std::size_t off) noexcept {
  if (k.size() >= off + 8) {
    std::uint64_t w;
    std::memcpy(&w, k.data() + off, 8);
    if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
    return w;
  }
  if (k.size() <= off) return 0;
  if (k.size() >= 8) {
    // The last eight bytes of the key (in bounds), shifted so that byte `off` comes first.
    std::uint64_t w;
    std::memcpy(&w, k.data() + k.size() - 8, 8);
    if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
    return w << (8 * (off + 8 - k.size()));
  }
  std::uint64_t w = 0;  // a byte loop: a memcpy of variable length is a library call
  for (std::size_t i = off; i < off + 8; ++i) w = (w << 8) | (i < k.size() ? static_cast<unsigned char>(k[i]) : 0u);
  return w;
}

/// The indexes 0..n-1 ordered by (key_of(i) bytewise, i). LSD radix sort on the first 12 bytes (a counting
/// pass per byte position where the keys differ), then comparison sorts only within runs of keys sharing
/// those 12 bytes: comparison sorting 100,000 keys was a fifth of `rt env`.
template <class KeyOf>
std::vector<std::uint32_t> sorted_order(std::size_t n, const KeyOf& key_of) {
  std::vector<std::uint32_t> out(n);
  if (n < 64) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint32_t>(i);
    std::sort(out.begin(), out.end(), [&](std::uint32_t a, std::uint32_t b) {
      int c = key_of(a).compare(key_of(b));
      return c != 0 ? c < 0 : a < b;
    });
    return out;
  }
  struct item {
    std::uint64_t hi;  // bytes 0-7
    std::uint32_t lo;  // bytes 8-11
    std::uint32_t index;
  };
  std::vector<item> a(n), tmp(n);
  // Byte positions where some keys differ (the others need no pass).
  std::uint64_t hi_and = ~std::uint64_t{0}, hi_or = 0;
  std::uint32_t lo_and = ~std::uint32_t{0}, lo_or = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::string_view k = key_of(i);
    item& it = a[i];
    it = item{key_prefix(k, 0), static_cast<std::uint32_t>(key_prefix(k, 8) >> 32), static_cast<std::uint32_t>(i)};
    hi_and &= it.hi;
    hi_or |= it.hi;
    lo_and &= it.lo;
    lo_or |= it.lo;
  }
  const std::uint64_t hi_diff = hi_and ^ hi_or, lo_diff = lo_and ^ lo_or;  // bits where keys differ
  std::uint32_t count[256];
  for (int pass = 0; pass < 12; ++pass) {  // least significant byte first: lo's 4 bytes, then hi's 8
    const bool on_lo = pass < 4;
    const int shift = (on_lo ? pass : pass - 4) * 8;
    if ((((on_lo ? lo_diff : hi_diff) >> shift) & 0xFF) == 0) continue;
    std::memset(count, 0, sizeof count);
    if (on_lo)
      for (const item& it : a) ++count[(it.lo >> shift) & 0xFF];
    else
      for (const item& it : a) ++count[(it.hi >> shift) & 0xFF];
    std::uint32_t sum = 0;
    for (auto& c : count) {
      std::uint32_t v = c;
      c = sum;
      sum += v;
    }
    if (on_lo)
      for (const item& it : a) tmp[count[(it.lo >> shift) & 0xFF]++] = it;
    else
      for (const item& it : a) tmp[count[(it.hi >> shift) & 0xFF]++] = it;
    a.swap(tmp);
  }
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && a[j].hi == a[i].hi && a[j].lo == a[i].lo) ++j;
    if (j - i > 1)
      std::sort(a.begin() + static_cast<std::ptrdiff_t>(i), a.begin() + static_cast<std::ptrdiff_t>(j),
                [&](const item& x, const item& y) {
                  int c = key_of(x.index).compare(key_of(y.index));
                  return c != 0 ? c < 0 : x.index < y.index;
                });
    i = j;
  }
  for (std::size_t i = 0; i < n; ++i) out[i] = a[i].index;
  return out;
}

}  // namespace runtime::inline v1::detail::envd

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1 {

/// Where one value came from: the process environment (`file` empty), or `file:line` of a .env file.
struct env_origin {
  std::string file;        ///< path as named (default files by their base name); empty for the process
  std::uint32_t line = 0;  ///< 1-based line of the key in `file`
  bool is_process() const noexcept { return file.empty(); }
  /// "process" or "file:line".
  std::string to_string() const {
    if (is_process()) return "process";
    return file + ":" + std::to_string(line);
  }
};

/// A child's environment block: owns its `KEY=VALUE` strings and a NULL-terminated pointer array for
/// execve/posix_spawn. Building one never touches the parent's environment. Move-only (the pointers point
/// into the owned strings).
class child_envp {
 public:
  child_envp() { ptrs_.push_back(nullptr); }
  explicit child_envp(std::vector<std::string> entries) : storage_(std::move(entries)) { rebuild(); }
  child_envp(child_envp&&) noexcept = default;
  child_envp& operator=(child_envp&&) noexcept = default;
  child_envp(const child_envp&) = delete;
  child_envp& operator=(const child_envp&) = delete;
  /// The NULL-terminated array (valid while this object lives and is not moved from).
  char* const* data() const noexcept { return ptrs_.data(); }
  char** data() noexcept { return ptrs_.data(); }
  /// Number of entries, not counting the terminating nullptr.
  std::size_t size() const noexcept { return storage_.size(); }
  const std::vector<std::string>& entries() const noexcept { return storage_; }

 private:
  void rebuild() {
    ptrs_.clear();
    ptrs_.reserve(storage_.size() + 1);
    for (auto& s : storage_) ptrs_.push_back(s.data());
    ptrs_.push_back(nullptr);
  }
  std::vector<std::string> storage_;
  std::vector<char*> ptrs_;
};

/// An immutable snapshot of environment variables, each with its origin. Lookups never touch the live process
/// environment. Iteration is in a stable order (sorted by key, bytewise). Keys and values are views into bytes
/// the snapshot owns (shared by its copies): they stay valid as long as this environment or any copy of it (or
/// any environment derived from it with with()/without()) lives.
class environment {
 public:
  using value_type = std::pair<std::string_view, std::string_view>;
  using const_iterator = std::vector<value_type>::const_iterator;

  environment() = default;

  /// Snapshots `environ` now. An entry without '=' reads as an empty value; an empty key is skipped; with
  /// duplicate keys the last wins, as in Bun 1.4.5's process.env (libc's getenv would see the first).
  static environment from_process() {
    environment e;
    auto st = std::make_shared<detail::envd::env_storage>();
    std::vector<value_type> pairs;
    for (char** p = environ; p && *p; ++p) {
      std::string_view entry(*p);
      auto eq = entry.find('=');
      std::string_view key = entry.substr(0, eq);
      if (key.empty()) continue;
      std::string_view value = eq == std::string_view::npos ? std::string_view{} : entry.substr(eq + 1);
      pairs.emplace_back(st->keep(key), st->keep(value));
    }
    std::reverse(pairs.begin(), pairs.end());  // assign_refs keeps the first of equal keys
    e.store_ = std::move(st);
    e.assign_refs(std::move(pairs), {});
    return e;
  }

  /// Builds a snapshot from explicit pairs (tests, child environments); later duplicates are ignored. All values
  /// have the process as their origin.
  static environment from_pairs(std::vector<std::pair<std::string, std::string>> pairs) {
    return from_pairs_with_origins(std::move(pairs), {});
  }

  /// Builds a snapshot with origins: `origins[i]` belongs to `pairs[i]` (missing ones mean the process).
  /// Later duplicates are ignored.
  static environment from_pairs_with_origins(std::vector<std::pair<std::string, std::string>> pairs,
                                             std::vector<env_origin> origins) {
    environment e;
    std::vector<detail::envd::origin_ref> refs(pairs.size());
    std::unordered_map<std::string, std::uint32_t> file_ids;
    for (std::size_t i = 0; i < refs.size() && i < origins.size(); ++i) {
      if (origins[i].is_process()) continue;
      auto [it, fresh] = file_ids.try_emplace(origins[i].file, static_cast<std::uint32_t>(e.files_.size() + 1));
      if (fresh) e.files_.push_back(origins[i].file);
      refs[i] = detail::envd::origin_ref{it->second, origins[i].line};
    }
    e.adopt_pairs(pairs, std::move(refs));
    return e;
  }

  /// Builds a snapshot from parts: `file_of[i]` is 0 for the process or a 1-based index into `files`,
  /// `line_of[i]` the line. Later duplicates are ignored.
  static environment from_parts(std::vector<std::pair<std::string, std::string>> pairs,
                                std::vector<std::uint32_t> file_of, std::vector<std::uint32_t> line_of,
                                std::vector<std::string> files) {
    environment e;
    std::vector<detail::envd::origin_ref> refs(pairs.size());
    for (std::size_t i = 0; i < refs.size(); ++i)
      refs[i] = {i < file_of.size() ? file_of[i] : 0u, i < line_of.size() ? line_of[i] : 0u};
    e.adopt_pairs(pairs, std::move(refs));
    e.files_ = std::move(files);
    return e;
  }

  /// The loader's builder (no copies): \pre `vars` sorted by key with unique keys, viewing bytes `storage`
  /// keeps alive; `origins` parallel to it (file 0 = the process, else a 1-based index into `files`).
  static environment from_sorted_views(std::vector<value_type> vars, std::vector<detail::envd::origin_ref> origins,
                                       std::vector<std::string> files,
                                       std::shared_ptr<const detail::envd::env_storage> storage) {
    environment e;
    e.vars_ = std::move(vars);
    e.origins_ = std::move(origins);
    e.files_ = std::move(files);
    e.store_ = std::move(storage);
    return e;
  }

  /// The value of `key`, or nullopt when unset.
  inline std::optional<std::string_view> get(std::string_view key) const {
    auto i = find(key);
    if (i == npos) return std::nullopt;
    return vars_[i].second;
  }
  /// Same as get(); lets an environment serve as a lookup callable (runtime::log::config::from_environment).
  inline std::optional<std::string_view> operator()(std::string_view key) const { return get(key); }

  inline bool contains(std::string_view key) const { return find(key) != npos; }

  /// The value of `key`, or `fallback` when unset.
  std::string get_or(std::string_view key, std::string_view fallback) const {
    auto v = get(key);
    return std::string(v ? *v : fallback);
  }

  /// Bun's truthiness: unset, "", "0" and "false" are false; everything else is true.
  inline bool get_bool(std::string_view key) const {
    auto v = get(key);
    return v && !v->empty() && *v != "0" && *v != "false";
  }

  /// The value of `key` as a decimal integer (surrounding ASCII spaces allowed), or nullopt when unset.
  /// \throws runtime::error kind env, code "env.not_an_integer", when set but not an integer in range.
  std::optional<std::int64_t> get_int(std::string_view key) const {
    auto v = get(key);
    if (!v) return std::nullopt;
    std::string_view t = *v;
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    if (!t.empty() && t.front() == '+') t.remove_prefix(1);
    std::int64_t out = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    if (t.empty() || ec != std::errc{} || p != t.data() + t.size()) {
      error e(error_kind::env, "env.not_an_integer",
              std::string(key) + " is not an integer" + (ec == std::errc::result_out_of_range ? " in range" : ""));
      auto o = origin(key);
      if (o && !o->is_process()) e.at(source_location{o->file, o->line, 1, {}});
      throw e;
    }
    return out;
  }
  /// get_int(key), or `fallback` when unset. \throws like get_int when set but invalid.
  std::int64_t get_int_or(std::string_view key, std::int64_t fallback) const {
    auto v = get_int(key);
    return v ? *v : fallback;
  }

  /// Where `key`'s value came from, or nullopt when unset.
  std::optional<env_origin> origin(std::string_view key) const {
    auto i = find(key);
    if (i == npos) return std::nullopt;
    const auto& r = origins_[i];
    if (r.file == 0) return env_origin{};
    return env_origin{files_[r.file - 1], r.line};
  }

  inline std::size_t size() const noexcept { return vars_.size(); }
  inline bool empty() const noexcept { return vars_.empty(); }
  /// Iteration in a stable order (sorted by key).
  inline const_iterator begin() const noexcept { return vars_.begin(); }
  inline const_iterator end() const noexcept { return vars_.end(); }

  /// A copy with `key` set to `value` (origin: the process, i.e. set by the program).
  environment with(std::string_view key, std::string_view value) const {
    environment e = *this;
    auto st = std::make_shared<detail::envd::env_storage>();
    if (store_) st->parents.push_back(store_);
    std::string_view v = st->keep(value);
    auto i = e.find(key);
    if (i != npos) {
      e.vars_[i].second = v;
      e.origins_[i] = {};
    } else {
      auto it = std::lower_bound(e.vars_.begin(), e.vars_.end(), key,
                                 [](const value_type& a, std::string_view k) { return a.first < k; });
      auto at = it - e.vars_.begin();
      e.vars_.insert(it, value_type(st->keep(key), v));
      e.origins_.insert(e.origins_.begin() + at, detail::envd::origin_ref{});
    }
    e.store_ = std::move(st);
    return e;
  }
  /// A copy without `key`.
  environment without(std::string_view key) const {
    environment e = *this;
    auto i = e.find(key);
    if (i != npos) {
      e.vars_.erase(e.vars_.begin() + static_cast<std::ptrdiff_t>(i));
      e.origins_.erase(e.origins_.begin() + static_cast<std::ptrdiff_t>(i));
    }
    return e;
  }

  /// A child's envp with exactly these variables (sorted by key). Touches no global state.
  child_envp to_envp() const {
    std::vector<std::string> v;
    v.reserve(vars_.size());
    for (const auto& [k, val] : vars_) {
      std::string s;
      s.reserve(k.size() + 1 + val.size());
      s.append(k).push_back('=');
      s.append(val);
      v.push_back(std::move(s));
    }
    return child_envp(std::move(v));
  }

  /// Makes the live process environment equal this snapshot (setenv each variable; unset the others when
  /// `exact`). Explicit because it is not thread-safe: no other thread may read or write the environment
  /// (getenv included) while it runs. Returns false when a setenv failed (e.g. a key containing '=').
  bool apply_to_process(bool exact = true) const {
    bool ok = true;
    if (exact) {
      std::vector<std::string> drop;
      for (char** p = environ; p && *p; ++p) {
        std::string_view entry(*p);
        std::string_view key = entry.substr(0, entry.find('='));
        if (!key.empty() && !contains(key)) drop.emplace_back(key);
      }
      for (const auto& k : drop) ::unsetenv(k.c_str());
    }
    for (const auto& [k, v] : vars_) {
      std::string ks(k), vs(v);
      if (ks.find('=') != std::string::npos || ::setenv(ks.c_str(), vs.c_str(), 1) != 0) ok = false;
    }
    return ok;
  }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  inline std::size_t find(std::string_view key) const noexcept {
    auto it = std::lower_bound(vars_.begin(), vars_.end(), key,
                               [](const value_type& a, std::string_view k) { return a.first < k; });
    if (it == vars_.end() || it->first != key) return npos;
    return static_cast<std::size_t>(it - vars_.begin());
  }

  /// Copies `pairs` into a fresh storage, then sorts and deduplicates them.
  void adopt_pairs(const std::vector<std::pair<std::string, std::string>>& pairs,
                   std::vector<detail::envd::origin_ref> refs) {
    auto st = std::make_shared<detail::envd::env_storage>();
    std::vector<value_type> views;
    views.reserve(pairs.size());
    for (const auto& [k, v] : pairs) views.emplace_back(st->keep(k), st->keep(v));
    store_ = std::move(st);
    assign_refs(std::move(views), std::move(refs));
  }

  /// Sorts by (key, position) and keeps the first of equal keys. `refs` may be shorter (the process).
  void assign_refs(std::vector<value_type> pairs, std::vector<detail::envd::origin_ref> refs) {
    auto idx = detail::envd::sorted_order(pairs.size(), [&](std::size_t i) { return pairs[i].first; });
    vars_.clear();
    origins_.clear();
    vars_.reserve(idx.size());
    origins_.reserve(idx.size());
    for (std::uint32_t i : idx) {
      if (!vars_.empty() && vars_.back().first == pairs[i].first) continue;
      vars_.push_back(pairs[i]);
      origins_.push_back(i < refs.size() ? refs[i] : detail::envd::origin_ref{});
    }
  }

  std::vector<value_type> vars_;
  std::vector<detail::envd::origin_ref> origins_;
  std::vector<std::string> files_;
  std::shared_ptr<const detail::envd::env_storage> store_;
};

namespace env {

/// How read_text_file ended.
enum class read_status : std::uint8_t {
  ok,
  missing,       ///< does not exist (ENOENT, ENOTDIR)
  unreadable,    ///< open or read failed; error_number says why
  is_directory,
  not_regular,   ///< a FIFO, socket or device, and special files were not allowed
  too_large,     ///< longer than the limit
};

/// Reads the whole file at `path` into `out` (replacing it). A regular file is always read; anything else (a
/// FIFO, a device, the /dev/fd/N of a shell's `<(...)`) only when `special_ok`, because opening a FIFO that
/// has no writer blocks forever and a device may never end: callers allow it for paths the user named, not
/// for files they look for. Stops with too_large past `limit` bytes, so /dev/zero or a runaway file cannot
/// exhaust memory. `error_number` is errno for unreadable. Never throws except std::bad_alloc.
inline read_status read_text_file(const std::string& path, std::string& out, bool special_ok, std::size_t limit,
                                  int& error_number) {
  error_number = 0;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    error_number = errno;
    return error_number == ENOENT || error_number == ENOTDIR ? read_status::missing : read_status::unreadable;
  }
  if (S_ISDIR(st.st_mode)) return read_status::is_directory;
  if (!S_ISREG(st.st_mode) && !special_ok) return read_status::not_regular;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error_number = errno;
    return error_number == ENOENT || error_number == ENOTDIR ? read_status::missing : read_status::unreadable;
  }
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {  // replaced between the stat and the open
    ::close(fd);
    return read_status::is_directory;
  }
  // Straight into the string (one copy), sized by fstat and grown when the file turns out longer.
  out.clear();
  std::size_t have = 0;
  std::size_t first = S_ISREG(st.st_mode) && st.st_size > 0 ? static_cast<std::size_t>(st.st_size) + 1 : 4096;
  out.resize(std::min(first, limit + 1));
  for (;;) {
    if (have == out.size()) {
      if (have > limit) break;
      out.resize(std::min(out.size() * 2, limit + 1));
    }
    auto n = ::read(fd, out.data() + have, out.size() - have);
    if (n < 0) {
      if (errno == EINTR) continue;
      error_number = errno;
      ::close(fd);
      out.clear();
      return read_status::unreadable;
    }
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (have > limit) {
    out.resize(limit);
    return read_status::too_large;
  }
  out.resize(have);
  return read_status::ok;
}

/// The most read_text_file reads of one .env file (256 MiB), and of one config file (16 MiB).
inline constexpr std::size_t env_file_limit = std::size_t(256) << 20;
inline constexpr std::size_t config_file_limit = std::size_t(16) << 20;

/// NODE_ENV/BUN_ENV mode, which picks the default .env files.
enum class mode : std::uint8_t { development, production, test };

/// "development", "production" or "test".
constexpr std::string_view to_string(mode m) noexcept {
  return m == mode::production ? "production" : m == mode::test ? "test" : "development";
}

/// Bun's rule: BUN_ENV if set (even empty), else NODE_ENV; "production" and "test" pick those modes, anything
/// else (unset, "", "undefined", ...) is development.
inline mode mode_of(const environment& process) {
  auto v = process.get("BUN_ENV");
  if (!v) v = process.get("NODE_ENV");
  if (v && *v == "production") return mode::production;
  if (v && *v == "test") return mode::test;
  return mode::development;
}

/// The default files for a mode, highest priority first (Bun's load order; the first writer of a key wins).
inline std::vector<std::string> default_files(mode m) {
  switch (m) {
    case mode::production: return {".env.production.local", ".env.local", ".env.production", ".env"};
    case mode::test: return {".env.test.local", ".env.test", ".env"};
    case mode::development: break;
  }
  return {".env.development.local", ".env.local", ".env.development", ".env"};
}

/// Splits `--env-file` values the way Bun does and returns the files highest priority first: the values are
/// walked last to first, each is trimmed of spaces, each comma list right to left; blank items are ignored
/// (items are not trimmed individually: "a, b" names " b").
inline std::vector<std::string> explicit_files(const std::vector<std::string>& env_files) {
  std::vector<std::string> out;
  for (std::size_t i = env_files.size(); i-- > 0;) {
    std::string_view a = env_files[i];
    while (!a.empty() && a.front() == ' ') a.remove_prefix(1);
    while (!a.empty() && a.back() == ' ') a.remove_suffix(1);
    while (!a.empty()) {
      auto c = a.rfind(',');
      std::string_view item = c == std::string_view::npos ? a : a.substr(c + 1);
      if (!item.empty()) out.emplace_back(item);
      if (c == std::string_view::npos) break;
      a = a.substr(0, c);
    }
  }
  return out;
}

/// Which .env grammar and expansion to use at run time (the compile-time choice is a dialect policy type).
enum class dialect_kind : std::uint8_t { bun, dotenv };

/// Parses "bun" or "dotenv". \throws runtime::error (usage, code "env.bad_dialect") for anything else.
inline dialect_kind parse_dialect(std::string_view s) {
  if (s == "bun") return dialect_kind::bun;
  if (s == "dotenv") return dialect_kind::dotenv;
  throw usage_error("env.bad_dialect", "--dialect must be bun or dotenv, not \"" + std::string(s) + "\"");
}

/// What load() needs to know. The rt driver fills it from --cwd/--env-file/--no-env-file and bunfig.
struct load_options {
  std::string cwd;                       ///< directory relative paths resolve against ("" = the current one)
  std::vector<std::string> env_files;    ///< each --env-file value as given, comma lists unsplit, in order
  bool no_env_file = false;              ///< --no-env-file: no default files (explicit ones still load)
  bool default_files_enabled = true;     ///< false when bunfig says `[env] file = false` (or `env = false`)
  dialect_kind dialect = dialect_kind::bun;
  bool strict = false;                   ///< also report malformed lines and unterminated quotes
  std::optional<env::mode> mode_override;  ///< e.g. test for a test runner; otherwise from NODE_ENV/BUN_ENV
  /// Bulk storage of the loaded bytes (copied and expanded values, process variables): the returned environment
  /// and its copies keep using it, so it must outlive them (nullptr: new/delete).
  std::pmr::memory_resource* resource = nullptr;
};

/// What load() produced.
struct loaded {
  environment env;                  ///< process variables + file variables, each with its origin
  std::vector<std::string> files;   ///< files actually read, in load order (highest priority first)
  /// Problems, each with kind env, a stable code and (where there is one) a file:line:col location:
  /// unreadable files, directories and non-UTF-8 text always; malformed lines and unterminated quotes only
  /// when load_options::strict.
  std::vector<error> diagnostics;
  env::mode mode = env::mode::development;
};

/// The working map while loading: insertion-ordered (Bun's ArrayHashMap order matters for expansion).
class working_set {
 public:
  struct entry {
    std::string_view key;
    std::string_view value;
    std::uint32_t file = 0;  // 0 = process, else 1-based index into files
    std::uint32_t line = 0;
  };

  /// `r`: where the loaded bytes (copied values, the .env texts' views) are allocated in bulk; it must outlive
  /// the environment built from this working set and its copies (nullptr: new/delete).
  explicit working_set(std::pmr::memory_resource* r = nullptr)
      : store_(std::make_shared<detail::envd::env_storage>(r)) {}

  /// Copies bytes into the storage the built environment keeps; the view lives as long as that environment.
  inline std::string_view keep(std::string_view s) { return store_->keep(s); }
  /// Takes ownership of a whole .env text: keys and values may then view it without copies.
  inline std::string_view adopt_text(std::string text) { return store_->adopt(std::move(text)); }
  /// True when `text` lies inside a text adopt_text() took.
  bool owns_text(std::string_view text) const noexcept {
    for (const auto& t : store_->texts)
      if (text.data() >= t.data() && text.data() + text.size() <= t.data() + t.size()) return true;
    return false;
  }
  /// Frees the key index (lookups, index_of and put* no longer find anything): detail_build's sort can then
  /// reuse its memory.
  void release_index() noexcept { std::vector<slot>().swap(slots_); }
  /// The storage the views point into (detail_build hands it to the environment).
  const std::shared_ptr<detail::envd::env_storage>& storage() const noexcept { return store_; }
  /// The index of `key`, or -1.
  inline std::ptrdiff_t index_of(std::string_view key) const {
    std::size_t i = find_slot(key, hash(key));
    return slots_.empty() || slots_[i].index == 0 ? -1 : static_cast<std::ptrdiff_t>(slots_[i].index - 1);
  }
  inline const std::string_view* lookup(std::string_view key) const {
    auto i = index_of(key);
    return i < 0 ? nullptr : &entries_[static_cast<std::size_t>(i)].value;
  }
  /// Inserts (copying key and value into the arena) or replaces.
  inline void put(std::string_view key, std::string_view value, std::uint32_t file, std::uint32_t line,
                  bool copy = true) {
    std::uint64_t h = hash(key);
    grow_if_needed();
    std::size_t i = find_slot(key, h);
    if (slots_[i].index != 0) {
      auto& e = entries_[slots_[i].index - 1];
      e.value = copy ? keep(value) : value;
      e.file = file;
      e.line = line;
      return;
    }
    std::string_view k = copy ? keep(key) : key;
    entries_.push_back(entry{k, copy ? keep(value) : value, file, line});
    slots_[i] = slot{static_cast<std::uint32_t>(entries_.size()), static_cast<std::uint32_t>(h)};
  }
  /// Bun's rule for one assignment: a key that existed before index `before` (the process, earlier files) is
  /// kept; otherwise the value is set (a later duplicate in the same file wins, keeping the first position).
  /// \pre `key` and `value` live in storage() (views into an adopted text, or kept with keep()).
  inline void put_unless_before(std::string_view key, std::string_view value, std::uint32_t file,
                                std::uint32_t line, std::size_t before) {
    std::uint64_t h = hash(key);
    grow_if_needed();
    std::size_t i = find_slot(key, h);
    if (slots_[i].index != 0) {
      if (slots_[i].index - 1 < before) return;
      auto& e = entries_[slots_[i].index - 1];
      e.value = value;
      e.file = file;
      e.line = line;
      return;
    }
    entries_.push_back(entry{key, value, file, line});
    slots_[i] = slot{static_cast<std::uint32_t>(entries_.size()), static_cast<std::uint32_t>(h)};
  }
  inline std::vector<entry>& entries() noexcept { return entries_; }
  inline const std::vector<entry>& entries() const noexcept { return entries_; }
  /// Room for `n` entries in all, the index sized for `keys` of them (both default to n).
  void reserve(std::size_t n, std::size_t keys = 0) {
    entries_.reserve(n);
    if (!keys) keys = n;
    std::size_t want = 16;
    while (want * 2 < keys * 3) want <<= 1;  // load <= 2/3
    if (want > slots_.size()) rehash(want);
  }
  /// Dialect scratch: the dotenv dialect's combined parse result (every file key, first file winning).
  std::vector<entry> combined;
  std::unordered_set<std::string> combined_keys;

 private:
  std::shared_ptr<detail::envd::env_storage> store_;
  std::vector<entry> entries_;
  // Open addressing, linear probing, load <= 2/3: the loader's hot path (a std::unordered_map node per key
  // cost a quarter of `rt env` on a 100,000-line file).
  struct slot {
    std::uint32_t index = 0;  // entries_ index + 1; 0 = empty
    std::uint32_t hash = 0;   // low bits of the key's hash
  };
  std::vector<slot> slots_;

  static inline std::uint64_t hash(std::string_view k) noexcept {
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ k.size();
    std::size_t i = 0;
    for (; i + 8 <= k.size(); i += 8) {
      std::uint64_t w;
      std::memcpy(&w, k.data() + i, 8);
      h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
      h ^= h >> 31;
    }
    std::uint64_t w = 0;
    if (i < k.size()) {
      if (k.size() >= 8) {
        std::memcpy(&w, k.data() + k.size() - 8, 8);  // the last eight bytes, overlapping the ones hashed
      } else if (k.size() >= 4) {
        std::uint32_t a, b;
        std::memcpy(&a, k.data(), 4);
        std::memcpy(&b, k.data() + k.size() - 4, 4);
        w = a | (std::uint64_t{b} << 32);
      } else {
        for (std::size_t b = 0; b < k.size(); ++b) w |= std::uint64_t{static_cast<unsigned char>(k[b])} << (8 * b);
      }
    }
    h = (h ^ w) * 0x94D049BB133111EBull;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 32);
  }
  /// The slot holding `key`, or the empty slot where it would go. \pre slots_ non-empty or returns 0.
  inline std::size_t find_slot(std::string_view key, std::uint64_t h) const noexcept {
    if (slots_.empty()) return 0;
    std::size_t mask = slots_.size() - 1, i = static_cast<std::size_t>(h) & mask;
    auto h32 = static_cast<std::uint32_t>(h);
    for (;;) {
      const slot& s = slots_[i];
      if (s.index == 0) return i;
      if (s.hash == h32 && entries_[s.index - 1].key == key) return i;
      i = (i + 1) & mask;
    }
  }
  inline void grow_if_needed() {
    if (slots_.empty()) rehash(64);
    else if ((entries_.size() + 1) * 3 > slots_.size() * 2) rehash(slots_.size() * 2);
  }
  void rehash(std::size_t n) {
    std::vector<slot> fresh(n);
    std::size_t mask = n - 1;
    for (std::size_t e = 0; e < entries_.size(); ++e) {
      std::uint64_t h = hash(entries_[e].key);
      std::size_t i = static_cast<std::size_t>(h) & mask;
      while (fresh[i].index != 0) i = (i + 1) & mask;
      fresh[i] = slot{static_cast<std::uint32_t>(e + 1), static_cast<std::uint32_t>(h)};
    }
    slots_ = std::move(fresh);
  }
};

/// Receives what a dialect's parser finds in one file.
struct file_context {
  std::string_view name;   ///< the file as named, for origins and diagnostics
  std::uint32_t file_id;   ///< 1-based id for working_set entries
  bool strict;
  std::vector<error>* diagnostics;
};

/// A .env dialect: a grammar + expansion policy applied to one file at a time, highest priority file first,
/// never overriding keys that existed before the file (process or higher-priority files).
template <class D>
concept env_dialect = requires(working_set& ws, std::string_view text, const file_context& ctx) {
  { D::name } -> std::convertible_to<std::string_view>;
  D::load_file(ws, text, ctx);
  D::finish(ws);
};

/// Bun 1.4.5: each file is parsed, then the keys it added are expanded against everything loaded so far
/// (so a key only in a lower-priority file reads as empty); single quotes expand too.
struct bun_dialect {
  static constexpr std::string_view name = "bun";

  static void load_file(working_set& ws, std::string_view text, const file_context& ctx) {
    if (!ws.owns_text(text)) text = ws.adopt_text(std::string(text));  // entries view the text
    text = detail::envd::strip_bom(text);
    const std::size_t before = ws.entries().size();
    detail::envd::line_counter lines(text);
    std::string scratch;
    struct sink {
      working_set& ws;
      const file_context& ctx;
      detail::envd::line_counter& lines;
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
    detail::envd::bun_parse(text, scratch, s);
    // Expansion of the keys this file added, in insertion order, against the whole map.
    auto lookup = [&ws](std::string_view k) { return ws.lookup(k); };
    std::string out;
    for (std::size_t i = before; i < ws.entries().size(); ++i) {
      std::string_view v = ws.entries()[i].value;
      if (v.size() < 2 || v.find('$') == std::string_view::npos) continue;
      out.clear();
      detail::envd::bun_expand_into(v, lookup, out);
      ws.entries()[i].value = ws.keep(out);
    }
  }
  static void finish(working_set&) {}
};

/// The dotenv npm package (18.x) parsing every file, first file winning, then dotenv-expand (12.x) over the
/// combined result with the process environment taking priority, as `dotenv-cli` does: single quotes do not
/// protect from expansion in dotenv-expand either, but the grammar (first closing quote rule, no escapes but
/// \n \r in double quotes) and the expansion (`${A:-d}`, `${A-d}`, `${A:+x}`, `${A+x}`, iterated) differ.
struct dotenv_dialect {
  static constexpr std::string_view name = "dotenv";

  static void load_file(working_set& ws, std::string_view text, const file_context& ctx) {
    // dotenv reads as UTF-8 (a BOM becomes U+FEFF, which \s matches) and folds \r\n? to \n.
    std::string src;
    src.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\r') {
        src.push_back('\n');
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      } else {
        src.push_back(text[i]);
      }
    }
    detail::envd::line_counter lines(src);
    struct sink {
      working_set& ws;
      const file_context& ctx;
      detail::envd::line_counter& lines;
      std::vector<std::pair<std::string, std::pair<std::string, std::uint32_t>>> parsed;  // this file, in order
      std::unordered_map<std::string, std::size_t> where;
      void entry(std::string_view key, std::string_view raw, std::size_t key_pos) {
        std::uint32_t line = lines.line_of(key_pos);
        std::string value = detail::envd::dotenv_value(raw);
        auto [it, fresh] = where.try_emplace(std::string(key), parsed.size());
        if (!fresh) { parsed[it->second].second = {std::move(value), line}; return; }
        parsed.emplace_back(std::string(key), std::make_pair(std::move(value), line));
      }
      void problem(std::string_view code, std::size_t pos, std::string_view msg) {
        if (!ctx.strict) return;
        std::uint32_t line = lines.line_of(pos);
        error e(error_kind::env, std::string(code), std::string(msg));
        e.at(source_location{std::string(ctx.name), line, lines.column_of(pos), std::string(lines.line_text(pos))});
        ctx.diagnostics->push_back(std::move(e));
      }
    } s{ws, ctx, lines, {}, {}};
    detail::envd::dotenv_parse(src, s);
    // populate(E, this file) without override: earlier files win. E (ws.combined) keeps every file key in
    // order, also those the process already has; the working map gets the raw value of the others, as
    // config() puts them in process.env before dotenv-expand runs.
    for (auto& [k, vl] : s.parsed) {
      if (!ws.combined_keys.insert(k).second) continue;
      std::string_view value = ws.keep(vl.first);
      std::string_view key = ws.keep(k);
      ws.combined.push_back(working_set::entry{key, value, ctx.file_id, vl.second});
      if (ws.index_of(k) < 0) ws.put(key, value, ctx.file_id, vl.second, /*copy=*/false);
    }
  }

  /// Runs dotenv-expand over E (in JavaScript's property order) with the process taking priority.
  static void finish(working_set& ws) {
    auto& es = ws.entries();
    std::unordered_map<std::string, std::string> process_env;  // process + raw file values (after config())
    std::unordered_map<std::string, bool> from_process;
    for (const auto& e : es) {
      process_env.emplace(std::string(e.key), std::string(e.value));
      if (e.file == 0) from_process.emplace(std::string(e.key), true);
    }
    // JS objects list array-index keys first, ascending.
    auto array_index = [](std::string_view k) -> std::optional<std::uint64_t> {
      if (k.empty() || k.size() > 10 || (k.size() > 1 && k[0] == '0')) return std::nullopt;
      std::uint64_t v = 0;
      for (char c : k) { if (c < '0' || c > '9') return std::nullopt; v = v * 10 + static_cast<unsigned>(c - '0'); }
      if (v >= 4294967295ull) return std::nullopt;
      return v;
    };
    std::vector<std::size_t> order, rest;
    for (std::size_t i = 0; i < ws.combined.size(); ++i) (array_index(ws.combined[i].key) ? order : rest).push_back(i);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return *array_index(ws.combined[a].key) < *array_index(ws.combined[b].key);
    });
    order.insert(order.end(), rest.begin(), rest.end());
    std::unordered_map<std::string, std::string> running;
    struct result { std::size_t combined; std::string value; bool process_value; };
    std::vector<result> results;
    for (auto i : order) {
      const auto& c = ws.combined[i];
      std::string key(c.key);
      std::string value(c.value);
      bool process_value = false;
      auto pit = process_env.find(key);
      if (pit != process_env.end() && !pit->second.empty() && pit->second != value) {
        value = pit->second;
        process_value = true;
      } else {
        value = expand_value(value, process_env, running);
      }
      std::string resolved;
      for (std::size_t k = 0; k < value.size(); ++k) {
        if (value[k] == '\\' && k + 1 < value.size() && value[k + 1] == '$') { resolved.push_back('$'); ++k; }
        else resolved.push_back(value[k]);
      }
      running[key] = resolved;
      results.push_back({i, std::move(resolved), process_value && from_process.count(key) != 0});
    }
    for (auto& r : results) {
      const auto& c = ws.combined[r.combined];
      auto idx = ws.index_of(c.key);
      if (idx < 0) continue;
      auto& e = es[static_cast<std::size_t>(idx)];
      e.value = ws.keep(r.value);
      if (!r.process_value) { e.file = c.file; e.line = c.line; }
    }
  }

 private:
  static std::string expand_value(const std::string& value, const std::unordered_map<std::string, std::string>& process,
                                  const std::unordered_map<std::string, std::string>& running) {
    auto env_get = [&](const std::string& k) -> const std::string* {
      if (auto it = process.find(k); it != process.end()) return &it->second;
      if (auto it = running.find(k); it != running.end()) return &it->second;
      return nullptr;
    };
    std::string result = value;
    // dotenv-expand can loop forever or grow without bound on crafted input (node then dies of OOM); we stop
    // after 1000 rounds, a 1 MiB value or 16 MiB of remembered intermediate values.
    std::unordered_set<std::string> seen;
    std::size_t seen_bytes = 0;
    auto seen_has = [&](const std::string& s) { return seen.count(s) != 0; };
    for (int iter = 0; iter < 1000 && result.size() < (1u << 20) && seen_bytes < (1u << 24); ++iter) {
      // /(?<!\\)\${([^{}]+)}|(?<!\\)\$([A-Za-z_][A-Za-z0-9_]*)/
      std::size_t mpos = std::string::npos, mlen = 0;
      std::string expr;
      for (std::size_t i = 0; i < result.size(); ++i) {
        if (result[i] != '$' || (i > 0 && result[i - 1] == '\\')) continue;
        if (i + 1 < result.size() && result[i + 1] == '{') {
          std::size_t j = i + 2;
          while (j < result.size() && result[j] != '{' && result[j] != '}') ++j;
          if (j < result.size() && result[j] == '}' && j > i + 2) {
            mpos = i; mlen = j + 1 - i; expr = result.substr(i + 2, j - i - 2);
            break;
          }
        }
        if (i + 1 < result.size()) {
          unsigned char c = static_cast<unsigned char>(result[i + 1]);
          if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            std::size_t j = i + 2;
            while (j < result.size() && detail::envd::is_ident(static_cast<unsigned char>(result[j]))) ++j;
            mpos = i; mlen = j - i; expr = result.substr(i + 1, j - i - 1);
            break;
          }
        }
      }
      if (mpos == std::string::npos) break;
      if (seen.insert(result).second) seen_bytes += result.size();
      std::string templ = result.substr(mpos, mlen);
      // opRegex /(:\+|\+|:-|-)/: leftmost position, alternatives in order.
      std::string splitter = "null";  // String.prototype.split(null) splits on "null"
      bool plus = false;
      for (std::size_t i = 0; i < expr.size(); ++i) {
        if (expr.compare(i, 2, ":+") == 0) { splitter = ":+"; plus = true; break; }
        if (expr[i] == '+') { splitter = "+"; plus = true; break; }
        if (expr.compare(i, 2, ":-") == 0) { splitter = ":-"; break; }
        if (expr[i] == '-') { splitter = "-"; break; }
      }
      auto cut = expr.find(splitter);
      std::string key = cut == std::string::npos ? expr : expr.substr(0, cut);
      std::string rest = cut == std::string::npos ? std::string() : expr.substr(cut + splitter.size());
      const std::string* ev = env_get(key);
      if (plus) {
        std::string def = (ev && !ev->empty()) ? rest : std::string();
        result = detail::envd::js_replace_first(result, templ, def);
      } else if (ev && !ev->empty()) {
        result = detail::envd::js_replace_first(result, templ, seen_has(*ev) ? rest : *ev);
      } else {
        result = detail::envd::js_replace_first(result, templ, rest);
      }
      if (auto it = running.find(key); it != running.end() && it->second == result) break;
    }
    return result;
  }
};

static_assert(env_dialect<bun_dialect> && env_dialect<dotenv_dialect>);

/// The environment a working set describes (`files[i]` names file id i+1). Copies no bytes: the environment
/// views the working set's storage and keeps it alive.
inline environment detail_build(const working_set& ws, std::vector<std::string> files) {
  const auto& es = ws.entries();
  // Keys in a working set are unique.
  auto order = detail::envd::sorted_order(es.size(), [&es](std::size_t i) { return es[i].key; });
  std::vector<environment::value_type> vars;
  std::vector<detail::envd::origin_ref> origins;
  vars.reserve(es.size());
  origins.reserve(es.size());
  for (std::uint32_t i : order) {
    const auto& e = es[i];
    vars.emplace_back(e.key, e.value);
    origins.push_back(detail::envd::origin_ref{e.file, e.line});
  }
  return environment::from_sorted_views(std::move(vars), std::move(origins), std::move(files), ws.storage());
}

/// detail_build() for a working set that is done with: frees its index first, so the sort reuses that memory.
inline environment detail_build(working_set&& ws, std::vector<std::string> files) {
  ws.release_index();
  return detail_build(static_cast<const working_set&>(ws), std::move(files));
}

/// Reads a .env file. Returns false with `err` set for errors worth a message (directory, unreadable, special
/// file not named explicitly, too large); `missing` is set (and no error) when it does not exist, which Bun
/// ignores silently.
inline bool read_file(const std::string& path, bool named, std::string& out, std::optional<error>& err,
                      bool& missing) {
  missing = false;
  int e = 0;
  switch (env::read_text_file(path, out, named, env::env_file_limit, e)) {
    case env::read_status::ok: return true;
    case env::read_status::missing: missing = true; return false;
    case env::read_status::unreadable:
      err.emplace(error_kind::env, "env.unreadable_file", "cannot read env file " + path + ": " + std::strerror(e));
      return false;
    case env::read_status::is_directory:
      err.emplace(error_kind::env, "env.is_directory", "env file " + path + " is a directory");
      return false;
    case env::read_status::not_regular:
      err.emplace(error_kind::env, "env.not_regular",
                  "env file " + path + " is not a regular file (name it with --env-file to read a pipe or device)");
      return false;
    case env::read_status::too_large:
      err.emplace(error_kind::env, "env.too_large", "env file " + path + " is larger than 256 MiB");
      return false;
  }
  return false;
}

/// Loads the process environment plus the .env files `opts` selects, with dialect `D` (compile-time choice).
/// Precedence: process > files, highest priority file first; explicit --env-file replaces the default files;
/// each file is read at most once. Never throws for file contents; problems go to loaded::diagnostics.
template <env_dialect D>
loaded load_with(const environment& process, const load_options& opts) {
  loaded out;
  out.mode = opts.mode_override ? *opts.mode_override : mode_of(process);
  working_set ws(opts.resource);
  ws.reserve(process.size() + 64);
  for (const auto& [k, v] : process) ws.put(k, v, 0, 0);
  std::vector<std::string> names;
  if (!opts.env_files.empty()) names = explicit_files(opts.env_files);
  else if (!opts.no_env_file && opts.default_files_enabled) names = default_files(out.mode);
  std::vector<std::string> seen;
  std::vector<std::string> read_names;
  for (const auto& name : names) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
    seen.push_back(name);
    std::string path = (opts.cwd.empty() || (!name.empty() && name[0] == '/')) ? name : opts.cwd + "/" + name;
    std::string text;
    std::optional<error> err;
    bool missing = false;
    if (!read_file(path, !opts.env_files.empty(), text, err, missing)) {
      if (err) {
        err->at(source_location{name, 0, 0, {}});
        out.diagnostics.push_back(std::move(*err));
      }
      continue;
    }
    out.files.push_back(name);
    read_names.push_back(name);
    if (auto bad = detail::envd::first_invalid_utf8(text); bad != std::string_view::npos) {
      detail::envd::line_counter lc(text);
      std::uint32_t line = lc.line_of(bad);
      std::uint32_t col = lc.column_of(bad);
      error e(error_kind::env, "env.invalid_utf8", "env file " + name + " is not valid UTF-8 (loaded as bytes)");
      e.at(source_location{name, line, col, std::string(lc.line_text(bad))});
      out.diagnostics.push_back(std::move(e));
    }
    if (text.empty()) continue;
    ws.reserve(ws.entries().size() + text.size() / 32 + 16, ws.entries().size() + text.size() / 48 + 16);
    // The environment keeps the text: keys and unquoted values view it.
    std::string_view kept = ws.adopt_text(std::move(text));
    file_context ctx{name, static_cast<std::uint32_t>(read_names.size()), opts.strict, &out.diagnostics};
    D::load_file(ws, kept, ctx);
  }
  D::finish(ws);
  out.env = detail_build(std::move(ws), std::move(read_names));
  return out;
}

/// load_with<bun_dialect> or load_with<dotenv_dialect>, as `opts.dialect` says (the run-time choice).
inline loaded load(const environment& process, const load_options& opts) {
  return opts.dialect == dialect_kind::dotenv ? load_with<dotenv_dialect>(process, opts)
                                              : load_with<bun_dialect>(process, opts);
}

/// Parses and expands one .env text on top of `base` (as if it were the only file, named `name`): the unit
/// tests' and the fuzzer's entry point.
template <env_dialect D = bun_dialect>
loaded load_text(const environment& base, std::string_view text, std::string_view name = ".env", bool strict = false) {
  loaded out;
  working_set ws;
  for (const auto& [k, v] : base) ws.put(k, v, 0, 0);
  file_context ctx{name, 1, strict, &out.diagnostics};
  D::load_file(ws, ws.adopt_text(std::string(text)), ctx);
  D::finish(ws);
  out.env = detail_build(std::move(ws), {std::string(name)});
  out.files.emplace_back(name);
  return out;
}

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
  detail::envd::bun_parse(detail::envd::strip_bom(text), scratch, s);
  return s.n;
}

/// True for keys whose values human output hides unless asked (TOKEN, SECRET, PASSWORD, KEY, ...).
inline bool is_secret_key(std::string_view key) {
  std::string up(key);
  for (auto& c : up) if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  for (std::string_view w : {"TOKEN", "SECRET", "PASSWORD", "PASSWD", "PWD_HASH", "KEY", "PRIVATE", "CREDENTIAL",
                             "AUTH", "COOKIE", "SESSION", "SIGNATURE", "DSN", "DATABASE_URL"})
    if (up.find(w) != std::string::npos) return true;
  return false;
}

namespace detail_json {
/// The length of the valid UTF-8 sequence at `d` (`n` bytes available), or 0 with `skip` set to the length of
/// its maximal subpart: one U+FFFD replaces each maximal subpart, as the WHATWG decoder (Bun, browsers) does,
/// so a truncated 3-byte sequence is one replacement character, not two.
inline std::size_t utf8_sequence(const unsigned char* d, std::size_t n, std::size_t& skip) noexcept {
  unsigned char c = d[0], lo = 0x80, hi = 0xBF;
  std::size_t len = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;       // overlong
    else if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;       // overlong
    else if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    skip = 1;
    return 0;
  }
  std::size_t k = 1;
  for (; k < len && k < n; ++k, lo = 0x80, hi = 0xBF)
    if (d[k] < lo || d[k] > hi) break;
  if (k == len) return len;
  skip = k;
  return 0;
}

/// Writes `s` as a JSON string (quotes included) at `p`, which has room for 6 * s.size() + 2 bytes; returns
/// the end.
inline char* write_string(char* p, std::string_view s) noexcept {
  *p++ = '"';
  std::size_t i = 0;
  const std::size_t n = s.size();
  const char* d = s.data();
  while (i < n) {
    std::size_t run = i;
    // Eight bytes at a time while none needs a look (< 0x20, '"', '\\', >= 0x80).
    for (; run + 8 <= n; run += 8) {
      std::uint64_t w;
      std::memcpy(&w, d + run, 8);
      constexpr std::uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
      const std::uint64_t control_or_high = ((w - ones * 0x20) & ~w) | w;  // a byte < 0x20 or >= 0x80
      if ((control_or_high & high) | detail::envd::has_byte(w, '"') | detail::envd::has_byte(w, '\\')) break;
    }
    while (run < n) {
      unsigned char c = static_cast<unsigned char>(d[run]);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
      ++run;
    }
    if (run > i) std::memcpy(p, d + i, run - i);  // d may be null for an empty view
    p += run - i;
    i = run;
    if (i >= n) break;
    unsigned char c = static_cast<unsigned char>(d[i]);
    if (c >= 0x80) {
      std::size_t skip = 0;
      if (std::size_t len = utf8_sequence(reinterpret_cast<const unsigned char*>(d + i), n - i, skip)) {
        std::memcpy(p, d + i, len);
        p += len;
        i += len;
      } else {
        std::memcpy(p, "\xEF\xBF\xBD", 3);
        p += 3;
        i += skip;
      }
      continue;
    }
    *p++ = '\\';
    switch (c) {
      case '"': *p++ = '"'; break;
      case '\\': *p++ = '\\'; break;
      case '\n': *p++ = 'n'; break;
      case '\r': *p++ = 'r'; break;
      case '\t': *p++ = 't'; break;
      case '\b': *p++ = 'b'; break;
      case '\f': *p++ = 'f'; break;
      default: {
        static constexpr char hex[] = "0123456789abcdef";
        std::memcpy(p, "u00", 3);
        p[3] = hex[c >> 4];
        p[4] = hex[c & 15];
        p += 5;
      }
    }
    ++i;
  }
  *p++ = '"';
  return p;
}
}  // namespace detail_json

/// Appends `s` as a JSON string (quotes included), like JSON.stringify: invalid UTF-8 bytes become U+FFFD.
inline void append_json_string(std::string& out, std::string_view s) {
  std::size_t at = out.size();
  out.resize(at + 6 * s.size() + 2);
  char* end = detail_json::write_string(out.data() + at, s);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

/// Writes the whole environment as one JSON object on one line (keys sorted, no trailing newline) through
/// `write(std::string_view)`, in pieces of about `chunk` bytes: the bytes of to_json() without holding them all.
/// A key that is not valid UTF-8 (only the process can give one) is left out, as JSON.stringify(process.env)
/// leaves it out in Bun; invalid sequences in values become U+FFFD.
template <class Write>
void write_json(const environment& e, Write&& write, std::size_t chunk = std::size_t{1} << 17) {
  std::string buf(chunk + 64, '\0');
  std::size_t at = 0;
  buf[at++] = '{';
  bool first = true;
  for (const auto& [k, v] : e) {
    if (detail::envd::first_invalid_utf8(k) != std::string_view::npos) [[unlikely]]
      continue;
    std::size_t need = 6 * (k.size() + v.size()) + 8;
    if (buf.size() - at < need) {
      if (at >= chunk) {
        write(std::string_view(buf.data(), at));
        at = 0;
      }
      if (buf.size() - at < need) buf.resize(at + need);
    }
    char* p = buf.data() + at;
    if (!first) *p++ = ',';
    first = false;
    p = detail_json::write_string(p, k);
    *p++ = ':';
    p = detail_json::write_string(p, v);
    at = static_cast<std::size_t>(p - buf.data());
  }
  buf[at++] = '}';
  write(std::string_view(buf.data(), at));
}

/// The whole environment as one JSON object on one line (keys sorted), without a trailing newline.
inline std::string to_json(const environment& e) {
  std::string out;
  std::size_t n = 2;
  for (const auto& [k, v] : e) n += k.size() + v.size() + 6;
  out.reserve(n);
  write_json(e, [&out](std::string_view piece) { out.append(piece); }, std::size_t{1} << 16);
  return out;
}

// ---- platform detection ------------------------------------------------------------------------------------
namespace platform {

/// One CI vendor rule, after the ci-info package's vendors table.
struct ci_vendor {
  std::string_view name;      ///< human name ("GitHub Actions")
  std::string_view constant;  ///< ci-info's constant ("GITHUB_ACTIONS")
  std::string_view env;       ///< detection: "VAR" (set), "VAR=value", or "A&B" (all set)
  std::string_view pr;        ///< PR detection: "VAR" (set), "VAR=value", "VAR!=value", "A|B" (any set); "" none
};

/// The vendor table (ci-info's vendors, 45 entries). Order matters: the first match wins.
inline const std::vector<ci_vendor>& ci_vendors() {
  static const std::vector<ci_vendor> v = {
      {"Agola CI", "AGOLA", "AGOLA_GIT_REF", "AGOLA_PULL_REQUEST_ID"},
      {"Appcircle", "APPCIRCLE", "AC_APPCIRCLE", "AC_GIT_PR!=false"},
      {"AppVeyor", "APPVEYOR", "APPVEYOR", "APPVEYOR_PULL_REQUEST_NUMBER"},
      {"AWS CodeBuild", "CODEBUILD", "CODEBUILD_BUILD_ARN", ""},
      {"Azure Pipelines", "AZURE_PIPELINES", "TF_BUILD", "BUILD_REASON=PullRequest"},
      {"Bamboo", "BAMBOO", "bamboo_planKey", ""},
      {"Bitbucket Pipelines", "BITBUCKET", "BITBUCKET_COMMIT", "BITBUCKET_PR_ID"},
      {"Bitrise", "BITRISE", "BITRISE_IO", "BITRISE_PULL_REQUEST"},
      {"Buddy", "BUDDY", "BUDDY_WORKSPACE_ID", "BUDDY_EXECUTION_PULL_REQUEST_ID"},
      {"Buildkite", "BUILDKITE", "BUILDKITE", "BUILDKITE_PULL_REQUEST!=false"},
      {"CircleCI", "CIRCLE", "CIRCLECI", "CIRCLE_PULL_REQUEST"},
      {"Cirrus CI", "CIRRUS", "CIRRUS_CI", "CIRRUS_PR"},
      {"Cloudflare Pages", "CLOUDFLARE_PAGES", "CF_PAGES", ""},
      {"Cloudflare Workers", "CLOUDFLARE_WORKERS", "WORKERS_CI", ""},
      {"Codefresh", "CODEFRESH", "CF_BUILD_ID", "CF_PULL_REQUEST_NUMBER|CF_PULL_REQUEST_ID"},
      {"Codemagic", "CODEMAGIC", "CM_BUILD_ID", "CM_PULL_REQUEST"},
      {"Codeship", "CODESHIP", "CI_NAME=codeship", ""},
      {"Drone", "DRONE", "DRONE", "DRONE_BUILD_EVENT=pull_request"},
      {"dsari", "DSARI", "DSARI", ""},
      {"Earthly", "EARTHLY", "EARTHLY_CI", ""},
      {"Expo Application Services", "EAS", "EAS_BUILD", ""},
      {"Gerrit", "GERRIT", "GERRIT_PROJECT", ""},
      {"Gitea Actions", "GITEA_ACTIONS", "GITEA_ACTIONS", ""},
      {"GitHub Actions", "GITHUB_ACTIONS", "GITHUB_ACTIONS", "GITHUB_EVENT_NAME=pull_request"},
      {"GitLab CI", "GITLAB", "GITLAB_CI", "CI_MERGE_REQUEST_ID"},
      {"GoCD", "GOCD", "GO_PIPELINE_LABEL", ""},
      {"Google Cloud Build", "GOOGLE_CLOUD_BUILD", "BUILDER_OUTPUT", ""},
      {"Harness CI", "HARNESS", "HARNESS_BUILD_ID", ""},
      {"Heroku", "HEROKU", "HEROKU_TEST_RUN_ID", ""},  // ci-info: env NODE contains "/app/.heroku/node/bin/node"
      {"Hudson", "HUDSON", "HUDSON_URL", ""},
      {"Jenkins", "JENKINS", "JENKINS_URL&BUILD_ID", "ghprbPullId|CHANGE_ID"},
      {"LayerCI", "LAYERCI", "LAYERCI", "LAYERCI_PULL_REQUEST"},
      {"Magnum CI", "MAGNUM", "MAGNUM", ""},
      {"Netlify CI", "NETLIFY", "NETLIFY", "PULL_REQUEST!=false"},
      {"Nevercode", "NEVERCODE", "NEVERCODE", "NEVERCODE_PULL_REQUEST!=false"},
      {"Prow", "PROW", "PROW_JOB_ID", ""},
      {"ReleaseHub", "RELEASEHUB", "RELEASE_BUILD_ID", ""},
      {"Render", "RENDER", "RENDER", "IS_PULL_REQUEST=true"},
      {"Sail CI", "SAIL", "SAILCI", "SAIL_PULL_REQUEST_NUMBER"},
      {"Screwdriver", "SCREWDRIVER", "SCREWDRIVER", "SD_PULL_REQUEST!=false"},
      {"Semaphore", "SEMAPHORE", "SEMAPHORE", "PULL_REQUEST_NUMBER"},
      {"Sourcehut", "SOURCEHUT", "CI_NAME=sourcehut", ""},
      {"Strider CD", "STRIDER", "STRIDER", ""},
      {"TaskCluster", "TASKCLUSTER", "TASK_ID&RUN_ID", ""},
      {"TeamCity", "TEAMCITY", "TEAMCITY_VERSION", ""},
      {"Travis CI", "TRAVIS", "TRAVIS", "TRAVIS_PULL_REQUEST!=false"},
      {"Vela", "VELA", "VELA", "VELA_PULL_REQUEST=1"},
      {"Vercel", "VERCEL", "NOW_BUILDER|VERCEL", "VERCEL_GIT_PULL_REQUEST_ID"},
      {"Visual Studio App Center", "APPCENTER", "APPCENTER_BUILD_ID", ""},
      {"Woodpecker", "WOODPECKER", "CI=woodpecker", "CI_BUILD_EVENT=pull_request"},
      {"Xcode Cloud", "XCODE_CLOUD", "CI_XCODE_PROJECT", "CI_PULL_REQUEST_NUMBER"},
      {"Xcode Server", "XCODE_SERVER", "XCS", ""},
  };
  return v;
}

/// What the CI environment variables say.
struct ci_info {
  bool is_ci = false;
  bool is_pr = false;
  std::optional<std::string> vendor;    ///< vendor name when known
  std::optional<std::string> constant;  ///< ci-info constant when known
};

namespace detail_ci {
inline bool rule(const environment& e, std::string_view r) {
  if (r.empty()) return false;
  if (auto bar = r.find('|'); bar != std::string_view::npos)
    return rule(e, r.substr(0, bar)) || rule(e, r.substr(bar + 1));
  if (auto amp = r.find('&'); amp != std::string_view::npos)
    return rule(e, r.substr(0, amp)) && rule(e, r.substr(amp + 1));
  if (auto ne = r.find("!="); ne != std::string_view::npos) {
    auto v = e.get(r.substr(0, ne));
    return v && *v != r.substr(ne + 2);
  }
  if (auto eq = r.find('='); eq != std::string_view::npos) {
    auto v = e.get(r.substr(0, eq));
    return v && *v == r.substr(eq + 1);
  }
  return e.contains(r);
}
}  // namespace detail_ci

/// ci-info's rules: CI=false means not CI whatever else is set; otherwise CI if a vendor matches or any of
/// BUILD_ID, BUILD_NUMBER, CI, CI_APP_ID, CI_BUILD_ID, CI_BUILD_NUMBER, CI_NAME, CONTINUOUS_INTEGRATION, RUN_ID
/// is set.
inline ci_info detect_ci(const environment& e) {
  ci_info out;
  if (e.get("CI") == std::optional<std::string_view>("false")) return out;
  for (const auto& v : ci_vendors()) {
    if (!detail_ci::rule(e, v.env)) continue;
    out.vendor = std::string(v.name);
    out.constant = std::string(v.constant);
    out.is_pr = detail_ci::rule(e, v.pr);
    break;
  }
  for (std::string_view k : {"BUILD_ID", "BUILD_NUMBER", "CI", "CI_APP_ID", "CI_BUILD_ID", "CI_BUILD_NUMBER",
                             "CI_NAME", "CONTINUOUS_INTEGRATION", "RUN_ID"})
    if (e.contains(k)) out.is_ci = true;
  if (out.vendor) out.is_ci = true;
  return out;
}

/// What the filesystem and environment say about containers.
struct container_info {
  bool docker = false;
  bool podman = false;
  bool kubernetes = false;
  bool wsl = false;
  /// "docker", "podman", "kubernetes", "wsl" (the most specific), or "" for none.
  std::string_view kind() const noexcept {
    return kubernetes ? "kubernetes" : podman ? "podman" : docker ? "docker" : wsl ? "wsl" : "";
  }
};

namespace detail_fs {
inline bool exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}
inline std::string slurp(const std::string& p, std::size_t limit = 1 << 20) {
  std::string out;
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[4096];
  while (out.size() < limit) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}
}  // namespace detail_fs

/// Probes `root` + /.dockerenv, /proc/self/cgroup (docker, containerd, kubepods), /run/.containerenv (Podman),
/// /proc/sys/kernel/osrelease ("microsoft": WSL) and KUBERNETES_SERVICE_HOST. `root` is "" for the real
/// system; tests pass a fake tree.
inline container_info detect_container(const environment& e, const std::string& root = "") {
  container_info c;
  std::string cg = detail_fs::slurp(root + "/proc/self/cgroup");
  c.podman = detail_fs::exists(root + "/run/.containerenv") || cg.find("libpod") != std::string::npos;
  c.docker = !c.podman && (detail_fs::exists(root + "/.dockerenv") || cg.find("docker") != std::string::npos ||
                           cg.find("containerd") != std::string::npos);
  c.kubernetes = e.contains("KUBERNETES_SERVICE_HOST") || cg.find("kubepods") != std::string::npos;
  std::string rel = detail_fs::slurp(root + "/proc/sys/kernel/osrelease");
  for (auto& ch : rel) if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  c.wsl = rel.find("microsoft") != std::string::npos || e.contains("WSL_DISTRO_NAME");
  return c;
}

/// OS name as Node's process.platform spells it ("linux", "darwin", "freebsd", "win32", ...).
inline std::string_view os_name() noexcept {
#if defined(__linux__)
  return "linux";
#elif defined(__APPLE__)
  return "darwin";
#elif defined(__FreeBSD__)
  return "freebsd";
#elif defined(_WIN32)
  return "win32";
#else
  return "unknown";
#endif
}

/// Architecture as Node's process.arch spells it ("x64", "arm64", ...).
inline std::string_view arch_name() noexcept {
#if defined(__x86_64__) || defined(_M_X64)
  return "x64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__i386__)
  return "ia32";
#elif defined(__arm__)
  return "arm";
#elif defined(__riscv)
  return "riscv64";
#else
  return "unknown";
#endif
}

/// Everything rt info and the crash handler report.
struct platform_info {
  ci_info ci;
  container_info container;
  std::string os, arch, kernel;  ///< kernel: uname release, "" when unknown
};

/// Collects CI, container, OS and architecture facts (reads a few small files under `root`).
inline platform_info detect(const environment& e, const std::string& root = "") {
  platform_info p;
  p.ci = detect_ci(e);
  p.container = detect_container(e, root);
  p.os = std::string(os_name());
  p.arch = std::string(arch_name());
  struct utsname u {};
  if (::uname(&u) == 0) p.kernel = u.release;
  return p;
}

}  // namespace platform

using platform::detect_ci;
using platform::detect_container;
using platform::detect;

}  // namespace env
}  // namespace runtime::inline v1
RUNTIME_EXPORT_END

#endif
