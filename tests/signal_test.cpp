// SPDX-License-Identifier: MIT
// Header mode: the signal::testing hooks exist only with RUNTIME_TESTING (module mode: the build defines it
// for the BMIs when tests are built).
#ifndef RUNTIME_TESTING
#  define RUNTIME_TESTING 1
#endif
#include <doctest/doctest.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#if RUNTIME_USE_MODULES
import runtime.error;
import runtime.signal;
#else
#include <runtime/error.hpp>
#include <runtime/signal.hpp>
#endif

namespace sig = runtime::signal;

#if defined(__SANITIZE_THREAD__)
constexpr bool under_tsan = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr bool under_tsan = true;
#else
constexpr bool under_tsan = false;
#endif
#else
constexpr bool under_tsan = false;
#endif
using namespace std::chrono_literals;

// The policy forms an application template can name.
static_assert(sig::graceful<sig::shutdown_options{.deadline = 10s}>::deadline == 10s);
static_assert(sig::graceful<sig::shutdown_options{.deadline = 2500ms}>::deadline == 2500ms);
static_assert(sig::graceful<>::deadline == 10s);
static_assert(sig::ShutdownPolicy<sig::graceful<sig::shutdown_options{.deadline = 10s}>>);
static_assert(sig::ShutdownPolicy<sig::graceful<sig::shutdown_options{
                  .signals = {SIGINT, SIGTERM, SIGHUP}, .deadline = 1s, .reraise = true}>>);
static_assert(!sig::ShutdownPolicy<int>);
static_assert(
    sig::graceful<sig::shutdown_options{.deadline = 1s, .on_demand_watcher = true}>::options().on_demand_watcher);
static_assert(!sig::graceful<sig::shutdown_options{.deadline = 1s}>::options().on_demand_watcher);
static_assert(sig::graceful<sig::shutdown_options{.on_signal = sig::exit_mode::return_from_wait}>::options()
                  .on_signal == sig::exit_mode::return_from_wait);

namespace {
std::ptrdiff_t thread_count() {
  return std::distance(std::filesystem::directory_iterator("/proc/self/task"), std::filesystem::directory_iterator{});
}

// Waits for an event that must happen (a signal re-raised to the process may be handled on another thread);
// the bound only keeps a broken build from hanging.
template <class Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 10000 && !pred(); ++i) ::usleep(1000);
  return pred();
}

// The forked child's exit status; under TSan a signal sent to a child forked from threads is not reliably
// delivered, so callers skip the check there.
int wait_status(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

std::atomic<int> usr1_count{0};
void count_usr1(int) { usr1_count.fetch_add(1); }

// Installs count_usr1 for SIGUSR1 (whose default would end the test run) and restores the previous action.
struct usr1_counter {
  struct sigaction prev {};
  usr1_counter() {
    usr1_count = 0;
    struct sigaction sa {};
    sa.sa_handler = &count_usr1;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGUSR1, &sa, &prev);
  }
  ~usr1_counter() { ::sigaction(SIGUSR1, &prev, nullptr); }
};

// Another thread takes `sig` and runs whatever handler is installed now, to completion, before this returns.
void signal_on_another_thread(int sig) {
  std::thread([sig] {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    pthread_sigmask(SIG_UNBLOCK, &s, nullptr);
    ::raise(sig);
  }).join();
}

struct hook_guard {
  explicit hook_guard(sig::testing::hook_fn fn) noexcept { sig::testing::set_hook(fn); }
  ~hook_guard() { sig::testing::set_hook(nullptr); }
  hook_guard(const hook_guard&) = delete;
  hook_guard& operator=(const hook_guard&) = delete;
};

void usr1_before_spawn(sig::testing::point p) noexcept {
  if (p == sig::testing::point::before_spawn) signal_on_another_thread(SIGUSR1);
}
void usr1_when_ended(sig::testing::point p) noexcept {
  if (p == sig::testing::point::child_ended) signal_on_another_thread(SIGUSR1);
}
void usr1_after_exit(sig::testing::point p) noexcept {
  if (p == sig::testing::point::child_exited) signal_on_another_thread(SIGUSR1);
}

// A handler pauses while it holds a pid or fd, until the other side starts waiting for it.
std::atomic<bool> in_hook{false};
std::atomic<bool> released{false};
void pause_in_flight(sig::testing::point p) noexcept {
  if (p == sig::testing::point::handler_in_flight) {
    in_hook = true;
    while (!released.load()) {
    }
  } else if (p == sig::testing::point::draining) {
    released = true;
  }
}
}  // namespace

