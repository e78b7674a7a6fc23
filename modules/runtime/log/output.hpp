// SPDX-License-Identifier: MIT
// runtime.log / output: the process-wide log state and the output path: admitting a record, building its text
// or JSON line (control characters escaped: detail::escape::log_line), and writing it whole under the mutex.
#ifndef RUNTIME_MODULE
#  include <unistd.h>
#  include <algorithm>
#  include <atomic>
#  include <chrono>
#  include <cstddef>
#  include <cstdint>
#  include <ctime>
#  include <mutex>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <nlohmann/json.hpp>
#  include "runtime/detail/posix_io.hpp"
#  include "runtime/detail/text.hpp"
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
      ::runtime::detail::append_escaped(line, target, ::runtime::detail::escape::log_line);
      line += ": ";
    }
    ::runtime::detail::append_escaped(line, msg, ::runtime::detail::escape::log_line);
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
  else ::runtime::detail::write_all(2, line);
}

inline void emit(const line_shape& shape, level l, std::string_view target, std::string_view msg,
                 const std::optional<double>& elapsed_ms) {
  output(l, make_line(shape, l, target, msg, elapsed_ms));
}

} } } }  // namespace runtime::v1::log::detail


#endif
