// SPDX-License-Identifier: MIT
// runtime.log / output: the process-wide log state and the output path: admitting a record, building its text
// or JSON line (control characters escaped), and writing it whole under the mutex.
#ifndef RUNTIME_MODULE
#  include <unistd.h>
#  include <algorithm>
#  include <atomic>
#  include <cerrno>
#  include <chrono>
#  include <cstddef>
#  include <cstdint>
#  include <ctime>
#  include <mutex>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <nlohmann/json.hpp>
#endif
#include "runtime/log/levels.hpp"
#include "runtime/log/config.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_LOG_OUTPUT_HPP_)
#define RUNTIME_LOG_OUTPUT_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace log { namespace detail {

struct state {
  std::mutex mu;
  config cfg;
  state() { cfg.levels.default_level = level::warn; }
};

inline state& global() {
  static state s;
  return s;
}

inline std::atomic<std::uint8_t>& max_level() {
  static std::atomic<std::uint8_t> v{static_cast<std::uint8_t>(level::warn)};
  return v;
}

inline void append_timestamp(std::string& out) {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto secs = time_point_cast<seconds>(now);
  auto ms = duration_cast<milliseconds>(now - secs).count();
  std::time_t t = system_clock::to_time_t(secs);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[40];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  out.append(buf, n);
  char frac[8];
  frac[0] = '.';
  frac[1] = static_cast<char>('0' + ms / 100);
  frac[2] = static_cast<char>('0' + ms / 10 % 10);
  frac[3] = static_cast<char>('0' + ms % 10);
  frac[4] = 'Z';
  out.append(frac, 5);
}

inline std::string_view level_color(level l) noexcept {
  switch (l) {
    case level::error: return "\x1b[31m";
    case level::warn: return "\x1b[33m";
    case level::info: return "\x1b[32m";
    case level::debug: return "\x1b[34m";
    case level::trace: return "\x1b[35m";
    default: return "";
  }
}

inline void write_all(int fd, std::string_view s) noexcept {
  while (!s.empty()) {
    ssize_t n = ::write(fd, s.data(), s.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Appends `s` with every C0 control character and DEL escaped (\n, \r, \t, else \xHH), so a message can
// neither forge a second log line nor send a terminal escape sequence. Bytes >= 0x80 pass through untouched,
// which keeps UTF-8 readable.
inline void append_escaped(std::string& out, std::string_view s) {
  auto is_control = [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  };
  while (!s.empty()) {
    auto run = static_cast<std::size_t>(std::find_if(s.begin(), s.end(), is_control) - s.begin());
    out.append(s.data(), run);
    if (run == s.size()) return;
    auto u = static_cast<unsigned char>(s[run]);
    switch (u) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        const char esc[4] = {'\\', 'x', "0123456789abcdef"[u >> 4], "0123456789abcdef"[u & 0xf]};
        out.append(esc, 4);
      }
    }
    s.remove_prefix(run + 1);
  }
}

// What shapes a line, copied out of the configuration under the mutex so the line is built without it.
struct line_shape {
  format format_;
  bool color;
  bool timestamps;
};

// True while this thread is inside the output step (a user sink or the stderr write) and so holds the
// mutex: a record it makes there is dropped instead of deadlocking on the non-recursive mutex.
inline bool& in_output() noexcept {
  static thread_local bool inside = false;
  return inside;
}

// The shape for a record at `l` for `target`, or nullopt when the filter drops it (or it comes from inside a
// sink). Runs no user code under the mutex.
inline std::optional<line_shape> admit(level l, std::string_view target, bool filtered = true) {
  if (in_output()) return std::nullopt;
  auto& s = global();
  std::lock_guard lock(s.mu);
  if (filtered && l > s.cfg.levels.for_target(target)) return std::nullopt;
  return line_shape{s.cfg.format_, s.cfg.color, s.cfg.timestamps};
}

// Builds one record's line, newline included. Takes no lock and runs no user code.
inline std::string make_line(const line_shape& shape, level l, std::string_view target, std::string_view msg,
                             const std::optional<double>& elapsed_ms) {
  std::string line;
  line.reserve(msg.size() + 64);
  if (shape.format_ == format::json) {
    nlohmann::json j;
    std::string ts;
    append_timestamp(ts);
    if (shape.timestamps) j["ts"] = ts;
    j["level"] = std::string(to_string(l));
    if (!target.empty()) j["target"] = std::string(target);
    j["msg"] = std::string(msg);
    if (elapsed_ms) j["elapsed_ms"] = *elapsed_ms;
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    if (shape.timestamps) {
      if (shape.color) line += "\x1b[2m";
      append_timestamp(line);
      if (shape.color) line += "\x1b[0m";
      line += ' ';
    }
    if (shape.color) line += level_color(l);
    std::string_view name = to_string(l);
    for (char c : name) line += static_cast<char>(c - 'a' + 'A');
    if (name.size() == 4) line += ' ';
    if (shape.color) line += "\x1b[0m";
    line += ' ';
    if (!target.empty()) {
      append_escaped(line, target);
      line += ": ";
    }
    append_escaped(line, msg);
  }
  line += '\n';
  return line;
}

// Hands a finished line to the sink (or stderr). The mutex keeps records whole and in one order, and
// serialises calls into a sink that is not thread-safe; in_output() marks the thread meanwhile.
inline void output(level l, std::string_view line) {
  auto& s = global();
  std::lock_guard lock(s.mu);
  struct mark {
    mark() noexcept { in_output() = true; }
    ~mark() { in_output() = false; }  // also when the sink throws
  } m;
  if (s.cfg.output) s.cfg.output(l, line);
  else write_all(2, line);
}

inline void emit(const line_shape& shape, level l, std::string_view target, std::string_view msg,
                 const std::optional<double>& elapsed_ms) {
  output(l, make_line(shape, l, target, msg, elapsed_ms));
}

} } } }  // namespace runtime::v1::log::detail


#endif
