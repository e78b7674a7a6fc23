// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>
#include <cstdint>
#include <cstdio>
#include <algorithm>
#include <array>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <unistd.h>
#if RUNTIME_USE_MODULES
import runtime.error;
import runtime.env;
import runtime.cli;
#else
#include <runtime/cli.hpp>
#include <runtime/env.hpp>
#include <runtime/error.hpp>
#endif

namespace {

namespace cli = runtime::cli;
using cli::option;
using cli::option_role;
using cli::value_kind;

enum class tool { none, build, serve, run, help, hidden };

constexpr option globals[] = {
    {.name = "verbose", .short_name = 'V', .help = "Say more"},
    {.name = "quiet", .short_name = 'q', .help = "Say less", .conflicts = "verbose"},
    {.name = "config", .short_name = 'c', .kind = value_kind::path, .help = "Config file", .optional_value = true,
     .implicit_value = "tool.toml"},
    {.name = "env-file", .kind = value_kind::comma_list, .help = "Env files"},
    {.name = "help", .short_name = 'h', .help = "Help", .role = option_role::help},
    {.name = "version", .short_name = 'v', .help = "Version", .role = option_role::version},
    {.name = "revision", .help = "Revision", .role = option_role::revision},
};
constexpr option build_opts[] = {
    {.name = "output", .short_name = 'o', .kind = value_kind::path, .help = "Output file"},
    {.name = "jobs", .short_name = 'j', .kind = value_kind::integer, .help = "Parallel jobs", .min = 1, .max = 64,
     .default_value = "4", .env = "TOOL_JOBS"},
    {.name = "minify", .short_name = 'm', .help = "Minify"},
    {.name = "sourcemap", .short_name = 's', .help = "Source maps"},
    {.name = "target", .kind = value_kind::choice, .help = "Target", .choices = "bun|node|browser",
     .default_value = "bun"},
    {.name = "define", .short_name = 'd', .kind = value_kind::list, .help = "Define K:V", .value_name = "K:V"},
    {.name = "watch", .kind = value_kind::boolean, .help = "Watch", .env = "TOOL_WATCH"},
    {.name = "preload", .short_name = 'r', .kind = value_kind::string, .help = "Preload", .aliases = "require import"},
};
constexpr option serve_opts[] = {
    {.name = "port", .short_name = 'p', .kind = value_kind::integer, .help = "Port", .min = 0, .max = 65535,
     .env = "PORT", .required = true},
    {.name = "host", .kind = value_kind::string, .help = "Host"},
};
constexpr cli::command<tool> commands[] = {
    {.id = tool::none, .name = "auto", .help = "Run a file", .stop_at_positional = true, .hidden = true},
    {.id = tool::build, .name = "build", .aliases = "b bundle", .help = "Bundle files", .example = "./a.ts",
     .usage = "<entry>...", .group = "a", .options = build_opts, .min_positionals = 1},
    {.id = tool::serve, .name = "serve", .help = "Serve a directory", .group = "a", .options = serve_opts,
     .max_positionals = 1, .implemented = false},
    {.id = tool::run, .name = "run", .help = "Run a script", .usage = "<file> [args...]", .group = "b",
     .stop_at_positional = true},
    {.id = tool::help, .name = "help", .help = "Help", .usage = "[<command>]", .group = "b"},
    {.id = tool::hidden, .name = "secret", .help = "Hidden", .hidden = true},
};
constexpr cli::program<tool> prog = {
    .name = "tool",
    .version = "1.2.3",
    .revision = "abc123",
    .summary = "tool does things.",
    .global_options = globals,
    .commands = commands,
    .auto_command = tool::none,
    .help_command = tool::help,
    .footer = "See the docs.",
    .catch_all = true,
};
static_assert(!cli::first_problem(prog), "the test program is well declared");

cli::parsed<tool> parse(std::vector<std::string_view> args, const runtime::environment& env = {}) {
  return cli::parse(prog, args, env);
}

/// Runs the parser and returns the error it throws (fails the test when it does not throw).
runtime::error parse_error(std::vector<std::string_view> args, const runtime::environment& env = {}) {
  try {
    (void)cli::parse(prog, args, env);
  } catch (const runtime::error& e) {
    return e;
  }
  FAIL("expected a usage error");
  return runtime::error(runtime::error_kind::generic, "none", "none");
}

}  // namespace

TEST_CASE("runtime::cli::args_of") {
  const char* argv[] = {"rt", "run", "--", "x"};
  auto a = cli::args_of(4, argv);
  CHECK(a == std::vector<std::string_view>{"run", "--", "x"});
  CHECK(cli::args_of(1, argv).empty());
}

