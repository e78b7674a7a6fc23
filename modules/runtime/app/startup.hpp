// SPDX-License-Identifier: MIT
// runtime.app / startup: the `app` class template, which assembles a program from policies at compile time,
// and its startup sequence, ending in the `app_context` a command handler gets. It is the documented way to use
// the modules together:
//
//   using my_app = runtime::app<my_program, my_flags, runtime::mimalloc_allocator, runtime::env::bun_dialect,
//                               runtime::signal::graceful<>, runtime::crash::report_to_stderr>;
//   int main(int argc, char** argv) { return my_app::main(argc, argv, [](const my_app::context& c) { ... }); }
//
// Stages, in order, each timed by a runtime.log span at debug level (target "runtime.app"):
// crash handler and terminate hook; allocator; command line (--cwd, --env-file, --no-env-file, --config and
// the config file of the Config policy); environment and .env; feature flags; logging from the resolved
// environment; signal handling; dispatch; graceful shutdown; exit code. A failure in a stage prints that stage's error display
// and returns its exit code (2 usage, 1 other errors).
#ifndef RUNTIME_MODULE
#  include <fcntl.h>
#  include <unistd.h>
#  include <cerrno>
#  include <cstdio>
#  include <concepts>
#  include <cstring>
#  include <exception>
#  include <initializer_list>
#  include <memory>
#  include <new>
#  include <optional>
#  include <span>
#  include <stop_token>
#  include <string>
#  include <string_view>
#  include <type_traits>
#  include <utility>
#  include <variant>
#  include <vector>
#  include "runtime/detail/posix_io.hpp"
#  include "runtime/detail/text.hpp"
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#  include "runtime/log.hpp"
#  include "runtime/alloc.hpp"
#  include "runtime/env.hpp"
#  include "runtime/flags.hpp"
#  include "runtime/cli.hpp"
#  include "runtime/signal.hpp"
#endif
#include "runtime/app/policies.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_APP_STARTUP_HPP_)
#define RUNTIME_APP_STARTUP_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace detail {

template <class P>
struct program_traits;
template <class Cmd>
struct program_traits<cli::program<Cmd>> {
  using command_id = Cmd;
};

