// SPDX-License-Identifier: MIT
// runtime detail / text: the small text jobs every module shares: control-character escaping under an explicit
// policy, ASCII case-insensitive comparison, boolean words, sh quoting, cutting what a message echoes, the one
// "did you mean" (nearest match), and the ANSI styles every coloured message is painted with (whether to colour is
// error/display's color_enabled).
// Internal: a plain header, exported by no module (in module mode it sits in each module's global fragment).
#ifndef RUNTIME_DETAIL_TEXT_HPP_
#define RUNTIME_DETAIL_TEXT_HPP_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/detail/utf8.hpp"

namespace runtime { inline namespace v1 { namespace detail {

// ---- ANSI styles ------------------------------------------------------------------------------------------

inline constexpr std::string_view ansi_reset = "\x1b[0m";
inline constexpr std::string_view ansi_bold = "\x1b[1m";
inline constexpr std::string_view ansi_dim = "\x1b[2m";
inline constexpr std::string_view ansi_red = "\x1b[31m";
inline constexpr std::string_view ansi_yellow = "\x1b[33m";
inline constexpr std::string_view ansi_plain_blue = "\x1b[34m";
inline constexpr std::string_view ansi_magenta = "\x1b[35m";
inline constexpr std::string_view ansi_error = "\x1b[1;31m";  ///< rt's own "error" (bold red)
inline constexpr std::string_view ansi_blue = "\x1b[1;34m";   ///< bold blue
inline constexpr std::string_view ansi_help = "\x1b[1;36m";   ///< bold cyan

/// Appends `style` when colour is on (for text whose styles nest, as Bun's do).
inline void paint_style(std::string& out, bool color, std::string_view style) {
  if (color) out += style;
}

/// Appends `text` in `style`, then a reset, when colour is on; `text` alone otherwise.
inline void paint(std::string& out, bool color, std::string_view style, std::string_view text) {
  if (color) out += style;
  out += text;
  if (color) out += ansi_reset;
}

// ---- bytes ---------------------------------------------------------------------------------------------

/// Nonzero when one of the eight bytes of `w` is `c`. async-signal-safe.
inline constexpr std::uint64_t word_has_byte(std::uint64_t w, unsigned char c) noexcept {
  const std::uint64_t x = w ^ (0x0101010101010101ull * c);
  return (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
}

// ---- ASCII case ------------------------------------------------------------------------------------------

/// `c` in lower case if it is an ASCII capital; any other byte unchanged. async-signal-safe.
constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

/// `c` in upper case if it is an ASCII small letter; any other byte unchanged. async-signal-safe.
constexpr char ascii_upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

/// Whether `a` and `b` are equal ignoring ASCII case (bytes >= 0x80 compare exactly). async-signal-safe.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

// ---- boolean words ---------------------------------------------------------------------------------------
// One vocabulary for every module: "true", "1", "yes", "on" and "false", "0", "no", "off", ASCII case-insensitive
// ("1"/"0" have no case). What an EMPTY value means stays the caller's rule (cli: invalid; Bun's feature flags:
// false), as do Bun's wider falsy sets (FORCE_COLOR's integer zero "00"/"+0"): callers test those first.

/// "true", "1", "yes" or "on" in any ASCII case. async-signal-safe.
constexpr bool is_true_word(std::string_view v) noexcept {
  return iequals(v, "true") || v == "1" || iequals(v, "yes") || iequals(v, "on");
}

/// "false", "0", "no" or "off" in any ASCII case. async-signal-safe.
constexpr bool is_false_word(std::string_view v) noexcept {
  return iequals(v, "false") || v == "0" || iequals(v, "no") || iequals(v, "off");
}

/// true for a true word, false for a false word, nullopt for anything else (the empty string included).
/// async-signal-safe.
constexpr std::optional<bool> parse_bool_word(std::string_view v) noexcept {
  if (is_true_word(v)) return true;
  if (is_false_word(v)) return false;
  return std::nullopt;
}

/// Bun's feature-flag truthiness (src/env_var.zig): false when empty or a false word ("0", "false", "no",
/// "off" in any case), true for anything else ("2", "maybe" included). async-signal-safe.
constexpr bool is_truthy_value(std::string_view v) noexcept { return !(v.empty() || is_false_word(v)); }

/// The accepted words, for messages: "true, false, 1, 0, yes, no, on, off".
inline constexpr std::string_view bool_words_list = "true, false, 1, 0, yes, no, on, off";

// ---- escaping --------------------------------------------------------------------------------------------

/// What becomes of a control character that the policy neither keeps nor names.
enum class escape_other : std::uint8_t {
  hex,      ///< written as \xNN (lower-case hex)
  replace,  ///< written as escape_policy::replacement
};

/// How escape_* treats control characters. A control character is a C0 byte (0x00-0x1f), DEL (0x7f) when `del`,
/// and, when `c1`, a C1 control encoded in UTF-8 (U+0080-U+009F: bytes C2 80-C2 9F, which some terminals obey
/// like ESC [). Every other byte, UTF-8 included, passes through unchanged. For each control character, in order:
/// in `keep` -> written raw; in `named` (only '\n', '\r', '\t' have names) -> \n, \r, \t; otherwise `other`.
/// The presets below are the policies the modules use; write a new one only for a new kind of output.
struct escape_policy {
  std::string_view keep{};              ///< control characters passed through raw (e.g. "\n\t" for a report)
  std::string_view named = "\n\r\t";    ///< control characters written as C escapes (subset of "\n\r\t")
  escape_other other = escape_other::hex;  ///< every other control character
  char replacement = '?';               ///< with escape_other::replace
  bool del = true;                      ///< DEL (0x7f) is a control character
  bool c1 = false;                      ///< UTF-8 C1 controls are control characters (hex: "\xc2\x9b")
  bool backslash = false;               ///< '\' is written "\\", so escaped text reads back unambiguously
};

// ---- numbers into fixed buffers ----------------------------------------------------------------------------
/// Room format_hex / format_decimal need.
inline constexpr std::size_t number_chars = 24;

/// Writes `v` as lower-case hex digits (no prefix, no padding) into `out`, returns how many.
/// async-signal-safe: no allocation, no lock.
inline std::size_t format_hex(char (&out)[number_chars], std::uintptr_t v) noexcept {
  char t[number_chars];
  std::size_t k = 0;
  do {
    t[k++] = "0123456789abcdef"[v & 0xf];
    v >>= 4;
  } while (v != 0);
  for (std::size_t i = 0; i < k; ++i) out[i] = t[k - 1 - i];
  return k;
}

/// Writes `v` in decimal (a leading '-' when negative) into `out`, returns how many.
/// async-signal-safe: no allocation, no lock.
inline std::size_t format_decimal(char (&out)[number_chars], long long v) noexcept {
  char t[number_chars];
  std::size_t k = 0;
  unsigned long long u = v < 0 ? 0ULL - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
  do {
    t[k++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  std::size_t n = 0;
  if (v < 0) out[n++] = '-';
  while (k > 0) out[n++] = t[--k];
  return n;
}

namespace escape {
/// A log line (runtime.log text records): \n \r \t, other C0, DEL and the UTF-8 C1 controls as \xNN, and '\'
/// as "\\", so a logged value can neither forge a line nor pass for an escape ("a\\nINFO ..." is not "a\n").
inline constexpr escape_policy log_line{.c1 = true, .backslash = true};
/// Any one-line message (flags' TOML/JSON parser errors): \n \r \t, other C0 and DEL as \xNN; C1 and
/// backslashes as they are, since the message quotes the user's text for reading, not for parsing back.
inline constexpr escape_policy one_line{};
/// A multi-line report (the crash report's slot text): newline and tab kept, other C0 and DEL as \xNN.
inline constexpr escape_policy report{.keep = "\n\t", .named = {}};
/// One line with no escapes at all: every control character, newline and tab included, becomes a space
/// (app's last-resort error line, written without allocating).
inline constexpr escape_policy spaces{.named = {}, .other = escape_other::replace, .replacement = ' '};
/// A source line under a caret (error display): like spaces but a tab stays a tab (keeps caret columns).
inline constexpr escape_policy spaces_keep_tab{.keep = "\t", .named = {}, .other = escape_other::replace,
                                               .replacement = ' '};
/// Human output of values (examples/rt `env`, `flags`): \n \r \t named, other C0 as '?', DEL unchanged.
inline constexpr escape_policy question_marks{.other = escape_other::replace, .replacement = '?', .del = false};
}  // namespace escape

/// One escaped unit: `consumed` input bytes became `size` output bytes `text[0..size)`.
struct escape_unit {
  std::uint8_t consumed = 1;
  std::uint8_t size = 0;
  char text[8] = {};
  constexpr std::string_view view() const noexcept { return {text, size}; }
};

/// Whether byte `u` may start a control character under `p` (a C2 lead only when `p.c1`). async-signal-safe.
constexpr bool escape_candidate(unsigned char u, const escape_policy& p) noexcept {
  return u < 0x20 || (u == 0x7f && p.del) || (u == '\\' && p.backslash) || (u == 0xc2 && p.c1);
}

/// The escape of the unit starting at s[i] (s[i] must be an escape_candidate); a C2 lead not followed by
/// 80-9F is returned unchanged. async-signal-safe.
constexpr escape_unit escape_at(std::string_view s, std::size_t i, const escape_policy& p) noexcept {
  constexpr char hex[] = "0123456789abcdef";
  escape_unit e;
  const char c = s[i];
  const auto u = static_cast<unsigned char>(c);
  auto put = [&e](char ch) { e.text[e.size++] = ch; };
  auto put_hex = [&](unsigned char b) {
    put('\\'), put('x'), put(hex[b >> 4]), put(hex[b & 15]);
  };
  if (u == '\\') {
    put('\\'), put('\\');
    return e;
  }
  if (u == 0xc2) {
    const unsigned char next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
    if (next < 0x80 || next > 0x9f) {
      put(c);
      return e;
    }
    e.consumed = 2;
    if (p.other == escape_other::replace) put(p.replacement);
    else put_hex(u), put_hex(next);
    return e;
  }
  if (p.keep.find(c) != std::string_view::npos) {
    put(c);
    return e;
  }
  if ((c == '\n' || c == '\r' || c == '\t') && p.named.find(c) != std::string_view::npos) {
    put('\\'), put(c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
    return e;
  }
  if (p.other == escape_other::replace) put(p.replacement);
  else put_hex(u);
  return e;
}

/// Calls `piece(std::string_view)` with the escaped form of `s`, in order: runs that need nothing are passed
/// as views into `s`, each escape as a short view. The one escaping loop; allocation-free and
/// async-signal-safe when `piece` is.
template <class Piece>
constexpr void for_each_escaped(std::string_view s, const escape_policy& p, Piece&& piece) {
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t run = i;
    while (run < s.size() && !escape_candidate(static_cast<unsigned char>(s[run]), p)) ++run;
    if (run > i) piece(s.substr(i, run - i));
    if (run == s.size()) return;
    const escape_unit e = escape_at(s, run, p);
    piece(e.view());
    i = run + e.consumed;
  }
}

/// Appends `s` to `out`, escaped under `p`.
inline void append_escaped(std::string& out, std::string_view s, const escape_policy& p) {
  for_each_escaped(s, p, [&out](std::string_view piece) { out.append(piece); });
}

/// `s` escaped under `p`.
inline std::string escaped(std::string_view s, const escape_policy& p) {
  std::string out;
  out.reserve(s.size());
  append_escaped(out, s, p);
  return out;
}

/// Result of escape_into: `written` bytes of `buf` filled from the first `consumed` bytes of the input.
struct escape_progress {
  std::size_t written = 0;
  std::size_t consumed = 0;
};

/// Escapes as much of `s` as fits into `buf[0..cap)` without splitting an escape; call again with
/// s.substr(consumed) to go on. Makes progress whenever cap >= 8. async-signal-safe (no allocation, no lock).
constexpr escape_progress escape_into(char* buf, std::size_t cap, std::string_view s, const escape_policy& p) noexcept {
  escape_progress r;
  while (r.consumed < s.size()) {
    const auto u = static_cast<unsigned char>(s[r.consumed]);
    if (!escape_candidate(u, p)) {
      if (r.written == cap) break;
      buf[r.written++] = s[r.consumed++];
      continue;
    }
    const escape_unit e = escape_at(s, r.consumed, p);
    if (cap - r.written < e.size) break;
    for (std::size_t k = 0; k < e.size; ++k) buf[r.written++] = e.text[k];
    r.consumed += e.consumed;
  }
  return r;
}

// ---- what a message echoes -------------------------------------------------------------------------------
// One rule for every message that repeats a user's text (an argument, a path, a key): at most
// message_echo_limit bytes of it, cut at UTF-8 boundaries with "...", so a 1 MB argument or a 131 KB path never
// makes a 1 MB error line.

/// The most bytes of a user's text one message echoes.
inline constexpr std::size_t message_echo_limit = 200;

/// Where cut_for_message cuts: `end` keeps the start (an argument: its start says what it was), `middle` keeps
/// both ends (a path: its start says where, its end which file).
enum class cut_at : std::uint8_t { end, middle };

/// `s` when it has at most `limit` bytes; otherwise at most `limit` of its bytes, whole UTF-8 sequences only,
/// with "..." where the rest was.
inline std::string cut_for_message(std::string_view s, cut_at where = cut_at::end,
                                   std::size_t limit = message_echo_limit) {
  if (s.size() <= limit) return std::string(s);
  std::string out;
  if (where == cut_at::end) {
    out.reserve(limit + 3);
    out.append(utf8_truncate(s, limit));
    out += "...";
    return out;
  }
  const std::size_t head = limit / 2;
  std::size_t tail_at = s.size() - (limit - head);
  while (tail_at < s.size() && (static_cast<unsigned char>(s[tail_at]) & 0xc0) == 0x80) ++tail_at;
  out.reserve(limit + 3);
  out.append(utf8_truncate(s, head));
  out += "...";
  out.append(s.substr(tail_at));
  return out;
}

/// `s` cut by cut_for_message, in double quotes (how messages echo an argument).
inline std::string quoted_for_message(std::string_view s, cut_at where = cut_at::end) {
  std::string out = "\"";
  out += cut_for_message(s, where);
  out += '"';
  return out;
}

// ---- shell quoting ---------------------------------------------------------------------------------------

/// `s` in single quotes for sh, bash and zsh: nothing inside is expanded; each `'` becomes `'\''`.
inline std::string shell_single_quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '\'';
  for (const char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  out += '\'';
  return out;
}

// ---- did you mean ----------------------------------------------------------------------------------------
// One algorithm and one threshold for every suggestion (commands, options, choices, bunfig keys, feature flags):
// optimal-string-alignment distance (insert, delete, substitute, or swap two neighbours: one edit each),
// ASCII case-insensitive, at most suggestion_cap(word length); ties keep the candidate offered first; a word
// that is empty or only white space suggests nothing.

/// The largest distance a suggestion may have for a typed word of `n` bytes: 1 up to 3, 2 up to 6, else 3.
constexpr std::size_t suggestion_cap(std::size_t n) noexcept { return n <= 3 ? 1 : (n <= 6 ? 2 : 3); }

/// Case-insensitive optimal-string-alignment distance between `a` and `b`, or `cap + 1` when it is larger.
inline std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t cap) {
  if (a.size() > b.size() + cap || b.size() > a.size() + cap) return cap + 1;
  std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = ascii_lower(a[i - 1]) == ascii_lower(b[j - 1]) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && ascii_lower(a[i - 1]) == ascii_lower(b[j - 2]) &&
          ascii_lower(a[i - 2]) == ascii_lower(b[j - 1]))
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[b.size()], cap + 1);
}

/// Keeps the nearest of the candidates offered to it (for candidates built on the fly, e.g. "--" + name).
class nearest_match {
 public:
  explicit nearest_match(std::string_view word)
      : word_(word),
        cap_(suggestion_cap(word.size())),
        blank_(word.find_first_not_of(" \t\n\r\f\v") == std::string_view::npos) {}
  /// Considers `candidate` (an empty one never matches); if it is the nearest so far, remembers
  /// `shown_prefix` + `candidate` as the suggestion.
  void offer(std::string_view candidate, std::string_view shown_prefix = {}) {
    if (blank_ || candidate.empty()) return;
    const std::size_t d = edit_distance(word_, candidate, cap_);
    if (d <= cap_ && d < best_distance_) {
      best_distance_ = d;
      best_.assign(shown_prefix);
      best_.append(candidate);
    }
  }
  /// Whether some candidate was close enough.
  bool found() const noexcept { return best_distance_ <= cap_; }
  /// The suggestion ("" when none).
  const std::string& best() const noexcept { return best_; }
  /// The suggestion, if any.
  std::optional<std::string> result() const { return found() ? std::optional<std::string>(best_) : std::nullopt; }

 private:
  std::string_view word_;
  std::size_t cap_;
  bool blank_;
  std::string best_{};
  std::size_t best_distance_ = static_cast<std::size_t>(-1);
};

/// The candidate nearest to `word` (each element convertible to std::string_view), if one is close enough.
template <class Range>
std::optional<std::string> nearest(std::string_view word, const Range& candidates) {
  nearest_match m(word);
  for (const auto& c : candidates) m.offer(std::string_view(c));
  return m.result();
}

/// The hint text for a suggestion: did you mean "x"?
inline std::string did_you_mean(std::string_view suggestion) {
  std::string out = "did you mean \"";
  out.append(suggestion);
  out += "\"?";
  return out;
}

}}}  // namespace runtime::v1::detail

#endif  // RUNTIME_DETAIL_TEXT_HPP_