TEST_CASE("runtime::cli::parse syntax") {
  SUBCASE("commands and aliases") {
    struct row { std::vector<std::string_view> args; tool cmd; std::string_view word; };
    const row rows[] = {
        {{"build", "a.ts"}, tool::build, "build"},
        {{"b", "a.ts"}, tool::build, "b"},
        {{"bundle", "a.ts"}, tool::build, "bundle"},
        {{"serve", "--port", "1"}, tool::serve, "serve"},
        {{"secret"}, tool::hidden, "secret"},
        {{"./file.js", "x"}, tool::none, "./file.js"},
        {{}, tool::none, ""},
        {{"-V"}, tool::none, ""},
    };
    for (const auto& r : rows) {
      CAPTURE(r.word);
      auto res = parse(r.args);
      CHECK(res.command == r.cmd);
      CHECK(res.word == r.word);
      REQUIRE(res.spec != nullptr);
      CHECK(res.spec->id == r.cmd);
    }
  }
  SUBCASE("option spellings") {
    struct row { std::vector<std::string_view> args; std::string_view name; std::string_view value; };
    const row rows[] = {
        {{"build", "x", "--output=o.js"}, "output", "o.js"},
        {{"build", "x", "--output", "o.js"}, "output", "o.js"},
        {{"build", "x", "-o", "o.js"}, "output", "o.js"},
        {{"build", "x", "-oo.js"}, "output", "o.js"},
        {{"build", "x", "-o=o.js"}, "output", "o.js"},
        {{"build", "x", "-mso", "o.js"}, "output", "o.js"},
        {{"build", "x", "-mjo", "o.js"}, "jobs", "o"},  // -j takes the rest of the cluster: "o"... checked below
        {{"build", "x", "--output", "--weird"}, "output", "--weird"},  // a required value takes the next word
        {{"build", "x", "--output="}, "output", ""},
        {{"build", "x", "--preload", "p"}, "preload", "p"},
        {{"build", "x", "--require=p"}, "preload", "p"},
        {{"build", "x", "--import", "p"}, "preload", "p"},
        {{"build", "x", "-r", "p"}, "preload", "p"},
        {{"build", "x", "-o", "a", "-o", "b"}, "output", "b"},  // a scalar keeps the last
    };
    for (const auto& r : rows) {
      CAPTURE(r.args.back());
      if (r.name == "jobs") {
        // "-mjo" attaches "o" to -j, which is no integer: an error naming -j.
        auto e = parse_error(r.args);
        CHECK(e.code() == "cli.invalid_value");
        CHECK(e.message().find("-j") != std::string::npos);
        continue;
      }
      if (r.name == "output" && r.value.empty()) {
        auto e = parse_error(r.args);
        CHECK(e.message() == "--output needs a non-empty path");
        continue;
      }
      auto res = parse(r.args);
      CHECK(res.value(r.name) == std::optional<std::string_view>(r.value));
      CHECK(res.given(r.name));
    }
  }
  SUBCASE("flags and clusters") {
    auto res = parse({"build", "-Vms", "x"});
    CHECK(res.flag("verbose"));
    CHECK(res.flag("minify"));
    CHECK(res.flag("sourcemap"));
    CHECK_FALSE(res.flag("quiet"));
    CHECK(res.positionals == std::vector<std::string_view>{"x"});
    // "-" alone is a positional (stdin by convention).
    CHECK(parse({"build", "-"}).positionals == std::vector<std::string_view>{"-"});
    // Globals are accepted before and after the command word.
    CHECK(parse({"-V", "build", "x"}).flag("verbose"));
    CHECK(parse({"build", "x", "--verbose"}).flag("verbose"));
  }
  SUBCASE("typed values") {
    auto res = parse({"build", "x", "-j", "8", "--target", "node", "--watch=yes", "-d", "A:1", "--define=B:2",
                      "--env-file", "a.env, ,b.env", "--env-file=c.env"});
    CHECK(res.integer("jobs") == 8);
    CHECK(res.value("target") == "node");
    CHECK(res.boolean("watch") == true);
    CHECK(res.flag("watch"));
    CHECK(res.values("define") == std::vector<std::string_view>{"A:1", "B:2"});
    CHECK(res.values("env-file") == std::vector<std::string_view>{"a.env", "b.env", "c.env"});
    CHECK(parse({"build", "x", "--watch=off"}).boolean("watch") == false);
    CHECK(parse({"build", "x", "--watch", "TRUE"}).boolean("watch") == true);
    CHECK(parse({"build", "x", "-j", "1"}).integer("jobs") == 1);
    CHECK(parse({"build", "x", "-j", "64"}).integer("jobs") == 64);
    // A name the command does not declare is the program's mistake, never a silent "absent".
    for (auto lookup : {+[](const cli::parsed<tool>& r) { (void)r.integer("nonexistent"); },
                        +[](const cli::parsed<tool>& r) { (void)r.value("jbos"); },
                        +[](const cli::parsed<tool>& r) { (void)r.flag("port"); },  // serve's, not build's
                        +[](const cli::parsed<tool>& r) { (void)r.given("nonexistent"); },
                        +[](const cli::parsed<tool>& r) { (void)r.values("nonexistent"); }}) {
      try {
        lookup(parse({"build", "x"}));
        FAIL("an undeclared option name was looked up silently");
      } catch (const runtime::error& e) {
        CHECK(e.code() == "cli.undeclared_option");
        CHECK(e.exit() == runtime::exit_code::failure);
        CHECK(e.message().find("is not declared by command \"build\" or the global options") != std::string::npos);
      }
    }
    try {
      (void)parse({"build", "x"}).integer("nonexistent");
    } catch (const runtime::error& e) {
      CHECK(e.message() == "option --nonexistent is not declared by command \"build\" or the global options");
    }
    // Globals and aliases are declared names; the lenient lookup answers "absent" for undeclared ones.
    CHECK_FALSE(parse({"build", "x"}).flag("verbose"));
    CHECK(parse({"build", "x", "--require=a"}).value("import") == "a");
    CHECK(parse({"build", "x", "--require=a"}).value("preload") == "a");
    auto b = parse({"build", "x"});
    CHECK(b.declares("jobs"));
    CHECK(b.declares("verbose"));
    CHECK_FALSE(b.declares("port"));
    CHECK(b.find("port") == nullptr);
    cli::if_declared<tool> lenient{b};
    CHECK(lenient.value("port") == std::nullopt);
    CHECK(lenient.value("jobs") == "4");
    CHECK_FALSE(lenient.flag("nonexistent"));
    CHECK(lenient.values("nonexistent").empty());
    // integer() of an option of another kind is a mistake too.
    try {
      (void)b.integer("target");
      FAIL("integer() of a choice option answered");
    } catch (const runtime::error& e) {
      CHECK(e.code() == "cli.not_an_integer");
    }
  }
  SUBCASE("defaults and sources") {
    auto res = parse({"build", "x"});
    CHECK(res.integer("jobs") == 4);
    CHECK(res.value("target") == "bun");
    CHECK_FALSE(res.given("jobs"));
    REQUIRE(res.find("jobs") != nullptr);
    CHECK(res.find("jobs")->source == cli::value_source::default_value);
    CHECK(res.value("output") == std::nullopt);
    CHECK(res.values("define").empty());
  }
  SUBCASE("environment fallback") {
    auto env = runtime::environment::from_pairs({{"TOOL_JOBS", "16"}, {"TOOL_WATCH", "1"}, {"PORT", "8080"}});
    auto res = parse({"build", "x"}, env);
    CHECK(res.integer("jobs") == 16);
    CHECK(res.given("jobs"));
    CHECK(res.find("jobs")->source == cli::value_source::environment);
    CHECK(res.boolean("watch") == true);
    // The command line beats the environment.
    CHECK(parse({"build", "x", "-j2"}, env).integer("jobs") == 2);
    CHECK(parse({"build", "x", "-j2"}, env).find("jobs")->source == cli::value_source::command_line);
    // A required option satisfied by the environment.
    CHECK(parse({"serve"}, env).integer("port") == 8080);
    // An invalid environment value names the variable.
    auto bad = runtime::environment::from_pairs({{"TOOL_JOBS", "many"}});
    auto e = parse_error({"build", "x"}, bad);
    CHECK(e.code() == "cli.invalid_value");
    CHECK(e.message() == "invalid value \"many\" for $TOOL_JOBS: expected an integer from 1 to 64");
  }
  SUBCASE("optional values") {
    CHECK(parse({"--config"}).value("config") == "tool.toml");
    CHECK(parse({"-c"}).value("config") == "tool.toml");
    CHECK(parse({"--config=my.toml"}).value("config") == "my.toml");
    CHECK(parse({"-cmy.toml"}).value("config") == "my.toml");
    // The next word is never taken as the optional value (as Bun): it is the command or file.
    auto res = parse({"-c", "build", "x"});
    CHECK(res.command == tool::build);
    CHECK(res.value("config") == "tool.toml");
    CHECK(parse({"-Vc"}).value("config") == "tool.toml");
  }
  SUBCASE("double dash and stop at first positional") {
    auto res = parse({"run", "--verbose", "script.js", "--verbose", "-x", "--", "y"});
    CHECK(res.command == tool::run);
    CHECK(res.flag("verbose"));
    CHECK(res.positionals == std::vector<std::string_view>{"script.js", "--verbose", "-x", "--", "y"});
    CHECK(res.passthrough.empty());
    auto dd = parse({"run", "--", "--script", "a"});
    CHECK(dd.positionals.empty());
    CHECK(dd.saw_double_dash);
    CHECK(dd.passthrough == std::vector<std::string_view>{"--script", "a"});
    auto b = parse({"build", "x", "--", "-o", "y"});
    CHECK(b.positionals == std::vector<std::string_view>{"x"});
    CHECK(b.passthrough == std::vector<std::string_view>{"-o", "y"});
    CHECK_FALSE(b.given("output"));
    // The auto command: the word and everything after it belong to the program it names.
    auto a = parse({"-V", "app.js", "--help", "-v"});
    CHECK(a.command == tool::none);
    CHECK_FALSE(a.help);
    CHECK_FALSE(a.version);
    CHECK(a.positionals == std::vector<std::string_view>{"app.js", "--help", "-v"});
  }
  SUBCASE("help, version, revision") {
    CHECK(parse({"--help"}).help);
    CHECK(parse({"-h"}).help);
    CHECK(parse({"build", "--help"}).help);
    CHECK(parse({"build", "--help"}).command == tool::build);
    CHECK(parse({"serve", "-h"}).help);  // no required-option error when help is asked for
    CHECK(parse({"-v"}).version);
    CHECK(parse({"--version"}).version);
    CHECK(parse({"--revision"}).revision);
    CHECK(cli::version_text(prog, false) == "1.2.3\n");
    CHECK(cli::version_text(prog, true) == "1.2.3+abc123\n");
  }
}

