// SPDX-License-Identifier: MIT
// runtime.error: the one error type every module reports through, the exit-code mapping, the user-facing
// display (rustc-like located errors, JSON), a non-throwing result<T>, std::error_code interop, and the
// process-wide crash handler and terminate hook.
// This module imports no other runtime module: it sits at the bottom of the graph (modules/README.md).
// It reads no environment variable itself: colour and trace decisions take the caller's values.
#ifndef RUNTIME_MODULE
#  include <cxxabi.h>
#  include <dlfcn.h>
#  include <elf.h>
#  include <fcntl.h>
#  include <link.h>
#  include <signal.h>
#  include <sys/mman.h>
#  include <sys/stat.h>
#  include <sys/syscall.h>
#  include <sys/utsname.h>
#  include <time.h>
#  include <ucontext.h>
#  include <unistd.h>
#  include <unwind.h>
#  include <algorithm>
#  include <atomic>
#  include <cerrno>
#  include <cstddef>
#  include <cstdint>
#  include <cstdlib>
#  include <cstring>
#  include <exception>
#  include <memory>
#  include <optional>
#  include <string>
#  include <string_view>
#  include <system_error>
#  include <type_traits>
#  include <utility>
#  include <variant>
#  include <vector>
#  include <nlohmann/json.hpp>
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ERROR_HPP_)
#define RUNTIME_ERROR_HPP_
#include "runtime/config.hpp"

namespace runtime::inline v1::detail {

/// Frames captured by one unwinder walk; `skip` drops the walker's own frames.
struct unwind_state {
  void** out;
  int max;
  int n;
  int skip;
};

// async-signal-safe (after the first call has run outside signal context: the unwinder's FDE lookup is warm)
inline _Unwind_Reason_Code unwind_step(_Unwind_Context* ctx, void* arg) noexcept {
  auto* st = static_cast<unwind_state*>(arg);
  int before = 0;
  auto ip = _Unwind_GetIPInfo(ctx, &before);
  if (ip == 0) return _URC_END_OF_STACK;
  if (st->skip > 0) {
    --st->skip;
    return _URC_NO_REASON;
  }
  if (st->n >= st->max) return _URC_END_OF_STACK;
  // A return address points after the call: store pc-1 so a symboliser lands inside the calling function
  // (a noreturn call may end it). A signal frame's pc is exact and stays as is.
  st->out[st->n++] = reinterpret_cast<void*>(before ? ip : ip - 1);
  return _URC_NO_REASON;
}

/// Walks the current stack with libgcc's unwinder directly: unlike glibc's backtrace() it never dlopens
/// libgcc_s (which costs start-up time and allocates), so it works with -static-libgcc too.
/// Addresses are "inside the call" (return address - 1) except for signal frames, which are exact.
// async-signal-safe (once warmed up by crash::install or a first call)
inline int capture_stack(void** out, int max, int skip) noexcept {
  unwind_state st{out, max, 0, skip + 1};
  _Unwind_Backtrace(&unwind_step, &st);
  return st.n;
}

inline std::atomic<bool> capture_traces{false};

inline std::string demangle(const char* name) {
  if (name == nullptr) return {};
  int status = 0;
  char* d = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  if (status != 0 || d == nullptr) return name;
  std::string r(d);
  std::free(d);
  return r;
}

inline void append_hex(std::string& out, std::uintptr_t v) {
  char buf[2 + 2 * sizeof(v)];
  int n = 0;
  do {
    buf[n++] = "0123456789abcdef"[v & 0xf];
    v >>= 4;
  } while (v != 0);
  out += "0x";
  while (n > 0) out += buf[--n];
}

/// One symbolised frame line for an error's stack trace (outside signal context: may allocate).
inline std::string describe_frame(void* addr) {
  std::string s;
  append_hex(s, reinterpret_cast<std::uintptr_t>(addr));
  Dl_info info{};
  if (dladdr(addr, &info) != 0) {
    if (info.dli_sname != nullptr) {
      s += " in ";
      s += demangle(info.dli_sname);
      s += '+';
      append_hex(s, reinterpret_cast<std::uintptr_t>(addr) - reinterpret_cast<std::uintptr_t>(info.dli_saddr));
    }
    if (info.dli_fname != nullptr) {
      s += " (";
      s += info.dli_fname;
      s += '+';
      append_hex(s, reinterpret_cast<std::uintptr_t>(addr) - reinterpret_cast<std::uintptr_t>(info.dli_fbase));
      s += ')';
    }
  }
  return s;
}

/// The std::error_category of runtime errors: a value is an error_kind + 1, so 0 stays "no error".
class runtime_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "runtime"; }
  std::string message(int value) const override;
};

// ---- display internals (templates: the public types are declared further down) --------------------

inline constexpr std::string_view ansi_reset = "\x1b[0m";
inline constexpr std::string_view ansi_error = "\x1b[1;31m";
inline constexpr std::string_view ansi_bold = "\x1b[1m";
inline constexpr std::string_view ansi_blue = "\x1b[1;34m";
inline constexpr std::string_view ansi_help = "\x1b[1;36m";

inline void paint(std::string& out, bool color, std::string_view style, std::string_view text) {
  if (color) out += style;
  out += text;
  if (color) out += ansi_reset;
}

inline void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) out += buf[--n];
}

inline std::size_t digits(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 10) { v /= 10; ++n; }
  return n;
}

template <class Loc>
void append_location(std::string& out, const Loc& loc) {
  out += loc.file.empty() ? std::string_view("<input>") : std::string_view(loc.file);
  if (loc.line != 0) {
    out += ':';
    append_uint(out, loc.line);
    if (loc.column != 0) {
      out += ':';
      append_uint(out, loc.column);
    }
  }
}

/// Notes and hints under the gutter, rustc's "= note:" / "= help:".
template <class Error>
void append_notes(std::string& out, const Error& e, std::size_t gutter, bool color) {
  for (const auto& n : e.notes()) {
    out.append(gutter + 1, ' ');
    paint(out, color, ansi_blue, "=");
    out += ' ';
    paint(out, color, ansi_bold, "note");
    out += ": ";
    out += n;
    out += '\n';
  }
  for (const auto& h : e.hints()) {
    out.append(gutter + 1, ' ');
    paint(out, color, ansi_blue, "=");
    out += ' ';
    paint(out, color, ansi_help, "help");
    out += ": ";
    out += h;
    out += '\n';
  }
}

