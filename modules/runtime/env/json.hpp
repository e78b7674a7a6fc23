// SPDX-License-Identifier: MIT
// runtime.env / json: an environment written for programs and people: JSON (the bytes of
// JSON.stringify(process.env)) and which keys human output masks.
#ifndef RUNTIME_MODULE
#  include <algorithm>
#  include <cstdint>
#  include <cstring>
#  include <string>
#  include <string_view>
#  include "runtime/detail/text.hpp"
#  include "runtime/detail/json.hpp"
#  include "runtime/detail/utf8.hpp"
#endif
#include "runtime/env/environment.hpp"
#include "runtime/env/text_scan.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ENV_JSON_HPP_)
#define RUNTIME_ENV_JSON_HPP_
#include "runtime/config.hpp"
RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { namespace env {

/// What output shows instead of a secret value.
inline constexpr std::string_view redacted_value = "<redacted>";

/// True for keys whose values human output hides unless asked (TOKEN, SECRET, PASSWORD, KEY, ...).
inline bool is_secret_key(std::string_view key) {
  std::string up(key);
  for (auto& c : up) c = detail::ascii_upper(c);
  for (std::string_view w : {"TOKEN", "SECRET", "PASSWORD", "PASSWD", "PWD_HASH", "KEY", "PRIVATE", "CREDENTIAL",
                             "AUTH", "COOKIE", "SESSION", "SIGNATURE", "DSN", "DATABASE_URL"})
    if (up.find(w) != std::string::npos) return true;
  return false;
}

/// Appends `s` as a JSON string (quotes included), like JSON.stringify: invalid UTF-8 bytes become U+FFFD.
inline void append_json_string(std::string& out, std::string_view s) { detail::append_json_string(out, s); }

/// Writes the whole environment as one JSON object on one line (keys sorted, no trailing newline) through
/// `write(std::string_view)`, in pieces of about `chunk` bytes: the bytes of to_json() without holding them all.
/// A key that is not valid UTF-8 (only the process can give one) is left out, as JSON.stringify(process.env)
/// leaves it out in Bun; invalid sequences in values become U+FFFD. With `redact_secrets`, the value of each
/// key is_secret_key() names is written as "<redacted>", as human output shows it.
template <class Write>
void write_json(const environment& e, Write&& write, std::size_t chunk = std::size_t{1} << 17,
                bool redact_secrets = false) {
  // The buffer is what this environment needs, up to a chunk: a small environment does not pay for
  // clearing (and faulting in) a 128 KiB buffer.
  std::size_t want = 2;
  for (const auto& [k, value] : e) {
    want += 6 * (k.size() + value.size()) + 8;
    if (want >= chunk + 64) break;
  }
  std::string buf(std::min(want, chunk + 64), '\0');
  std::size_t at = 0;
  buf[at++] = '{';
  bool first = true;
  for (const auto& [k, value] : e) {
    if (detail::first_invalid_utf8(k) != std::string_view::npos) [[unlikely]]
      continue;
    const std::string_view v = redact_secrets && is_secret_key(k) ? std::string_view(redacted_value) : value;
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
    p = detail::write_json_string(p, k);
    *p++ = ':';
    p = detail::write_json_string(p, v);
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

}}}  // namespace runtime::v1::env
RUNTIME_EXPORT_END

#endif
