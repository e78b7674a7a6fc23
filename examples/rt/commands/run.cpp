// SPDX-License-Identifier: MIT
// rt run <script|file|program> [args...] and the auto command `rt <script|file|program> [args...]`, as Bun 1.4.5's
// runner: package.json scripts with their pre/post scripts in bash (or sh), files, and programs from
// node_modules/.bin and PATH, each with the npm variables and the environment runtime::app resolved. The rules
// live in runtime.run; this file puts them in order and starts the processes.
#include <climits>
#include <csignal>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>
#include <sys/stat.h>
#include <unistd.h>
#include "runtime/detail/posix_io.hpp"
#include "app.hpp"

namespace rt {
namespace {

namespace run = runtime::run;
namespace sig = runtime::signal;

void say(std::string_view s) { runtime::detail::write_all(2, s); }

/// The working directory, or "/" when it cannot be had (a removed directory: nothing is found then).
std::string current_dir() {
  char buf[PATH_MAX];
  return ::getcwd(buf, sizeof buf) ? std::string(buf) : std::string("/");
}

std::string absolute(const std::string& cwd, std::string_view p) {
  if (!p.empty() && p[0] == '/') return std::string(p);
  return (cwd == "/" ? std::string() : cwd) + "/" + std::string(p);
}

bool is_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// What a run needs from its command line and its environment, gathered once.
struct run_setup {
  const runtime::environment& env;
  std::string cwd;
  std::optional<run::package_json> package;
  bool silent = false;
  bool color = false;
  run::runner_identity runner;      ///< npm_execpath, npm_config_user_agent
  std::optional<std::string> node;  ///< NODE, npm_node_execpath
};

/// The npm variables and PATH for one child (a script step when `step` is given, else a program).
std::vector<std::string> child_env(const run_setup& s, const run::script_step* step) {
  run::npm_context nc;
  nc.package = s.package ? &*s.package : nullptr;
  nc.cwd = s.cwd;
  if (step) {
    nc.lifecycle_event = step->event;
    nc.lifecycle_script = step->script;
  }
  nc.runner = s.runner;
  nc.node = s.node;
  return run::child_environment_entries(s.env, nc);
}

sig::child_options child_opts() {
  sig::child_options o;
  // As `bun run`: SIGINT/SIGTERM go to the child, and rt ends the way the child ends (a child that traps
  // SIGTERM and exits 7 makes rt exit 7). rt's own shutdown would end rt at once with 128+n instead.
  o.notify_shutdown = false;
  return o;
}

/// Starts argv[0] (a path) and waits; a spawn failure is reported as Bun reports a missing target.
std::optional<sig::child_result> start(const std::vector<std::string>& argv, const std::vector<std::string>& envp,
                                       std::string_view shown, bool color) {
  try {
    return sig::run_child(argv, envp, child_opts());
  } catch (const runtime::error& e) {
    if (e.code() == "signal.program_not_found") say(run::target_not_found(shown, color));
    else if (e.code() == "signal.spawn_failed") say(run::spawn_failure(shown, e.message(), color));
    else say(runtime::render(e, {.color = color}));
    return std::nullopt;
  }
}

/// A package.json script with its lifecycle: pre<name>, <name> (with `args`), post<name>, each in bash (or sh)
/// in the package's directory; the first failing step ends the run as Bun ends it.
int run_script(const run_setup& s, std::string_view name, const std::vector<std::string>& args) {
  const auto steps = run::lifecycle_steps(*s.package, name, args);
  const auto shell = run::find_shell(s.env.get("PATH").value_or(""));
  if (!shell) {
    say("error: no shell to run package.json scripts in (bash or sh on PATH, /bin/sh)\n");
    return static_cast<int>(runtime::exit_code::failure);
  }
  // Scripts run where their package.json is (Bun changes directory too); rt has nothing else left to do here.
  if (s.package->dir != s.cwd && ::chdir(s.package->dir.c_str()) != 0) {
    say(runtime::render(runtime::from_errno(errno, "io.chdir", "Could not change directory to \"" + s.package->dir + "\"",
                                            runtime::error_kind::io),
                        {.color = s.color}));
    return static_cast<int>(runtime::exit_code::failure);
  }
  bool failed_to_start = false;
  const auto result = run::run_lifecycle(std::span<const run::script_step>(steps), [&](const run::script_step& step) {
    if (!s.silent) say(run::command_echo(step.command, s.color));
    auto r = start(run::shell_argv(*shell, step.command), child_env(s, &step), step.event, s.color);
    if (!r) {
      failed_to_start = true;
      sig::child_result failed;
      failed.exit_code = 1;
      return failed;
    }
    return *r;
  });
  if (failed_to_start) return static_cast<int>(runtime::exit_code::failure);
  const sig::child_result& r = result.status;
  if (!s.silent)
    if (auto m = run::script_failure(steps[result.step].event, r.exit_code, r.signal, s.color)) say(*m);
  if (r.signaled()) sig::exit_like(r);  // re-raise the script's signal on ourselves, so our parent sees it too
  return r.exit_code;
}

/// A program (resolved through node_modules/.bin and PATH) or a file: started in the working directory.
int run_program(const run_setup& s, std::vector<std::string> argv, std::string_view shown, bool report) {
  auto r = start(argv, child_env(s, nullptr), shown, s.color);
  if (!r) return static_cast<int>(runtime::exit_code::failure);
  if (report && !s.silent)
    if (auto m = run::program_failure(shown, r->exit_code, r->signal, s.color)) say(*m);
  if (r->signaled()) sig::exit_like(*r);
  return r->exit_code;
}

/// Reads the nearest package.json from `cwd`; a broken one is a located error (exit 1), not "Script not found".
std::optional<int> load_package(run_setup& s) {
  try {
    s.package = run::nearest_package_json(s.cwd);
  } catch (const runtime::error& e) {
    say(runtime::render(e, {.color = s.color}));
    return static_cast<int>(runtime::exit_code::failure);
  }
  return std::nullopt;
}

/// The notes for Bun run flags rt accepts but cannot honour (one line each, on stderr).
void note_unhonoured(const context& c) {
  const auto& run_cfg = c.config.run;
  if (c.args.flag("bun") || (run_cfg.bun && run_cfg.bun->value))
    say("note: --bun changes nothing in rt: it has no JavaScript runtime to put in place of node\n");
  const auto shell = c.args.value("shell");
  if ((shell && *shell == "bun") || (!shell && run_cfg.shell && run_cfg.shell->value == "bun"))
    say("note: rt has no Bun shell; scripts run in the system shell (bash, else sh)\n");
  if (c.args.flag("no-orphans") || (run_cfg.no_orphans && run_cfg.no_orphans->value))
    say("note: --no-orphans is not supported by rt; descendants a script leaves behind keep running\n");
}

}  // namespace

bool auto_target_exists(std::string_view word, const command_line& before, const runtime::environment& env) {
  if (word.empty()) return false;
  // Parsing runs before --cwd is applied: look where the program will run.
  std::string cwd = current_dir();
  if (auto d = before.value("cwd")) {
    char buf[PATH_MAX];
    const std::string dir = absolute(cwd, *d);
    cwd = ::realpath(dir.c_str(), buf) ? std::string(buf) : dir;
  }
  const std::string w(word);
  if (is_file(absolute(cwd, w))) return true;
  std::optional<run::package_json> package;
  try {
    package = run::nearest_package_json(cwd);
  } catch (const runtime::error&) {
    return true;  // rt run reports the broken package.json, which says more than "unknown command"
  }
  if (package && package->script(word)) return true;
  if (word.find('/') != std::string_view::npos) return false;
  // The PATH the child gets (node_modules/.bin first, then the resolved environment's PATH).
  return run::find_program(word, cwd, package ? std::string_view(package->dir) : std::string_view(),
                           env.get("PATH").value_or(""))
      .has_value();
}

int commands::run(const context& c) {
  const auto operands = c.args.operands();  // the script, file or program, then its arguments
  const runtime::environment& env = c.env();
  run_setup s{env, current_dir(), std::nullopt, false, false, {}, std::nullopt};
  s.silent = c.args.flag("silent") || (c.config.run.silent && c.config.run.silent->value);
  s.color = runtime::color_enabled(env.get("NO_COLOR"), env.get("FORCE_COLOR"), ::isatty(2) == 1);
  note_unhonoured(c);
  if (auto failed = load_package(s)) return *failed;
  s.runner = run::self_identity(program.name, RT_VERSION);
  s.node = run::find_node(env, s.cwd);

  if (operands.empty()) {
    // As `bun run`: the run usage, then the scripts there are (on stdout), exit 0.
    std::string out;
    if (c.args.spec) out = runtime::cli::command_help(c.program, *c.args.spec, runtime::cli::style_for(env, 1));
    out += '\n';
    out += run::script_list(s.package ? &*s.package : nullptr, "rt run",
                            runtime::color_enabled(env.get("NO_COLOR"), env.get("FORCE_COLOR"), ::isatty(1) == 1));
    runtime::detail::write_all(1, out);
    return 0;
  }

  const std::string target(operands[0]);
  const std::vector<std::string> args = run::target_arguments(std::span(operands).subspan(1));

  // 1. a package.json script (an empty one is no script)
  if (s.package && s.package->script(target)) return run_script(s, target, args);

  // 2. a file: a shell script (.sh) runs in the shell, an executable file runs itself
  const std::string file = absolute(s.cwd, target);
  if (is_file(file)) {
    if (run::is_javascript_name(target)) {
      say(run::javascript_target(program.name, target, s.color));
      return static_cast<int>(runtime::exit_code::failure);
    }
    std::vector<std::string> argv;
    if (ends_with(target, ".sh")) {
      const auto shell = run::find_shell(env.get("PATH").value_or(""));
      if (!shell) {
        say("error: no shell to run " + runtime::cli::quote_for_message(target) + " in (bash or sh)\n");
        return static_cast<int>(runtime::exit_code::failure);
      }
      argv = {*shell, target};
    } else if (::access(file.c_str(), X_OK) == 0) {
      argv = {file};
    } else {
      say("error: Cannot run " + runtime::cli::quote_for_message(target) +
          "\nnote: it is not executable and not a shell script (.sh)\n");
      return static_cast<int>(runtime::exit_code::failure);
    }
    argv.insert(argv.end(), args.begin(), args.end());
    // As Bun, a failing shell script file prints nothing of its own: its status says it.
    return run_program(s, std::move(argv), target, false);
  }

  // 3. a program from node_modules/.bin (nearest first) or PATH
  if (target.find('/') == std::string::npos) {
    const std::string_view package_dir = s.package ? std::string_view(s.package->dir) : std::string_view();
    if (auto program = run::find_program(target, s.cwd, package_dir, env.get("PATH").value_or(""))) {
      std::vector<std::string> argv{*program};
      argv.insert(argv.end(), args.begin(), args.end());
      return run_program(s, std::move(argv), target, true);
    }
  }

  if (c.args.flag("if-present")) return 0;
  say(run::target_not_found(target, s.color));
  return static_cast<int>(runtime::exit_code::failure);
}

}  // namespace rt