/// " --> file:line:col", then the offending line and a caret under the column when the text is known.
template <class Loc>
std::size_t append_snippet(std::string& out, const Loc& loc, bool color) {
  std::size_t gutter = loc.line != 0 ? digits(loc.line) : 1;
  out.append(gutter, ' ');
  paint(out, color, ansi_blue, "-->");
  out += ' ';
  append_location(out, loc);
  out += '\n';
  if (loc.line == 0 || loc.line_text.empty()) return gutter;
  // Control characters other than tab would move the terminal's cursor; show them as spaces.
  std::string text;
  text.reserve(loc.line_text.size());
  for (char c : loc.line_text) text += (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f ? ' ' : c;
  out.append(gutter + 1, ' ');
  paint(out, color, ansi_blue, "|");
  out += '\n';
  std::string num;
  append_uint(num, loc.line);
  paint(out, color, ansi_blue, num + " |");
  out += ' ';
  out += text;
  out += '\n';
  if (loc.column != 0) {
    out.append(gutter + 1, ' ');
    paint(out, color, ansi_blue, "|");
    out += ' ';
    // Pad with the line's own tabs so the caret lines up however the terminal expands them; a UTF-8
    // sequence takes one cell, so continuation bytes add nothing.
    std::size_t col = std::min<std::size_t>(loc.column - 1, text.size());
    for (std::size_t i = 0; i < col; ++i) {
      auto c = static_cast<unsigned char>(text[i]);
      if (c == '\t') out += '\t';
      else if ((c & 0xc0) != 0x80) out += ' ';
    }
    paint(out, color, ansi_error, "^");
    out += '\n';
  }
  return gutter;
}

template <class Error>
void append_trace(std::string& out, const Error& e, bool color) {
  paint(out, color, ansi_bold, "stack trace");
  if (e.trace().empty()) {
    out += ": not captured (capture_error_traces was off when the error was made)\n";
    return;
  }
  out += ":\n";
  std::size_t i = 0;
  for (void* f : e.trace()) {
    out += "  #";
    append_uint(out, i++);
    out += ' ';
    out += describe_frame(f);
    out += '\n';
  }
}


// ---- crash handler internals ---------------------------------------------------------------------------
// Everything from here to the end of this namespace runs inside a fatal-signal handler unless it says
// otherwise: fixed buffers, write(2), no allocation, no locks, no stdio.

/// A fixed-size text slot that startup code fills and the handler reads. The length is published after the
/// bytes, so a handler never reads a half-copied prefix longer than what was written.
template <std::size_t N>
struct fixed_text {
  char data[N] = {};
  std::atomic<std::size_t> size{0};
  /// Copies `s`, cut to N bytes; a cut never splits a UTF-8 sequence (it backs up to the start of the
  /// character the cut would split), so valid UTF-8 stays valid.
  // async-signal-safe
  void set(std::string_view s) noexcept {
    std::size_t n = s.size() < N ? s.size() : N;
    if (n < s.size()) {
      // s[n] is the first byte left out: while it continues a sequence, that sequence started before the cut.
      std::size_t back = 0;
      while (n > 0 && back < 3 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) {
        --n;
        ++back;
      }
    }
    size.store(0, std::memory_order_release);
    std::memcpy(data, s.data(), n);
    size.store(n, std::memory_order_release);
  }
  // async-signal-safe
  std::string_view get() const noexcept { return {data, size.load(std::memory_order_acquire)}; }
};

inline constexpr int crash_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
inline constexpr int crash_signal_count = 6;
inline constexpr int crash_max_frames = 64;
// Big enough for the handler (a few KiB of buffers plus the unwinder) on top of the kernel's signal frame,
// which can exceed 10 KiB with AVX-512/AMX state. Static, so it costs no start-up time and no RSS until used.
inline constexpr std::size_t crash_alt_stack_size = 256 * 1024;

struct crash_state {
  std::atomic<bool> installed{false};
  std::atomic<long> reporting_tid{0};  ///< the thread writing the one report
  std::atomic<int> signo{0};           ///< the signal being reported
  std::atomic<bool> fault_in_report{false};
  std::atomic<unsigned> report_timeout{10};  ///< seconds; 0 = no limit
  std::atomic<int> volatile_zero{0};   ///< read by the test hook so the compiler cannot see a null pointer
  long main_tid = 0;
  fixed_text<128> program;
  fixed_text<64> version;
  fixed_text<128> command;
  fixed_text<1024> features;
  fixed_text<128> ci;
  fixed_text<128> container;
  fixed_text<1024> report_dir;
  fixed_text<4096> reason;  ///< uncaught exception / fatal() text, set outside signal context
  fixed_text<65> os_name;
  fixed_text<65> os_release;
  fixed_text<65> os_machine;
  struct sigaction previous[crash_signal_count] = {};
  std::terminate_handler previous_terminate = nullptr;
};

inline crash_state crash_globals;
alignas(64) inline char crash_alt_stack[crash_alt_stack_size];

/// The alternate stack crash::prepare_thread() mapped for this thread, and the one it replaced: release
/// frees only this mapping (never a stack another library such as ASan set up) and puts `previous` back.
struct thread_alt_stack {
  void* mapping = nullptr;  ///< start of the mmap (the guard page); nullptr: none
  std::size_t mapping_size = 0;
  stack_t previous{};
};

inline thread_alt_stack& this_thread_alt_stack() noexcept {
  static thread_local thread_alt_stack s;
  return s;
}

// async-signal-safe
inline long current_tid() noexcept { return static_cast<long>(::syscall(SYS_gettid)); }

// async-signal-safe
inline void write_all(int fd, const char* p, std::size_t n) noexcept {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

/// Buffered writer over a file descriptor with a fixed buffer.
struct sink {
  int fd;
  std::size_t n = 0;
  char buf[1024];
  explicit sink(int f) noexcept : fd(f) {}
  // async-signal-safe
  void flush() noexcept {
    if (fd >= 0) write_all(fd, buf, n);
    n = 0;
  }
  // async-signal-safe
  sink& put(char c) noexcept {
    if (n == sizeof buf) flush();
    buf[n++] = c;
    return *this;
  }
  // async-signal-safe
  sink& put(std::string_view s) noexcept {
    for (char c : s) put(c);
    return *this;
  }
  // Text from a slot (an exception's message, argv-derived names): control characters other than newline and
  // tab are written as \xNN, so the report cannot carry terminal escape sequences.
  // async-signal-safe
  sink& text(std::string_view s) noexcept {
    static constexpr char hex[] = "0123456789abcdef";
    for (char c : s) {
      const auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f) put('\\').put('x').put(hex[u >> 4]).put(hex[u & 15]);
      else put(c);
    }
    return *this;
  }
  // async-signal-safe
  sink& dec(long long v) noexcept {
    char t[24];
    int k = 0;
    unsigned long long u = v < 0 ? 0ULL - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
    do {
      t[k++] = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u != 0);
    if (v < 0) put('-');
    while (k > 0) put(t[--k]);
    return *this;
  }
  // async-signal-safe
  sink& hex(std::uintptr_t v, int width = 0) noexcept {
    char t[2 * sizeof(v)];
    int k = 0;
    do {
      t[k++] = "0123456789abcdef"[v & 0xf];
      v >>= 4;
    } while (v != 0);
    put("0x");
    for (int i = k; i < width; ++i) put('0');
    while (k > 0) put(t[--k]);
    return *this;
  }
  /// A JSON string literal that is valid UTF-8 whatever `s` holds (the slots hold what the program gave
  /// them): well-formed UTF-8 passes through, and each ill-formed part becomes U+FFFD, one per maximal
  /// subpart as Unicode recommends (so it matches what most decoders show).
  // async-signal-safe (no allocation, no lock: a byte loop into the fixed buffer)
  sink& json(std::string_view s) noexcept {
    put('"');
    std::size_t i = 0;
    while (i < s.size()) {
      const auto u = static_cast<unsigned char>(s[i]);
      if (u < 0x80) {
        const char c = s[i++];
        if (c == '"' || c == '\\') {
          put('\\').put(c);
        } else if (c == '\n') {
          put("\\n");
        } else if (u < 0x20 || u == 0x7f) {
          put("\\u00");
          put("0123456789abcdef"[u >> 4]).put("0123456789abcdef"[u & 0xf]);
        } else {
          put(c);
        }
        continue;
      }
      const std::size_t len = utf8_valid_prefix(s.substr(i));
      if (len >= 2 && len == utf8_sequence_length(u)) {
        put(s.substr(i, len));
        i += len;
      } else {
        put("\\ufffd");
        i += len == 0 ? 1 : len;  // a bad lead byte alone, or the start of a sequence cut short
      }
    }
    return put('"');
  }

  /// The length a UTF-8 sequence starting with lead byte `u` must have (0: `u` cannot start one).
  // async-signal-safe
  static std::size_t utf8_sequence_length(unsigned char u) noexcept {
    if (u >= 0xc2 && u <= 0xdf) return 2;
    if (u >= 0xe0 && u <= 0xef) return 3;
    if (u >= 0xf0 && u <= 0xf4) return 4;
    return 0;
  }

  /// How many bytes at the start of `s` (which begins with a byte >= 0x80) are a well-formed UTF-8 sequence
  /// or the start of one (Unicode table 3-7: no overlongs, no surrogates, nothing above U+10FFFF).
  // async-signal-safe
  static std::size_t utf8_valid_prefix(std::string_view s) noexcept {
    const auto lead = static_cast<unsigned char>(s[0]);
    const std::size_t want = utf8_sequence_length(lead);
    if (want == 0) return 0;
    // The second byte's range depends on the lead; later bytes are any continuation byte.
    unsigned char lo = 0x80, hi = 0xbf;
    if (lead == 0xe0) lo = 0xa0;
    else if (lead == 0xed) hi = 0x9f;
    else if (lead == 0xf0) lo = 0x90;
    else if (lead == 0xf4) hi = 0x8f;
    std::size_t n = 1;
    for (; n < want && n < s.size(); ++n) {
      const auto b = static_cast<unsigned char>(s[n]);
      if (n == 1 ? (b < lo || b > hi) : (b & 0xc0) != 0x80) break;
    }
    return n;
  }
};

// async-signal-safe
inline std::string_view signal_name(int sig) noexcept {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    case SIGABRT: return "SIGABRT";
    case SIGTRAP: return "SIGTRAP";
    default: return "signal";
  }
}