TEST_CASE("runtime::cli::parse errors") {
  struct row {
    std::vector<std::string_view> args;
    std::string_view code;
    std::string_view message;
    std::string_view hint;  // empty: no hint expected
  };
  const row rows[] = {
      {{"--bogus"}, "cli.unknown_option", "tool has no \"--bogus\" option", ""},
      {{"--verbos"}, "cli.unknown_option", "tool has no \"--verbos\" option", "did you mean \"--verbose\"?"},
      {{"build", "x", "--outptu=a"}, "cli.unknown_option", "tool build has no \"--outptu\" option",
       "did you mean \"--output\"?"},
      {{"--output", "a", "build"}, "cli.unknown_option", "tool has no \"--output\" option",
       "it is an option of \"tool build\"; put it after the command"},
      {{"build", "x", "-Z"}, "cli.unknown_option", "tool build has no \"-Z\" option", ""},
      {{"build", "x", "-mZ"}, "cli.unknown_option", "tool build has no \"-Z\" option (in \"-mZ\")", ""},
      {{"buidl"}, "cli.unknown_command", "unknown command \"buidl\"", "did you mean \"build\"?"},
      {{"serv"}, "cli.unknown_command", "unknown command \"serv\"", "did you mean \"serve\"?"},
      {{"build", "x", "--output"}, "cli.missing_value", "option --output needs a value <path>", ""},
      {{"build", "x", "-o"}, "cli.missing_value", "option --output needs a value <path>", ""},
      {{"build", "x", "--target"}, "cli.missing_value", "option --target needs a value (accepted: bun, node, browser)", ""},
      {{"build", "x", "--target=nod"}, "cli.invalid_value",
       "invalid value \"nod\" for --target (accepted: bun, node, browser)", "did you mean \"node\"?"},
      {{"build", "x", "-j", "0"}, "cli.invalid_value", "invalid value \"0\" for -j: expected an integer from 1 to 64", ""},
      {{"build", "x", "--jobs=65"}, "cli.invalid_value",
       "invalid value \"65\" for --jobs: expected an integer from 1 to 64", ""},
      {{"build", "x", "--jobs=4x"}, "cli.invalid_value",
       "invalid value \"4x\" for --jobs: expected an integer from 1 to 64", ""},
      {{"build", "x", "--jobs="}, "cli.invalid_value", "invalid value \"\" for --jobs: expected an integer from 1 to 64", ""},
      {{"build", "x", "--watch=maybe"}, "cli.invalid_value",
       "invalid value \"maybe\" for --watch (accepted: true, false, 1, 0, yes, no, on, off)", ""},
      {{"build", "x", "--minify=yes"}, "cli.unexpected_value", "option --minify does not take a value", ""},
      {{"serve"}, "cli.missing_option", "missing required option --port (or $PORT)", ""},
      {{"-q", "-V"}, "cli.conflict", "option --quiet cannot be used with --verbose", ""},
      {{"build"}, "cli.missing_argument", "tool build needs <entry>...", ""},
      {{"serve", "-p1", "a", "b"}, "cli.too_many_arguments", "too many arguments for tool serve: unexpected \"b\"", ""},
      {{"serve", "--port", "70000"}, "cli.invalid_value",
       "invalid value \"70000\" for --port: expected an integer from 0 to 65535", ""},
  };
  for (const auto& r : rows) {
    CAPTURE(r.message);
    auto e = parse_error(r.args);
    CHECK(e.kind() == runtime::error_kind::cli);
    CHECK(e.exit() == runtime::exit_code::usage);
    CHECK(runtime::exit_status_of(e) == 2);
    CHECK(e.code() == r.code);
    CHECK(e.message() == r.message);
    if (r.hint.empty()) CHECK(e.hints().empty());
    else CHECK(e.hints() == std::vector<std::string>{std::string(r.hint)});
  }
  SUBCASE("a near miss that the program accepts runs instead") {
    constexpr cli::program<tool> lenient = {
        .name = "tool", .version = "1", .global_options = globals, .commands = commands, .auto_command = tool::none,
        .help_command = tool::help, .auto_accepts = [](std::string_view w, const cli::parsed<tool>&, const runtime::environment&) {
          return w == "buidl";
        }, .catch_all = true};
    std::vector<std::string_view> args{"buidl", "-x"};
    auto res = cli::parse(lenient, args, runtime::environment{});
    CHECK(res.command == tool::none);
    CHECK(res.positionals == std::vector<std::string_view>{"buidl", "-x"});
    // A path-like or far word is never an unknown command.
    CHECK(parse({"buidl.js"}).command == tool::none);
    CHECK(parse({"./serv"}).command == tool::none);
    CHECK(parse({"completely-different"}).command == tool::none);
  }
  SUBCASE("the catch-all is opt-in") {
    // The same table without catch_all: every first word that is no command is an unknown command, with a
    // suggestion where one is close; no word at all still selects the auto command (the program's help).
    constexpr cli::program<tool> plain = {.name = "tool", .version = "1", .global_options = globals,
                                          .commands = commands, .auto_command = tool::none,
                                          .help_command = tool::help};
    static_assert(!plain.catch_all);
    for (std::string_view w : {"buidl", "buidl.js", "./serv", "completely-different"}) {
      std::vector<std::string_view> args{w};
      auto o = cli::try_parse(plain, std::span<const std::string_view>(args), runtime::environment{});
      REQUIRE(o.failure);
      CHECK(o.failure->code() == "cli.unknown_command");
      CHECK(o.failure->exit() == runtime::exit_code::usage);
    }
    std::vector<std::string_view> none;
    CHECK(cli::parse(plain, none, runtime::environment{}).command == tool::none);
    std::vector<std::string_view> b{"build", "x"};
    CHECK(cli::parse(plain, b, runtime::environment{}).command == tool::build);
  }
  SUBCASE("rendered for the user") {
    auto e = parse_error({"buidl"});
    CHECK(cli::render_error(prog, e) ==
          "error: unknown command \"buidl\"\nhint: did you mean \"build\"?\n"
          "Usage: tool <command> [...flags] [...args]\nRun 'tool --help' for more information.\n");
    auto e2 = parse_error({"build"});
    CHECK(cli::render_error(prog, e2, cli::find_command(prog, "build")) ==
          "error: tool build needs <entry>...\nUsage: tool build [...flags] <entry>...\n"
          "Run 'tool build --help' for more information.\n");
    auto u = cli::unknown_command_error(prog, "hepl");
    CHECK(u.hints() == std::vector<std::string>{"did you mean \"help\"?"});
  }
  SUBCASE("try_parse reports the command reached") {
    std::vector<std::string_view> args{"-V", "build", "x", "--bogus"};
    auto out = cli::try_parse(prog, std::span<const std::string_view>(args), runtime::environment{});
    CHECK_FALSE(out);
    REQUIRE(out.failure.has_value());
    CHECK(out.failure->code() == "cli.unknown_option");
    REQUIRE(out.reached != nullptr);
    CHECK(out.reached->id == tool::build);
    std::vector<std::string_view> before{"--bogus", "build"};
    auto early = cli::try_parse(prog, std::span<const std::string_view>(before), runtime::environment{});
    CHECK(early.reached == nullptr);
    std::vector<std::string_view> good{"run", "a"};
    auto ok = cli::try_parse(prog, std::span<const std::string_view>(good), runtime::environment{});
    REQUIRE(ok);
    CHECK(ok.value->command == tool::run);
    CHECK_FALSE(ok.failure.has_value());
  }
  SUBCASE("a huge argument is quoted shortly") {
    std::string big(1 << 20, 'x');
    auto e = parse_error({"build", "y", "--jobs", big});
    CHECK(e.message().size() < 400);
  }
}

