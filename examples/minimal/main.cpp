// SPDX-License-Identifier: MIT
// greet: the smallest complete program built from runtime::app. A command table, a flag table, five
// policies, one handler. Swapping a policy (system_allocator for mimalloc_allocator, dotenv_dialect for
// bun_dialect) is a one-line change the compiler checks against the policy's concept.
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#if RUNTIME_USE_MODULES
import runtime;
#else
#include <runtime/runtime.hpp>
#endif

namespace greet {

enum class cmd { auto_, hello, help };

inline constexpr runtime::cli::option globals[] = {
    {.name = "cwd", .kind = runtime::cli::value_kind::path, .help = "Run as if started in <dir>", .value_name = "dir"},
    {.name = "env-file", .kind = runtime::cli::value_kind::list, .help = "Load variables from these .env files"},
    {.name = "no-env-file", .help = "Do not load the default .env files"},
    {.name = "help", .short_name = 'h', .help = "Show help", .role = runtime::cli::option_role::help},
    {.name = "version", .short_name = 'v', .help = "Show the version", .role = runtime::cli::option_role::version},
};
inline constexpr runtime::cli::option hello_options[] = {
    {.name = "name", .short_name = 'n', .kind = runtime::cli::value_kind::string, .help = "Whom to greet",
     .default_value = "world", .env = "GREET_NAME"},
};
inline constexpr runtime::cli::command<cmd> commands[] = {
    {.id = cmd::auto_, .name = "auto", .hidden = true},
    {.id = cmd::hello, .name = "hello", .help = "Print a greeting", .options = hello_options, .max_positionals = 0},
    {.id = cmd::help, .name = "help", .help = "Show help for a command", .max_positionals = 1},
};
inline constexpr runtime::cli::program<cmd> program{
    .name = "greet", .version = "1.0.0", .summary = "greet: a minimal runtime::app", .global_options = globals,
    .commands = commands, .auto_command = cmd::auto_, .help_command = cmd::help};

inline constexpr runtime::flags::flag_desc flag_list[] = {
    {.name = "shout", .help = "Greet in capitals"},
};
inline constexpr runtime::flags::flag_table flags{.flags = flag_list, .env_prefix = "GREET_FEATURE_"};

using app = runtime::app<program, flags, runtime::system_allocator, runtime::env::bun_dialect,
                         runtime::signal::graceful<runtime::signal::shutdown_options{.deadline = std::chrono::seconds(2)}>,
                         runtime::crash::report_to_stderr>;

}  // namespace greet

int main(int argc, char** argv) {
  return greet::app::main(argc, argv, [](const greet::app::context& c) {
    if (c.command() != greet::cmd::hello) {
      std::fprintf(stderr, "greet: nothing to do for \"%s\"\n", c.args.positionals.empty() ? "" : std::string(c.args.positionals[0]).c_str());
      return 2;
    }
    std::string name(*c.args.value("name"));
    if (c.flags.enabled("shout"))
      for (auto& ch : name) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
    c.shutdown->add_hook("goodbye", [] { std::puts("goodbye"); });
    std::printf("hello, %s\n", name.c_str());
    return 0;
  });
}