// async-signal-safe
inline std::string_view signal_meaning(int sig) noexcept {
  switch (sig) {
    case SIGSEGV: return "segmentation fault";
    case SIGBUS: return "bus error";
    case SIGILL: return "illegal instruction";
    case SIGFPE: return "arithmetic exception";
    case SIGABRT: return "aborted";
    case SIGTRAP: return "trace/breakpoint trap";
    default: return "fatal signal";
  }
}

struct code_text {
  std::string_view name;
  std::string_view meaning;
};

// async-signal-safe
inline code_text signal_code(int sig, int code) noexcept {
  switch (code) {
    case SI_USER: return {"SI_USER", "sent by kill()"};
    case SI_TKILL: return {"SI_TKILL", "sent by tkill()/raise() (e.g. abort())"};
    case SI_QUEUE: return {"SI_QUEUE", "sent by sigqueue()"};
    case SI_KERNEL: return {"SI_KERNEL", "sent by the kernel"};
    default: break;
  }
  if (sig == SIGSEGV) {
    switch (code) {
      case SEGV_MAPERR: return {"SEGV_MAPERR", "address not mapped to object"};
      case SEGV_ACCERR: return {"SEGV_ACCERR", "invalid permissions for mapped object"};
      default: break;
    }
  } else if (sig == SIGBUS) {
    switch (code) {
      case BUS_ADRALN: return {"BUS_ADRALN", "invalid address alignment"};
      case BUS_ADRERR: return {"BUS_ADRERR", "nonexistent physical address (e.g. past the end of a mapped file)"};
      case BUS_OBJERR: return {"BUS_OBJERR", "object-specific hardware error"};
      default: break;
    }
  } else if (sig == SIGILL) {
    switch (code) {
      case ILL_ILLOPC: return {"ILL_ILLOPC", "illegal opcode"};
      case ILL_ILLOPN: return {"ILL_ILLOPN", "illegal operand"};
      case ILL_ILLADR: return {"ILL_ILLADR", "illegal addressing mode"};
      case ILL_ILLTRP: return {"ILL_ILLTRP", "illegal trap"};
      case ILL_PRVOPC: return {"ILL_PRVOPC", "privileged opcode"};
      case ILL_PRVREG: return {"ILL_PRVREG", "privileged register"};
      case ILL_COPROC: return {"ILL_COPROC", "coprocessor error"};
      case ILL_BADSTK: return {"ILL_BADSTK", "internal stack error"};
      default: break;
    }
  } else if (sig == SIGFPE) {
    switch (code) {
      case FPE_INTDIV: return {"FPE_INTDIV", "integer divide by zero"};
      case FPE_INTOVF: return {"FPE_INTOVF", "integer overflow"};
      case FPE_FLTDIV: return {"FPE_FLTDIV", "floating-point divide by zero"};
      case FPE_FLTOVF: return {"FPE_FLTOVF", "floating-point overflow"};
      case FPE_FLTUND: return {"FPE_FLTUND", "floating-point underflow"};
      case FPE_FLTRES: return {"FPE_FLTRES", "floating-point inexact result"};
      case FPE_FLTINV: return {"FPE_FLTINV", "floating-point invalid operation"};
      case FPE_FLTSUB: return {"FPE_FLTSUB", "subscript out of range"};
      default: break;
    }
  } else if (sig == SIGTRAP) {
    switch (code) {
      case TRAP_BRKPT: return {"TRAP_BRKPT", "process breakpoint"};
      case TRAP_TRACE: return {"TRAP_TRACE", "process trace trap"};
      default: break;
    }
  }
  return {"", "unknown code"};
}

/// Interrupted program counter and stack pointer from the signal context (0 where the arch is unknown).
// async-signal-safe
inline void context_registers(void* uctx, std::uintptr_t& pc, std::uintptr_t& sp) noexcept {
  pc = sp = 0;
  if (uctx == nullptr) return;
  [[maybe_unused]] auto* uc = static_cast<ucontext_t*>(uctx);
#if defined(__x86_64__)
  pc = static_cast<std::uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
  sp = static_cast<std::uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]);
#elif defined(__aarch64__)
  pc = static_cast<std::uintptr_t>(uc->uc_mcontext.pc);
  sp = static_cast<std::uintptr_t>(uc->uc_mcontext.sp);
#elif defined(__i386__)
  pc = static_cast<std::uintptr_t>(uc->uc_mcontext.gregs[REG_EIP]);
  sp = static_cast<std::uintptr_t>(uc->uc_mcontext.gregs[REG_ESP]);
#endif
}

/// Best-effort demangler for plain (non-template) names: _Z[N]<len><id>...[E]<params> becomes
/// a::b::c(...). Anything it does not know (templates, substitutions, operators) fails and the caller
/// prints the mangled name, which c++filt turns back into source form.
// async-signal-safe
inline bool demangle_simple(const char* m, char* out, std::size_t cap) noexcept {
  if (m == nullptr || m[0] != '_' || m[1] != 'Z') return false;
  const char* p = m + 2;
  std::size_t n = 0;
  auto emit = [&](const char* s, std::size_t len) {
    for (std::size_t i = 0; i < len; ++i) {
      if (n + 1 >= cap) return false;
      out[n++] = s[i];
    }
    return true;
  };
  const char* last = nullptr;
  std::size_t last_len = 0;
  auto component = [&]() -> bool {
    if (p[0] == 'S' && p[1] == 't') {
      p += 2;
      if (n != 0 && !emit("::", 2)) return false;
      return emit("std", 3);
    }
    if (p[0] == 'C' && (p[1] == '1' || p[1] == '2') && last != nullptr) {
      p += 2;
      return emit("::", 2) && emit(last, last_len);
    }
    if (p[0] == 'D' && (p[1] == '0' || p[1] == '1' || p[1] == '2') && last != nullptr) {
      p += 2;
      return emit("::~", 3) && emit(last, last_len);
    }
    if (*p < '0' || *p > '9') return false;
    std::size_t len = 0;
    while (*p >= '0' && *p <= '9') len = len * 10 + static_cast<std::size_t>(*p++ - '0');
    for (std::size_t i = 0; i < len; ++i)
      if (p[i] == '\0') return false;
    if (n != 0 && !emit("::", 2)) return false;
    last = p;
    last_len = len;
    if (!emit(p, len)) return false;
    p += len;
    return true;
  };
  if (*p == 'L') ++p;
  if (p[0] == 'S' && p[1] == 't' && p[2] != 'I') {
    p += 2;
    if (!emit("std", 3)) return false;
    if (!component()) return false;
  } else if (*p == 'N') {
    ++p;
    while (*p == 'K' || *p == 'V' || *p == 'r' || *p == 'R' || *p == 'O') ++p;
    while (*p != 'E') {
      if (*p == '\0' || !component()) return false;
    }
    ++p;
  } else if (!component()) {
    return false;
  }
  if (p[0] == 'v' && p[1] == '\0') {
    if (!emit("()", 2)) return false;
  } else if (*p != '\0' && !emit("(...)", 5)) {
    return false;
  }
  out[n] = '\0';
  return true;
}

struct frame_info {
  std::uintptr_t addr = 0;
  const char* symbol = nullptr;  ///< mangled, from the dynamic symbol table (needs -rdynamic for the program)
  std::uintptr_t symbol_offset = 0;
  const char* module = nullptr;
  std::uintptr_t module_offset = 0;
};

// The object that maps `addr`, from the program headers: static binaries have no dladdr, but addr2line still
// needs the offset. The main program's name is empty there; /proc/self/exe names it.
// async-signal-safe (dl_iterate_phdr takes the loader's lock and allocates nothing)
inline void resolve_module(std::uintptr_t addr, frame_info& f) noexcept {
  struct probe {
    std::uintptr_t addr;
    frame_info* f;
  } p{addr, &f};
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) noexcept -> int {
        auto& q = *static_cast<probe*>(data);
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const auto& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_LOAD) continue;
          const std::uintptr_t lo = info->dlpi_addr + ph.p_vaddr;
          if (q.addr >= lo && q.addr - lo < ph.p_memsz) {
            q.f->module = info->dlpi_name != nullptr && info->dlpi_name[0] != '\0' ? info->dlpi_name : "/proc/self/exe";
            q.f->module_offset = q.addr - info->dlpi_addr;
            return 1;
          }
        }
        return 0;
      },
      &p);
}

