// SPDX-License-Identifier: MIT
// What rt's command line resolved to, handed to each command handler (examples/rt/cmd_*.cpp).
// Include this after every std header and before nothing else: in module mode it imports runtime.
#pragma once
#include <cerrno>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <fcntl.h>
#include <unistd.h>
#if RUNTIME_USE_MODULES
import runtime;
#else
#include <runtime/runtime.hpp>
#endif

namespace rt {

/// One parsed rt command line plus the process environment snapshot taken at startup.
struct invocation {
  std::string command;                   ///< canonical command name: "env", "run", "info", "flags", ...
  std::vector<std::string> positionals;  ///< words after the command (for run: program, then its args)
  // Global flags, as Bun's.
  std::optional<std::string> cwd;        ///< --cwd, already applied (chdir) before a handler runs
  std::vector<std::string> env_files;    ///< each --env-file value as given, comma lists not yet split
  bool no_env_file = false;              ///< --no-env-file
  std::optional<std::string> config;     ///< -c/--config; "bunfig.toml" when given without a value
  bool silent = false;                   ///< --silent
  /// Command options by long name: a flag maps to "true", a valued option to its (last) value.
  std::map<std::string, std::string, std::less<>> options;
  runtime::environment process_env;      ///< snapshot of the process environment at startup
  /// The environment resolved by the startup sequence (process + .env files, bunfig's [env] applied), or
  /// nullptr when the handler must resolve it itself from the fields above.
  const runtime::env::loaded* resolved = nullptr;
  /// bunfig settings and feature flags resolved by the startup sequence, or nullptr (resolve them yourself).
  const runtime::flags::bunfig* config_file = nullptr;
  const runtime::flags::feature_flags* feature_flags = nullptr;

  bool flag(std::string_view name) const {
    auto it = options.find(name);
    return it != options.end() && it->second != "false";
  }
  std::optional<std::string_view> option(std::string_view name) const {
    auto it = options.find(name);
    if (it == options.end()) return std::nullopt;
    return std::string_view(it->second);
  }
};

/// Reads a small file whole (package.json); empty when it is missing or unreadable, cut after `limit` bytes.
inline std::string read_small_file(const char* path, std::size_t limit = std::size_t{8} << 20) {
  std::string out;
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[16384];
  for (;;) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || out.size() > limit) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

/// `v` for human output (`rt env`, `rt flags`): newline, CR and tab shown as \n, \r, \t and any other
/// control character as '?', so one value stays on one line and cannot drive the terminal (ANSI escapes).
inline std::string printable(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (static_cast<unsigned char>(c) < 0x20) out += '?';
    else out += c;
  }
  return out;
}

/// The PATH a program is looked up in when the environment has none.
inline constexpr std::string_view default_path = "/usr/local/bin:/usr/bin:/bin";

/// Whether `rt <word>` finds something to run from directory `base`: a file there, a "scripts" key of its
/// package.json, an executable on `path_value` or in a node_modules/.bin from `base` up (cmd_run.cpp).
bool run_target_exists(std::string_view word, const std::string& base, std::string_view path_value);

// Handlers, one per implemented command; each returns the process exit code. Defined in cmd_<area>.cpp.
int cmd_env(const invocation&);    // rt env   (cmd_env.cpp)
int cmd_info(const invocation&);   // rt info  (cmd_env.cpp)
int cmd_flags(const invocation&);  // rt flags (cmd_flags.cpp)
int cmd_run(const invocation&);    // rt run and the auto command (cmd_run.cpp)

}  // namespace rt