TEST_CASE("runtime::signal::name_of") {
  CHECK(sig::name_of(SIGINT) == "SIGINT");
  CHECK(sig::name_of(SIGTERM) == "SIGTERM");
  CHECK(sig::name_of(SIGHUP) == "SIGHUP");
  CHECK(sig::name_of(12345) == "SIG?");
}

TEST_CASE("runtime::signal::signal_set") {
  constexpr sig::signal_set s{SIGINT, SIGTERM};
  CHECK(s.contains(SIGINT));
  CHECK(s.contains(SIGTERM));
  CHECK_FALSE(s.contains(SIGHUP));
  CHECK_FALSE(s.contains(0));
  CHECK_FALSE(s.contains(99));
  CHECK(sig::signal_set{}.empty());
  CHECK(sig::graceful<sig::shutdown_options{.deadline = 1s, .reraise = true}>::options().reraise);
  CHECK(sig::graceful<sig::shutdown_options{.deadline = 1s}>::options().signals == s);
}

TEST_CASE("runtime::signal::find_program") {
  SUBCASE("searches the PATH value it is given") {
    auto p = sig::find_program("sh", "/nonexistent-dir::/bin:/usr/bin");
    REQUIRE(p);
    CHECK(p->ends_with("/sh"));
  }
  SUBCASE("missing program") { CHECK_FALSE(sig::find_program("no-such-program-xyz", "/bin:/usr/bin")); }
  SUBCASE("a name with a slash is taken as is") {
    CHECK(sig::find_program("/bin/sh", "") == std::optional<std::string>("/bin/sh"));
    CHECK_FALSE(sig::find_program("/bin/no-such-program-xyz", "/bin"));
  }
  SUBCASE("directories are not programs") { CHECK_FALSE(sig::find_program("bin", "/")); }
  SUBCASE("empty name") { CHECK_FALSE(sig::find_program("", "/bin")); }
}