// The program's own ELF file, mapped once on first use in a report (a static program has no dynamic symbol
// table, so names come from .symtab). nullptr when unreadable or stripped.
struct elf_symbols {
  const Elf64_Sym* syms = nullptr;
  std::size_t count = 0;
  const char* strings = nullptr;
  std::size_t strings_size = 0;
};

// async-signal-safe (open, fstat, mmap and close; no allocation)
inline const elf_symbols& program_symbols() noexcept {
  static constinit elf_symbols table{};
  static constinit std::atomic<int> state{0};  // 0: not tried, 1: being read, 2: done
  int expected = 0;
  if (!state.compare_exchange_strong(expected, 1)) return table;  // a second report reads what is there
  const int fd = ::open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd >= 0 && ::fstat(fd, &st) == 0 && st.st_size > static_cast<off_t>(sizeof(Elf64_Ehdr))) {
    const auto size = static_cast<std::size_t>(st.st_size);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map != MAP_FAILED) {
      const auto* base = static_cast<const unsigned char*>(map);
      const auto* eh = static_cast<const Elf64_Ehdr*>(map);
      const bool elf64 = std::memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 && eh->e_ident[EI_CLASS] == ELFCLASS64;
      const auto sh_end = elf64 ? eh->e_shoff + std::size_t(eh->e_shnum) * sizeof(Elf64_Shdr) : 0;
      if (elf64 && eh->e_shentsize == sizeof(Elf64_Shdr) && eh->e_shoff != 0 && sh_end <= size) {
        const auto* sh = reinterpret_cast<const Elf64_Shdr*>(base + eh->e_shoff);
        for (unsigned i = 0; i < eh->e_shnum; ++i) {
          if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum) continue;
          const Elf64_Shdr& str = sh[sh[i].sh_link];
          if (sh[i].sh_offset + sh[i].sh_size > size || str.sh_offset + str.sh_size > size) break;
          table.syms = reinterpret_cast<const Elf64_Sym*>(base + sh[i].sh_offset);
          table.count = sh[i].sh_size / sizeof(Elf64_Sym);
          table.strings = reinterpret_cast<const char*>(base + str.sh_offset);
          table.strings_size = str.sh_size;
          break;
        }
      }
    }
  }
  if (fd >= 0) ::close(fd);
  state.store(2);
  return table;
}

// The function of the program's .symtab that holds `offset` (an address relative to the load base).
// async-signal-safe
inline void resolve_from_symtab(frame_info& f) noexcept {
  const elf_symbols& t = program_symbols();
  for (std::size_t i = 0; i < t.count; ++i) {
    const Elf64_Sym& sym = t.syms[i];
    if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_value == 0 || sym.st_name >= t.strings_size) continue;
    if (f.module_offset >= sym.st_value && f.module_offset - sym.st_value < std::max<std::uint64_t>(sym.st_size, 1)) {
      f.symbol = t.strings + sym.st_name;
      f.symbol_offset = f.module_offset - sym.st_value;
      return;
    }
  }
}

// async-signal-safe (dladdr takes the loader's recursive lock and allocates nothing)
inline void resolve_frame(void* addr, frame_info& f) noexcept {
  f.addr = reinterpret_cast<std::uintptr_t>(addr);
  Dl_info info{};
  if (dladdr(addr, &info) == 0) {
    resolve_module(f.addr, f);
    // The main program of a static link: its names are only in .symtab (std::strcmp is async-signal-safe).
    if (f.module != nullptr && std::strcmp(f.module, "/proc/self/exe") == 0) resolve_from_symtab(f);
    return;
  }
  f.module = info.dli_fname;
  f.module_offset = f.addr - reinterpret_cast<std::uintptr_t>(info.dli_fbase);
  if (info.dli_sname != nullptr) {
    f.symbol = info.dli_sname;
    f.symbol_offset = f.addr - reinterpret_cast<std::uintptr_t>(info.dli_saddr);
  }
}

// async-signal-safe
inline void write_function(sink& out, const char* symbol) noexcept {
  char name[512];
  if (demangle_simple(symbol, name, sizeof name)) out.put(std::string_view(name));
  else out.put(std::string_view(symbol));
}

// async-signal-safe
inline void split_list(sink& out, std::string_view list) noexcept {
  bool first = true;
  std::size_t start = 0;
  out.put('[');
  for (std::size_t i = 0; i <= list.size(); ++i) {
    if (i == list.size() || list[i] == ',') {
      if (i > start) {
        if (!first) out.put(',');
        out.json(list.substr(start, i - start));
        first = false;
      }
      start = i + 1;
    }
  }
  out.put(']');
}