TEST_CASE("runtime::cli::parse scale") {
  SUBCASE("100,000 arguments") {
    std::vector<std::string> store;
    store.reserve(100000);
    for (int i = 0; i < 100000; ++i) store.push_back(i % 2 ? "--define=K" + std::to_string(i) : "file" + std::to_string(i));
    std::vector<std::string_view> args{"build"};
    for (const auto& s : store) args.emplace_back(s);
    auto res = cli::parse(prog, args, runtime::environment{});
    CHECK(res.positionals.size() == 50000);
    CHECK(res.values("define").size() == 50000);
    // The same through a run-like command: everything after the script.
    args[0] = "run";
    CHECK(cli::parse(prog, args, runtime::environment{}).positionals.size() == 100000);
  }
  SUBCASE("a 1 MB argument") {
    std::string big(1 << 20, 'a');
    std::string opt = "--output=" + big;
    auto res = parse({"build", big, opt});
    CHECK(res.positionals.at(0).size() == big.size());
    CHECK(res.value("output")->size() == big.size());
    // Unknown long option and command of 1 MB: the suggestion search rejects by length, quickly.
    std::string bad = "--" + big;
    CHECK(parse_error({bad}).code() == "cli.unknown_option");
    CHECK(parse({big}).command == tool::none);
  }
}