TEST_CASE("runtime::signal::run_child") {
  SUBCASE("exit code") {
    auto r = sig::run_child({"/bin/sh", "-c", "exit 3"}, {});
    CHECK(r.exit_code == 3);
    CHECK(r.signal == 0);
    CHECK(r.shell_status() == 3);
    CHECK(r.pid > 0);
    // Reaped: no zombie is left behind.
    CHECK(::waitpid(r.pid, nullptr, WNOHANG) == -1);
  }
  SUBCASE("killed by a signal is reported like a shell") {
    auto r = sig::run_child({"/bin/sh", "-c", "kill -TERM $$"}, {});
    CHECK(r.signaled());
    CHECK(r.signal == SIGTERM);
    CHECK(r.shell_status() == 143);
  }
  SUBCASE("the child gets exactly envp") {
    CHECK(sig::run_child({"/bin/sh", "-c", "test \"$FOO\" = bar && test -z \"$HOME\""}, {"FOO=bar"}).exit_code == 0);
  }
  SUBCASE("PATH lookup uses the given value") {
    sig::child_options o;
    o.path = "/nonexistent:/bin:/usr/bin";
    CHECK(sig::run_child({"sh", "-c", "exit 7"}, {}, o).exit_code == 7);
  }
  SUBCASE("a missing program is an io error") {
    sig::child_options o;
    o.path = "/bin:/usr/bin";
    try {
      sig::run_child({"no-such-program-xyz"}, {}, o);
      FAIL("no error");
    } catch (const runtime::error& e) {
      CHECK(e.kind() == runtime::error_kind::io);
      CHECK(e.code() == "signal.program_not_found");
    }
    CHECK_THROWS_AS(sig::run_child({"/nonexistent/prog"}, {}), runtime::error);
    CHECK_THROWS_AS(sig::run_child({}, {}), runtime::error);
  }
  SUBCASE("a signal to the parent is forwarded to the child") {
    sig::child_options o;
    // The child exists once on_spawn runs; the signal is delivered to this thread before kill returns.
    o.on_spawn = [](pid_t) { ::kill(::getpid(), SIGTERM); };
    auto r = sig::run_child({"/bin/sh", "-c", "sleep 20"}, {}, o);
    CHECK(r.signal == SIGTERM);
    CHECK(r.forwarded >= 1);
    CHECK(r.shell_status() == 143);
  }
  SUBCASE("a new process group gets the signal as a group") {
    sig::child_options o;
    o.new_process_group = true;
    o.on_spawn = [](pid_t) { ::kill(::getpid(), SIGINT); };
    auto r = sig::run_child({"/bin/sh", "-c", "sleep 20; exit 0"}, {}, o);
    CHECK(r.signal == SIGINT);
  }
  SUBCASE("the child gets the inherited mask and ignored signals; what we ignored since is reset") {
    // SIGUSR2 ignored and SIGWINCH blocked "by our parent" (before the snapshot); SIGUSR1 ignored by us later.
    struct sigaction ign {}, prev1 {}, prev2 {};
    ign.sa_handler = SIG_IGN;
    ::sigaction(SIGUSR2, &ign, &prev2);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGWINCH);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    sig::testing::retake_inherited_signals();
    CHECK(sig::inherited_signals().ignores(SIGUSR2));
    CHECK_FALSE(sig::inherited_signals().ignores(SIGUSR1));
    ::sigaction(SIGUSR1, &ign, &prev1);
    pid_t seen = 0;
    sig::child_options o;
    o.on_spawn = [&](pid_t p) { seen = p; };
    // Standard signals only: glibc keeps its internal real-time signals (32, 33) to itself.
    const std::string want_ign = std::to_string(1UL << (SIGUSR2 - 1));
    const std::string want_blk = std::to_string(1UL << (SIGWINCH - 1));
    auto r = sig::run_child(
        {"/bin/sh", "-c", "blk=$(sed -n 's/^SigBlk:[[:space:]]*//p' /proc/self/status); "
                          "ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/self/status); "
                          "[ $((0x$blk & 0x7fffffff)) -eq " + want_blk + " ] && [ $((0x$ign & 0x7fffffff)) -eq " +
                              want_ign + " ]"},
        {}, o);
    ::sigaction(SIGUSR1, &prev1, nullptr);
    ::sigaction(SIGUSR2, &prev2, nullptr);
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    sig::testing::retake_inherited_signals();
    CHECK(r.exit_code == 0);
    CHECK(seen == r.pid);
  }
  SUBCASE("the child leads its own process group by default; new_process_group off keeps ours") {
    auto r = sig::run_child({"/bin/sh", "-c", "[ \"$(ps -o pgid= -p $$ | tr -d ' ')\" = $$ ]"}, {});
    CHECK(r.exit_code == 0);
    sig::child_options o;
    o.new_process_group = false;
    r = sig::run_child({"/bin/sh", "-c", "[ \"$(ps -o pgid= -p $$ | tr -d ' ')\" = " + std::to_string(::getpgrp()) + " ]"},
                       {}, o);
    CHECK(r.exit_code == 0);
  }
  SUBCASE("dispositions are restored afterwards") {
    struct sigaction before {}, after {};
    ::sigaction(SIGTERM, nullptr, &before);
    sig::run_child({"/bin/sh", "-c", "exit 0"}, {});
    ::sigaction(SIGTERM, nullptr, &after);
    CHECK((before.sa_sigaction == after.sa_sigaction));
  }
  SUBCASE("a child reaped by someone else is an error, never a made-up status") {
    sig::child_options o;
    o.on_spawn = [](pid_t p) { ::waitpid(p, nullptr, 0); };  // another reaper gets there first
    try {
      sig::run_child({"/bin/sh", "-c", "exit 3"}, {}, o);
      FAIL("no error");
    } catch (const runtime::error& e) {
      CHECK(e.kind() == runtime::error_kind::signal);
      CHECK(e.code() == "signal.wait_failed");
    }
  }
  SUBCASE("SIGCHLD ignored (a careless parent) is set back to the default, and the status is had") {
    for (const int flags : {0, SA_NOCLDWAIT}) {
      struct sigaction ign {}, prev {}, now {};
      ign.sa_handler = flags != 0 ? SIG_DFL : SIG_IGN;
      ign.sa_flags = flags;
      ::sigaction(SIGCHLD, &ign, &prev);
      auto r = sig::run_child({"/bin/sh", "-c", "exit 3"}, {});
      ::sigaction(SIGCHLD, nullptr, &now);
      ::sigaction(SIGCHLD, &prev, nullptr);
      CHECK(r.exit_code == 3);
      CHECK((now.sa_handler == SIG_DFL));
      CHECK((now.sa_flags & SA_NOCLDWAIT) == 0);
    }
  }
  SUBCASE("spawn failures say why, as Bun does") {
    const auto dir = std::filesystem::temp_directory_path() / ("signal_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto write_exec = [&](const char* name, std::string_view text) {
      const auto p = (dir / name).string();
      FILE* f = std::fopen(p.c_str(), "wb");
      REQUIRE(f != nullptr);
      std::fwrite(text.data(), 1, text.size(), f);
      std::fclose(f);
      std::filesystem::permissions(p, std::filesystem::perms::owner_all);
      return p;
    };
    const auto message = [](const std::vector<std::string>& argv, const std::vector<std::string>& envp) {
      try {
        sig::run_child(argv, envp);
      } catch (const runtime::error& e) {
        return e.code() + " " + e.message();
      }
      return std::string("no error");
    };
    const auto y = write_exec("y", "#!/nonexistent/interp\necho hi\n");
    CHECK(message({y}, {}) == "signal.spawn_failed ENOENT: " + y +
                                  ": No such file or directory (posix_spawn()); its interpreter /nonexistent/interp "
                                  "was not found");
    const auto z = write_exec("z", "\x7f" "ELFgarbage");
    CHECK(message({z}, {}) == "signal.spawn_failed ENOEXEC: " + z + ": Exec format error (posix_spawn())");
    std::vector<std::string> big;
    for (int i = 0; i < 80; ++i) big.push_back("BIG" + std::to_string(i) + "=" + std::string(100000, 'x'));
    CHECK(message({"/bin/true"}, big) == "signal.spawn_failed E2BIG: /bin/true: Argument list too long (posix_spawn())");
    CHECK(message({(dir / "missing").string()}, {}) == "signal.program_not_found command not found: " +
                                                         (dir / "missing").string());
    std::filesystem::remove_all(dir);
  }
  SUBCASE("an exception from on_spawn kills and reaps the child and removes forwarding") {
    struct sigaction before {}, after {};
    ::sigaction(SIGTERM, nullptr, &before);
    pid_t seen = 0;
    sig::child_options o;
    o.on_spawn = [&](pid_t p) {
      seen = p;
      throw std::runtime_error("on_spawn failed");
    };
    CHECK_THROWS_AS(sig::run_child({"/bin/sh", "-c", "sleep 20"}, {}, o), std::runtime_error);
    ::sigaction(SIGTERM, nullptr, &after);
    CHECK((before.sa_sigaction == after.sa_sigaction));
    REQUIRE(seen > 0);
    const pid_t w = ::waitpid(seen, nullptr, WNOHANG);
    CHECK(w == -1);
    if (w == 0) {  // left running: clean up after the failed check
      ::kill(seen, SIGKILL);
      ::waitpid(seen, nullptr, 0);
    }
  }
  SUBCASE("a signal that arrives while the spawn fails reaches the process afterwards") {
    usr1_counter counter;
    sig::child_options o;
    o.forward = sig::signal_set{SIGUSR1};
    {
      hook_guard g(&usr1_before_spawn);
      CHECK_THROWS_AS(sig::run_child({"/nonexistent/prog"}, {}, o), runtime::error);
    }
    CHECK(eventually([] { return usr1_count.load() == 1; }));
  }
  SUBCASE("a signal that arrives after the child exited reaches the process") {
    usr1_counter counter;
    sig::child_options o;
    o.forward = sig::signal_set{SIGUSR1};
    sig::child_result r;
    {
      hook_guard g(&usr1_after_exit);
      r = sig::run_child({"/bin/sh", "-c", "exit 0"}, {}, o);
    }
    CHECK(r.exit_code == 0);
    CHECK(eventually([] { return usr1_count.load() == 1; }));
  }
  SUBCASE("a signal that arrives once the child has exited, before forwarding stops, reaches the process") {
    // The child's zombie would take it and drop it: the signal is ours, and re-raised afterwards.
    for (int round = 0; round < 10; ++round) {
      usr1_counter counter;
      sig::child_options o;
      o.forward = sig::signal_set{SIGUSR1};
      sig::child_result r;
      {
        hook_guard g(&usr1_when_ended);
        r = sig::run_child({"/bin/sh", "-c", "exit 0"}, {}, o);
      }
      CHECK(r.exit_code == 0);
      CHECK(eventually([] { return usr1_count.load() == 1; }));
    }
  }
  SUBCASE("the child is reaped only after a handler in flight has forwarded to it") {
    usr1_counter counter;
    in_hook = false;
    released = false;
    std::thread taker;
    sig::child_options o;
    o.forward = sig::signal_set{SIGUSR1};
    o.on_spawn = [&](pid_t) {
      taker = std::thread([] { signal_on_another_thread(SIGUSR1); });
      while (!in_hook.load()) std::this_thread::yield();
    };
    sig::child_result r;
    {
      hook_guard g(&pause_in_flight);
      r = sig::run_child({"/bin/sh", "-c", "exit 0"}, {}, o);
      const bool drained = released.load();
      released = true;
      taker.join();
      CHECK(drained);
    }
    CHECK(r.forwarded == 1);
  }
  SUBCASE("ignored signals are not forwarded unless catch_ignored") {
    struct sigaction ign {}, prev {}, during {};
    ign.sa_handler = SIG_IGN;
    ::sigaction(SIGHUP, &ign, &prev);
    sig::child_options o;
    o.on_spawn = [&](pid_t) { ::sigaction(SIGHUP, nullptr, &during); };
    sig::run_child({"/bin/sh", "-c", "exit 0"}, {}, o);
    CHECK((during.sa_handler == SIG_IGN));
    o.catch_ignored = true;
    sig::run_child({"/bin/sh", "-c", "exit 0"}, {}, o);
    CHECK((during.sa_handler != SIG_IGN));
    ::sigaction(SIGHUP, nullptr, &during);
    CHECK((during.sa_handler == SIG_IGN));
    ::sigaction(SIGHUP, &prev, nullptr);
  }
}

