// SPDX-License-Identifier: MIT
// runtime.log / format: a record's message from "{}" placeholders and arguments (strings, numbers, bools,
// enums, pointers, anything with an ADL to_string), built only once a record is emitted.
#ifndef RUNTIME_MODULE
#  include <array>
#  include <charconv>
#  include <concepts>
#  include <cstddef>
#  include <cstdint>
#  include <string>
#  include <string_view>
#  include <type_traits>
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_LOG_FORMAT_HPP_)
#define RUNTIME_LOG_FORMAT_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace log { namespace detail {

template <class T>
concept StringLike = std::is_convertible_v<const T&, std::string_view>;

template <class T>
concept HasToString = requires(const T& v) {
  { to_string(v) } -> std::convertible_to<std::string>;
};

template <class T>
void append_arg(std::string& out, const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    out += v ? "true" : "false";
  } else if constexpr (std::is_same_v<T, char>) {
    out += v;
  } else if constexpr (std::is_same_v<T, std::nullptr_t>) {
    out += "(null)";
  } else if constexpr (std::is_same_v<T, const char*> || std::is_same_v<T, char*>) {
    // A C string is often straight from getenv() or a C API and may be null; string_view(nullptr) is UB.
    if (v == nullptr) out += "(null)";
    else out += std::string_view(v);
  } else if constexpr (StringLike<T>) {
    out += std::string_view(v);
  } else if constexpr (std::is_arithmetic_v<T>) {
    std::array<char, 64> buf{};
    auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    out.append(buf.data(), r.ptr);
  } else if constexpr (std::is_enum_v<T>) {
    append_arg(out, static_cast<std::underlying_type_t<T>>(v));
  } else if constexpr (HasToString<T>) {
    out += to_string(v);
  } else if constexpr (std::is_pointer_v<T>) {
    std::array<char, 32> buf{};
    auto r = std::to_chars(buf.data(), buf.data() + buf.size(), reinterpret_cast<std::uintptr_t>(v), 16);
    out += "0x";
    out.append(buf.data(), r.ptr);
  } else {
    static_assert(std::is_arithmetic_v<T>,
                  "runtime::log: an argument type must be a string, number, bool, char, enum, pointer, "
                  "or have a to_string(const T&) found by ADL");
  }
}

// "{}" placeholders in order; "{{" and "}}" are literal braces; surplus arguments are appended after a space
// and missing ones leave "{}" in place, so a wrong format string never loses data or crashes.
template <class... Args>
void vformat(std::string& out, std::string_view fmt, const Args&... args) {
  using appender = void (*)(std::string&, const void*);
  const void* ptrs[sizeof...(Args) + 1] = {static_cast<const void*>(&args)..., nullptr};
  appender fns[sizeof...(Args) + 1] = {
      [](std::string& o, const void* p) { append_arg(o, *static_cast<const Args*>(p)); }..., nullptr};
  std::size_t next = 0;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c == '{' && i + 1 < fmt.size() && fmt[i + 1] == '{') { out += '{'; ++i; continue; }
    if (c == '}' && i + 1 < fmt.size() && fmt[i + 1] == '}') { out += '}'; ++i; continue; }
    if (c == '{' && i + 1 < fmt.size() && fmt[i + 1] == '}' && next < sizeof...(Args)) {
      fns[next](out, ptrs[next]);
      ++next;
      ++i;
      continue;
    }
    out += c;
  }
  for (; next < sizeof...(Args); ++next) {
    out += ' ';
    fns[next](out, ptrs[next]);
  }
}

} } } }  // namespace runtime::v1::log::detail


#endif
