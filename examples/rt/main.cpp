// SPDX-License-Identifier: MIT
// rt: the example driver. Parses the command line against rt's declared command table (commands.hpp) and
// dispatches to the handlers that exist (cmd_<area>.cpp announce themselves with RT_HAVE_<NAME>).
#include <cerrno>
#include <cstdio>
#include <cstring>
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

#ifdef RT_HAVE_ALLOC_STATS
namespace rt {
void install_alloc_stats(const runtime::environment&);
}
#endif

namespace {

namespace cli = runtime::cli;
using rt::command_id;

void put(int fd, std::string_view s) {
  while (!s.empty()) {
    auto n = ::write(fd, s.data(), s.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

int usage_failure(const runtime::error& e, const cli::command<command_id>* c) {
  put(2, cli::render_error(rt::program, e, c));
  return runtime::exit_status_of(e);
}

int not_implemented(std::string_view name) {
  put(2, "rt " + std::string(name) + ": not implemented by this driver\n");
  return static_cast<int>(runtime::exit_code::failure);
}

/// Reads a small file whole (package.json); empty on any failure.
std::string slurp(const char* path) {
  std::string out;
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[8192];
  for (;;) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || out.size() > (std::size_t{4} << 20)) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

int dispatch([[maybe_unused]] rt::invocation& inv, const cli::result<command_id>& r) {
  switch (r.command) {
    case command_id::env:
#ifdef RT_HAVE_CMD_ENV
      return rt::cmd_env(inv);
#else
      return not_implemented("env");
#endif
    case command_id::info:
#ifdef RT_HAVE_CMD_ENV
      return rt::cmd_info(inv);
#else
      return not_implemented("info");
#endif
    case command_id::flags:
#ifdef RT_HAVE_CMD_FLAGS
      return rt::cmd_flags(inv);
#else
      return not_implemented("flags");
#endif
    case command_id::run:
    case command_id::auto_:
#ifdef RT_HAVE_CMD_RUN
      return rt::cmd_run(inv);
#else
      return not_implemented("run");
#endif
    default:
      return not_implemented(r.spec ? r.spec->name : std::string_view("?"));
  }
}

}  // namespace

namespace rt {
bool auto_target_exists(std::string_view word) {
  std::string w(word);
  if (::access(w.c_str(), F_OK) == 0) return true;
  // A package.json script of that name: a cheap textual check is enough to avoid a false "did you mean".
  std::string pkg = slurp("package.json");
  return !pkg.empty() && pkg.find("\"" + w + "\"") != std::string::npos;
}
}  // namespace rt

int main(int argc, char** argv) {
  // The fastest path: a lone --version/-v/--revision needs no environment and no parser.
  if (argc == 2) {
    std::string_view a = argv[1];
    if (a == "--version" || a == "-v") {
      put(1, cli::version_text(rt::program, false));
      return 0;
    }
    if (a == "--revision") {
      put(1, cli::version_text(rt::program, true));
      return 0;
    }
  }

  rt::invocation inv;
  inv.process_env = runtime::environment::from_process();
#ifdef RT_HAVE_ALLOC_STATS
  rt::install_alloc_stats(inv.process_env);
#endif
  auto args = cli::args_of(argc, argv);

  auto parsed = cli::try_parse(rt::program, std::span<const std::string_view>(args), inv.process_env);
  // The usage line names the command whose word was read before the mistake.
  if (!parsed) return usage_failure(*parsed.failure, parsed.reached);
  const cli::result<command_id>& r = *parsed.value;

  if (r.revision) {
    put(1, cli::version_text(rt::program, true));
    return 0;
  }
  if (r.version) {
    put(1, cli::version_text(rt::program, false));
    return 0;
  }
  auto style = cli::style_for(inv.process_env, 1);
  if (r.help) {
    if (r.spec && r.command != command_id::auto_ && r.command != command_id::reserved)
      put(1, cli::command_help(rt::program, *r.spec, style));
    else
      put(1, cli::help_text(rt::program, style));
    return 0;
  }

  switch (r.command) {
    case command_id::auto_:
      if (r.positionals.empty() && r.passthrough.empty()) {  // plain `rt`: help, as Bun does
        put(1, cli::help_text(rt::program, style));
        return 0;
      }
      break;
    case command_id::help: {
      if (r.positionals.empty()) {
        put(1, cli::help_text(rt::program, style));
        return 0;
      }
      const auto* c = cli::find_command(rt::program, r.positionals[0]);
      if (!c || c->hidden) return usage_failure(cli::unknown_command_error(rt::program, r.positionals[0]), r.spec);
      put(1, cli::command_help(rt::program, *c, style));
      return 0;
    }
    case command_id::reserved:
      put(2, "Uh-oh. rt " + std::string(r.word) +
                 " is a subcommand reserved for future use by Bun.\n\nIf you were trying to run a package.json "
                 "script called " + std::string(r.word) + ", use rt run " + std::string(r.word) + ".\n");
      return static_cast<int>(runtime::exit_code::failure);
    case command_id::completions: {
      auto sh = cli::shell_from_name(r.positionals[0]);
      if (!sh)
        return usage_failure(runtime::usage_error("cli.invalid_value", "unknown shell \"" + std::string(r.positionals[0]) +
                                                                           "\" (accepted: bash, zsh, fish)"),
                             r.spec);
      put(1, cli::completion_script(rt::program, *sh));
      return 0;
    }
    default:
      break;
  }

  // Fill the invocation for a handler.
  inv.command = r.command == command_id::auto_ ? "auto" : std::string(r.spec->name);
  inv.positionals.reserve(r.positionals.size() + r.passthrough.size());
  for (auto p : r.positionals) inv.positionals.emplace_back(p);
  for (auto p : r.passthrough) inv.positionals.emplace_back(p);
  if (auto v = r.value("cwd")) inv.cwd = std::string(*v);
  for (auto v : r.values("env-file")) inv.env_files.emplace_back(v);
  inv.no_env_file = r.flag("no-env-file");
  if (auto v = r.value("config")) inv.config = std::string(*v);
  inv.silent = r.flag("silent");
  for (const auto& ov : r.options) {
    bool global = false;
    for (const auto& g : rt::table::global_options) global = global || &g == ov.spec;
    if (global || ov.values.empty()) continue;
    inv.options.insert_or_assign(std::string(ov.spec->name), std::string(ov.values.back()));
  }

  // As Bun: the directory changes before anything else runs, and failing to change it is an error (exit 1).
  if (inv.cwd) {
    if (::chdir(inv.cwd->c_str()) != 0) {
      int err = errno;
      put(2, "error: Could not change directory to \"" + *inv.cwd + "\": " + std::strerror(err) + "\n");
      return static_cast<int>(runtime::exit_code::failure);
    }
  }
  if (!r.spec->implemented) return not_implemented(r.spec->name);
  try {
    return dispatch(inv, r);
  } catch (const runtime::error& e) {
    put(2, "error: " + e.message() + "\n");
    return runtime::exit_status_of(e);
  } catch (const std::exception& e) {
    put(2, std::string("error: ") + e.what() + "\n");
    return static_cast<int>(runtime::exit_code::failure);
  }
}