namespace {
// uninstall, at the moment it restores the old handlers, lets another thread start a run_child.
std::atomic<bool> child_thread_started{false};
std::thread child_thread;
struct sigaction seen_during_child {}, seen_after_child {};
void start_child_while_uninstalling(sig::testing::point p) noexcept {
  if (p != sig::testing::point::uninstalling || child_thread_started.exchange(true)) return;
  child_thread = std::thread([] {
    sig::child_options o;
    o.on_spawn = [](pid_t) { ::sigaction(SIGTERM, nullptr, &seen_during_child); };
    sig::run_child({"/bin/sh", "-c", "exit 0"}, {}, o);
    ::sigaction(SIGTERM, nullptr, &seen_after_child);
  });
  ::usleep(50 * 1000);  // time for the child thread to reach its handlers (it must wait for us)
}
}  // namespace

TEST_CASE("runtime::signal::run_child while a coordinator is uninstalled") {
  struct sigaction before {};
  ::sigaction(SIGTERM, nullptr, &before);
  sig::shutdown_options so;
  so.on_signal = sig::exit_mode::return_from_wait;
  auto& sd = sig::shutdown::install(so);
  child_thread_started = false;
  {
    hook_guard g(&start_child_while_uninstalling);
    sd.uninstall();
  }
  REQUIRE(child_thread_started.load());
  child_thread.join();
  // The child was forwarded to (our handler, not the coordinator's restored over it), and afterwards the
  // disposition is the one from before the coordinator: never the uninstalled coordinator's handler.
  CHECK((seen_during_child.sa_flags & SA_SIGINFO) != 0);
  CHECK((seen_after_child.sa_handler == before.sa_handler));
  CHECK((seen_after_child.sa_flags & SA_SIGINFO) == (before.sa_flags & SA_SIGINFO));
}

