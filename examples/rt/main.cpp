// SPDX-License-Identifier: MIT
// rt: the example driver. main() hands runtime::app (app.hpp) the command table (commands.hpp), the flag table
// (flags.hpp) and one function that routes the selected command to its handler (commands/<command>.cpp).
// Help, version, reserved words, commands declared `implemented = false` and every startup failure are
// answered by runtime::app before a handler runs.
#include "app.hpp"

namespace rt {
namespace {

/// Which handler runs each command rt provides.
struct route {
  command_id id;
  int (*handler)(const context&);
};
inline constexpr route routes[] = {
    {command_id::auto_, commands::run}, {command_id::run, commands::run},     {command_id::env, commands::env},
    {command_id::info, commands::info}, {command_id::flags, commands::flags}, {command_id::completions, commands::completions},
};

/// Every command the table declares as implemented has a handler (help and reserved words are runtime::app's).
constexpr bool every_command_has_a_handler() {
  for (const auto& c : program.commands) {
    if (!c.implemented || c.reserved || c.id == program.help_command) continue;
    bool found = false;
    for (const auto& r : routes) found = found || r.id == c.id;
    if (!found) return false;
  }
  return true;
}
static_assert(every_command_has_a_handler(), "a command in commands.hpp has no entry in main.cpp's routes");

int dispatch(const context& c) {
  install_alloc_stats(c.env());  // RUNTIME_ALLOC_STATS may come from a .env file too
  for (const auto& r : routes)
    if (r.id == c.command()) return r.handler(c);
  return static_cast<int>(runtime::exit_code::failure);  // unreachable: see the static_assert above
}

}  // namespace
}  // namespace rt

int main(int argc, char** argv) { return rt::app::main(argc, argv, rt::dispatch); }
