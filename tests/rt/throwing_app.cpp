// SPDX-License-Identifier: MIT
// A runtime::app whose handler throws what its first argument names, so the tests can check that any
// exception escaping a handler ends as a one-line `error: ...` with exit 1, never std::terminate.
#include <chrono>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#if RUNTIME_USE_MODULES
import runtime;
#else
#include <runtime/runtime.hpp>
#endif

namespace thrower {

enum class cmd { auto_, help };

inline constexpr runtime::cli::option globals[] = {
    {.name = "help", .short_name = 'h', .help = "Show help", .role = runtime::cli::option_role::help},
};
inline constexpr runtime::cli::command<cmd> commands[] = {
    {.id = cmd::auto_, .name = "auto", .stop_at_positional = true, .hidden = true},
    {.id = cmd::help, .name = "help", .help = "Show help", .max_positionals = 1},
};
inline constexpr runtime::cli::program<cmd> program{.name = "thrower", .version = "1.0.0", .global_options = globals,
                                                    .commands = commands, .auto_command = cmd::auto_,
                                                    .help_command = cmd::help, .catch_all = true};
inline constexpr runtime::flags::flag_desc flag_list[] = {{.name = "unused", .help = "No effect"}};
inline constexpr runtime::flags::flag_table flags{.flags = flag_list, .env_prefix = "THROWER_FEATURE_"};

using app = runtime::app<program, flags, runtime::system_allocator, runtime::env::bun_dialect,
                         runtime::signal::graceful<runtime::signal::shutdown_options{.deadline = std::chrono::seconds(2)}>,
                         runtime::crash::report_to_stderr>;

}  // namespace thrower

int main(int argc, char** argv) {
  return thrower::app::main(argc, argv, [](const thrower::app::context& c) -> int {
    const std::string_view what = c.args.positionals.empty() ? std::string_view() : c.args.positionals[0];
    if (what == "bad_alloc") throw std::bad_alloc();
    if (what == "runtime_error") throw std::runtime_error("disk on fire\nsecond line");
    if (what == "int") throw 42;
    if (what == "error") throw runtime::error(runtime::error_kind::generic, "thrower.test", "a runtime error");
    return 0;
  });
}