TEST_CASE("runtime::signal::run_child with a shutdown coordinator") {
  sig::shutdown_options so;
  so.on_signal = sig::exit_mode::return_from_wait;
  so.force_on_second = false;
  SUBCASE("a signal reaches the child and starts the shutdown") {
    auto& sd = sig::shutdown::install(so);
    int hooks = 0;
    sd.add_hook("count", [&] { ++hooks; });
    sig::child_options o;
    // Thread-directed: this thread runs the handler before pthread_kill returns.
    o.on_spawn = [](pid_t) { ::pthread_kill(::pthread_self(), SIGTERM); };
    auto r = sig::run_child({"/bin/sh", "-c", "sleep 20"}, {}, o);
    CHECK(r.signal == SIGTERM);
    CHECK(r.forwarded == 1);
    REQUIRE(sd.stopping());
    CHECK(sd.wait() == SIGTERM);
    CHECK(hooks == 1);
    sd.uninstall();
  }
  SUBCASE("notify_shutdown off: forwarded only, and the child's status decides (as `bun run`)") {
    auto& sd = sig::shutdown::install(so);
    sig::child_options o;
    o.notify_shutdown = false;
    o.on_spawn = [](pid_t) { ::pthread_kill(::pthread_self(), SIGTERM); };
    auto r = sig::run_child({"/bin/sh", "-c", "sleep 20"}, {}, o);
    CHECK(r.signal == SIGTERM);
    CHECK_FALSE(sd.stopping());
    sd.uninstall();
  }
  SUBCASE("the coordinator's handlers are back afterwards") {
    auto& sd = sig::shutdown::install(so);
    struct sigaction before {}, after {};
    ::sigaction(SIGTERM, nullptr, &before);
    sig::run_child({"/bin/sh", "-c", "exit 0"}, {});
    ::sigaction(SIGTERM, nullptr, &after);
    CHECK((before.sa_sigaction == after.sa_sigaction));
    sd.uninstall();
  }
}

