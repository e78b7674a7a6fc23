// SPDX-License-Identifier: MIT
// One small non-Bun program under each config policy of runtime::app (none, bunfig, named<"todo.toml">), chosen
// by the POLICY_APP variable, for test_app_policies.py: which files each reads, and that the catch-all command
// is opt-in (this table leaves it off) and reserved words name the program, not Bun.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#if RUNTIME_USE_MODULES
import runtime;
#else
#include <runtime/runtime.hpp>
#endif

namespace todo {

enum class cmd { auto_, list, help, reserved };

inline constexpr runtime::cli::option globals[] = {
    {.name = "config", .short_name = 'c', .kind = runtime::cli::value_kind::path, .help = "Config file"},
    {.name = "help", .short_name = 'h', .help = "Show help", .role = runtime::cli::option_role::help},
};
inline constexpr runtime::cli::command<cmd> commands[] = {
    {.id = cmd::auto_, .name = "auto", .hidden = true},
    {.id = cmd::list, .name = "list", .help = "List the items"},
    {.id = cmd::help, .name = "help", .help = "Show help", .max_positionals = 1},
    {.id = cmd::reserved, .name = "sync", .help = "Reserved", .reserved = true, .hidden = true},
};
inline constexpr runtime::cli::program<cmd> program{.name = "todo", .version = "1.0.0", .global_options = globals,
                                                    .commands = commands, .auto_command = cmd::auto_,
                                                    .help_command = cmd::help};
inline constexpr runtime::flags::flag_desc flag_list[] = {{.name = "colour", .help = "Colour output"}};
inline constexpr runtime::flags::flag_table flags{.flags = flag_list, .env_prefix = "TODO_FEATURE_",
                                                  .bunfig_table = "features"};

template <class Config>
using app = runtime::app<program, flags, runtime::system_allocator, runtime::env::dotenv_dialect,
                         runtime::signal::graceful<runtime::signal::shutdown_options{.deadline = std::chrono::seconds(2)}>,
                         runtime::crash::no_report, Config>;

template <class App>
int run(int argc, char** argv) {
  return App::main(argc, argv, [](const typename App::context& c) -> int {
    std::string files;
    for (const auto& f : c.config.files) files += (files.empty() ? "" : ",") + f;
    std::printf("files=%s colour=%d\n", files.c_str(), c.flags.enabled("colour") ? 1 : 0);
    return 0;
  });
}

}  // namespace todo

int main(int argc, char** argv) {
  const char* p = std::getenv("POLICY_APP");
  const std::string_view policy = p ? p : "";
  if (policy == "bunfig") return todo::run<todo::app<runtime::config_file::bunfig>>(argc, argv);
  if (policy == "named") return todo::run<todo::app<runtime::config_file::named<"todo.toml">>>(argc, argv);
  // The default policy: runtime::app<...> without a Config argument reads no file.
  return todo::run<runtime::app<todo::program, todo::flags, runtime::system_allocator, runtime::env::dotenv_dialect,
                                runtime::signal::graceful<runtime::signal::shutdown_options{.deadline = std::chrono::seconds(2)}>,
                                runtime::crash::no_report>>(argc, argv);
}