/// Restores the default action and re-raises, so the parent sees the real signal and a core is dumped.
// async-signal-safe
[[noreturn]] inline void die_by(int sig) noexcept {
  struct sigaction sa {};
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  ::sigaction(sig, &sa, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
  ::raise(sig);
  ::_exit(128 + sig);
}

// async-signal-safe
inline void write_report(int sig, siginfo_t* info, void* uctx, long tid) noexcept {
  crash_state& g = crash_globals;
  sink out(STDERR_FILENO);
  std::string_view program = g.program.get();
  if (program.empty()) program = "program";
  std::uintptr_t pc = 0, sp = 0;
  context_registers(uctx, pc, sp);
  const int code = info != nullptr ? info->si_code : 0;
  const code_text ct = signal_code(sig, code);
  const bool has_address = info != nullptr && code > 0 && code != SI_KERNEL && sig != SIGABRT;
  const auto addr = info != nullptr ? reinterpret_cast<std::uintptr_t>(info->si_addr) : 0;
  // A fault within 64 KiB of the stack pointer is a push or a frame setup that ran off the stack.
  const bool overflow = sig == SIGSEGV && has_address && sp != 0 &&
                        (addr > sp ? addr - sp : sp - addr) < 64 * 1024;

  out.put("\n==================== crash report ====================\n");
  out.text(program);
  if (!g.version.get().empty()) out.put(' ').text(g.version.get());
  out.put(" crashed: ").put(signal_name(sig)).put(" (").put(signal_meaning(sig)).put(")\n");
  out.put("signal: ").put(signal_name(sig)).put(' ').dec(sig).put(", code ");
  if (!ct.name.empty()) out.put(ct.name).put(' ');
  out.dec(code).put(": ").put(ct.meaning).put('\n');
  if (has_address) out.put("fault address: ").hex(addr).put('\n');
  else if (info != nullptr && code <= 0) out.put("sent by: pid ").dec(info->si_pid).put('\n');
  if (pc != 0) out.put("program counter: ").hex(pc).put('\n');
  if (overflow) out.put("likely cause: stack overflow (the fault address is next to the stack pointer)\n");
  std::string_view reason = g.reason.get();
  if (!reason.empty()) out.put("reason: ").text(reason).put('\n');
  out.flush();

  if (g.fault_in_report.load(std::memory_order_relaxed)) {
    // Test hook: fault here, as a bug in the reporting code would.
    volatile int* p = reinterpret_cast<volatile int*>(static_cast<std::uintptr_t>(g.volatile_zero.load()));
    *p = 1;
  }

  out.put("thread: ").dec(tid).put(tid == g.main_tid ? " (main thread)\n" : " (not the main thread)\n");
  out.put("pid: ").dec(::getpid()).put('\n');
  out.put("os: ").text(g.os_name.get()).put(' ').text(g.os_release.get()).put(' ').text(g.os_machine.get()).put('\n');
  out.put("ci: ").text(g.ci.get().empty() ? std::string_view("no") : g.ci.get()).put('\n');
  out.put("container: ").text(g.container.get().empty() ? std::string_view("no") : g.container.get()).put('\n');
  out.put("command: ").text(g.command.get().empty() ? std::string_view("(none)") : g.command.get()).put('\n');
  out.put("features: ").text(g.features.get().empty() ? std::string_view("(none)") : g.features.get()).put('\n');
  out.flush();

  void* raw[crash_max_frames];
  int n = capture_stack(raw, crash_max_frames, 0);
  // Start at the interrupted frame; the handler's own frames and the signal trampoline come before it.
  int first = 0;
  for (int i = 0; i < n; ++i) {
    if (reinterpret_cast<std::uintptr_t>(raw[i]) == pc) {
      first = i;
      break;
    }
  }
  frame_info frames[crash_max_frames];
  int count = 0;
  for (int i = first; i < n; ++i) resolve_frame(raw[i], frames[count++]);

  out.put("backtrace (").dec(count).put(" frames; function names need -rdynamic, or .symtab in a static program; "
                                        "file:line from `addr2line -e <module> <offset>`):\n");
  for (int i = 0; i < count; ++i) {
    const frame_info& f = frames[i];
    // Deep recursion (a stack overflow) repeats one return address: print it once and count the rest.
    if (i >= 2 && f.addr == frames[i - 1].addr) {
      int j = i;
      while (j < count && frames[j].addr == f.addr) ++j;
      out.put("  #").dec(i).put("..#").dec(j - 1).put(" same as #").dec(i - 1).put('\n');
      i = j - 1;
      continue;
    }
    out.put("  #").dec(i).put(i < 10 ? "  " : " ").hex(f.addr, 16);
    if (f.symbol != nullptr) {
      out.put(" in ");
      write_function(out, f.symbol);
      out.put('+').hex(f.symbol_offset);
    }
    if (f.module != nullptr) out.put(" (").put(std::string_view(f.module)).put('+').hex(f.module_offset).put(')');
    out.put('\n');
  }
  out.flush();

  // The JSON crash file: <dir>/<program>-crash-<pid>.json, same facts in machine form.
  std::string_view dir = g.report_dir.get();
  if (!dir.empty()) {
    char path[1200];
    std::size_t len = 0;
    auto add = [&](std::string_view s) {
      for (char c : s)
        if (len + 1 < sizeof path) path[len++] = c;
    };
    add(dir);
    if (dir.back() != '/') add("/");
    for (char c : program) add(c == '/' ? std::string_view("_") : std::string_view(&c, 1));
    add("-crash-");
    char num[24];
    int k = 0;
    for (long v = ::getpid(); v > 0 || k == 0; v /= 10) num[k++] = static_cast<char>('0' + v % 10);
    while (k > 0) add(std::string_view(&num[--k], 1));
    add(".json");
    path[len] = '\0';
    int fd = ::open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd >= 0) {
      sink js(fd);
      struct timespec now {};
      ::clock_gettime(CLOCK_REALTIME, &now);
      js.put("{\"program\":").json(program).put(",\"version\":").json(g.version.get());
      js.put(",\"signal\":").json(signal_name(sig)).put(",\"signo\":").dec(sig);
      js.put(",\"code\":").dec(code).put(",\"code_name\":").json(ct.name).put(",\"code_meaning\":").json(ct.meaning);
      if (has_address) js.put(",\"fault_address\":\"").hex(addr).put('"');
      if (pc != 0) js.put(",\"program_counter\":\"").hex(pc).put('"');
      js.put(",\"stack_overflow\":").put(overflow ? "true" : "false");
      js.put(",\"reason\":").json(reason);
      js.put(",\"pid\":").dec(::getpid()).put(",\"tid\":").dec(tid);
      js.put(",\"main_thread\":").put(tid == g.main_tid ? "true" : "false");
      js.put(",\"time\":").dec(static_cast<long long>(now.tv_sec));
      js.put(",\"os\":{\"name\":").json(g.os_name.get()).put(",\"release\":").json(g.os_release.get());
      js.put(",\"machine\":").json(g.os_machine.get()).put('}');
      js.put(",\"ci\":").json(g.ci.get()).put(",\"container\":").json(g.container.get());
      js.put(",\"command\":").json(g.command.get()).put(",\"features\":");
      split_list(js, g.features.get());
      js.put(",\"frames\":[");
      for (int i = 0; i < count; ++i) {
        const frame_info& f = frames[i];
        if (i != 0) js.put(',');
        js.put("{\"address\":\"").hex(f.addr).put('"');
        if (f.symbol != nullptr) {
          js.put(",\"symbol\":").json(f.symbol).put(",\"symbol_offset\":\"").hex(f.symbol_offset).put('"');
        }
        if (f.module != nullptr) {
          js.put(",\"module\":").json(f.module).put(",\"module_offset\":\"").hex(f.module_offset).put('"');
        }
        js.put('}');
      }
      js.put("]}\n");
      js.flush();
      ::close(fd);
      out.put("crash report file: ").put(std::string_view(path, len)).put('\n');
    } else {
      out.put("crash report file: could not create ").put(std::string_view(path, len)).put('\n');
    }
  }
  out.put("This is a bug in ").put(program).put(", not in your input. Please report it with this text.\n");
  out.put("================= end of crash report =================\n");
  out.flush();
}

/// SIGALRM while a report is being written: the report is stuck (e.g. stderr is a full pipe nobody reads);
/// end the process by the signal being reported rather than hang.
// async-signal-safe
inline void on_report_timeout(int) noexcept {
  // Nothing is written: stderr is the likely reason the report is stuck.
  int orig = crash_globals.signo.load();
  die_by(orig != 0 ? orig : SIGABRT);
}

// async-signal-safe
inline void on_fatal_signal(int sig, siginfo_t* info, void* uctx) noexcept {
  crash_state& g = crash_globals;
  const long tid = current_tid();
  long expected = 0;
  if (!g.reporting_tid.compare_exchange_strong(expected, tid)) {
    if (expected == tid) {
      // The reporting code itself faulted: one line, then die of the signal being reported.
      static constexpr char msg[] = "\ncrash handler: crashed while reporting (";
      write_all(STDERR_FILENO, msg, sizeof msg - 1);
      std::string_view name = signal_name(sig);
      write_all(STDERR_FILENO, name.data(), name.size());
      static constexpr char tail[] = "); report incomplete, ending the process now\n";
      write_all(STDERR_FILENO, tail, sizeof tail - 1);
      int orig = g.signo.load();
      die_by(orig != 0 ? orig : sig);
    }
    // Another thread is reporting and will end the process when done; never write a second report.
    // Waiting bounds the damage if that thread is stuck (e.g. blocked on a full stderr pipe).
    struct timespec ten_ms {0, 10 * 1000 * 1000};
    const unsigned limit = g.report_timeout.load();
    for (unsigned i = 0; limit == 0 || i < limit * 100 + 100; ++i) ::nanosleep(&ten_ms, nullptr);
    die_by(sig);
  }
  g.signo.store(sig);
  {
    struct sigaction sa {};
    sa.sa_handler = &on_report_timeout;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_ONSTACK;
    ::sigaction(SIGALRM, &sa, nullptr);
    sigset_t alrm;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    ::sigprocmask(SIG_UNBLOCK, &alrm, nullptr);
    ::alarm(g.report_timeout.load());
  }
  write_report(sig, info, uctx, tid);
  die_by(sig);
}

/// Whether abort() will reach our report: installed, and SIGABRT not taken over since.
inline bool abort_reports() noexcept {
  if (!crash_globals.installed.load()) return false;
  struct sigaction current {};
  ::sigaction(SIGABRT, nullptr, &current);
  return (current.sa_flags & SA_SIGINFO) != 0 && current.sa_sigaction == &on_fatal_signal;
}