TEST_CASE("runtime::cli::first_problem") {
  SUBCASE("compile-time checks") {
    static constexpr option dup_long[] = {{.name = "a"}, {.name = "a"}};
    static constexpr option dup_short[] = {{.name = "a", .short_name = 'x'}, {.name = "b", .short_name = 'x'}};
    static constexpr option dup_alias[] = {{.name = "a", .aliases = "z"}, {.name = "z"}};
    static constexpr option dashed[] = {{.name = "--a"}};
    static constexpr option no_choices[] = {{.name = "a", .kind = value_kind::choice}};
    static constexpr option bad_default[] = {{.name = "a", .kind = value_kind::choice, .choices = "x|y", .default_value = "z"}};
    static constexpr option bad_conflict[] = {{.name = "a", .conflicts = "nope"}};
    static constexpr option opt_flag[] = {{.name = "a", .optional_value = true}};
    static constexpr option clash_global[] = {{.name = "verbose"}};
    static constexpr option clash_short[] = {{.name = "other", .short_name = 'V'}};
    constexpr auto with_globals = [](std::span<const option> g) {
      return cli::program<tool>{.name = "t", .version = "1", .global_options = g, .commands = commands,
                                .auto_command = tool::none, .help_command = tool::help};
    };
    static_assert(cli::first_problem(with_globals(dup_long)).what == "duplicate option name");
    static_assert(cli::first_problem(with_globals(dup_short)).what == "duplicate short flag");
    static_assert(cli::first_problem(with_globals(dup_alias)).what == "duplicate option name");
    static_assert(cli::first_problem(with_globals(dup_alias)).name == "z");
    static_assert(cli::first_problem(with_globals(dashed)).what == "option name must be given without dashes");
    static_assert(cli::first_problem(with_globals(no_choices)).what == "choice option without choices");
    static_assert(cli::first_problem(with_globals(bad_default)).what == "default value is not one of the choices");
    static_assert(cli::first_problem(with_globals(bad_conflict)).what == "conflicts names an unknown option");
    static_assert(cli::first_problem(with_globals(opt_flag)).what == "a flag cannot have an optional value");

    // Every default and implicit value against its kind.
    static constexpr option int_word[] = {{.name = "priority", .kind = value_kind::integer, .default_value = "high"}};
    static constexpr option int_range[] = {{.name = "n", .kind = value_kind::integer, .min = 1, .max = 9, .default_value = "10"}};
    static constexpr option int_plus[] = {{.name = "n", .kind = value_kind::integer, .default_value = "+1"}};
    static constexpr option int_big[] = {{.name = "n", .kind = value_kind::integer, .default_value = "9223372036854775808"}};
    static constexpr option int_ok[] = {{.name = "n", .kind = value_kind::integer, .default_value = "-9223372036854775808"}};
    static constexpr option bool_word[] = {{.name = "b", .kind = value_kind::boolean, .default_value = "maybe"}};
    static constexpr option bool_ok[] = {{.name = "b", .kind = value_kind::boolean, .default_value = "Off"}};
    static constexpr option flag_default[] = {{.name = "f", .default_value = "false"}};
    static constexpr option bad_implicit[] = {{.name = "n", .kind = value_kind::integer, .optional_value = true, .implicit_value = "x"}};
    static constexpr option empty_implicit[] = {{.name = "p", .kind = value_kind::path, .optional_value = true}};
    static constexpr option list_ok[] = {{.name = "l", .kind = value_kind::comma_list, .default_value = "a,b"}};
    static_assert(cli::first_problem(with_globals(int_word)).what == "default value is not an integer within [min, max]");
    static_assert(cli::first_problem(with_globals(int_word)).name == "priority");
    static_assert(cli::first_problem(with_globals(int_range)).what == "default value is not an integer within [min, max]");
    static_assert(cli::first_problem(with_globals(int_plus)).what == "default value is not an integer within [min, max]");
    static_assert(cli::first_problem(with_globals(int_big)).what == "default value is not an integer within [min, max]");
    static_assert(!cli::first_problem(with_globals(int_ok)));
    static_assert(cli::first_problem(with_globals(bool_word)).what.starts_with("default value is not a boolean word"));
    static_assert(!cli::first_problem(with_globals(bool_ok)));
    static_assert(cli::first_problem(with_globals(flag_default)).what.starts_with("a flag cannot have a default value"));
    static_assert(cli::first_problem(with_globals(bad_implicit)).what == "implicit value is not a value of the option's kind");
    static_assert(cli::first_problem(with_globals(empty_implicit)).what == "implicit value is not a value of the option's kind");
    static_assert(!cli::first_problem(with_globals(list_ok)));
    // The constexpr integer grammar is the parser's (from_chars for int64: '-' and digits, nothing else).
    constexpr auto int_default = [](std::string_view d) {
      return std::array<option, 1>{option{.name = "n", .kind = value_kind::integer, .default_value = d}};
    };
    static constexpr auto i1 = int_default("9223372036854775807"), i2 = int_default("-9223372036854775809"),
                          i3 = int_default("-"), i4 = int_default(" 1"), i5 = int_default("1e3"), i6 = int_default("-0");
    static_assert(!cli::first_problem(with_globals(i1)));
    static_assert(cli::first_problem(with_globals(i2)));
    static_assert(cli::first_problem(with_globals(i3)));
    static_assert(cli::first_problem(with_globals(i4)));
    static_assert(cli::first_problem(with_globals(i5)));
    static_assert(!cli::first_problem(with_globals(i6)));
    static_assert(cli::well_declared<prog>);

    static constexpr cli::command<tool> clash_cmds[] = {
        {.id = tool::none, .name = "auto", .hidden = true},
        {.id = tool::help, .name = "help", .options = clash_global},
    };
    static constexpr cli::command<tool> clash_short_cmds[] = {
        {.id = tool::none, .name = "auto", .hidden = true},
        {.id = tool::help, .name = "help", .options = clash_short},
    };
    static constexpr cli::command<tool> dup_cmds[] = {
        {.id = tool::none, .name = "auto", .hidden = true},
        {.id = tool::help, .name = "help", .aliases = "h"},
        {.id = tool::build, .name = "build", .aliases = "b h"},
    };
    static constexpr cli::command<tool> self_dup[] = {
        {.id = tool::none, .name = "auto", .hidden = true},
        {.id = tool::help, .name = "help", .aliases = "help"},
    };
    static constexpr cli::command<tool> no_help[] = {{.id = tool::none, .name = "auto", .hidden = true}};
    constexpr auto with_commands = [](std::span<const cli::command<tool>> c) {
      return cli::program<tool>{.name = "t", .version = "1", .global_options = globals, .commands = c,
                                .auto_command = tool::none, .help_command = tool::help};
    };
    static_assert(cli::first_problem(with_commands(clash_cmds)).what == "option name also declared globally");
    static_assert(cli::first_problem(with_commands(clash_short_cmds)).what == "short flag also declared globally");
    static_assert(cli::first_problem(with_commands(dup_cmds)).what == "duplicate command name or alias");
    static_assert(cli::first_problem(with_commands(dup_cmds)).name == "h");
    static_assert(cli::first_problem(with_commands(self_dup)).what == "duplicate command name or alias");
    static_assert(cli::first_problem(with_commands(no_help)).what == "help_command is not in the command table");
    static_assert(!cli::first_problem(with_commands(commands)));
    CHECK(true);
  }
  SUBCASE("validate throws at run time") {
    static constexpr option dup_short[] = {{.name = "a", .short_name = 'x'}, {.name = "b", .short_name = 'x'}};
    cli::program<tool> p{.name = "t", .version = "1", .global_options = dup_short, .commands = commands,
                         .auto_command = tool::none, .help_command = tool::help};
    try {
      cli::validate(p);
      FAIL("validate accepted a duplicate short flag");
    } catch (const runtime::error& e) {
      CHECK(e.code() == "cli.bad_declaration");
      CHECK(e.kind() == runtime::error_kind::cli);
      CHECK(e.message() == "duplicate short flag: a");
    }
    CHECK_NOTHROW(cli::validate(prog));
  }
}

