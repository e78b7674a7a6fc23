// SPDX-License-Identifier: MIT
// rt's runtime: one type assembled from policies at compile time (runtime::app), and the context it hands each
// command handler (commands/*.cpp), declared here with the handlers. main.cpp routes the commands to them.
// Include after every std header: in module mode it imports runtime.
#pragma once
#include <chrono>
#include <csignal>
#include <string_view>
#include "commands.hpp"
#include "flags.hpp"

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
using shutdown_policy =
    runtime::signal::graceful<runtime::signal::shutdown_options{
        .signals = {SIGINT, SIGTERM}, .deadline = std::chrono::seconds(10), .on_demand_watcher = true}>;
using crash_policy = runtime::crash::report_to_stderr;
using config_policy = runtime::config_file::bunfig;      // Bun's files: ~/.bunfig.toml, ./bunfig.toml, --config

using app = runtime::app<program, rt_flags, allocator_policy, dialect_policy, shutdown_policy, crash_policy,
                         config_policy>;

/// What a handler gets: the parsed command line (`c.args`), the resolved environment (`c.env()`, with
/// `c.loaded`'s files and diagnostics), bunfig settings (`c.config`) and feature flags (`c.flags`).
using context = app::context;

/// The handlers, one file each; each returns the process exit code.
namespace commands {
int run(const context&);          ///< rt run and the auto command `rt <file|script|program>` (commands/run.cpp)
int env(const context&);          ///< rt env (commands/env.cpp)
int info(const context&);         ///< rt info (commands/info.cpp)
int flags(const context&);        ///< rt flags (commands/flags.cpp)
int completions(const context&);  ///< rt completions <shell> (commands/completions.cpp)
}  // namespace commands

/// With RUNTIME_ALLOC_STATS set in the resolved environment, rt prints its allocation figures at exit
/// (alloc_stats.cpp).
void install_alloc_stats(const runtime::environment&);

}  // namespace rt
