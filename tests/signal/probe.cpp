// SPDX-License-Identifier: MIT
// Probe for the runtime.signal integration tests (signal_integration.py): a process that installs the shutdown
// coordinator (or runs a child) and reports readiness on stdout, so the test can send it real signals.
//
//   probe hooks FILE [--slow-ms N] [--hang] [--child-in-hook] [--deadline-ms N] [--no-force] [--reraise] [--hup]
//   probe run [--group|--same-group] [--report-fg] [--big-env BYTES] -- PROGRAM ARGS...
//       run_child with this environment, then exit like the child (--report-fg: say on stderr whether this
//       process is its terminal's foreground again; --big-env: add a variable of that size to the child's)
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>
#include <fcntl.h>
#include <unistd.h>
#if RUNTIME_USE_MODULES
import runtime.error;
import runtime.signal;
#else
#include <runtime/error.hpp>
#include <runtime/signal.hpp>
#endif

extern char** environ;

namespace {

void append_line(const std::string& file, std::string_view line) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  std::string s(line);
  s += '\n';
  [[maybe_unused]] auto n = ::write(fd, s.data(), s.size());
  ::close(fd);
}

int hooks_mode(int argc, char** argv) {
  if (argc < 3) return 2;
  const std::string file = argv[2];
  runtime::signal::shutdown_options o;
  long slow_ms = 0;
  bool hang = false;
  bool child_in_hook = false;
  for (int i = 3; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--slow-ms" && i + 1 < argc) slow_ms = std::atol(argv[++i]);
    else if (a == "--hang") hang = true;
    else if (a == "--child-in-hook") child_in_hook = true;
    else if (a == "--deadline-ms" && i + 1 < argc) o.deadline = std::chrono::milliseconds(std::atol(argv[++i]));
    else if (a == "--no-force") o.force_on_second = false;
    else if (a == "--reraise") o.reraise = true;
    else if (a == "--hup") o.signals.add(SIGHUP);
    else return 2;
  }
  auto& sd = runtime::signal::shutdown::install(o);

  // Cooperative code: a worker that stops through the token.
  std::jthread worker([&file, tok = sd.token()] {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait(lock, tok, [] { return false; });
    append_line(file, "worker-stopped");
  });
  // Registered first, so it runs last: the process exits after the hooks, so cooperative threads are joined by one.
  sd.add_hook("join-worker", [&] { worker.join(); });
  sd.add_hook("first", [&] { append_line(file, "hook:first"); });
  // Registered from another thread: hooks may be added at any time.
  std::thread([&] { sd.add_hook("second", [&] { append_line(file, "hook:second"); }); }).join();
  sd.add_hook("third", [&] { append_line(file, "hook:third"); });
  if (slow_ms > 0)
    sd.add_hook("slow", [&, slow_ms] {
      append_line(file, "slow-start");
      std::this_thread::sleep_for(std::chrono::milliseconds(slow_ms));
      append_line(file, "slow-end");
    });
  if (hang)
    sd.add_hook("hang", [&] {
      append_line(file, "hang-start");
      for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    });
  if (child_in_hook)
    sd.add_hook("child", [&] {
      append_line(file, "child-start");
      // The child ignores SIGTERM, so only the deadline can end this hook; its stdio is not the test's pipes.
      runtime::signal::run_child({"/bin/sh", "-c", "exec </dev/null >/dev/null 2>&1; trap '' TERM; sleep 8"}, {});
      append_line(file, "child-end");
    });
  std::fputs("ready\n", stdout);
  std::fflush(stdout);
  sd.wait();  // a signal ends the process from the watcher
  return 0;
}

int run_mode(int argc, char** argv) {
  runtime::signal::child_options o;
  int i = 2;
  bool report_fg = false;
  std::size_t big_env = 0;
  for (; i < argc && std::strcmp(argv[i], "--") != 0; ++i) {
    const std::string_view a = argv[i];
    if (a == "--group") o.new_process_group = true;
    else if (a == "--same-group") o.new_process_group = false;
    else if (a == "--report-fg") report_fg = true;
    else if (a == "--big-env" && i + 1 < argc) big_env = static_cast<std::size_t>(std::atol(argv[++i]));
    else return 2;
  }
  if (i + 1 >= argc) return 2;
  std::vector<std::string> args(argv + i + 1, argv + argc);
  std::vector<std::string> envp;
  for (char** e = environ; *e != nullptr; ++e) envp.emplace_back(*e);
  for (std::size_t n = 0; n < big_env; n += 100000) envp.push_back("BIG" + std::to_string(n) + "=" + std::string(100000, 'x'));
  if (const char* p = std::getenv("PATH")) o.path = p;
  try {
    const auto r = runtime::signal::run_child(args, envp, o);
    if (report_fg) {
      const bool fg = ::tcgetpgrp(0) == ::getpgrp();
      std::fputs(fg ? "foreground: yes\n" : "foreground: no\n", stderr);
    }
    runtime::signal::exit_like(r);
  } catch (const runtime::error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "hooks") return hooks_mode(argc, argv);
  if (argc >= 2 && std::string_view(argv[1]) == "run") return run_mode(argc, argv);
  std::fputs("usage: probe hooks FILE [options] | probe run [--group] -- PROGRAM ARGS...\n", stderr);
  return 2;
}
