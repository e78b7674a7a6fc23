// SPDX-License-Identifier: MIT
// runtime.log: levelled logging with per-target filters, text or JSON-lines output, and timed spans.
// The level check is one relaxed atomic load; arguments are only formatted once a record is known to be
// emitted. Records are written whole, one write(2) per line under a mutex, so threads never interleave.
#ifndef RUNTIME_MODULE
#  include <unistd.h>
#  include <algorithm>
#  include <array>
#  include <atomic>
#  include <cerrno>
#  include <charconv>
#  include <chrono>
#  include <cstddef>
#  include <cstdint>
#  include <ctime>
#  include <functional>
#  include <mutex>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <type_traits>
#  include <utility>
#  include <vector>
#  include <nlohmann/json.hpp>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_LOG_HPP_)
#define RUNTIME_LOG_HPP_
#include "runtime/config.hpp"

namespace runtime::inline v1::log::detail {

template <class T>
concept string_like = std::is_convertible_v<const T&, std::string_view>;

template <class T>
concept has_to_string = requires(const T& v) {
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
  } else if constexpr (string_like<T>) {
    out += std::string_view(v);
  } else if constexpr (std::is_arithmetic_v<T>) {
    std::array<char, 64> buf{};
    auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    out.append(buf.data(), r.ptr);
  } else if constexpr (std::is_enum_v<T>) {
    append_arg(out, static_cast<std::underlying_type_t<T>>(v));
  } else if constexpr (has_to_string<T>) {
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

}  // namespace runtime::inline v1::log::detail

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1::log {

/// Severity, most severe first. `off` disables a target entirely.
enum class level : std::uint8_t { off = 0, error = 1, warn = 2, info = 3, debug = 4, trace = 5 };

/// Output shape: human text lines, or one JSON object per line.
enum class format : std::uint8_t { text, json };

/// Lower-case name of a level ("warn").
constexpr std::string_view to_string(level l) noexcept {
  switch (l) {
    case level::off: return "off";
    case level::error: return "error";
    case level::warn: return "warn";
    case level::info: return "info";
    case level::debug: return "debug";
    case level::trace: return "trace";
  }
  return "off";
}

/// Parses a level name, case-insensitively ("WARN", "warning" and "warn" are all warn).
inline std::optional<level> parse_level(std::string_view s) noexcept {
  auto is = [s](std::string_view lower_word) {  // no allocation: noexcept holds
    if (s.size() != lower_word.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i)
      if ((s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i]) != lower_word[i]) return false;
    return true;
  };
  if (is("off") || is("none")) return level::off;
  if (is("error")) return level::error;
  if (is("warn") || is("warning")) return level::warn;
  if (is("info")) return level::info;
  if (is("debug")) return level::debug;
  if (is("trace")) return level::trace;
  return std::nullopt;
}

/// A filter in env_logger's syntax: comma-separated `level` or `target=level` directives. A target matches
/// itself and its dotted children (`runtime.env` matches `runtime.env.parse`); the longest match wins.
struct filter {
  level default_level = level::warn;
  std::vector<std::pair<std::string, level>> directives;  ///< sorted longest target first

  /// The level in force for `target`.
  level for_target(std::string_view target) const noexcept {
    for (const auto& [t, l] : directives) {
      if (target.size() >= t.size() && target.compare(0, t.size(), t) == 0 &&
          (target.size() == t.size() || target[t.size()] == '.'))
        return l;
    }
    return default_level;
  }

  /// The most verbose level any target can reach: the one-branch fast path compares against this.
  level max_level() const noexcept {
    level m = default_level;
    for (const auto& d : directives) m = std::max(m, d.second);
    return m;
  }

