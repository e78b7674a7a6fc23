// SPDX-License-Identifier: MIT
// rt run <program|file|script> [args...] and the auto command `rt <program> [args...]`: start a program with
// the environment runtime::app resolved (what `rt env` prints), forward signals to it, and end the way it ended.
#include <csignal>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <sys/stat.h>
#include <unistd.h>
#include <nlohmann/json.hpp>
#include "runtime/detail/posix_io.hpp"
#include "runtime/detail/text.hpp"
#include "app.hpp"

namespace rt {
namespace {

/// The PATH a program is looked up in when the environment has none.
constexpr std::string_view default_path = "/usr/local/bin:/usr/bin:/bin";

void say(std::string_view s) { runtime::detail::write_all(2, s); }

// A user's word echoed in a message, cut as runtime.cli cuts it (a 100 KB argument stays a short line).
std::string shown_word(std::string_view s) { return runtime::cli::quote_for_message(s); }

bool is_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

/// `node_modules/.bin` directories from `start` (the cwd when empty) up to the root, nearest first (Bun's
/// lookup order for bins).
std::vector<std::string> bin_dirs(const std::string& start = {}) {
  std::vector<std::string> dirs;
  std::string d;
  if (start.empty()) {
    char buf[4096];
    if (!::getcwd(buf, sizeof buf)) return dirs;
    d = buf;
  } else {
    char* real = ::realpath(start.c_str(), nullptr);
    if (!real) return dirs;
    d = real;
    std::free(real);
  }
  for (;;) {
    dirs.push_back((d == "/" ? std::string() : d) + "/node_modules/.bin");
    if (d == "/" || d.empty()) break;
    auto slash = d.rfind('/');
    d = slash == 0 ? "/" : d.substr(0, slash);
  }
  return dirs;
}

/// The package.json script called `name`, if the package.json in `dir` (the cwd when empty) has one.
std::optional<std::string> package_script(std::string_view name, const std::string& dir = {}) {
  const auto file = runtime::detail::read_file(dir.empty() ? "package.json" : dir + "/package.json",
                                               {.limit = runtime::detail::config_file_limit});
  if (!file) return std::nullopt;
  auto j = nlohmann::json::parse(file.text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
  if (!j.is_object()) return std::nullopt;
  auto s = j.find("scripts");
  if (s == j.end() || !s->is_object()) return std::nullopt;
  auto it = s->find(std::string(name));
  if (it == s->end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

/// Whether `rt <word>` finds something to run from directory `base`: a file there, a "scripts" key of its
/// package.json, an executable on `path_value` or in a node_modules/.bin from `base` up.
bool run_target_exists(std::string_view word, const std::string& base, std::string_view path_value) {
  if (word.empty()) return false;
  const std::string w(word);
  if (is_file(base + "/" + w)) return true;
  if (word.find('/') != std::string_view::npos) return false;
  // The order of commands::run below; only whether something is found matters here.
  if (package_script(word, base)) return true;
  if (runtime::signal::find_program(word, path_value)) return true;
  for (const auto& d : bin_dirs(base))
    if (runtime::signal::find_program(word, d)) return true;
  return false;
}

}  // namespace

bool auto_target_exists(std::string_view word, const command_line& before, const runtime::environment& env) {
  // Parsing runs before --cwd is applied: look where the program will run.
  const std::string base(before.value("cwd").value_or("."));
  return run_target_exists(word, base, env.get("PATH").value_or(default_path));
}

int commands::run(const context& c) {
  namespace sig = runtime::signal;
  const auto operands = c.args.operands();  // the program, file or script, then its arguments
  if (operands.empty()) {
    say("error: rt run needs a program, file or package.json script to run\nUsage: rt run <file|script> [args...]\n");
    return static_cast<int>(runtime::exit_code::usage);
  }
  const bool silent = c.args.flag("silent") || (c.config.run.silent && c.config.run.silent->value);
  const runtime::environment& env = c.env();

  const std::string target(operands[0]);
  std::vector<std::string> argv(operands.begin(), operands.end());
  std::string path_value(env.get("PATH").value_or(default_path));
  std::optional<std::string> program;
  std::string shown = target;

  if (target.find('/') != std::string::npos) {
    // A path: run that file (a non-executable shell script through /bin/sh).
    if (!is_file(target)) {
      say("error: Module not found " + shown_word(target) + "\n");
      return static_cast<int>(runtime::exit_code::failure);
    }
    if (::access(target.c_str(), X_OK) == 0) {
      program = target;
    } else if (target.size() > 3 && target.compare(target.size() - 3, 3, ".sh") == 0) {
      argv.insert(argv.begin(), "/bin/sh");
      program = "/bin/sh";
    } else {
      say("error: Cannot run " + shown_word(target) + "\nnote: it is not executable and not a shell script (.sh)\n");
      return static_cast<int>(runtime::exit_code::failure);
    }
  } else if (auto script = package_script(target)) {
    // A package.json script runs in sh with node_modules/.bin directories first on PATH, as Bun does.
    std::string cmd = *script;
    for (std::size_t i = 1; i < argv.size(); ++i) cmd += " " + runtime::detail::shell_single_quoted(argv[i]);
    argv = {"/bin/sh", "-c", cmd};
    program = "/bin/sh";
    std::string p;
    for (const auto& d : bin_dirs()) p += d + ":";
    path_value = p + path_value;
    if (!silent) say("$ " + *script + "\n");
  } else {
    program = sig::find_program(target, path_value);
    if (!program)
      for (const auto& d : bin_dirs())
        if (auto found = sig::find_program(target, d)) {
          program = found;
          break;
        }
    if (!program) {
      say("error: Script not found " + shown_word(target) + "\n");
      return static_cast<int>(runtime::exit_code::failure);
    }
  }

  std::vector<std::string> envp;
  envp.reserve(env.size());
  for (const auto& [k, v] : env) {
    if (k == "PATH") continue;
    envp.push_back(std::string(k) + "=" + std::string(v));
  }
  envp.push_back("PATH=" + path_value);
  argv[0] = *program;

  sig::child_result r;
  sig::child_options run_opts;
  // As `bun run`: SIGINT/SIGTERM go to the child, and rt ends the way the child ends (a child that traps
  // SIGTERM and exits 7 makes rt exit 7). rt's own shutdown would end rt at once with 128+n instead.
  run_opts.notify_shutdown = false;
  try {
    r = sig::run_child(argv, envp, run_opts);
  } catch (const runtime::error& e) {
    say("error: " + (e.code() == "signal.program_not_found" ? "Script not found " + shown_word(shown) : e.message()) +
        "\n");
    return static_cast<int>(runtime::exit_code::failure);
  }
  if (r.signaled()) {
    if (!silent && r.signal != SIGINT)
      say("error: Failed to run " + shown_word(shown) + " due to signal " + std::string(sig::name_of(r.signal)) + "\n");
    sig::exit_like(r);  // re-raise the child's signal on ourselves, so our parent sees it too
  }
  if (r.exit_code != 0 && r.exit_code != 2 && !silent)
    say("error: " + shown_word(shown) + " exited with code " + std::to_string(r.exit_code) + "\n");
  return r.exit_code;
}

}  // namespace rt
