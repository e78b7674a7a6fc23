// SPDX-License-Identifier: MIT
// Crash probe for the integration tests (crash_test.py): installs runtime::crash, then dies the way argv[1]
// says. Usage: crash_probe <mode> [report-dir]
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#if RUNTIME_USE_MODULES
import runtime.error;
import runtime.signal;
#else
#include <runtime/error.hpp>
#include <runtime/signal.hpp>
#endif

// Allocation guard: the crash handler runs on the alternate signal stack and must not allocate, so any
// malloc/calloc/realloc made while on that stack fails the run (exit 99, which the test reports). Not under
// sanitizers, which own malloc, nor in the static build (static glibc's malloc cannot be interposed).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#  define PROBE_SANITIZED 1
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#    define PROBE_SANITIZED 1
#  endif
#endif
#if !defined(PROBE_SANITIZED) && !defined(PROBE_STATIC)
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
}
namespace {
void fail_if_in_signal_handler() {
  stack_t ss{};
  if (sigaltstack(nullptr, &ss) == 0 && (ss.ss_flags & SS_ONSTACK) != 0) {
    static const char msg[] = "\ncrash_probe: ALLOCATION INSIDE THE SIGNAL HANDLER\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(99);
  }
}
}  // namespace
extern "C" void* malloc(std::size_t n) {
  fail_if_in_signal_handler();
  return __libc_malloc(n);
}
extern "C" void* calloc(std::size_t n, std::size_t m) {
  fail_if_in_signal_handler();
  return __libc_calloc(n, m);
}
extern "C" void* realloc(void* p, std::size_t n) {
  fail_if_in_signal_handler();
  return __libc_realloc(p, n);
}
#endif

// Ill-formed UTF-8 of each kind (stray bytes, a surrogate, overlongs, a cut sequence, above U+10FFFF) around
// well-formed characters; crash_test.py keeps the same bytes.
#define PROBE_BAD_UTF8 \
  "bad \xff\xfe \xed\xa0\x80 \xc0\xaf \xf0\x9f\x98 ok \xe2\x9c\x93 \xf4\x90\x80\x80 \xe0\x80\x80 \xc3"

// Pointers and divisors come from volatile globals so the compiler cannot prove the UB and fold it away.
volatile std::uintptr_t probe_zero = 0;
volatile int probe_int_zero = 0;

// The functions are extern and noinline so -rdynamic exports them and the backtrace can name them.
[[gnu::noinline]] void probe_null_deref() {
  auto* p = reinterpret_cast<volatile int*>(probe_zero);
  *p = 42;
}