  /// Parses `spec`; on a malformed directive returns nullopt and, if `why` is given, says which one (its
  /// 1-based position in the comma-separated list) and what is wrong with it. `why` never quotes `spec`:
  /// the spec usually comes from the environment, and no log line may carry an environment value.
  static std::optional<filter> parse(std::string_view spec, std::string* why = nullptr) {
    filter f;
    std::size_t pos = 0;
    std::size_t index = 0;
    auto reject = [&](std::string_view problem) {
      if (why) *why = "directive " + std::to_string(index) + " " + std::string(problem);
      return std::nullopt;
    };
    while (pos <= spec.size()) {
      ++index;
      std::size_t comma = spec.find(',', pos);
      if (comma == std::string_view::npos) comma = spec.size();
      std::string_view item = spec.substr(pos, comma - pos);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      pos = comma + 1;
      if (item.empty()) {
        if (comma == spec.size()) break;
        continue;
      }
      std::size_t eq = item.find('=');
      if (eq == std::string_view::npos) {
        if (auto l = parse_level(item)) {
          f.default_level = *l;
        } else {
          // A bare word that is not a level names a target to enable fully, as env_logger does.
          bool ident = std::all_of(item.begin(), item.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                   c == '_' || c == '-' || c == ':';
          });
          if (!ident)
            return reject("is neither a level nor a target name (letters, digits, '.', '_', '-', ':')");
          f.directives.emplace_back(std::string(item), level::trace);
        }
      } else {
        std::string_view target = item.substr(0, eq), lv = item.substr(eq + 1);
        auto l = parse_level(lv);
        if (target.empty()) return reject("has an empty target before '='");
        if (!l) return reject("has an unknown level after '=' (expected off, error, warn, info, debug or trace)");
        f.directives.emplace_back(std::string(target), *l);
      }
      if (comma == spec.size()) break;
    }
    // Longest target first; among equal targets the last directive wins, so it goes first. (Insertion sort:
    // std::stable_sort trips a deprecation warning of libstdc++ 12 under clang 19.)
    auto& d = f.directives;
    for (std::size_t i = 1; i < d.size(); ++i)
      for (std::size_t j = i; j > 0 && d[j].first.size() >= d[j - 1].first.size(); --j) std::swap(d[j], d[j - 1]);
    return f;
  }
};

/// Where records go. The default writes each line to stderr with one write(2).
using sink = std::function<void(level, std::string_view line)>;

/// Everything that shapes output. Build one with `config::from_environment` or by hand.
struct config {
  filter levels{};
  format format_ = format::text;
  bool color = false;
  bool timestamps = true;
  sink output{};  ///< empty: stderr

  /// Reads RUNTIME_LOG, RUNTIME_LOG_FORMAT, NO_COLOR, FORCE_COLOR through `lookup` (a callable
  /// `(std::string_view) -> std::optional<std::string>`-like, e.g. a runtime::environment) and whether
  /// stderr is a terminal. Bad values are reported in `warnings` (by variable name and problem, never
  /// the value) and fall back to the defaults.
  template <class Lookup>
  static config from_environment(Lookup&& lookup, std::vector<std::string>* warnings = nullptr) {
    config c;
    auto get = [&](std::string_view k) -> std::optional<std::string> {
      auto v = lookup(k);
      if (!v) return std::nullopt;
      return std::string(*v);
    };
    if (auto spec = get("RUNTIME_LOG")) {
      std::string why;
      if (auto f = filter::parse(*spec, &why)) {
        c.levels = std::move(*f);
      } else if (warnings) {
        warnings->push_back("ignoring RUNTIME_LOG: " + why + "; using the default level warn");
      }
    }
    if (auto fmt = get("RUNTIME_LOG_FORMAT")) {
      if (*fmt == "json") c.format_ = format::json;
      else if (*fmt == "text" || fmt->empty()) c.format_ = format::text;
      else if (warnings) warnings->push_back("ignoring RUNTIME_LOG_FORMAT: expected text or json; using text");
    }
    c.color = color_wanted(get("NO_COLOR"), get("FORCE_COLOR"), ::isatty(2) == 1);
    return c;
  }

  /// Exactly runtime::color_enabled (one rule for logs and error display; see there).
  static bool color_wanted(const std::optional<std::string>& no_color, const std::optional<std::string>& force_color,
                           bool is_tty) noexcept {
    return ::runtime::color_enabled(no_color, force_color, is_tty);
  }
};

}  // namespace runtime::inline v1::log
RUNTIME_EXPORT_END

