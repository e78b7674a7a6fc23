// SPDX-License-Identifier: MIT
// runtime.error benchmarks, one JSON line per case (bench/harness.hpp):
//  - crash_install_cold: crash::install() in a fresh process (what every rt start pays), median of N
//    fork+exec runs of this program in --once mode; the reference is glibc's backtrace() warm-up, the
//    usual way to pre-load an unwinder (it dlopens libgcc_s when the program links libgcc statically).
//  - crash_install_warm: uninstall()+install() in a loop.
//  - error_make / error_make_traced: constructing an error (trace capture off / on).
//  - render_located / render_json: the display paths.
// Usage: error_bench [runs]
#include <execinfo.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>
#include "harness.hpp"
#if RUNTIME_USE_MODULES
import runtime.error;
#else
#include <runtime/error.hpp>
#endif

namespace {

using clk = std::chrono::steady_clock;
volatile std::size_t sink;

double ns_since(clk::time_point t0) { return std::chrono::duration<double, std::nano>(clk::now() - t0).count(); }

// Best of 5 samples of `n` calls, ns per call (wall clock).
template <class F>
double measure(long long n, F&& f) {
  return bench::measure(f, {.ops = n}).best;
}

// Runs `self --once <what>` `runs` times; each prints the ns it measured. \returns the median.
double median_child(const char* self, const char* what, int runs) {
  std::vector<double> v;
  for (int i = 0; i < runs; ++i) {
    int fds[2];
    if (pipe(fds) != 0) std::exit(1);
    pid_t pid = fork();
    if (pid == 0) {
      dup2(fds[1], 1);
      execl(self, self, "--once", what, static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    char buf[64] = {};
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    close(fds[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    if (n > 0) v.push_back(std::strtod(buf, nullptr));
  }
  return bench::summarize(std::move(v)).median;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string_view(argv[1]) == "--once") {
    auto t0 = clk::now();
    if (std::string_view(argv[2]) == "install") {
      runtime::crash::set_program("error_bench", "0");
      runtime::crash::install();
    } else {
      void* f[4];
      sink = static_cast<std::size_t>(backtrace(f, 4));
    }
    std::printf("%.0f\n", ns_since(t0));
    return 0;
  }
  int runs = argc > 1 ? std::atoi(argv[1]) : 31;
  double cold = median_child(argv[0], "install", runs);
  double ref = median_child(argv[0], "glibc-backtrace", runs);
  bench::line("crash_install_cold")
      .num("ns", cold, 0)
      .str("reference", "glibc backtrace() warm-up")
      .num("reference_ns", ref, 0)
      .num("ratio", ref > 0 ? cold / ref : 0.0, 3);

  runtime::crash::install();
  double warm = measure(2000, [] {
    runtime::crash::uninstall();
    runtime::crash::install();
  });
  bench::line("crash_install_warm").num("ns_per_op", warm, 1);
  runtime::crash::uninstall();

  double make = measure(100000, [] {
    runtime::error e(runtime::error_kind::env, "env.x", "short message");
    sink = e.code().size();
  });
  runtime::capture_error_traces(true);
  double traced = measure(20000, [] {
    runtime::error e(runtime::error_kind::env, "env.x", "short message");
    sink = e.trace().size();
  });
  runtime::capture_error_traces(false);
  bench::line("error_make").num("ns_per_op", make, 1);
  bench::line("error_make_traced").num("ns_per_op", traced, 1).num("ratio", traced / make, 2);

  auto e = runtime::error(runtime::error_kind::env, "env.unterminated_quote", "unterminated quoted value")
               .at({".env", 3, 5, "FOO=\"bar"})
               .note("a double-quoted value ends at the next unescaped \"")
               .hint("add the closing quote");
  double r = measure(20000, [&] { sink = runtime::render(e).size(); });
  double j = measure(20000, [&] { sink = runtime::render_json(e).size(); });
  bench::line("render_located").num("ns_per_op", r, 1);
  bench::line("render_json").num("ns_per_op", j, 1);
  return 0;
}
