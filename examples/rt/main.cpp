// SPDX-License-Identifier: MIT
// rt: the example driver. Its runtime is one type assembled from policies at compile time (runtime::app);
// main() hands it the command table (commands.hpp), the flag table (flags.hpp) and one dispatch function that
// turns the resolved context into an rt::invocation for the command's handler (cmd_<area>.cpp).
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>
#include <fcntl.h>
#include <unistd.h>
#include "invocation.hpp"
#include "commands.hpp"
#include "flags.hpp"

#ifdef RT_HAVE_ALLOC_STATS
namespace rt {
void install_alloc_stats(const runtime::environment&);
}
#endif

namespace rt {

// The policies. Each line is checked against its concept; swapping one is a one-line change:
#ifdef RT_GLOBAL_MIMALLOC
using allocator_policy = runtime::mimalloc_allocator;  // -Dallocator=mimalloc: also rt's global operator new
#else
using allocator_policy = runtime::system_allocator;
#endif
using dialect_policy = runtime::env::bun_dialect;       // runtime::env::dotenv_dialect for dotenv + dotenv-expand
// rt writes with write(2) and registers no hook of its own: the watcher thread starts only if one is added
// (a thread per start-up is measurable in `rt --version`-sized runs).
using shutdown_policy = runtime::signal::graceful<runtime::signal::shutdown_options{
    .signals = {SIGINT, SIGTERM}, .deadline = std::chrono::seconds(10), .on_demand_watcher = true}>;
using crash_policy = runtime::crash::report_to_stderr;

using app = runtime::app<program, rt_flags, allocator_policy, dialect_policy, shutdown_policy, crash_policy>;

namespace {

void put(int fd, std::string_view s) {
  while (!s.empty()) {
    auto n = ::write(fd, s.data(), s.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

[[maybe_unused]] int not_implemented(std::string_view name) {
  put(2, "rt " + std::string(name) + ": not implemented by this driver\n");
  return static_cast<int>(runtime::exit_code::failure);
}

/// The resolved context as the handlers' invocation.
invocation to_invocation(const app::context& c) {
  const auto& r = c.args;
  invocation inv;
  inv.command = r.command == command_id::auto_ ? "auto" : std::string(r.spec->name);
  inv.positionals.reserve(r.positionals.size() + r.passthrough.size());
  for (auto p : r.positionals) inv.positionals.emplace_back(p);
  for (auto p : r.passthrough) inv.positionals.emplace_back(p);
  if (auto v = r.value("cwd")) inv.cwd = std::string(*v);
  for (auto v : r.values("env-file")) inv.env_files.emplace_back(v);
  inv.no_env_file = r.flag("no-env-file");
  if (auto v = r.value("config")) inv.config = std::string(*v);
  inv.silent = r.flag("silent") || (c.config.run.silent && c.config.run.silent->value);
  for (const auto& ov : r.options) {
    bool global = false;
    for (const auto& g : table::global_options) global = global || &g == ov.spec;
    if (global || ov.values.empty()) continue;
    inv.options.insert_or_assign(std::string(ov.spec->name), std::string(ov.values.back()));
  }
  inv.process_env = c.process_env;
  inv.resolved = &c.loaded;
  inv.config_file = &c.config;
  inv.feature_flags = &c.flags;
  return inv;
}

int dispatch(const app::context& c) {
#ifdef RT_HAVE_ALLOC_STATS
  install_alloc_stats(c.env());  // RUNTIME_ALLOC_STATS may come from a .env file too
#endif
  if (c.command() == command_id::completions) {
    const auto words = c.args.operands();  // exactly one: `completions -- bash` counts the word after --
    auto sh = runtime::cli::shell_from_name(words.at(0));
    if (!sh) {
      auto e = runtime::usage_error("cli.invalid_value", "unknown shell " + runtime::cli::quote_for_message(words[0]) +
                                                             " (accepted: bash, zsh, fish)");
      put(2, runtime::cli::render_error(program, e, c.args.spec));
      return runtime::exit_status_of(e);
    }
    put(1, runtime::cli::completion_script(program, *sh));
    return 0;
  }
  [[maybe_unused]] const invocation inv = to_invocation(c);
  switch (c.command()) {
#ifdef RT_HAVE_CMD_ENV
    case command_id::env: return cmd_env(inv);
    case command_id::info: return cmd_info(inv);
#endif
#ifdef RT_HAVE_CMD_FLAGS
    case command_id::flags: return cmd_flags(inv);
#endif
#ifdef RT_HAVE_CMD_RUN
    case command_id::run:
    case command_id::auto_: return cmd_run(inv);
#endif
    default: return not_implemented(c.args.spec ? c.args.spec->name : std::string_view("?"));
  }
}

}  // namespace

bool auto_target_exists(std::string_view word, const runtime::cli::result<command_id>& before,
                        const runtime::environment& env) {
  // Parsing runs before --cwd is applied: look where the program will run.
  const std::string base(before.value("cwd").value_or("."));
#ifdef RT_HAVE_CMD_RUN
  return run_target_exists(word, base, env.get("PATH").value_or(default_path));
#else
  (void)env;
  return ::access((base + "/" + std::string(word)).c_str(), F_OK) == 0;
#endif
}

}  // namespace rt

int main(int argc, char** argv) { return rt::app::main(argc, argv, rt::dispatch); }