namespace runtime::inline v1::log::detail {

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

}  // namespace runtime::inline v1::log::detail

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1::log {

/// Replaces the configuration for every thread at once.
inline void configure(config c) {
  auto& s = detail::global();
  std::lock_guard lock(s.mu);
  detail::max_level().store(static_cast<std::uint8_t>(c.levels.max_level()), std::memory_order_relaxed);
  s.cfg = std::move(c);
}

/// Configures from the environment (see config::from_environment); a bad setting gives one warning record.
/// `output` replaces stderr when given (tests, embedding).
template <class Lookup>
void init_from_environment(Lookup&& lookup, sink output = {}) {
  std::vector<std::string> warnings;
  config c = config::from_environment(std::forward<Lookup>(lookup), &warnings);
  c.output = std::move(output);
  configure(std::move(c));
  for (const auto& w : warnings) {
    // Unfiltered: a level set to error must not hide that the setting itself was ignored.
    if (auto shape = detail::admit(level::warn, "runtime.log", false))
      detail::emit(*shape, level::warn, "runtime.log", w, std::nullopt);
  }
}

/// One relaxed load and one compare: the whole cost of a disabled record.
inline bool maybe_enabled(level l) noexcept {
  return static_cast<std::uint8_t>(l) <= detail::max_level().load(std::memory_order_relaxed);
}

/// Whether a record at `l` for `target` would be written (false inside a sink: see write()).
inline bool enabled(level l, std::string_view target = {}) {
  if (!maybe_enabled(l) || l == level::off) return false;
  return detail::admit(l, target).has_value();
}

/// Writes one record: `fmt` with each "{}" replaced by the next argument. Formats nothing when disabled.
/// Arguments are formatted (an argument's to_string() runs) without the log's lock held, so they may log.
/// A record made by a sink while it writes a record (the same thread, re-entrantly) is dropped: the sink
/// is in the middle of a line and holds the log's lock. A sink must not call configure().
/// In text format, control characters in `target` and the message are escaped (\n, \x1b, ...).
template <class... Args>
void write(level l, std::string_view target, std::string_view fmt, const Args&... args) {
  if (!maybe_enabled(l) || l == level::off) return;
  auto shape = detail::admit(l, target);
  if (!shape) return;
  std::string msg;
  detail::vformat(msg, fmt, args...);
  detail::emit(*shape, l, target, msg, std::nullopt);
}

/// A named log target ("runtime.env"); the usual way a module logs: `constexpr log::target lg{"app.db"};
/// lg.debug("opened {}", path);`
struct target {
  std::string_view name;
  template <class... A> void error(std::string_view f, const A&... a) const { write(level::error, name, f, a...); }
  template <class... A> void warn(std::string_view f, const A&... a) const { write(level::warn, name, f, a...); }
  template <class... A> void info(std::string_view f, const A&... a) const { write(level::info, name, f, a...); }
  template <class... A> void debug(std::string_view f, const A&... a) const { write(level::debug, name, f, a...); }
  template <class... A> void trace(std::string_view f, const A&... a) const { write(level::trace, name, f, a...); }
  bool enabled(level l) const { return log::enabled(l, name); }
};

template <class... A> void error(std::string_view f, const A&... a) { write(level::error, {}, f, a...); }
template <class... A> void warn(std::string_view f, const A&... a) { write(level::warn, {}, f, a...); }
template <class... A> void info(std::string_view f, const A&... a) { write(level::info, {}, f, a...); }
template <class... A> void debug(std::string_view f, const A&... a) { write(level::debug, {}, f, a...); }
template <class... A> void trace(std::string_view f, const A&... a) { write(level::trace, {}, f, a...); }

/// A scoped span: when it ends it writes "<name> took <ms>ms" (JSON: "elapsed_ms") at its level. A span
/// whose level is disabled when it starts reads no clock and copies nothing. The target is copied, so a
/// temporary string may name it.
class span {
 public:
  span(level l, std::string_view target, std::string name)
      : level_(l), name_(std::move(name)), on_(log::enabled(l, target)) {
    if (on_) {
      target_.assign(target);  // only an enabled span keeps it (short names fit the string's own buffer)
      start_ = std::chrono::steady_clock::now();
    }
  }
  explicit span(std::string name) : span(level::debug, {}, std::move(name)) {}
  span(const span&) = delete;
  span& operator=(const span&) = delete;
  ~span() { finish(); }

  /// Ends the span now (idempotent); returns the elapsed milliseconds, or 0 when disabled.
  double finish() {
    if (!on_) return 0;
    on_ = false;
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
    auto shape = detail::admit(level_, target_);
    if (!shape) return ms;
    std::string msg = name_;
    if (shape->format_ == format::text) {
      msg += " took ";
      detail::vformat(msg, "{}ms", static_cast<double>(static_cast<long long>(ms * 1000)) / 1000.0);
    }
    detail::emit(*shape, level_, target_, msg, ms);
    return ms;
  }

 private:
  level level_;
  std::string target_;
  std::string name_;
  bool on_;
  std::chrono::steady_clock::time_point start_{};
};

}  // namespace runtime::inline v1::log
RUNTIME_EXPORT_END

#endif