/// `e` with each over-long double-quoted span of its message cut as the cli module cuts arguments it echoes
/// (`--feature <120 KB>=1` must not become a 120 KB error line); `e` itself when nothing is that long.
inline error with_short_arguments(const error& e) {
  constexpr std::size_t limit = 1000;
  const std::string& m = e.message();
  if (m.size() <= limit) return e;
  std::string out;
  std::size_t i = 0;
  while (i < m.size()) {
    const auto open = m.find('"', i);
    const auto close = open == std::string::npos ? open : m.find('"', open + 1);
    if (close == std::string::npos) {
      out.append(m, i, std::string::npos);
      break;
    }
    out.append(m, i, open - i);
    out += cli::quote_for_message(std::string_view(m).substr(open + 1, close - open - 1));
    i = close + 1;
  }
  // A quote inside the argument itself can defeat the spans; the line stays bounded all the same.
  if (out.size() > limit) {
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    out += "...";
  }
  error short_e(e.kind(), e.code(), std::move(out), e.exit());
  for (const auto& n : e.notes()) short_e.note(n);
  for (const auto& h : e.hints()) short_e.hint(h);
  return short_e;
}

}  // namespace detail
}  // namespace v1
}  // namespace runtime

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 {

/// What a command handler gets: every resolved part of the startup sequence. All references stay valid for
/// the whole call.
template <class Cmd, class Alloc>
struct app_context {
  const cli::program<Cmd>& program;
  const cli::parsed<Cmd>& args;        ///< the parsed command line
  const environment& process_env;      ///< the process environment as it was at startup
  const env::loaded& loaded;           ///< the resolved environment, its files and diagnostics
  const flags::bunfig& config;         ///< the config file's settings (the Config policy; empty for none)
  const flags::feature_flags& flags;   ///< the program's feature flags with their sources
  Alloc& allocator;                    ///< the program's allocator policy instance
  std::stop_token stop;                ///< stopped when a shutdown signal arrives
  signal::shutdown* shutdown;          ///< register shutdown hooks here (nullptr if signals were not installed)

  Cmd command() const noexcept { return args.command; }
  /// The resolved environment (process + .env files): what a child process should see.
  const environment& env() const noexcept { return loaded.env; }
};

/// A program assembled from policies. `Program` is a `cli::program<Cmd>` (the command table), `Flags` a
/// `flags::flag_table`, `Config` where settings come from (config_file::none, the default; bunfig for Bun's
/// files; named<"todo.toml"> for the program's own); the policies are checked by their concepts, so swapping
/// one (system_allocator for mimalloc_allocator, dotenv_dialect for bun_dialect) is a one-line change the
/// compiler checks.
template <const auto& Program, const flags::flag_table& Flags, Allocator Alloc, env::EnvDialect Dialect,
          signal::ShutdownPolicy Shutdown, CrashPolicy Crash, ConfigPolicy Config = config_file::none>
class app {
 public:
  using command_id = typename detail::program_traits<std::remove_cvref_t<decltype(Program)>>::command_id;
  using allocator_type = Alloc;
  using dialect = Dialect;
  using shutdown_policy = Shutdown;
  using crash_policy = Crash;
  using config_policy = Config;
  using context = app_context<command_id, Alloc>;
  static_assert(cli::well_declared<Program>);  // a mistake in the command table is a compile error naming it

  /// Runs the startup sequence, then `handler(context)` for the selected command; returns the exit code.
  /// Help, version, revision, `help <command>`, reserved words and usage errors are answered here.
  /// Options the sequence understands when the table declares them: globals `cwd`, `env-file`, `no-env-file`,
  /// `config`, `feature` (name=value, see flags::split_feature_list), `verbose-error-trace`; per command
  /// `dialect`, `strict`.
  ///
  /// Whatever a stage throws ends the program with one line on stderr and exit 1: `error: out of memory` for
  /// std::bad_alloc (a 256 MiB `--env-file /dev/zero` under `ulimit -v`), `error: <what()>` for another
  /// exception; the crash report is for crashes. Output is checked once at the end, as coreutils do: when a
  /// write to stdout failed (`> /dev/full`, `>&-`) the program prints `error: write error: <reason>` and exits 1
  /// (EPIPE excepted: a reader that went away is no error to report).
  template <class Handler>
    requires std::is_invocable_r_v<int, Handler&, const context&>
  static int main(int argc, char** argv, Handler&& handler) {
    reserve_standard_fds();
    int code;
    try {
      code = stages(argc, argv, handler);
    } catch (...) {
      code = report_current_exception();
    }
    return check_output(code);
  }

 private:
  /// A closed fd 0, 1 or 2 is opened on /dev/null read-only: the first file the program opens would otherwise
  /// become its stdout, and a write to it still fails (EBADF) as it did on the closed descriptor.
  static void reserve_standard_fds() noexcept {
    for (int fd = 0; fd <= 2; ++fd) {
      if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
      const int got = ::open("/dev/null", O_RDONLY);
      if (got >= 0 && got != fd) ::close(got);  // fd was not the lowest free one; nothing to protect
    }
  }

  /// The one line for an exception that reached main (call inside a catch). Never throws.
  static int report_current_exception() noexcept {
    try {
      throw;
    } catch (const std::bad_alloc&) {
      // Written from fixed pieces: building a message could fail the same way.
      detail::write_all(2, "error: out of memory\n");
    } catch (const std::exception& e) {
      // A library's exception escaping is a failure to report, not a reason to terminate. One line, control
      // characters as spaces, without allocating.
      detail::write_all(2, "error: ");
      detail::write_escaped(2, e.what(), detail::escape::spaces);
      detail::write_all(2, "\n");
    } catch (...) {
      detail::write_all(2, "error: unknown exception\n");
    }
    return static_cast<int>(exit_code::failure);
  }

  /// `code`, or 1 with `error: write error: ...` when writing stdout failed (not for EPIPE).
  static int check_output(int code) noexcept {
    int err = detail::stdout_write_error();
    if (std::fflush(stdout) != 0 && err == 0) err = errno;  // anything written through stdio
    if (err == 0 || err == EPIPE) return code;
    detail::write_all(2, "error: write error: ");
    detail::write_all(2, std::strerror(err));
    detail::write_all(2, "\n");
    return code == 0 ? static_cast<int>(exit_code::failure) : code;
  }

  template <class Handler>
  static int stages(int argc, char** argv, Handler& handler) {
    // `prog --version` alone needs nothing else: keep it as cheap as starting the process.
    if (argc == 2) {
      std::string_view a = argv[1];
      if (a == "--version" || a == "-v" || a == "--revision") {
        detail::write_all(1, cli::version_text(Program, a == "--revision"));
        return 0;
      }
    }
    const auto process = environment::from_process();
    log::init_from_environment(process);
    display_options show;
    show.color = color_enabled(process.get("NO_COLOR"), process.get("FORCE_COLOR"), ::isatty(2) == 1);
    show.trace = process.get_bool("RUNTIME_VERBOSE_ERRORS");
    capture_error_traces(show.trace);

    // 1. crash handler and terminate hook
    {
      log::span s(log::level::debug, "runtime.app", "stage crash handler");
      Crash::install(Program.name, Program.version);
    }
    // 2. allocator
    std::optional<log::span> alloc_span(std::in_place, log::level::debug, "runtime.app", "stage allocator");
    static Alloc allocator{};
    alloc_span.reset();

    // 3. command line, --cwd, and the config files --config names (Bun reads bunfig while parsing arguments)
    const auto args = cli::args_of(argc, argv);
    cli::parsed<command_id> r;
    const cli::if_declared<command_id> opt{r};  // the options below are optional parts of a table
    flags::bunfig config;
    {
      log::span s(log::level::debug, "runtime.app", "stage command line");
      auto parsed = cli::try_parse(Program, std::span<const std::string_view>(args), process);
      if (!parsed.value) {  // the usage line names the command whose word came before the mistake
        detail::write_all(2, cli::render_error(Program, *parsed.failure, parsed.reached));
        return exit_status_of(*parsed.failure);
      }
      r = std::move(*parsed.value);
      if (opt.flag("verbose-error-trace")) show.trace = true;
      capture_error_traces(show.trace);
      if (int code = answer_builtin(r, process); code >= 0) return code;
      if (r.spec) crash::set_command(r.spec->name);
      if (auto dir = opt.value("cwd")) {
        std::string d(*dir);
        if (::chdir(d.c_str()) != 0) {
          const int err = errno;
          const std::string what = "Could not change directory to " + cli::quote_for_message(d);
          detail::write_all(2, render(from_errno(err, "io.chdir", what, error_kind::io), show));
          return static_cast<int>(exit_code::failure);
        }
      }
      // After --cwd, as Bun: a bad directory is reported even for a command this program does not provide.
      if (r.spec && !r.spec->implemented) {
        detail::write_all(2, std::string(Program.name) + " " + std::string(r.spec->name) +
                                ": not implemented by this driver\n");
        return static_cast<int>(exit_code::failure);
      }
      try {
        config = Config::load(process, config_request{std::is_same_v<Config, config_file::none>
                                                          ? std::nullopt : opt.value("config"), &Flags,
                                                      /*global=*/!r.spec || r.spec->global_config});
      } catch (const error& e) {
        detail::write_all(2, render(e, show));
        return exit_status_of(e);
      }
      // Keys Bun would pass over silently: a warning each (with its "did you mean"), the status unaffected.
      for (const auto& w : config.warnings) {
        std::string text = render(w, show);
        if (text.rfind("error", 0) == 0) text.replace(0, 5, "warning");
        detail::write_all(2, text);
      }
    }

    // 4. environment and .env files
    env::loaded loaded;
    {
      log::span s(log::level::debug, "runtime.app", "stage environment");
      env::load_options lo;
      for (auto v : opt.values("env-file")) lo.env_files.emplace_back(v);
      if (lo.env_files.empty() && config.env_file) lo.env_files.push_back(config.env_file->value);  // [env] file
      lo.no_env_file = opt.flag("no-env-file");
      lo.default_files_enabled = config.loads_default_env_files();
      lo.strict = opt.flag("strict");
      try {
        if (auto d = opt.value("dialect")) {
          lo.dialect = env::parse_dialect(*d);
          loaded = env::load(process, lo);
        } else {
          loaded = env::load_with<Dialect>(process, lo);
        }
      } catch (const error& e) {
        detail::write_all(2, render(e, show));
        return exit_status_of(e);
      }
      // Options with an environment fallback see the resolved environment, .env files included (argv still
      // wins). The first parse used the process environment, which decided --cwd and the files themselves.
      auto again = cli::try_parse(Program, std::span<const std::string_view>(args), loaded.env);
      if (!again.value) {
        detail::write_all(2, cli::render_error(Program, *again.failure, again.reached));
        return exit_status_of(*again.failure);
      }
      r = std::move(*again.value);
      // Problems with files (unreadable, a directory, not UTF-8) are always worth a warning; in strict mode
      // every diagnostic is an error and the program stops here.
      if (!loaded.diagnostics.empty()) {
        for (const auto& d : loaded.diagnostics) {
          std::string text = render(d, show);
          if (!lo.strict && text.rfind("error", 0) == 0) text.replace(0, 5, "warning");
          detail::write_all(2, text);
        }
        if (lo.strict) return static_cast<int>(exit_code::failure);
      }
    }

    // 5. feature flags (command line > environment > project bunfig > global bunfig > default)
    std::shared_ptr<const flags::feature_flags> features;
    {
      log::span s(log::level::debug, "runtime.app", "stage feature flags");
      try {
        std::vector<flags::cli_override> overrides;
        for (auto v : opt.values("feature"))
          for (const auto& item : flags::split_feature_list(v)) overrides.push_back(flags::cli_override::parse(item));
        features = flags::resolve(Flags, loaded.env, config, overrides);
      } catch (const error& e) {
        detail::write_all(2, render(detail::with_short_arguments(e), show));
        return exit_status_of(e);
      }
      std::string on;
      for (const auto& f : features->all())
        if (const bool* b = std::get_if<bool>(&f.value); b && *b) {
          if (!on.empty()) on += ',';
          on += f.desc->name;
        }
      crash::set_features(on);
      const auto ci = env::platform::detect_ci(loaded.env);
      crash::set_facts(ci.vendor.value_or(ci.is_ci ? "unknown" : ""), "");
    }

    // 6. logging from the resolved environment (RUNTIME_LOG may come from a .env file)
    {
      // Only when a .env file changed the logging variables: a bad filter is then warned about once.
      bool changed = false;
      for (std::string_view k : {"RUNTIME_LOG", "RUNTIME_LOG_FORMAT", "NO_COLOR", "FORCE_COLOR"})
        changed = changed || loaded.env.get(k) != process.get(k);
      if (changed) log::init_from_environment(loaded.env);
      // bunfig's logLevel is the default level when RUNTIME_LOG does not say otherwise.
      if (config.log_level && !loaded.env.contains("RUNTIME_LOG")) {
        auto c = log::config::from_environment(loaded.env);
        c.levels.default_level = config.log_level->value;
        log::configure(std::move(c));
      }
      log::span s(log::level::debug, "runtime.app", "stage logging");
    }

    // 7. signal handling
    signal::shutdown* coordinator = nullptr;
    {
      log::span s(log::level::debug, "runtime.app", "stage signals");
      try {
        coordinator = &Shutdown::install();
      } catch (const error& e) {
        detail::write_all(2, render(e, show));
        return exit_status_of(e);
      }
    }

    // 8. dispatch
    int code = 0;
    {
      log::span s(log::level::debug, "runtime.app", "stage dispatch");
      context ctx{Program, r, process, loaded, config, *features, allocator, coordinator->token(), coordinator};
      try {
        code = handler(ctx);
      } catch (const error& e) {
        detail::write_all(2, render(e, show));
        code = exit_status_of(e);
      } catch (...) {
        code = report_current_exception();  // shutdown still runs below
      }
    }

    // 9. graceful shutdown: the hooks run once each, newest first, as they would on a signal
    {
      log::span s(log::level::debug, "runtime.app", "stage shutdown");
      coordinator->request(0);
      coordinator->wait();
      if (int sig = coordinator->signal_received(); sig != 0) code = exit_code_for_signal(sig);
      coordinator->uninstall();  // leave the signal dispositions as they were before main()
    }
    // 10. exit code
    log::debug("exit code {}", code);
    return code;
  }

  // Help, version, `help <command>` and reserved words: answered before anything is loaded. \returns the exit
  // code, or -1 when the command goes on to the handler.
  static int answer_builtin(const cli::parsed<command_id>& r, const environment& process) {
    if (r.revision || r.version) {
      detail::write_all(1, cli::version_text(Program, r.revision));
      return 0;
    }
    const auto style = cli::style_for(process, 1);
    const bool is_auto = r.command == Program.auto_command;
    if (r.help) {
      detail::write_all(1, r.spec && !is_auto && !r.spec->reserved ? cli::command_help(Program, *r.spec, style)
                                                                 : cli::help_text(Program, style));
      return 0;
    }
    if (is_auto && r.positionals.empty() && r.passthrough.empty()) {
      detail::write_all(1, cli::help_text(Program, style));  // the bare program name prints help, as Bun does
      return 0;
    }
    if (r.command == Program.help_command) {
      const auto words = r.operands();  // `help -- run` asks about run too
      if (words.empty()) {
        detail::write_all(1, cli::help_text(Program, style));
        return 0;
      }
      const auto* c = cli::find_command(Program, words[0]);
      if (!c || c->hidden) {
        const auto e = cli::unknown_command_error(Program, words[0]);
        detail::write_all(2, cli::render_error(Program, e, r.spec));
        return exit_status_of(e);
      }
      detail::write_all(1, cli::command_help(Program, *c, style));
      return 0;
    }
    if (r.spec && r.spec->reserved) {
      std::string w(r.word), name(Program.name);
      const std::string owner(Program.reserved_by.empty() ? Program.name : Program.reserved_by);
      // The package.json advice only where the program has a `run` command to take it.
      const std::string advice = cli::find_command(Program, "run") == nullptr ? std::string()
          : "\nIf you were trying to run a package.json script called " + w + ", use " + name + " run " + w + ".\n";
      detail::write_all(2, "Uh-oh. " + name + " " + w + " is a subcommand reserved for future use by " + owner + ".\n" +
                              advice);
      return static_cast<int>(exit_code::failure);
    }
    return -1;
  }
};

}  // namespace v1
}  // namespace runtime
RUNTIME_EXPORT_END

#endif
