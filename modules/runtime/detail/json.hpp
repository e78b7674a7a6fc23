// SPDX-License-Identifier: MIT
// runtime detail / json: the one JSON string writer (the bytes JSON.stringify and nlohmann's dump() with the
// replace handler give: `"` `\\` \b \f \n \r \t escaped, other bytes below 0x20 as \u00xx, UTF-8 kept, each
// maximal ill-formed subpart as U+FFFD), for env's output, error display and the crash report alike.
// Internal: a plain header, exported by no module.
#ifndef RUNTIME_DETAIL_JSON_HPP_
#define RUNTIME_DETAIL_JSON_HPP_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "runtime/detail/text.hpp"
#include "runtime/detail/utf8.hpp"

namespace runtime { inline namespace v1 { namespace detail {

/// Calls `put(std::string_view)` with the pieces of `s` written as the inside of a JSON string (no quotes):
/// runs that need no escape as views into `s`, eight bytes a step. async-signal-safe when `put` is (the crash
/// report's sink is).
template <class Put>
void json_escape(std::string_view s, Put&& put) {
  static constexpr char hex[] = "0123456789abcdef";
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
      if ((control_or_high & high) | word_has_byte(w, '"') | word_has_byte(w, '\\')) break;
    }
    while (run < n) {
      const auto c = static_cast<unsigned char>(d[run]);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
      ++run;
    }
    if (run > i) put(std::string_view(d + i, run - i));
    i = run;
    if (i >= n) break;
    const auto c = static_cast<unsigned char>(d[i]);
    if (c >= 0x80) {
      // A whole sequence is kept; each maximal subpart of an ill-formed one becomes one U+FFFD, as the WHATWG
      // decoder (Bun, browsers) does, so a truncated 3-byte sequence is one replacement character, not two.
      const utf8_step step = utf8_next(std::string_view(d + i, n - i));
      put(step.valid ? std::string_view(d + i, step.length) : utf8_replacement);
      i += step.length;
      continue;
    }
    switch (c) {
      case '"': put("\\\""); break;
      case '\\': put("\\\\"); break;
      case '\n': put("\\n"); break;
      case '\r': put("\\r"); break;
      case '\t': put("\\t"); break;
      case '\b': put("\\b"); break;
      case '\f': put("\\f"); break;
      default: {
        const char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        put(std::string_view(u, 6));
      }
    }
    ++i;
  }
}

/// Writes `s` as a JSON string (quotes included) at `p`, which has room for 6 * s.size() + 2 bytes; returns
/// the end. async-signal-safe.
inline char* write_json_string(char* p, std::string_view s) noexcept {
  *p++ = '"';
  json_escape(s, [&p](std::string_view piece) noexcept {
    std::memcpy(p, piece.data(), piece.size());
    p += piece.size();
  });
  *p++ = '"';
  return p;
}

/// Appends `s` as a JSON string, quotes included. (Allocates: not for signal context.)
inline void append_json_string(std::string& out, std::string_view s) {
  const std::size_t at = out.size();
  out.resize(at + 6 * s.size() + 2);
  char* end = write_json_string(out.data() + at, s);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

}}}  // namespace runtime::v1::detail

#endif  // RUNTIME_DETAIL_JSON_HPP_
