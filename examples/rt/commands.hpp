// SPDX-License-Identifier: MIT
// rt's command table as data: Bun's command set with Bun's names and aliases, plus rt's own (env, flags).
// The one list of rt's commands; main.cpp routes those it provides to their handlers (commands/*.cpp).
// Include after every std header: in module mode it imports runtime.
#pragma once
#include <string_view>
#if RUNTIME_USE_MODULES
import runtime;
#else
#include <runtime/runtime.hpp>
#endif

#ifndef RT_VERSION
#  define RT_VERSION "0.0.0"
#endif
#ifndef RT_REVISION
#  define RT_REVISION ""
#endif

namespace rt {

/// Every command rt knows. `auto_` is an unknown first word (a file or program to run); `reserved` is one of
/// Bun's reserved words.
enum class command_id {
  auto_, run, test, x, repl, exec, install, add, remove, update, audit, outdated, link, unlink, publish, patch,
  patch_commit, pm, info, why, build, init, create, upgrade, completions, help, env, flags, reserved,
};

namespace table {
using runtime::cli::option;
using runtime::cli::option_role;
using runtime::cli::value_kind;
using command = runtime::cli::command<command_id>;

/// Bun's base flags (valid with every command) plus the auto-only ones rt supports.
inline constexpr option global_options[] = {
    {.name = "cwd", .kind = value_kind::path, .help = "Absolute path to resolve files & entry points from. This just changes the process' cwd.", .value_name = "dir"},
    {.name = "env-file", .kind = value_kind::list, .help = "Load environment variables from the specified file(s); a value may be a comma-separated list", .value_name = "file"},
    {.name = "no-env-file", .help = "Disable automatic loading of .env files"},
    {.name = "config", .short_name = 'c', .kind = value_kind::path, .help = "Specify path to Bun config file. Default $cwd/bunfig.toml",
     .optional_value = true, .implicit_value = "bunfig.toml"},
    {.name = "silent", .help = "Don't print the script command"},
    {.name = "feature", .kind = value_kind::list, .help = "Set feature flags for this run (see rt flags)",
     .value_name = "name=value"},  // comma lists split only before name= (flags::split_feature_list)
    {.name = "verbose-error-trace", .help = "Show a stack trace with errors (also RUNTIME_VERBOSE_ERRORS=1)"},
    {.name = "help", .short_name = 'h', .help = "Display this menu and exit", .role = option_role::help},
    {.name = "version", .short_name = 'v', .help = "Print version and exit", .role = option_role::version},
    {.name = "revision", .help = "Print version with revision and exit", .role = option_role::revision},
};

inline constexpr option env_options[] = {
    {.name = "json", .help = "Print the resolved environment as JSON"},
    {.name = "sources", .help = "Show which file (or the process) each variable came from"},
    {.name = "strict", .help = "Treat .env syntax problems as errors (exit 1)"},
    {.name = "dialect", .kind = value_kind::choice, .help = "Parse .env files as Bun or as the dotenv package does",
     .choices = "bun|dotenv", .default_value = "bun"},
    {.name = "show-secrets", .help = "Print secret-looking values instead of masking them"},
};
/// Bun's `run` flags a Bun user types. Those that make no difference to rt are accepted; those rt cannot honour
/// (--bun, --shell=bun, --no-orphans) print a one-line note (commands/run.cpp).
inline constexpr option run_options[] = {
    {.name = "if-present", .help = "Exit without an error if the entrypoint does not exist"},
    {.name = "bun", .short_name = 'b', .help = "Accepted for Bun compatibility; rt has no JavaScript runtime (a note says so)"},
    {.name = "shell", .kind = value_kind::choice, .help = "Shell for package.json scripts; rt has only the system shell (bash, else sh)",
     .choices = "bun|system"},
    {.name = "smol", .help = "Accepted for Bun compatibility (rt has no garbage collector to tune)"},
    {.name = "elide-lines", .kind = value_kind::integer, .help = "Accepted for Bun compatibility (used with --filter, which rt has not)",
     .value_name = "n", .min = 0},
    {.name = "no-orphans", .help = "Accepted for Bun compatibility; not supported (a note says so)"},
};
inline constexpr option json_options[] = {
    {.name = "json", .help = "Print as JSON"},
};

inline constexpr command commands[] = {
    {.id = command_id::auto_, .name = "auto", .help = "Run a file or program", .usage = "<file> [args...]", .group = "run",
     .options = run_options, .stop_at_positional = true, .hidden = true, .global_config = false},
    {.id = command_id::run, .name = "run", .help = "Execute a file with rt", .example = "./my-script.ts",
     .usage = "<file|script> [args...]", .group = "run", .options = run_options, .stop_at_positional = true,
     .details = "Everything after the script, file or program belongs to it (a `--` right after it is dropped, as "
                "Bun drops it); `--` before it also ends rt's own flags. Without one: the scripts of the nearest "
                "package.json.",
     .global_config = false},
    {.id = command_id::test, .name = "test", .help = "Run unit tests", .group = "run", .implemented = false},
    {.id = command_id::x, .name = "x", .help = "Execute a package binary (CLI), installing if needed", .example = "next",
     .group = "run", .stop_at_positional = true, .implemented = false},
    {.id = command_id::repl, .name = "repl", .help = "Start a REPL session", .group = "run", .implemented = false},
    {.id = command_id::exec, .name = "exec", .help = "Run a shell script directly", .group = "run",
     .stop_at_positional = true, .implemented = false},

    {.id = command_id::install, .name = "install", .aliases = "i ci", .help = "Install dependencies for a package.json",
     .usage = "[<package>...]", .group = "pm", .implemented = false},
    {.id = command_id::add, .name = "add", .aliases = "a", .help = "Add a dependency to package.json", .example = "elysia",
     .usage = "<package>...", .group = "pm", .implemented = false},
    {.id = command_id::remove, .name = "remove", .aliases = "rm r uninstall", .help = "Remove a dependency from package.json",
     .example = "babel-core", .usage = "<package>...", .group = "pm", .implemented = false},
    {.id = command_id::update, .name = "update", .help = "Update outdated dependencies", .example = "@shumai/shumai",
     .group = "pm", .implemented = false},
    {.id = command_id::audit, .name = "audit", .help = "Check installed packages for vulnerabilities", .group = "pm",
     .implemented = false},
    {.id = command_id::outdated, .name = "outdated", .help = "Display latest versions of outdated dependencies",
     .group = "pm", .implemented = false},
    {.id = command_id::link, .name = "link", .help = "Register or link a local npm package", .example = "[<package>]",
     .group = "pm", .implemented = false},
    {.id = command_id::unlink, .name = "unlink", .help = "Unregister a local npm package", .group = "pm", .implemented = false},
    {.id = command_id::publish, .name = "publish", .help = "Publish a package to the npm registry", .group = "pm",
     .implemented = false},
    {.id = command_id::patch, .name = "patch", .help = "Prepare a package for patching", .example = "<pkg>",
     .usage = "<pkg>", .group = "pm", .implemented = false},
    {.id = command_id::patch_commit, .name = "patch-commit", .help = "Commit the changes of a patched package",
     .example = "<dir>", .usage = "<dir>", .group = "pm", .implemented = false},
    {.id = command_id::pm, .name = "pm", .help = "Additional package management utilities", .example = "<subcommand>",
     .usage = "<subcommand>", .group = "pm", .implemented = false},
    {.id = command_id::info, .name = "info", .help = "Display package and runtime information", .example = "hono",
     .usage = "[<package>]", .group = "pm", .options = json_options, .max_positionals = 1},
    {.id = command_id::why, .name = "why", .help = "Explain why a package is installed", .example = "react",
     .usage = "<package>", .group = "pm", .implemented = false},

    {.id = command_id::build, .name = "build", .help = "Bundle TypeScript & JavaScript into a single file",
     .example = "./a.ts ./b.jsx", .usage = "<entrypoint>...", .group = "build", .implemented = false},

    {.id = command_id::init, .name = "init", .help = "Start an empty project from a built-in template", .group = "project",
     .implemented = false},
    {.id = command_id::create, .name = "create", .aliases = "c", .help = "Create a new project from a template",
     .example = "astro", .usage = "<template> [<dir>]", .group = "project", .implemented = false},
    {.id = command_id::upgrade, .name = "upgrade", .help = "Upgrade to the latest version", .group = "project",
     .implemented = false},

    {.id = command_id::env, .name = "env", .help = "Show the environment rt resolves (process and .env files)",
     .group = "rt", .options = env_options, .max_positionals = 0},
    {.id = command_id::flags, .name = "flags", .help = "Show the feature flags rt resolves", .group = "rt",
     .options = json_options, .max_positionals = 0},
    {.id = command_id::completions, .name = "completions", .help = "Print a shell completion script",
     .example = "bash", .usage = "<bash|zsh|fish>", .group = "rt", .min_positionals = 1, .max_positionals = 1},
    {.id = command_id::help, .name = "help", .help = "Print help for rt or for a command", .example = "install",
     .usage = "[<command>]", .group = "rt", .max_positionals = 1},

    {.id = command_id::reserved, .name = "deploy", .aliases = "cloud config use auth login logout prune",
     .help = "Reserved for future use", .reserved = true, .hidden = true},
};

}  // namespace table

/// A parsed rt command line.
using command_line = runtime::cli::parsed<command_id>;

/// True when an unknown first word names something `rt run` would find (a file, a script of the nearest
/// package.json, a program in node_modules/.bin or on the PATH the child gets, i.e. `env`'s), so `rt lint` runs
/// the script and `rt true` the program instead of suggesting `link` and `run`. Defined in commands/run.cpp.
bool auto_target_exists(std::string_view word, const command_line& before, const runtime::environment& env);

/// The whole declaration.
inline constexpr runtime::cli::program<command_id> program = {
    .name = "rt",
    .version = RT_VERSION,
    .revision = RT_REVISION,
    .summary = "rt is a command-line runtime built from C++20 modules, after Bun's CLI.",
    .global_options = table::global_options,
    .commands = table::commands,
    .auto_command = command_id::auto_,
    .help_command = command_id::help,
    .auto_accepts = &auto_target_exists,
    .footer = "Commands listed as not implemented are part of Bun's command set that this driver does not provide; "
              "they exit 1 with a message.",
    .catch_all = true,      // `rt ./file.ts`, `rt lint`: a first word that is no command is run, as Bun does
    .reserved_by = "Bun",   // the words are Bun's reservations
};

static_assert(!runtime::cli::first_problem(program), "rt's command table has a declaration mistake");

}  // namespace rt
