// SPDX-License-Identifier: MIT
// runtime.env / text_scan: byte-level scanning shared by the .env grammars and the loader: character
// classes, the UTF-8 BOM, and line/column counting for provenance (eight-byte word tests: detail/text.hpp).
#ifndef RUNTIME_MODULE
#  include <cstdint>
#  include <cstring>
#  include <string_view>
#  include "runtime/detail/text.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ENV_TEXT_SCAN_HPP_)
#define RUNTIME_ENV_TEXT_SCAN_HPP_
#include "runtime/config.hpp"
namespace runtime { inline namespace v1 { namespace detail {

/// Bun's .env character classes as one table lookup each (the parsers' hot loops).
struct env_char_table {
  enum : unsigned char { space = 1, key = 2, name = 4, value_end = 8 };
  unsigned char t[256] = {};
  constexpr env_char_table() {
    // Bun's .env whitespace: ASCII only (the 1.4.5 parser does not treat 0xA0 as whitespace). Newlines included.
    for (unsigned char c : {' ', '\t', '\n', '\r', '\v', '\f'}) t[c] |= space;
    for (int c = 0; c < 256; ++c) {
      bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (alnum || c == '_') t[c] |= name;
      if (alnum || c == '_' || c == '-' || c == '.') t[c] |= key;
    }
    for (unsigned char c : {'#', '\r', '\n'}) t[c] |= value_end;
  }
};
inline constexpr env_char_table env_char_classes{};
/// .env whitespace (ASCII, newlines included).
inline constexpr bool is_env_space(unsigned char c) noexcept { return env_char_classes.t[c] & env_char_table::space; }
/// A byte of a key: [A-Za-z0-9_.-].
inline constexpr bool is_env_key_char(unsigned char c) noexcept { return env_char_classes.t[c] & env_char_table::key; }
/// A byte of a name in `$NAME` / `${NAME}`: [A-Za-z0-9_].
inline constexpr bool is_env_name_char(unsigned char c) noexcept { return env_char_classes.t[c] & env_char_table::name; }
/// Ends an unquoted value: '#', '\r', '\n'.
inline constexpr bool is_env_value_end(unsigned char c) noexcept {
  return env_char_classes.t[c] & env_char_table::value_end;
}

/// `s` without a leading UTF-8 byte order mark.
inline std::string_view strip_utf8_bom(std::string_view s) noexcept {
  if (s.size() >= 3 && static_cast<unsigned char>(s[0]) == 0xEF && static_cast<unsigned char>(s[1]) == 0xBB &&
      static_cast<unsigned char>(s[2]) == 0xBF)
    s.remove_prefix(3);
  return s;
}

/// Counts lines up to a position that only moves forward, so provenance costs O(file size) in total.
class forward_line_counter {
 public:
  explicit forward_line_counter(std::string_view src) noexcept
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

}}}  // namespace runtime::v1::detail

#endif
