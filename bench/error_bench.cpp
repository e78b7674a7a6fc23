// SPDX-License-Identifier: MIT
// runtime.error benchmarks, one JSON line per case:
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
#include <functional>
#include <string>
#include <string_view>
#include <vector>
#if RUNTIME_USE_MODULES
import runtime.error;
#else
#include <runtime/error.hpp>
#endif

namespace {

using clk = std::chrono::steady_clock;
volatile std::size_t sink;

double ns_since(clk::time_point t0) { return std::chrono::duration<double, std::nano>(clk::now() - t0).count(); }

// Best of 5 samples of `n` calls, ns per call.
double measure(int n, const std::function<void()>& f) {
  double best = 1e300;
  for (int s = 0; s < 5; ++s) {
    auto t0 = clk::now();
    for (int i = 0; i < n; ++i) f();
    best = std::min(best, ns_since(t0) / n);
  }
  return best;
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
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
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
  std::printf("{\"bench\":\"crash_install_cold\",\"ns\":%.0f,\"reference\":\"glibc backtrace() warm-up\","
              "\"reference_ns\":%.0f,\"ratio\":%.3f}\n", cold, ref, ref > 0 ? cold / ref : 0.0);

  runtime::crash::install();
  double warm = measure(2000, [] {
    runtime::crash::uninstall();
    runtime::crash::install();
  });
  std::printf("{\"bench\":\"crash_install_warm\",\"ns_per_op\":%.1f}\n", warm);
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
  std::printf("{\"bench\":\"error_make\",\"ns_per_op\":%.1f}\n", make);
  std::printf("{\"bench\":\"error_make_traced\",\"ns_per_op\":%.1f,\"ratio\":%.2f}\n", traced, traced / make);

  auto e = runtime::error(runtime::error_kind::env, "env.unterminated_quote", "unterminated quoted value")
               .at({".env", 3, 5, "FOO=\"bar"})
               .note("a double-quoted value ends at the next unescaped \"")
               .hint("add the closing quote");
  double r = measure(20000, [&] { sink = runtime::render(e).size(); });
  double j = measure(20000, [&] { sink = runtime::render_json(e).size(); });
  std::printf("{\"bench\":\"render_located\",\"ns_per_op\":%.1f}\n", r);
  std::printf("{\"bench\":\"render_json\",\"ns_per_op\":%.1f}\n", j);
  return 0;
}
