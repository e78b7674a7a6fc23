// SPDX-License-Identifier: MIT
// runtime.error / crash_report: writing the crash report: the fixed slots startup code fills with the facts,
// the fixed-buffer sink and write_report (text to stderr, JSON file), all async-signal-safe.
#ifndef RUNTIME_MODULE
#  include <fcntl.h>
#  include <signal.h>
#  include <time.h>
#  include <ucontext.h>
#  include <unistd.h>
#  include <atomic>
#  include <cstddef>
#  include <cstdint>
#  include <cstring>
#  include <exception>
#  include "runtime/detail/json.hpp"
#  include <string_view>
#  include "runtime/detail/posix_io.hpp"
#  include "runtime/detail/signals.hpp"
#  include "runtime/detail/stack.hpp"
#  include "runtime/detail/text.hpp"
#  include "runtime/detail/utf8.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ERROR_CRASH_REPORT_HPP_)
#define RUNTIME_ERROR_CRASH_REPORT_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace detail {

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
  // tab are written as \xNN (escape::report), so the report cannot carry terminal escape sequences.
  // async-signal-safe
  sink& text(std::string_view s) noexcept {
    for_each_escaped(s, escape::report, [this](std::string_view piece) { put(piece); });
    return *this;
  }
  // async-signal-safe
  sink& dec(long long v) noexcept {
    char t[number_chars];
    return put(std::string_view(t, format_decimal(t, v)));
  }
  // async-signal-safe
  sink& hex(std::uintptr_t v, int width = 0) noexcept {
    char t[number_chars];
    const std::size_t k = format_hex(t, v);
    put("0x");
    for (int i = static_cast<int>(k); i < width; ++i) put('0');
    return put(std::string_view(t, k));
  }
  /// A JSON string literal that is valid UTF-8 whatever `s` holds (the slots hold what the program gave
  /// them), written by the one JSON string writer (detail::json_escape).
  // async-signal-safe (no allocation, no lock: pieces into the fixed buffer)
  sink& json(std::string_view s) noexcept {
    put('"');
    detail::json_escape(s, [this](std::string_view piece) noexcept { put(piece); });
    return put('"');
  }

};

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

// async-signal-safe
inline void write_function(sink& out, const char* symbol) noexcept {
  char name[512];
  if (safe_demangle(symbol, name, sizeof name)) out.put(std::string_view(name));
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

// async-signal-safe
inline void write_report(int sig, siginfo_t* info, void* uctx, long tid) noexcept {
  crash_state& g = crash_globals;
  sink out(STDERR_FILENO);
  std::string_view program = g.program.get();
  if (program.empty()) program = "program";
  std::uintptr_t pc = 0, sp = 0;
  context_registers(uctx, pc, sp);
  const int code = info != nullptr ? info->si_code : 0;
  const signal_code_text ct = signal_code_of(sig, code);
  const std::string_view signal_label = signal_name_of(sig, "signal");  // "SIGSEGV"
  const bool has_address = info != nullptr && code > 0 && code != SI_KERNEL && sig != SIGABRT;
  const auto addr = info != nullptr ? reinterpret_cast<std::uintptr_t>(info->si_addr) : 0;
  // A fault within 64 KiB of the stack pointer is a push or a frame setup that ran off the stack.
  const bool overflow = sig == SIGSEGV && has_address && sp != 0 &&
                        (addr > sp ? addr - sp : sp - addr) < 64 * 1024;

  out.put("\n==================== crash report ====================\n");
  out.text(program);
  if (!g.version.get().empty()) out.put(' ').text(g.version.get());
  out.put(" crashed: ").put(signal_label).put(" (").put(fault_meaning(sig)).put(")\n");
  out.put("signal: ").put(signal_label).put(' ').dec(sig).put(", code ");
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
  int n = safe_capture(raw, crash_max_frames, 0);
  // Start at the interrupted frame; the handler's own frames and the signal trampoline come before it.
  int first = 0;
  for (int i = 0; i < n; ++i) {
    if (reinterpret_cast<std::uintptr_t>(raw[i]) == pc) {
      first = i;
      break;
    }
  }
  safe_frame frames[crash_max_frames];
  int count = 0;
  for (int i = first; i < n; ++i) safe_resolve_frame(raw[i], frames[count++]);

  out.put("backtrace (").dec(count).put(" frames; function names need -rdynamic, or .symtab in a static program; "
                                        "file:line from `addr2line -e <module> <offset>`):\n");
  for (int i = 0; i < count; ++i) {
    const safe_frame& f = frames[i];
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
      js.put(",\"signal\":").json(signal_label).put(",\"signo\":").dec(sig);
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
        const safe_frame& f = frames[i];
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

} } }  // namespace runtime::v1::detail


#endif