/// The std::terminate hook: describes the reason into crash_globals.reason (outside signal context, so it may
/// allocate), then aborts through the signal path so exactly one report is written.
template <class Error>
[[noreturn]] void on_terminate() noexcept {
  std::string text;
  try {
    if (std::exception_ptr ep = std::current_exception()) {
      const std::type_info* type = abi::__cxa_current_exception_type();
      text = "uncaught exception of type ";
      text += type != nullptr ? demangle(type->name()) : std::string("<unknown>");
      try {
        std::rethrow_exception(ep);
      } catch (const Error& e) {
        text += ": ";
        text += e.message();
        text += " [" + e.code() + "]";
        for (const Error* c = e.cause(); c != nullptr; c = c->cause()) {
          text += "\n  caused by: " + c->message() + " [" + c->code() + "]";
        }
      } catch (const std::exception& e) {
        text += ": ";
        text += e.what();
      } catch (...) {
      }
    } else {
      text = "std::terminate called without an active exception (e.g. a joinable std::thread was destroyed)";
    }
  } catch (...) {
    text = "std::terminate called; describing the exception failed (out of memory?)";
  }
  crash_globals.reason.set(text);
  if (!abort_reports()) {
    text = "terminate: " + text + "\n";
    write_all(STDERR_FILENO, text.data(), text.size());
  }
  std::abort();
}

}  // namespace runtime::inline v1::detail

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1 {

/// Process exit codes, as a shell sees them: 0 ok, 1 error, 2 usage, 128+n for death by signal n.
enum class exit_code : int { ok = 0, failure = 1, usage = 2 };

/// The exit status a shell reports for a process that died of signal `sig` (SIGINT -> 130).
constexpr int exit_code_for_signal(int sig) noexcept { return 128 + sig; }

/// Which part of the runtime raised an error; stable, part of the error's identity.
/// `internal` is for broken invariants and foreign exceptions caught at a boundary.
enum class error_kind : std::uint8_t { generic, cli, env, flags, config, alloc, signal, io, log, internal };

/// Stable lower-case name of a kind ("cli", "env", ...), used in codes and JSON.
constexpr std::string_view to_string(error_kind k) noexcept {
  switch (k) {
    case error_kind::generic: return "generic";
    case error_kind::cli: return "cli";
    case error_kind::env: return "env";
    case error_kind::flags: return "flags";
    case error_kind::config: return "config";
    case error_kind::alloc: return "alloc";
    case error_kind::signal: return "signal";
    case error_kind::io: return "io";
    case error_kind::log: return "log";
    case error_kind::internal: return "internal";
  }
  return "generic";
}

/// Where in a user's file an error was found. Lines and columns count from 1; 0 means unknown.
/// The column counts bytes of `line_text` (a tab or a UTF-8 sequence is one column per byte).
struct source_location {
  std::string file;       ///< path as the user named it
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string line_text;  ///< the offending line, without its newline, for the caret display
};

/// Turns stack-trace capture at error construction on or off, process-wide (off by default). The caller
/// decides (`--verbose-error-trace`, RUNTIME_VERBOSE_ERRORS=1); a capture costs about a microsecond.
inline void capture_error_traces(bool on) noexcept { detail::capture_traces.store(on, std::memory_order_relaxed); }
/// \returns whether errors capture a stack trace when constructed.
inline bool capturing_error_traces() noexcept { return detail::capture_traces.load(std::memory_order_relaxed); }

/// The base error of every runtime module: kind + stable code + message, with optional notes, hints,
/// a source location, an OS error code, a cause chain and (when capture is on) the stack where it was made.
/// Copyable and cheap to move; usable thrown or returned (see result<T>).
class error : public std::exception {
 public:
  /// \pre `code` is a stable identifier such as "env.unterminated_quote"; `message` is one line.
  error(error_kind kind, std::string code, std::string message, exit_code exit = exit_code::failure)
      : kind_(kind), exit_(exit), code_(std::move(code)), message_(std::move(message)) {
    if (capturing_error_traces()) capture_trace();
  }

  error_kind kind() const noexcept { return kind_; }
  const std::string& code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  const std::vector<std::string>& notes() const noexcept { return notes_; }
  const std::vector<std::string>& hints() const noexcept { return hints_; }
  /// \returns the location, or nullptr when the error is not tied to a file position.
  const source_location* location() const noexcept { return location_ ? &*location_ : nullptr; }
  /// \returns the error that caused this one, or nullptr.
  const error* cause() const noexcept { return cause_.get(); }
  /// The exit status this error asks for (see runtime::exit_status_of).
  exit_code exit() const noexcept { return exit_; }
  /// The OS/library error code attached with sys_error(ec), or an empty code.
  std::error_code sys_error() const noexcept { return sys_; }
  /// Code addresses of the stack where the error was constructed (empty unless capture_error_traces(true)).
  const std::vector<void*>& trace() const noexcept {
    static const std::vector<void*> none;
    return trace_ ? *trace_ : none;
  }

  error& note(std::string text) & { notes_.push_back(std::move(text)); return *this; }
  error&& note(std::string text) && { notes_.push_back(std::move(text)); return std::move(*this); }
  error& hint(std::string text) & { hints_.push_back(std::move(text)); return *this; }
  error&& hint(std::string text) && { hints_.push_back(std::move(text)); return std::move(*this); }
  error& at(source_location loc) & { location_ = std::make_shared<source_location>(std::move(loc)); return *this; }
  error&& at(source_location loc) && { location_ = std::make_shared<source_location>(std::move(loc)); return std::move(*this); }
  error& caused_by(error cause) & { cause_ = std::make_shared<error>(std::move(cause)); return *this; }
  error&& caused_by(error cause) && { cause_ = std::make_shared<error>(std::move(cause)); return std::move(*this); }
  /// Attaches the OS or library error code behind this error (errno, std::filesystem, ...).
  error& sys_error(std::error_code ec) & { sys_ = ec; return *this; }
  error&& sys_error(std::error_code ec) && { sys_ = ec; return std::move(*this); }

  const char* what() const noexcept override { return message_.c_str(); }

 private:
  void capture_trace() {
    void* frames[64];
    int n = detail::capture_stack(frames, 64, 1);
    trace_ = std::make_shared<const std::vector<void*>>(frames, frames + n);
  }

  error_kind kind_;
  exit_code exit_;
  std::string code_;
  std::string message_;
  std::vector<std::string> notes_;
  std::vector<std::string> hints_;
  std::shared_ptr<const source_location> location_;
  std::shared_ptr<const error> cause_;
  std::error_code sys_;
  std::shared_ptr<const std::vector<void*>> trace_;
};

/// A usage error (bad command-line input): exit code 2.
inline error usage_error(std::string code, std::string message) {
  return error(error_kind::cli, std::move(code), std::move(message), exit_code::usage);
}

/// The one mapping from an error to the process exit status.
inline int exit_status_of(const error& e) noexcept { return static_cast<int>(e.exit()); }

// ---- std::error_code interop ---------------------------------------------------------------------------

/// The category of runtime errors ("runtime"); its values are error_kind + 1.
inline const std::error_category& runtime_category() noexcept {
  static const detail::runtime_category cat;
  return cat;
}

/// An error_code naming a runtime error kind (so `std::error_code ec = error_kind::env;` works).
inline std::error_code make_error_code(error_kind k) noexcept {
  return {static_cast<int>(k) + 1, runtime_category()};
}

/// \returns the error_kind an error_code of runtime_category() names, or nullopt for other categories.
inline std::optional<error_kind> kind_of(std::error_code ec) noexcept {
  if (ec.category() != runtime_category() || ec.value() < 1 ||
      ec.value() > static_cast<int>(error_kind::internal) + 1)
    return std::nullopt;
  return static_cast<error_kind>(ec.value() - 1);
}

/// The std::error_code view of an error: its attached sys_error() when there is one, else its kind.
inline std::error_code to_error_code(const error& e) noexcept {
  return e.sys_error() ? e.sys_error() : make_error_code(e.kind());
}

/// An error from a std::error_code: message "<context>: <ec.message()>" (or just the latter), the code
/// attached as sys_error(). A runtime_category() code keeps its kind; any other code gets `kind`.
inline error from_error_code(std::error_code ec, std::string code, std::string_view context = {},
                             error_kind kind = error_kind::io) {
  std::string msg(context);
  if (!msg.empty()) msg += ": ";
  msg += ec.message();
  if (auto k = kind_of(ec)) kind = *k;
  return error(kind, std::move(code), std::move(msg)).sys_error(ec);
}

/// from_error_code for an errno value (system_category).
inline error from_errno(int errno_value, std::string code, std::string_view context = {},
                        error_kind kind = error_kind::io) {
  return from_error_code(std::error_code(errno_value, std::system_category()), std::move(code), context, kind);
}

/// Converts the exception being handled (call inside a catch block) into an error: a runtime::error as is,
/// a std::system_error with its code, another std::exception as internal.exception, anything else as
/// internal.unknown_exception.
inline error from_current_exception() {
  auto ep = std::current_exception();
  try {
    if (ep) std::rethrow_exception(ep);
  } catch (const error& e) {
    return e;
  } catch (const std::system_error& e) {
    return error(error_kind::generic, "internal.system_error", e.what()).sys_error(e.code());
  } catch (const std::exception& e) {
    return error(error_kind::internal, "internal.exception", e.what());
  } catch (...) {
  }
  return error(error_kind::internal, "internal.unknown_exception", "unknown exception");
}

// ---- result<T>: the non-throwing form ------------------------------------------------------------------

/// Holds either a T or a runtime::error, for hot or noexcept paths (libstdc++ 12 has no std::expected).
/// value() throws the held error; error() and operator* require the matching state.
template <class T>
class [[nodiscard]] result {
  static_assert(!std::is_reference_v<T> && !std::is_same_v<std::remove_cv_t<T>, ::runtime::error>,
                "result<T>: T must be an object type other than error");

 public:
  using value_type = T;
  template <class U = T>
    requires std::is_constructible_v<T, U&&> && (!std::is_same_v<std::remove_cvref_t<U>, result>) &&
             (!std::is_same_v<std::remove_cvref_t<U>, ::runtime::error>)
  result(U&& v) : v_(std::in_place_index<0>, std::forward<U>(v)) {}
  result(::runtime::error e) : v_(std::in_place_index<1>, std::move(e)) {}

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { check(); return *std::get_if<0>(&v_); }
  const T& value() const& { check(); return *std::get_if<0>(&v_); }
  T&& value() && { check(); return std::move(*std::get_if<0>(&v_)); }
  template <class U>
  T value_or(U&& fallback) const& { return has_value() ? *std::get_if<0>(&v_) : static_cast<T>(std::forward<U>(fallback)); }

  /// \pre has_value()
  T& operator*() & noexcept { return *std::get_if<0>(&v_); }
  const T& operator*() const& noexcept { return *std::get_if<0>(&v_); }
  T* operator->() noexcept { return std::get_if<0>(&v_); }
  const T* operator->() const noexcept { return std::get_if<0>(&v_); }

  /// \pre !has_value()
  const ::runtime::error& error() const& noexcept { return *std::get_if<1>(&v_); }
  ::runtime::error&& error() && noexcept { return std::move(*std::get_if<1>(&v_)); }

 private:
  void check() const {
    if (!has_value()) throw *std::get_if<1>(&v_);
  }
  std::variant<T, ::runtime::error> v_;
};

/// result<void>: success or an error.
template <>
class [[nodiscard]] result<void> {
 public:
  using value_type = void;
  result() noexcept = default;
  result(::runtime::error e) : e_(std::move(e)) {}
  bool has_value() const noexcept { return !e_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }
  /// Throws the held error, if any.
  void value() const {
    if (e_) throw *e_;
  }
  /// \pre !has_value()
  const ::runtime::error& error() const& noexcept { return *e_; }
  ::runtime::error&& error() && noexcept { return std::move(*e_); }

 private:
  std::optional<::runtime::error> e_;
};

/// Runs `f` and returns its value, or the error it threw (runtime::error or any exception, converted by
/// from_current_exception), as a result.
template <class F>
auto capture(F&& f) -> result<std::invoke_result_t<F&&>> {
  try {
    if constexpr (std::is_void_v<std::invoke_result_t<F&&>>) {
      std::forward<F>(f)();
      return {};
    } else {
      return std::forward<F>(f)();
    }
  } catch (...) {
    return from_current_exception();
  }
}

// ---- display ---------------------------------------------------------------------------------------------

/// How render() draws an error. The caller makes every environment-dependent decision.
struct display_options {
  bool color = false;      ///< ANSI colours (see color_enabled)
  bool trace = false;      ///< append the stack trace captured at construction (--verbose-error-trace)
  bool show_code = false;  ///< "error[env.bad_line]: ..." instead of "error: ..."
};

/// The one colour decision of every runtime module (error display and runtime.log), from the caller's values;
/// pass std::nullopt for an unset variable. It is Bun 1.4.5's rule (checked against `Bun.enableANSIColors`):
///  1. FORCE_COLOR set and not falsy forces colour on, even over NO_COLOR; an empty value counts as on.
///     Falsy is an integer zero ("0", "00", "+0", "-0") or "false"/"off"/"no" in any case; a falsy
///     FORCE_COLOR forces nothing (it is as if unset), so a terminal still gets colour.
///  2. Otherwise NO_COLOR set, non-empty and not "0"/"false"/"off"/"no" (any case) turns colour off.
///  3. Otherwise colour follows whether the output is a terminal.
inline bool color_enabled(std::optional<std::string_view> no_color, std::optional<std::string_view> force_color,
                          bool is_tty) noexcept {
  auto ieq = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      char c = a[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != b[i]) return false;
    }
    return true;
  };
  auto false_word = [&](std::string_view v) { return ieq(v, "false") || ieq(v, "off") || ieq(v, "no"); };
  if (force_color) {
    std::string_view v = *force_color;
    std::string_view digits = v;
    if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) digits.remove_prefix(1);
    const bool zero = !digits.empty() && digits.find_first_not_of('0') == std::string_view::npos;
    if (!(zero || false_word(v))) return true;
  }
  if (no_color && !no_color->empty() && *no_color != "0" && !false_word(*no_color)) return false;
  return is_tty;
}