TEST_CASE("runtime::cli::typed") {
  // Names are checked at compile time (tests/cli/compile_fail.py shows the misspelt ones fail); values are the
  // parsed<Cmd> ones.
  auto r = parse({"build", "x", "-j", "8", "--require=p", "--watch=on", "-d", "A:1", "-V"});
  cli::typed<prog> opts(r);
  CHECK(opts.command() == tool::build);
  CHECK(opts.integer("jobs") == 8);
  CHECK(opts.value("import") == "p");
  CHECK(opts.boolean("watch") == true);
  CHECK(opts.values("define") == std::vector<std::string_view>{"A:1"});
  CHECK(opts.flag("verbose"));
  CHECK(opts.given("jobs"));
  CHECK(&opts.raw() == &r);
  // Declared by the program but not by the selected command: still the run-time error.
  try {
    (void)opts.integer("port");
    FAIL("port is serve's option");
  } catch (const runtime::error& e) {
    CHECK(e.code() == "cli.undeclared_option");
  }
}

TEST_CASE("runtime::cli::help_text") {
  cli::help_style plain{.width = 80, .color = false};
  SUBCASE("main help") {
    auto h = cli::help_text(prog, plain);
    CHECK(h ==
          "tool does things. (1.2.3+abc123)\n"
          "\n"
          "Usage: tool <command> [...flags] [...args]\n"
          "\n"
          "Commands:\n"
          "  build  ./a.ts     Bundle files (tool b, tool bundle)\n"
          "  serve             Serve a directory\n"
          "\n"
          "  run               Run a script\n"
          "  help              Help\n"
          "\n"
          "  <command> --help  Print help text for command.\n"
          "\n"
          "Not implemented by this driver:\n"
          "  serve\n"
          "\n"
          "Flags:\n"
          "  -V, --verbose          Say more\n"
          "  -q, --quiet            Say less\n"
          "  -c, --config[=<path>]  Config file (without a value: tool.toml)\n"
          "      --env-file=<val>   Env files (repeatable, comma-separated)\n"
          "  -h, --help             Help\n"
          "  -v, --version          Version\n"
          "      --revision         Revision\n"
          "\n"
          "See the docs.\n");
  }
  SUBCASE("command help") {
    auto h = cli::command_help(prog, *cli::find_command(prog, "b"), plain);
    CHECK(h.rfind("Usage: tool build [...flags] <entry>...\n\nBundle files\nAliases: tool b, tool bundle\n", 0) == 0);
    CHECK(h.find("  -j, --jobs=<int>") != std::string::npos);
    CHECK(h.find("(1..64) (default: 4) [env: TOOL_JOBS]") != std::string::npos);
    CHECK(h.find("(one of: bun, node, browser) (default: bun)") != std::string::npos);
    CHECK(h.find("(also --require, --import)") != std::string::npos);
    CHECK(h.find("\nGlobal flags:\n") != std::string::npos);
    auto s = cli::command_help(prog, *cli::find_command(prog, "serve"), plain);
    CHECK(s.find("tool serve is not implemented by this driver.") != std::string::npos);
    CHECK(s.find("(required)") != std::string::npos);
  }
  SUBCASE("wrapping to the width") {
    cli::help_style narrow{.width = 40, .color = false};
    auto h = cli::command_help(prog, *cli::find_command(prog, "build"), narrow);
    std::size_t start = 0;
    while (start < h.size()) {
      auto nl = h.find('\n', start);
      CHECK(nl - start <= 40);
      start = nl + 1;
    }
    // A left cell wider than 2/5 of the width puts its description on the next line, at the column.
    CHECK(h.find("  -j, --jobs=<int>\n                Parallel jobs (1..64)\n                (default: 4) [env:\n") !=
          std::string::npos);
  }
  SUBCASE("colour") {
    cli::help_style color{.width = 80, .color = true};
    auto h = cli::help_text(prog, color);
    CHECK(h.find("\x1b[1mUsage:\x1b[0m") != std::string::npos);
    CHECK(h.find("\x1b[") != std::string::npos);
    CHECK(cli::help_text(prog, plain).find('\x1b') == std::string::npos);
  }
  SUBCASE("style from the environment") {
    using runtime::environment;
    // runtime::color_enabled's rule (Bun 1.4.5's): a truthy FORCE_COLOR wins over NO_COLOR.
    auto s = cli::style_for(environment::from_pairs({{"COLUMNS", "120"}, {"NO_COLOR", "1"}, {"FORCE_COLOR", "1"}}), -1);
    CHECK(s.width == 120);
    CHECK(s.color);
    CHECK_FALSE(cli::style_for(environment::from_pairs({{"NO_COLOR", "1"}, {"FORCE_COLOR", "false"}}), -1).color);
    s = cli::style_for(environment::from_pairs({{"FORCE_COLOR", "1"}}), -1);
    CHECK(s.color);
    CHECK(s.width == 80);
    s = cli::style_for(environment::from_pairs({{"FORCE_COLOR", "0"}}), -1);
    CHECK_FALSE(s.color);
    CHECK_FALSE(cli::style_for(environment{}, -1).color);  // not a tty
    CHECK(cli::style_for(environment::from_pairs({{"COLUMNS", "abc"}}), -1).width == 80);
    CHECK(cli::style_for(environment::from_pairs({{"COLUMNS", "5"}}), -1).width == 40);
    CHECK(cli::style_for(environment::from_pairs({{"COLUMNS", "100000"}}), -1).width == 400);
  }
  SUBCASE("usage lines") {
    CHECK(cli::usage_line(prog) == "Usage: tool <command> [...flags] [...args]");
    CHECK(cli::usage_line(prog, cli::find_command(prog, "run")) == "Usage: tool run [...flags] <file> [args...]");
  }
}

