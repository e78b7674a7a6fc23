// SPDX-License-Identifier: MIT
// rt: the example driver. Later issues grow it into the composed application (see README).
#include <cstdio>
#include <string>
#include <string_view>
#include <unistd.h>
#if RUNTIME_USE_MODULES
import runtime;
#else
#include <runtime/runtime.hpp>
#endif

#ifndef RT_VERSION
#  define RT_VERSION "0.0.0"
#endif

namespace {

constexpr std::string_view usage =
    "rt is a command-line runtime built from the runtime.* C++20 modules (" RT_VERSION ")\n"
    "\n"
    "Usage: rt <command> [...flags] [...args]\n"
    "\n"
    "Flags:\n"
    "  -h, --help       Display this menu and exit\n"
    "  -v, --version    Print version and exit\n";

void put(int fd, std::string_view s) {
  while (!s.empty()) {
    auto n = ::write(fd, s.data(), s.size());
    if (n <= 0) return;
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

int main(int argc, char** argv) {
  auto args = runtime::cli::args_of(argc, argv);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    put(1, usage);
    return 0;
  }
  if (args[0] == "--version" || args[0] == "-v") {
    put(1, RT_VERSION "\n");
    return 0;
  }
  put(2, "error: unknown command or flag \"" + std::string(args[0]) + "\"\n");
  put(2, "Usage: rt <command> [...flags] [...args]\n");
  return static_cast<int>(runtime::exit_code::usage);
}