/// The human form of an error, ending in a newline:
///   error: message
///    --> file:line:col
///     |
///   3 | offending line
///     |       ^
///     = note: ...
///     = help: ...
///   caused by: message of the cause (with its own location, notes and hints), for each cause in turn
///   stack trace: ... (with options.trace)
inline std::string render(const error& e, const display_options& options = {}) {
  std::string out;
  const bool color = options.color;
  std::string label = "error";
  if (options.show_code && !e.code().empty()) label += "[" + e.code() + "]";
  detail::paint(out, color, detail::ansi_error, label);
  if (color) out += detail::ansi_bold;
  out += ": ";
  out += e.message();
  if (color) out += detail::ansi_reset;
  out += '\n';
  std::size_t gutter = 1;
  if (const auto* loc = e.location()) gutter = detail::append_snippet(out, *loc, color);
  detail::append_notes(out, e, gutter, color);
  for (const error* c = e.cause(); c != nullptr; c = c->cause()) {
    detail::paint(out, color, detail::ansi_bold, "caused by");
    out += ": ";
    out += c->message();
    out += '\n';
    std::size_t g = 1;
    if (const auto* loc = c->location()) g = detail::append_snippet(out, *loc, color);
    detail::append_notes(out, *c, g, color);
  }
  if (options.trace) detail::append_trace(out, e, color);
  return out;
}

/// The machine form: {"kind","code","message","exit_code","notes","hints"} plus "location"
/// {file,line,column,line_text}, "system_error" {category,value,message} and "cause" (nested) when present.
/// Found by ADL, so `nlohmann::json j = err;` works.
inline void to_json(nlohmann::json& j, const error& e) {
  j = nlohmann::json::object();
  j["kind"] = std::string(to_string(e.kind()));
  j["code"] = e.code();
  j["message"] = e.message();
  j["exit_code"] = exit_status_of(e);
  j["notes"] = e.notes();
  j["hints"] = e.hints();
  if (const auto* loc = e.location()) {
    j["location"] = {{"file", loc->file}, {"line", loc->line}, {"column", loc->column},
                     {"line_text", loc->line_text}};
  }
  if (auto ec = e.sys_error()) {
    j["system_error"] = {{"category", ec.category().name()}, {"value", ec.value()}, {"message", ec.message()}};
  }
  if (const auto* c = e.cause()) {
    nlohmann::json cj;
    to_json(cj, *c);
    j["cause"] = std::move(cj);
  }
}

/// to_json as one line of text (invalid UTF-8 is replaced, never thrown on).
inline std::string render_json(const error& e) {
  nlohmann::json j;
  to_json(j, e);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}


// ---- crash handler and terminate hook ------------------------------------------------------------------