TEST_CASE("runtime::signal::shutdown") {
  SUBCASE("a signal runs the hooks once, newest first, after stopping the token") {
    struct sigaction before {};
    ::sigaction(SIGTERM, nullptr, &before);
    sig::shutdown_options o;
    o.on_signal = sig::exit_mode::return_from_wait;
    o.force_on_second = false;
    auto& sd = sig::shutdown::install(o);
    CHECK_THROWS_AS(sig::shutdown::install(o), runtime::error);
    std::mutex mu;
    std::vector<std::string> ran;
    auto record = [&](std::string s) {
      std::lock_guard lock(mu);
      ran.push_back(std::move(s));
    };
    std::atomic<bool> token_stopped_before_hooks{false};
    auto tok = sd.token();
    std::stop_callback cb(tok, [&] { record("stop"); });
    sd.add_hook("a", [&] { record("a"); });
    auto b = sd.add_hook("b", [&] { record("b"); });
    sd.add_hook("c", [&] {
      token_stopped_before_hooks = sd.token().stop_requested();
      record("c");
    });
    sd.add_hook("throws", [] { throw std::runtime_error("boom"); });
    CHECK(sd.remove_hook(b));
    CHECK_FALSE(sd.remove_hook(b));
    CHECK_FALSE(sd.stopping());
    ::kill(::getpid(), SIGTERM);
    ::kill(::getpid(), SIGTERM);  // force_on_second is off: ignored, no second run
    CHECK(sd.wait() == SIGTERM);
    CHECK(sd.stopping());
    CHECK(sd.signal_received() == SIGTERM);
    CHECK(token_stopped_before_hooks);
    {
      std::lock_guard lock(mu);
      CHECK(ran == std::vector<std::string>{"stop", "c", "a"});
    }
    sd.uninstall();
    CHECK(sig::shutdown::current() == nullptr);
    struct sigaction after {};
    ::sigaction(SIGTERM, nullptr, &after);
    CHECK((before.sa_sigaction == after.sa_sigaction));
  }
  SUBCASE("a forked child does not wake the parent's coordinator") {
    auto& sd = sig::shutdown::install({});
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::raise(SIGTERM);
      // TSan delivers signals at its next intercepted call: give it some.
      for (int i = 0; i < 100; ++i) ::usleep(10000);
      ::_exit(0);
    }
    REQUIRE(pid > 0);
    int status = 0;
    ::waitpid(pid, &status, 0);
    // TSan emulates signal delivery and does not deliver it reliably in a child forked from threads.
    if (!under_tsan) {
      CHECK(WIFSIGNALED(status));
      CHECK(WTERMSIG(status) == SIGTERM);
    }
    CHECK_FALSE(sd.wait_for(50ms));
    CHECK_FALSE(sd.stopping());
    sd.uninstall();
  }
  SUBCASE("on_demand_watcher: no thread until a hook, wait() or a return_from_wait token needs one") {
    sig::shutdown_options o;
    o.on_demand_watcher = true;
    const auto before = thread_count();
    auto& sd = sig::shutdown::install(o);
    CHECK(thread_count() == before);
    CHECK_FALSE(sd.token().stop_requested());  // exit_process: the token alone needs no thread
    CHECK(thread_count() == before);
    sd.request();  // no hooks can exist: the shutdown completes here, on this thread
    CHECK(thread_count() == before);
    CHECK(sd.wait() == 0);
    CHECK(sd.token().stop_requested());
    sd.uninstall();

    auto& sd2 = sig::shutdown::install(o);
    int ran = 0;
    sd2.add_hook("h", [&] { ++ran; });
    CHECK(thread_count() == before + 1);
    sd2.request();
    CHECK(sd2.wait() == 0);
    CHECK(ran == 1);
    sd2.uninstall();
  }
  SUBCASE("on_demand_watcher, return_from_wait: a signal before any watcher is kept for wait()") {
    sig::shutdown_options o;
    o.on_demand_watcher = true;
    o.on_signal = sig::exit_mode::return_from_wait;
    auto& sd = sig::shutdown::install(o);
    ::kill(::getpid(), SIGTERM);
    CHECK(sd.wait() == SIGTERM);  // starts the watcher, which finds the signal in the pipe
    CHECK(sd.token().stop_requested());
    sd.uninstall();
  }
  SUBCASE("on_demand_watcher, exit_process: a signal before any hook exits with 128+n from the handler") {
    const pid_t pid = ::fork();
    if (pid == 0) {
      sig::shutdown_options o;
      o.on_demand_watcher = true;
      (void)sig::shutdown::install(o);
      ::raise(SIGTERM);
      for (int i = 0; i < 100; ++i) ::usleep(10000);  // TSan delivers at its next intercepted call
      ::_exit(0);
    }
    REQUIRE(pid > 0);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!under_tsan) {
      CHECK(WIFEXITED(status));
      CHECK(WEXITSTATUS(status) == 128 + SIGTERM);
    }
  }
  SUBCASE("request() without a signal") {
    auto& sd = sig::shutdown::install({});
    int n = 0;
    sd.add_hook("count", [&] { ++n; });
    CHECK_FALSE(sd.wait_for(1ms));
    sd.request();
    sd.request();
    CHECK(sd.wait() == 0);
    CHECK(sd.wait_for(1ms) == std::optional<int>(0));
    CHECK(n == 1);
    CHECK(sd.token().stop_requested());
    sd.uninstall();
  }
  SUBCASE("SIGHUP when selected; wait_for restores the caller's mask") {
    sig::shutdown_options o;
    o.signals = sig::signal_set{SIGHUP};
    o.on_signal = sig::exit_mode::return_from_wait;
    auto& sd = sig::shutdown::install(o);
    sigset_t before, after;
    pthread_sigmask(SIG_SETMASK, nullptr, &before);
    CHECK_FALSE(sd.wait_for(1ms));
    pthread_sigmask(SIG_SETMASK, nullptr, &after);
    CHECK(sigismember(&before, SIGHUP) == sigismember(&after, SIGHUP));
    ::kill(::getpid(), SIGHUP);
    CHECK(sd.wait() == SIGHUP);
    sd.uninstall();
  }
  SUBCASE("a policy installs its options") {
    auto& sd = sig::graceful<sig::shutdown_options{.deadline = 1500ms}>::install();
    CHECK(sd.options().deadline == 1500ms);
    CHECK(sd.options().signals == sig::signal_set{SIGINT, SIGTERM});
    CHECK(sig::shutdown::current() == &sd);
    sd.uninstall();
  }
  SUBCASE("only the shutdown signals are accepted") {
    sig::shutdown_options o;
    o.signals = sig::signal_set{SIGUSR1};
    CHECK_THROWS_AS(sig::shutdown::install(o), runtime::error);
    o.signals = {};
    CHECK_THROWS_AS(sig::shutdown::install(o), runtime::error);
    CHECK(sig::shutdown::current() == nullptr);
  }
  SUBCASE("request() takes 0 or one of the coordinator's signals") {
    sig::shutdown_options o;
    o.on_signal = sig::exit_mode::return_from_wait;
    auto& sd = sig::shutdown::install(o);
    int n = 0;
    sd.add_hook("count", [&] { ++n; });
    for (int bad : {-1, 255, 64, 1000, SIGUSR1}) CHECK_THROWS_AS(sd.request(bad), runtime::error);
    REQUIRE_FALSE(sd.stopping());
    sd.request(SIGTERM);
    CHECK(sd.wait() == SIGTERM);
    CHECK(n == 1);
    sd.uninstall();
  }
  SUBCASE("a deadline expiry that arrives after the hooks finished is ignored") {
    const pid_t pid = ::fork();
    if (pid == 0) {
      sig::shutdown_options o;
      o.on_signal = sig::exit_mode::return_from_wait;
      auto& sd = sig::shutdown::install(o);
      sd.add_hook("quick", [] {});
      sd.request();
      sd.wait();
      // What a deadline timer that fired just before timer_delete leaves behind.
      siginfo_t si{};
      si.si_signo = SIGTERM;
      si.si_code = SI_TIMER;
      ::syscall(SYS_rt_sigqueueinfo, ::getpid(), SIGTERM, &si);
      for (int i = 0; i < 100; ++i) ::usleep(10000);  // TSan delivers at its next intercepted call
      ::_exit(0);
    }
    REQUIRE(pid > 0);
    const int status = wait_status(pid);
    if (!under_tsan) CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  SUBCASE("a signal ignored at install stays ignored (GNU coding standards) unless catch_ignored") {
    struct sigaction ign {}, prev {}, cur {};
    ign.sa_handler = SIG_IGN;
    ::sigaction(SIGHUP, &ign, &prev);
    sig::shutdown_options o;
    o.signals = sig::signal_set{SIGHUP, SIGTERM};
    o.on_signal = sig::exit_mode::return_from_wait;
    auto& sd = sig::shutdown::install(o);
    ::sigaction(SIGHUP, nullptr, &cur);
    CHECK((cur.sa_handler == SIG_IGN));
    ::sigaction(SIGTERM, nullptr, &cur);
    CHECK((cur.sa_handler != SIG_IGN && cur.sa_handler != SIG_DFL));
    sd.uninstall();
    o.catch_ignored = true;
    auto& sd2 = sig::shutdown::install(o);
    ::sigaction(SIGHUP, nullptr, &cur);
    CHECK((cur.sa_handler != SIG_IGN));
    sd2.uninstall();
    ::sigaction(SIGHUP, nullptr, &cur);
    CHECK((cur.sa_handler == SIG_IGN));
    ::sigaction(SIGHUP, &prev, nullptr);

    // nohup: a process started with SIGHUP ignored survives a SIGHUP.
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::sigaction(SIGHUP, &ign, nullptr);
      sig::shutdown_options fo;
      fo.signals = sig::signal_set{SIGHUP, SIGTERM};
      (void)sig::shutdown::install(fo);
      ::raise(SIGHUP);
      for (int i = 0; i < 100; ++i) ::usleep(10000);  // TSan delivers at its next intercepted call
      ::_exit(0);
    }
    REQUIRE(pid > 0);
    const int status = wait_status(pid);
    if (!under_tsan) CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  SUBCASE("uninstall waits for a handler that holds the wake fd") {
    sig::shutdown_options o;
    o.on_signal = sig::exit_mode::return_from_wait;
    o.force_on_second = false;
    auto& sd = sig::shutdown::install(o);
    in_hook = false;
    released = false;
    hook_guard g(&pause_in_flight);
    std::thread taker([] { signal_on_another_thread(SIGTERM); });
    while (!in_hook.load()) std::this_thread::yield();
    sd.uninstall();
    const bool drained = released.load();
    released = true;
    taker.join();
    CHECK(drained);
  }
  SUBCASE("the watcher gets an alternate signal stack when the SIGSEGV handler runs on one") {
    struct sigaction segv {}, prev {};
    segv.sa_handler = [](int) { ::_exit(99); };
    sigemptyset(&segv.sa_mask);
    segv.sa_flags = SA_ONSTACK;
    ::sigaction(SIGSEGV, &segv, &prev);
    sig::shutdown_options o;
    o.on_signal = sig::exit_mode::return_from_wait;
    auto& sd = sig::shutdown::install(o);
    std::atomic<int> on_alt{-1};
    sd.add_hook("look", [&] {
      stack_t ss{};
      ::sigaltstack(nullptr, &ss);
      on_alt = (ss.ss_flags & SS_DISABLE) != 0 ? 0 : 1;
    });
    sd.request();
    sd.wait();
    sd.uninstall();
    ::sigaction(SIGSEGV, &prev, nullptr);
    CHECK(on_alt == 1);
  }
}