TEST_CASE("runtime::cli::completion_script") {
  CHECK(cli::shell_from_name("bash") == cli::shell::bash);
  CHECK(cli::shell_from_name("zsh") == cli::shell::zsh);
  CHECK(cli::shell_from_name("fish") == cli::shell::fish);
  CHECK(cli::shell_from_name("tcsh") == std::nullopt);
  auto bash = cli::completion_script(prog, cli::shell::bash);
  CHECK(bash.find("complete -F _tool_complete tool") != std::string::npos);
  // Hidden "secret" is not offered; names are matched by the script's own prefix test, never `compgen -W`.
  CHECK(bash.find("_tool_complete_add \"$cur\" build b bundle serve run help; ") != std::string::npos);
  CHECK(bash.find("_tool_complete_add \"$val\" bun node browser") != std::string::npos);
  CHECK(bash.find("compgen -W") == std::string::npos);
  auto zsh = cli::completion_script(prog, cli::shell::zsh);
  CHECK(zsh.rfind("#compdef tool\n", 0) == 0);
  CHECK(zsh.find("'build:Bundle files'") != std::string::npos);
  auto fish = cli::completion_script(prog, cli::shell::fish);
  CHECK(fish.find("complete -c tool -n '__fish_use_subcommand' -a 'build' -d 'Bundle files'") != std::string::npos);
  CHECK(fish.find("-l target -x -a 'bun node browser'") != std::string::npos);
#if defined(__unix__)
  // bash -n accepts the script (when bash is present).
  if (std::system("command -v bash >/dev/null 2>&1") == 0) {
    std::string path = "/tmp/runtime_cli_test_completion_" + std::to_string(reinterpret_cast<std::uintptr_t>(&bash)) + ".bash";
    if (FILE* f = std::fopen(path.c_str(), "w")) {
      std::fwrite(bash.data(), 1, bash.size(), f);
      std::fclose(f);
      CHECK(std::system(("bash -n " + path).c_str()) == 0);
      std::remove(path.c_str());
    }
  }
#endif
}