/// The process-wide handler for fatal signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP) and for
/// std::terminate. It prints one report to stderr (and optionally a JSON file), then restores the default
/// action and re-raises, so the parent sees the real signal and core dumps still work.
/// The facts in the report come only from the setters below (copied into fixed buffers at startup), never
/// from the environment. Frames carry function names only for exported symbols: link the program with
/// -rdynamic (meson: `export_dynamic: true`, or link_args: ['-rdynamic']).
namespace crash {

/// Installs the handlers on an alternate signal stack (256 KiB, static: a stack overflow is reported too)
/// and the std::terminate hook. Warms up the unwinder and records uname() so the handler does nothing lazy.
/// Idempotent; call it first thing in main, on the main thread. \returns false if a sigaction failed.
/// Cost: about 20 us in a fresh process, mostly the unwinder warm-up (no allocation, no dlopen).
inline bool install() noexcept {
  detail::crash_state& g = detail::crash_globals;
  if (g.installed.load()) return true;
  // One unwinder step runs libgcc's one-time init (a pthread_once) and its first FDE lookup here rather
  // than in a signal handler; it is most of install()'s ~20 us, the rest is page faults and 14 syscalls.
  void* warm[1];
  (void)detail::capture_stack(warm, 1, 0);
  struct utsname u {};
  if (::uname(&u) == 0) {
    g.os_name.set(u.sysname);
    g.os_release.set(u.release);
    g.os_machine.set(u.machine);
  }
  g.main_tid = ::getpid();  // on Linux the main thread's id is the pid, whichever thread installs
  stack_t old{};
  if (::sigaltstack(nullptr, &old) != 0 || (old.ss_flags & SS_DISABLE) != 0 ||
      old.ss_size < detail::crash_alt_stack_size) {
    stack_t ss{};
    ss.ss_sp = detail::crash_alt_stack;
    ss.ss_size = detail::crash_alt_stack_size;
    ss.ss_flags = 0;
    ::sigaltstack(&ss, nullptr);
  }
  bool ok = true;
  for (int i = 0; i < detail::crash_signal_count; ++i) {
    struct sigaction sa {};
    sa.sa_sigaction = &detail::on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    // SA_NODEFER: a fault inside the handler re-enters it, so it can say so and end the process at once
    // instead of the kernel killing it silently.
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    if (::sigaction(detail::crash_signals[i], &sa, &g.previous[i]) != 0) ok = false;
  }
  g.previous_terminate = std::set_terminate(&detail::on_terminate<::runtime::error>);
  g.installed.store(true);
  return ok;
}

/// Restores the signal actions and terminate handler that install() replaced (tests; embedding).
inline void uninstall() noexcept {
  detail::crash_state& g = detail::crash_globals;
  if (!g.installed.exchange(false)) return;
  for (int i = 0; i < detail::crash_signal_count; ++i) ::sigaction(detail::crash_signals[i], &g.previous[i], nullptr);
  std::set_terminate(g.previous_terminate);
}

/// \returns whether install() is in effect.
inline bool installed() noexcept { return detail::crash_globals.installed.load(); }

/// Program name and version for the report's first line (copied; names longer than 127 bytes are cut).
inline void set_program(std::string_view name, std::string_view version) noexcept {
  detail::crash_globals.program.set(name);
  detail::crash_globals.version.set(version);
}

/// The command being run (the subcommand's name, never its argument values).
inline void set_command(std::string_view command) noexcept { detail::crash_globals.command.set(command); }

/// The enabled feature flags, comma-separated names (no values).
inline void set_features(std::string_view comma_separated) noexcept { detail::crash_globals.features.set(comma_separated); }

/// CI vendor ("github-actions", "" when not in CI) and container kind ("docker", "" when none), as the
/// program detected them.
inline void set_facts(std::string_view ci, std::string_view container) noexcept {
  detail::crash_globals.ci.set(ci);
  detail::crash_globals.container.set(container);
}

/// A directory for JSON crash reports (<dir>/<program>-crash-<pid>.json, mode 0600); empty disables them.
inline void set_report_dir(std::string_view dir) noexcept { detail::crash_globals.report_dir.set(dir); }

/// The longest a report may take (default 10 s; 0 = no limit). Past it, the process ends by the signal being
/// reported, so a stuck stderr (a full pipe nobody reads) never hangs the program.
inline void set_report_timeout(unsigned seconds) noexcept { detail::crash_globals.report_timeout.store(seconds); }

/// Gives the calling thread its own alternate signal stack (mmap'd with a guard page), so a stack overflow
/// in a thread other than the one that called install() is reported too. Release it with
/// release_thread_stack() before the thread ends. Idempotent: a second call keeps (and re-selects) the
/// stack the first one made. \returns false when mmap or sigaltstack failed.
inline bool prepare_thread() noexcept {
  detail::thread_alt_stack& mine = detail::this_thread_alt_stack();
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  stack_t current{};
  if (::sigaltstack(nullptr, &current) != 0) return false;
  if (mine.mapping != nullptr) {
    void* const sp = static_cast<char*>(mine.mapping) + page;
    if ((current.ss_flags & SS_DISABLE) == 0 && current.ss_sp == sp) return true;
    // Someone selected another stack since: ours is still mapped, select it again.
    stack_t ss{};
    ss.ss_sp = sp;
    ss.ss_size = detail::crash_alt_stack_size;
    return ::sigaltstack(&ss, nullptr) == 0;
  }
  const std::size_t size = detail::crash_alt_stack_size + page;
  void* mem = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mem == MAP_FAILED) return false;
  ::mprotect(mem, page, PROT_NONE);  // guard page below the stack
  stack_t ss{};
  ss.ss_sp = static_cast<char*>(mem) + page;
  ss.ss_size = detail::crash_alt_stack_size;
  if (::sigaltstack(&ss, nullptr) != 0) {
    ::munmap(mem, size);
    return false;
  }
  mine.mapping = mem;
  mine.mapping_size = size;
  mine.previous = current;
  return true;
}

/// Frees the calling thread's stack from prepare_thread(), if it made one, and puts back the alternate stack
/// the thread had before (or none). A stack prepare_thread() did not make (the static one of install(), one
/// from ASan or another library) is never disabled or freed.
inline void release_thread_stack() noexcept {
  detail::thread_alt_stack& mine = detail::this_thread_alt_stack();
  if (mine.mapping == nullptr) return;
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  stack_t current{};
  if (::sigaltstack(nullptr, &current) != 0) return;
  if ((current.ss_flags & SS_ONSTACK) != 0) return;  // running on an alternate stack: nothing can go now
  if ((current.ss_flags & SS_DISABLE) == 0 && current.ss_sp == static_cast<char*>(mine.mapping) + page) {
    stack_t back = mine.previous;
    if ((back.ss_flags & SS_DISABLE) != 0 || back.ss_sp == nullptr) {
      back = stack_t{};
      back.ss_flags = SS_DISABLE;
    } else {
      back.ss_flags = 0;
    }
    if (::sigaltstack(&back, nullptr) != 0) {
      stack_t off{};
      off.ss_flags = SS_DISABLE;
      if (::sigaltstack(&off, nullptr) != 0) return;  // still selected: keep it mapped
    }
  }
  ::munmap(mine.mapping, mine.mapping_size);
  mine = detail::thread_alt_stack{};
}

/// Ends the process through the crash path with `reason` in the report (a broken invariant, a "panic").
/// Not for signal handlers (use the report's own path there).
[[noreturn]] inline void fatal(std::string_view reason) noexcept {
  detail::crash_globals.reason.set(reason);
  if (!detail::abort_reports()) {
    detail::write_all(STDERR_FILENO, "fatal: ", 7);
    detail::write_all(STDERR_FILENO, reason.data(), reason.size());
    detail::write_all(STDERR_FILENO, "\n", 1);
  }
  std::abort();
}

/// Test hooks; not for production use.
namespace testing {
/// Makes the handler fault while writing its report (checks the "crash inside the handler" path).
inline void fault_while_reporting(bool on) noexcept { detail::crash_globals.fault_in_report.store(on); }
}  // namespace testing

}  // namespace crash

}  // namespace runtime::inline v1
RUNTIME_EXPORT_END


inline std::string runtime::v1::detail::runtime_category::message(int value) const {
  if (value < 1 || value > static_cast<int>(error_kind::internal) + 1) return "unknown runtime error";
  return std::string(to_string(static_cast<error_kind>(value - 1))) + " error";
}

template <>
struct std::is_error_code_enum<runtime::v1::error_kind> : std::true_type {};

#endif