[[gnu::noinline]] void probe_bus_error() {
  char path[] = "/tmp/crash_probe_XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) std::exit(3);
  unlink(path);
  // The file is empty: a mapped page past its end raises SIGBUS on access.
  auto* p = static_cast<volatile char*>(mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  if (p == MAP_FAILED) std::exit(3);
  p[0] = 1;
}

// UBSan would report the division before the CPU traps; the test wants the real SIGFPE.
__attribute__((noinline, no_sanitize("undefined"))) int probe_divide_by_zero() { return 7 / probe_int_zero; }

[[gnu::noinline]] void probe_illegal_instruction() {
#if defined(__x86_64__) || defined(__i386__)
  __asm__ volatile("ud2");
#elif defined(__aarch64__)
  __asm__ volatile(".inst 0x00000000");  // permanently undefined
#else
  __builtin_trap();
#endif
}

[[gnu::noinline]] void probe_trap() {
  raise(SIGTRAP);
  probe_int_zero = 0;  // keeps raise() from being a tail call, so this frame stays on the stack
}

[[gnu::noinline]] void probe_abort() { std::abort(); }

[[gnu::noinline]] int probe_recurse(int depth) {
  volatile char pad[512];
  pad[0] = static_cast<char>(depth);
  if (depth == -1) return 0;  // never true: keeps the recursion finite in the compiler's eyes
  return probe_recurse(depth + 1) + pad[0];
}

[[gnu::noinline]] void probe_throw_error() {
  throw runtime::error(runtime::error_kind::config, "config.parse", "cannot parse bunfig.toml")
      .caused_by(runtime::error(runtime::error_kind::io, "io.read", "disk on fire"));
}

[[gnu::noinline]] void probe_throw_std() { throw std::runtime_error("plain std exception"); }

// Set by tests/error/slow_ctor.cpp's constructor, which then never returns: its dlopen holds the loader's lock.
extern "C" {
[[gnu::visibility("default")]] volatile int crash_probe_ctor_running = 0;
}
std::atomic<int> probe_holding_phdr{0};

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: crash_probe <mode> [report-dir]\n");
    return 2;
  }
  std::string_view mode = argv[1];
  runtime::crash::set_program("crash_probe", "1.2.3");
  runtime::crash::set_command("probe-command");
  runtime::crash::set_features("feature_one,feature_two");
  runtime::crash::set_facts("probe-ci", "");
  if (argc > 2 && mode != "loader-lock") runtime::crash::set_report_dir(argv[2]);
  if (mode == "json-utf8") {
    // The slots take whatever bytes the program gives: ill-formed UTF-8, and a command cut by the 128-byte
    // slot in the middle of a two-byte character. The crash file must still be valid UTF-8 JSON.
    runtime::crash::set_command(std::string(127, 'a') + "\xc3\xa9");
    runtime::crash::set_facts(PROBE_BAD_UTF8, "");
  }
  if (mode != "uninstalled") runtime::crash::install();

  if (mode == "segv" || mode == "uninstalled" || mode == "json-utf8") probe_null_deref();
  else if (mode == "bus") probe_bus_error();
  else if (mode == "fpe") std::printf("%d\n", probe_divide_by_zero());
  else if (mode == "ill") probe_illegal_instruction();
  else if (mode == "trap") probe_trap();
  else if (mode == "abort") probe_abort();
  else if (mode == "overflow") std::printf("%d\n", probe_recurse(0));
  else if (mode == "exception") probe_throw_error();
  else if (mode == "std-exception") probe_throw_std();
  else if (mode == "terminate") std::terminate();
  else if (mode == "fatal") runtime::crash::fatal("invariant broken: probe");
  else if (mode == "fatal-escape") runtime::crash::fatal("escape \x1b[31mred\x07\r done\n  next line");
  else if (mode == "thread") {
    std::thread t([] { probe_null_deref(); });
    t.join();
  } else if (mode == "thread-overflow") {
    std::thread t([] {
      runtime::crash::prepare_thread();
      std::printf("%d\n", probe_recurse(0));
    });
    t.join();
  } else if (mode == "two-threads") {
    // Both threads fault at (nearly) the same moment; only one report may appear.
    std::atomic<int> ready{0};
    auto body = [&ready] {
      ready.fetch_add(1);
      while (ready.load() < 2) {
      }
      probe_null_deref();
    };
    std::thread a(body), b(body);
    a.join();
    b.join();
  } else if (mode == "stuck-stderr") {
    // stderr becomes a full pipe that nobody reads: the report's write(2) blocks until the timeout.
    runtime::crash::set_report_timeout(1);
    int fds[2];
    if (pipe(fds) != 0) return 3;
    fcntl(fds[1], F_SETFL, O_NONBLOCK);
    static char junk[4096];
    while (write(fds[1], junk, sizeof junk) > 0) {
    }
    fcntl(fds[1], F_SETFL, 0);
    dup2(fds[1], 2);
    probe_null_deref();
  } else if (mode == "hook-segv" || mode == "term-during-report") {
    // A report stuck on a full stderr must end by its own timeout with the crash's signal: neither the
    // shutdown deadline (hook-segv: the fault is in a shutdown hook, the deadline passes during the report)
    // nor a SIGTERM sent meanwhile (term-during-report, default disposition) may end it first.
    runtime::crash::set_report_timeout(2);
    int fds[2];
    if (pipe(fds) != 0) return 3;
    fcntl(fds[1], F_SETFL, O_NONBLOCK);
    static char junk[4096];
    while (write(fds[1], junk, sizeof junk) > 0) {
    }
    fcntl(fds[1], F_SETFL, 0);
    if (mode == "term-during-report") {
      std::thread([] {
        usleep(300 * 1000);
        kill(getpid(), SIGTERM);
      }).detach();
      dup2(fds[1], 2);
      probe_null_deref();
    }
    // The pipe is drained after a second (by a helper process, into our real stderr): then the deadline's
    // message and the report race for it, and the report must win because the deadline waits for it.
    if (fork() == 0) {
      close(fds[1]);
      sleep(1);
      char buf[4096];
      ssize_t n;
      while ((n = read(fds[0], buf, sizeof buf)) > 0)
        if (write(2, buf, static_cast<std::size_t>(n)) < 0) break;
      _exit(0);
    }
    close(fds[0]);
    auto& sd = runtime::signal::shutdown::install(
        {.signals = {SIGINT, SIGTERM}, .deadline = std::chrono::milliseconds(300)});
    sd.add_hook("faulting", [fd = fds[1]] {
      dup2(fd, 2);
      probe_null_deref();
    });
    kill(getpid(), SIGTERM);
    for (;;) pause();  // not sd.wait(), which blocks the signals here: the deadline's may come to this thread
  } else if (mode == "loader-lock") {
    // Other threads hold the loader's locks when we crash: one inside dl_iterate_phdr (its callback never
    // returns), and, given a library, one inside dlopen (its constructor never returns). The report must
    // still come at once, with a backtrace.
    // dlopen first: it needs dl_iterate_phdr's lock for a moment before it runs the constructor.
    const char* lib = argc > 2 ? argv[2] : nullptr;
#ifndef PROBE_STATIC
    if (lib != nullptr) std::thread([lib] { dlopen(lib, RTLD_NOW); }).detach();
#else
    lib = nullptr;  // a static program has no dlopen to speak of: dl_iterate_phdr's lock is the one
#endif
    while (lib != nullptr && crash_probe_ctor_running == 0) usleep(200);
    std::thread([] {
      dl_iterate_phdr([](dl_phdr_info*, std::size_t, void*) -> int {
        probe_holding_phdr.store(1);
        for (;;) pause();
      }, nullptr);
    }).detach();
    while (probe_holding_phdr.load() == 0) usleep(200);
    probe_null_deref();
  } else if (mode == "handler-crash") {
    runtime::crash::testing::fault_while_reporting(true);
    probe_null_deref();
  } else if (mode == "ok") {
    std::printf("ok\n");
    return 0;
  } else {
    std::fprintf(stderr, "crash_probe: unknown mode '%s'\n", argv[1]);
    return 2;
  }
  std::fprintf(stderr, "crash_probe: still alive after '%s'\n", argv[1]);
  return 1;
}