namespace {

/// Runs `command` through /bin/sh and returns its standard output.
std::string shell_output(const std::string& command) {
  std::string out;
  if (FILE* f = ::popen(command.c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    ::pclose(f);
  }
  return out;
}

bool have(const char* program) { return std::system(("command -v " + std::string(program) + " >/dev/null 2>&1").c_str()) == 0; }

std::string write_temp(const std::string& name, const std::string& text) {
  std::string path = "/tmp/runtime_cli_test_" + std::to_string(::getpid()) + "_" + name;
  if (FILE* f = std::fopen(path.c_str(), "w")) {
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  return path;
}

// A test-only command set whose names and choices mean something to a shell.
enum class odd { none, quote, subst, colon, backslash, help };
constexpr option odd_opts[] = {
    {.name = "mode", .kind = value_kind::choice, .help = "Mode: one of them", .choices = "$HOME|it's|a:b"},
};
constexpr cli::command<odd> odd_commands[] = {
    {.id = odd::none, .name = "auto", .stop_at_positional = true, .hidden = true},
    {.id = odd::quote, .name = "we'ird", .help = "Has a quote", .options = odd_opts},
    {.id = odd::subst, .name = "$(touch pwned)", .help = "Looks like a command substitution"},
    {.id = odd::colon, .name = "a:b", .help = "Has a colon"},
    {.id = odd::backslash, .name = "back\\slash", .help = "Has a backslash"},
    {.id = odd::help, .name = "help", .help = "Help", .max_positionals = 1},
};
constexpr cli::program<odd> odd_prog = {.name = "odd", .version = "1", .commands = odd_commands,
                                        .auto_command = odd::none, .help_command = odd::help};
static_assert(!cli::first_problem(odd_prog));

}  // namespace

TEST_CASE("runtime::cli::completion_script quoting") {
  const std::vector<std::string> names{"we'ird", "$(touch pwned)", "a:b", "back\\slash", "help"};
  auto sorted_lines = [](const std::string& text) {
    std::vector<std::string> lines;
    std::size_t i = 0;
    while (i < text.size()) {
      auto nl = text.find('\n', i);
      if (nl == std::string::npos) nl = text.size();
      lines.push_back(text.substr(i, nl - i));
      i = nl + 1;
    }
    std::sort(lines.begin(), lines.end());
    return lines;
  };
  auto sorted_names = names;
  std::sort(sorted_names.begin(), sorted_names.end());
  SUBCASE("bash offers the names as they are and expands nothing") {
    if (!have("bash")) return;
    const auto script = write_temp("odd.bash", cli::completion_script(odd_prog, cli::shell::bash));
    const std::string dir = "/tmp/runtime_cli_test_" + std::to_string(::getpid()) + "_dir";
    auto complete = [&](const std::string& words, int cword) {
      return shell_output("mkdir -p " + dir + " && cd " + dir + " && bash -c 'source " + script +
                          "; COMP_WORDS=(" + words + "); COMP_CWORD=" + std::to_string(cword) +
                          "; _odd_complete; printf \"%s\\n\" \"${COMPREPLY[@]}\"'");
    };
    CHECK(sorted_lines(complete("odd \"\"", 1)) == sorted_names);
    CHECK(sorted_lines(complete("odd \"\\$(\"", 1)) == std::vector<std::string>{"$(touch pwned)"});
    CHECK(sorted_lines(complete("odd help \"\"", 2)) == sorted_names);
    CHECK(sorted_lines(complete("odd \"we'\\''ird\" --mode \"\"", 3)) ==
          std::vector<std::string>{"$HOME", "a:b", "it's"});
    CHECK(std::system(("test ! -e " + dir + "/pwned").c_str()) == 0);
    CHECK(std::system(("rm -rf " + dir).c_str()) == 0);
    std::remove(script.c_str());
  }
  SUBCASE("zsh: a colon in a name is escaped for _describe") {
    const auto text = cli::completion_script(odd_prog, cli::shell::zsh);
    CHECK(text.find("'a\\:b:Has a colon'") != std::string::npos);
    CHECK(text.find("'back\\\\slash:Has a backslash'") != std::string::npos);
    if (!have("zsh")) return;
    const auto script = write_temp("_odd", text);
    CHECK(std::system(("zsh -n " + script).c_str()) == 0);
    std::remove(script.c_str());
  }
  SUBCASE("fish offers the names as they are") {
    if (!have("fish")) return;
    const auto script = write_temp("odd.fish", cli::completion_script(odd_prog, cli::shell::fish));
    auto complete = [&](const std::string& line) {
      std::string out = shell_output("fish --no-config -c 'source " + script + "; complete -C \"" + line + "\"'");
      std::string names_only;
      for (const auto& l : sorted_lines(out)) names_only += l.substr(0, l.find('\t')) + "\n";
      return sorted_lines(names_only.empty() ? names_only : names_only.substr(0, names_only.size() - 1));
    };
    // fish also offers files here; the names must be among the candidates, unmangled.
    auto first = complete("odd ");
    for (const auto& n : names) CHECK(std::find(first.begin(), first.end(), n) != first.end());
    auto help = complete("odd help ");
    for (const auto& n : names) CHECK(std::find(help.begin(), help.end(), n) != help.end());
    std::remove(script.c_str());
  }
}

TEST_CASE("runtime::cli::parse double dash") {
  SUBCASE("a command without trailing args counts the words after --") {
    auto e = parse_error({"serve", "-p1", "a", "--", "b"});
    CHECK(e.code() == "cli.too_many_arguments");
    CHECK(e.message() == "too many arguments for tool serve: unexpected \"b\"");
    CHECK(parse_error({"serve", "-p1", "--", "a", "b"}).message() ==
          "too many arguments for tool serve: unexpected \"b\"");
    auto ok = parse({"build", "--", "x"});  // build needs one entry: the word after -- is it
    CHECK(ok.positionals.empty());
    CHECK(ok.operands() == std::vector<std::string_view>{"x"});
    CHECK(parse({"help", "--", "build"}).operands() == std::vector<std::string_view>{"build"});
  }
  SUBCASE("a run-like command hands them on") {
    auto r = parse({"run", "--", "a", "b", "c"});
    CHECK(r.passthrough == std::vector<std::string_view>{"a", "b", "c"});
  }
}

TEST_CASE("runtime::cli::parse odd words") {
  SUBCASE("an empty or blank word gets no suggestion") {
    CHECK(cli::suggest_command(prog, "").empty());
    CHECK(cli::suggest_command(prog, " ").empty());
    CHECK(cli::suggest_command(prog, "\t").empty());
    CHECK(parse({""}).command == tool::none);
    CHECK(parse({" "}).command == tool::none);
  }
  SUBCASE("a non-ASCII short cluster is one unknown option, in whole characters") {
    auto e = parse_error({"-\xC3\xA9"});
    CHECK(e.code() == "cli.unknown_option");
    CHECK(e.message() == "tool has no \"-\xC3\xA9\" option");
    CHECK(parse_error({"-V\xC3\xA9z"}).message() == "tool has no \"-\xC3\xA9z\" option (in \"-V\xC3\xA9z\")");
    // An attached value may be any text.
    CHECK(parse({"-c\xC3\xA9.toml"}).value("config") == "\xC3\xA9.toml");
  }
  SUBCASE("quote_for_message cuts at a character boundary") {
    std::string s(199, 'x');
    s += "\xC3\xA9\xC3\xA9";  // byte 200 is inside the first é
    CHECK(cli::quote_for_message(s) == "\"" + std::string(199, 'x') + "...\"");
    CHECK(cli::quote_for_message("short") == "\"short\"");
  }
}
