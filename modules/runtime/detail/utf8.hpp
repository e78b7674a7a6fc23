// SPDX-License-Identifier: MIT
// runtime detail / utf8: the one UTF-8 validator and decoder (Unicode table 3-7: no overlongs, no surrogates,
// nothing above U+10FFFF), with U+FFFD replacement per maximal subpart as the WHATWG decoder (Bun) does.
// Internal: a plain header, exported by no module. Every function here is async-signal-safe.
#ifndef RUNTIME_DETAIL_UTF8_HPP_
#define RUNTIME_DETAIL_UTF8_HPP_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace runtime { inline namespace v1 { namespace detail {

/// U+FFFD REPLACEMENT CHARACTER in UTF-8.
inline constexpr std::string_view utf8_replacement = "\xEF\xBF\xBD";

/// The length a UTF-8 sequence starting with lead byte `u` must have: 1 for ASCII, 2-4 for a valid lead,
/// 0 when `u` cannot start a sequence (a continuation byte, C0, C1, F5-FF). async-signal-safe.
constexpr std::size_t utf8_sequence_length(unsigned char u) noexcept {
  if (u < 0x80) return 1;
  if (u >= 0xc2 && u <= 0xdf) return 2;
  if (u >= 0xe0 && u <= 0xef) return 3;
  if (u >= 0xf0 && u <= 0xf4) return 4;
  return 0;
}

/// One step of decoding: the next `length` bytes are a whole well-formed sequence (`valid`), or the maximal
/// subpart of an ill-formed one, which a decoder replaces with ONE U+FFFD (length >= 1 either way).
struct utf8_step {
  std::size_t length = 1;
  bool valid = false;
};

/// The sequence at the start of `s` (non-empty). A truncated 3-byte sequence is one maximal subpart (one
/// U+FFFD), a lone continuation byte is one. async-signal-safe.
constexpr utf8_step utf8_next(std::string_view s) noexcept {
  const auto c = static_cast<unsigned char>(s[0]);
  if (c < 0x80) return {1, true};
  const std::size_t want = utf8_sequence_length(c);
  if (want == 0) return {1, false};
  // The second byte's range depends on the lead; later bytes are any continuation byte.
  unsigned char lo = 0x80, hi = 0xbf;
  if (c == 0xe0) lo = 0xa0;        // overlong
  else if (c == 0xed) hi = 0x9f;   // surrogates
  else if (c == 0xf0) lo = 0x90;   // overlong
  else if (c == 0xf4) hi = 0x8f;   // above U+10FFFF
  std::size_t k = 1;
  for (; k < want && k < s.size(); ++k, lo = 0x80, hi = 0xbf) {
    const auto b = static_cast<unsigned char>(s[k]);
    if (b < lo || b > hi) break;
  }
  return {k, k == want};
}

/// How many bytes at the start of `s` (which begins with a byte >= 0x80) are a well-formed sequence or the
/// start of one; 0 when the lead byte cannot start one. (error's crash-report JSON writer's form.)
/// async-signal-safe.
constexpr std::size_t utf8_valid_prefix(std::string_view s) noexcept {
  if (s.empty() || utf8_sequence_length(static_cast<unsigned char>(s[0])) == 0) return 0;
  return utf8_next(s).length;
}

/// Offset of the first byte that is not part of well-formed UTF-8, or npos. ASCII runs go eight bytes at a
/// time. async-signal-safe.
inline std::size_t first_invalid_utf8(std::string_view s) noexcept {
  const char* p = s.data();
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    for (; i + 8 <= n; i += 8) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ull) break;
    }
    if (i >= n) break;
    if (static_cast<unsigned char>(p[i]) < 0x80) {
      ++i;
      continue;
    }
    const utf8_step st = utf8_next(s.substr(i));
    if (!st.valid) return i;
    i += st.length;
  }
  return std::string_view::npos;
}

/// Whether `s` is well-formed UTF-8. async-signal-safe.
inline bool is_valid_utf8(std::string_view s) noexcept { return first_invalid_utf8(s) == std::string_view::npos; }

/// Calls `piece(std::string_view)` with `s` made well-formed: valid runs as views into `s`, each maximal
/// subpart of an ill-formed sequence as utf8_replacement. Allocation-free and async-signal-safe when `piece` is.
template <class Piece>
constexpr void for_each_utf8_replaced(std::string_view s, Piece&& piece) {
  std::size_t start = 0, i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const utf8_step st = utf8_next(s.substr(i));
    if (st.valid) {
      i += st.length;
      continue;
    }
    if (i > start) piece(s.substr(start, i - start));
    piece(utf8_replacement);
    i += st.length;
    start = i;
  }
  if (i > start) piece(s.substr(start, i - start));
}

/// `s` with each maximal subpart of an ill-formed sequence replaced by U+FFFD.
inline std::string utf8_replace_invalid(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for_each_utf8_replaced(s, [&out](std::string_view piece) { out.append(piece); });
  return out;
}

/// The longest prefix of `s` of at most `max` bytes that does not cut a UTF-8 sequence in two (cuts before
/// the lead byte of a sequence that would not fit). async-signal-safe.
constexpr std::string_view utf8_truncate(std::string_view s, std::size_t max) noexcept {
  if (s.size() <= max) return s;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;
  return s.substr(0, cut);
}

}}}  // namespace runtime::v1::detail

#endif  // RUNTIME_DETAIL_UTF8_HPP_
