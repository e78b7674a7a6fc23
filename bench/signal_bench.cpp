// SPDX-License-Identifier: MIT
// Benchmark: time from SIGTERM to process exit (reaped by the parent) for a process using runtime.signal
// with one trivial hook, against a Bun process with `process.on('SIGTERM', () => process.exit(143))`,
// interleaved in the same run. Each process is sent the signal only after it printed "ready".
//
//   signal_bench [--iterations N] [--bun PATH]      (Bun: --bun, else $BUN, else $RUNTIME_PEERS/bun, else PATH)
// Prints one JSON line per subject (median/p10/p90 ns) and one with the ratio of the medians. A third subject,
// a process with no handler at all (the kernel's default action), shows the floor.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include "harness.hpp"
#if RUNTIME_USE_MODULES
import runtime.signal;
#else
#include <runtime/signal.hpp>
#endif

extern char** environ;

namespace {

using clock_type = std::chrono::steady_clock;

// The subject process: a coordinator with one trivial hook, waiting for a signal.
int child_main() {
  auto& sd = runtime::signal::graceful<10000>::install();
  int touched = 0;
  sd.add_hook("trivial", [&] { ++touched; });
  std::fputs("ready\n", stdout);
  std::fflush(stdout);
  sd.wait();
  return touched;
}

// The floor: a process that keeps SIGTERM's default disposition, so the kernel alone ends it.
int baseline_main() {
  std::fputs("ready\n", stdout);
  std::fflush(stdout);
  for (;;) ::pause();
}

struct sample {
  long long ns;
  int status;
};

// Starts argv with stdout on a pipe, waits for "ready", sends SIGTERM and times until the process is reaped.
std::optional<sample> measure(const std::vector<std::string>& argv) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  std::vector<char*> av;
  for (const auto& a : argv) av.push_back(const_cast<char*>(a.c_str()));
  av.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, av[0], &fa, nullptr, av.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return std::nullopt;
  }
  std::string got;
  char buf[256];
  while (got.find("ready\n") == std::string::npos) {
    const auto n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  const auto t0 = clock_type::now();
  ::kill(pid, SIGTERM);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  const auto t1 = clock_type::now();
  ::close(fds[0]);
  if (got.find("ready\n") == std::string::npos) return std::nullopt;
  const int shell = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  return sample{std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count(), shell};
}

void print_stats(const char* name, const bench::stats& s, int status) {
  bench::line("signal.sigterm_to_exit")
      .str("subject", name)
      .integer("iterations", static_cast<long long>(s.samples))
      .num("median_ns", s.median, 0)
      .num("p10_ns", s.p10, 0)
      .num("p90_ns", s.p90, 0)
      .integer("exit_status", status);
}

std::string self_path(const char* argv0) {
  char buf[4096];
  const auto n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) return std::string(buf, static_cast<std::size_t>(n));
  return argv0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "--child") return child_main();
  if (argc >= 2 && std::string_view(argv[1]) == "--baseline") return baseline_main();
  int iterations = 100;
  std::string bun;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--iterations" && i + 1 < argc) iterations = std::max(1, std::atoi(argv[++i]));
    else if (a == "--bun" && i + 1 < argc) bun = argv[++i];
    else {
      std::fputs("usage: signal_bench [--iterations N] [--bun PATH]\n", stderr);
      return 2;
    }
  }
  if (bun.empty()) {
    if (const char* b = std::getenv("BUN")) bun = b;
    else if (const char* peers = std::getenv("RUNTIME_PEERS")) bun = std::string(peers) + "/bun";
    else if (const char* path = std::getenv("PATH")) bun = runtime::signal::find_program("bun", path).value_or("");
  }
  const bool have_bun = !bun.empty() && ::access(bun.c_str(), X_OK) == 0;
  const std::vector<std::string> ours{self_path(argv[0]), "--child"};
  const std::vector<std::string> theirs{
      bun, "-e", "process.on('SIGTERM', () => process.exit(143)); console.log('ready'); setInterval(() => {}, 1 << 30);"};

  const std::vector<std::string> floor{self_path(argv[0]), "--baseline"};

  std::vector<double> t_ours, t_bun, t_floor;
  int st_ours = -1, st_bun = -1, st_floor = -1;
  for (int i = 0; i < iterations; ++i) {  // interleaved, so all see the same machine load
    if (auto s = measure(floor)) {
      t_floor.push_back(static_cast<double>(s->ns));
      st_floor = s->status;
    }
    if (auto s = measure(ours)) {
      t_ours.push_back(static_cast<double>(s->ns));
      st_ours = s->status;
    }
    if (have_bun)
      if (auto s = measure(theirs)) {
        t_bun.push_back(static_cast<double>(s->ns));
        st_bun = s->status;
      }
  }
  const auto sf = bench::summarize(t_floor);
  print_stats("no-handler-floor", sf, st_floor);
  const auto so = bench::summarize(t_ours);
  print_stats("runtime.signal", so, st_ours);
  const auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  // Beside the floor measured in the same run: how much the handler and hook add to the kernel's own exit.
  bench::line("signal.sigterm_to_exit").num("x_floor", ratio(so.median, sf.median), 2).num("x_floor_p10", ratio(so.p10, sf.p10), 2);
  if (!have_bun) {
    bench::line("signal.sigterm_to_exit").str("peer", "bun").str("error", "bun not found");
    return 0;
  }
  const auto sb = bench::summarize(t_bun);
  print_stats("bun", sb, st_bun);
  // The p10 ratio is less sensitive to other load on the machine than the median.
  bench::line("signal.sigterm_to_exit")
      .num("ratio_bun_over_ours", ratio(sb.median, so.median), 2)
      .num("ratio_p10", ratio(sb.p10, so.p10), 2);
  return 0;
}
