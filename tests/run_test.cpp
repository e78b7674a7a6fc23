// SPDX-License-Identifier: MIT
// Unit tests of runtime.run: package.json, lookup, npm variables, shell command lines, lifecycle, messages.
// The expected values are what Bun 1.4.5 does (each was checked by running `bun run` in a temporary project).
#include <doctest/doctest.h>
#include "support/temp_dir.hpp"
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#if RUNTIME_USE_MODULES
import runtime.run;
import runtime.signal;
#else
#include <runtime/run.hpp>
#include <runtime/signal.hpp>
#endif

namespace run = runtime::run;
using runtime::environment;

namespace {

using runtime_tests::temp_dir;


std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// The error parse_package_json throws for `text`.
runtime::error parse_error(std::string text) {
  try {
    (void)run::parse_package_json(std::move(text), "/p/package.json");
  } catch (const runtime::error& e) {
    return e;
  }
  FAIL("no error");
  return runtime::error(runtime::error_kind::generic, "none", "none");
}

std::string value_of(const std::vector<std::pair<std::string, std::string>>& vars, std::string_view key) {
  for (const auto& [k, v] : vars)
    if (k == key) return v;
  return "<unset>";
}

struct fake_status {
  int exit_code = 0;
  int signal = 0;
};

}  // namespace

TEST_CASE("runtime::run::parse_package_json") {
  SUBCASE("name, version, scripts in file order, config strings") {
    auto p = run::parse_package_json(
        R"({"name":"my-pkg","version":"1.2.3","scripts":{"zeta":"echo Z","alpha":"echo A"},
            "config":{"port":"8080","n":5,"o":{"a":1}}})",
        "/proj/package.json");
    CHECK(p.path == "/proj/package.json");
    CHECK(p.dir == "/proj");
    CHECK(p.name == "my-pkg");
    CHECK(p.version == "1.2.3");
    REQUIRE(p.scripts.size() == 2);
    CHECK(p.scripts[0].first == "zeta");
    CHECK(p.scripts[1].first == "alpha");
    REQUIRE(p.script("alpha") != nullptr);
    CHECK(*p.script("alpha") == "echo A");
    CHECK(p.script("beta") == nullptr);
    REQUIRE(p.config.size() == 1);  // only strings: Bun sets npm_package_config_port only
    CHECK(p.config[0] == std::pair<std::string, std::string>("port", "8080"));
  }
  SUBCASE("as Bun reads it: trailing commas, comments, BOM, duplicate keys (first place, last value)") {
    auto p = run::parse_package_json("\xEF\xBB\xBF{\"scripts\":{\"z\":\"1\", // c\n \"a\":\"A1\", /* , } */ "
                                     "\"a\":\"A2\",\n},\n \"list\":[1,2,],}",
                                     "/p/package.json");
    REQUIRE(p.scripts.size() == 2);
    CHECK(p.scripts[0].first == "z");
    CHECK(p.scripts[1] == std::pair<std::string, std::string>("a", "A2"));
  }
  SUBCASE("a comma inside a string is not touched") {
    auto p = run::parse_package_json(R"({"scripts":{"a":"echo ,}","b":"x\",]"}})", "/p/package.json");
    CHECK(*p.script("a") == "echo ,}");
    CHECK(*p.script("b") == "x\",]");
  }
  SUBCASE("empty or non-string values count as absent") {
    auto p = run::parse_package_json(R"({"name":5,"version":"","scripts":{"e":"","n":5,"s":" "}})", "/p/package.json");
    CHECK_FALSE(p.name);
    CHECK_FALSE(p.version);
    CHECK(p.script("e") == nullptr);
    CHECK(p.script("n") == nullptr);
    REQUIRE(p.script("s") != nullptr);  // a blank script runs (Bun prints "$  ")
    CHECK(p.scripts.size() == 1);
  }
  SUBCASE("scripts that is not an object gives no scripts") {
    CHECK(run::parse_package_json(R"({"scripts":["echo"]})", "/p/package.json").scripts.empty());
  }
  SUBCASE("malformed: a located error") {
    auto e = parse_error("{\n  \"scripts\": {\"a\": \"echo A\"\n");
    CHECK(e.code() == "run.package_json_invalid");
    REQUIRE(e.location() != nullptr);
    CHECK(e.location()->file == "/p/package.json");
    CHECK(e.location()->line == 3);
    CHECK(e.message().find("invalid package.json: ") == 0);
    CHECK(e.message().find("[json.exception") == std::string::npos);

    auto e2 = parse_error("{\"a\": 1,,}");
    REQUIRE(e2.location() != nullptr);
    CHECK(e2.location()->line == 1);
    CHECK(e2.location()->column == 9);
    CHECK(e2.location()->line_text == "{\"a\": 1,,}");

    auto e3 = parse_error("{\"name\": \"x\"}\n  garbage");
    REQUIRE(e3.location() != nullptr);
    CHECK(e3.location()->line == 2);
    CHECK(e3.location()->column == 3);
  }
  SUBCASE("the caret is under the start of the offending token") {
    auto e = parse_error("{\"scripts\": {\"a\": \"echo A\" \"b\": 1}}");
    REQUIRE(e.location() != nullptr);
    CHECK(e.location()->column == 28);  // the opening quote of "b"
    auto e2 = parse_error("{\"a\": \"x\\\"y\" 12345}");
    REQUIRE(e2.location() != nullptr);
    CHECK(e2.location()->column == 14);  // 12345
  }
  SUBCASE("empty file and non-object top level") {
    CHECK(parse_error("").code() == "run.package_json_invalid");
    auto e = parse_error("\n  [1]");
    CHECK(e.message().find("array") != std::string::npos);
    REQUIRE(e.location() != nullptr);
    CHECK(e.location()->line == 2);
    CHECK(e.location()->column == 3);
  }
}

TEST_CASE("runtime::run::find_package_json") {
  temp_dir t;
  t.mkdir("a");
  t.mkdir("a/b");
  t.mkdir("a/b/c");
  SUBCASE("the nearest, walking up") {
    t.write("package.json", R"({"name":"outer","scripts":{"x":"echo outer"}})");
    t.write("a/package.json", R"({"version":"9.9.9"})");
    CHECK(run::find_package_json(t.at("a/b/c")) == t.at("a/package.json"));
    CHECK(run::find_package_json(t.at("a/b/c") + "/") == t.at("a/package.json"));
    CHECK(run::find_package_json(t.path) == t.at("package.json"));
    auto p = run::nearest_package_json(t.at("a/b"));
    REQUIRE(p);
    CHECK(p->dir == t.at("a"));
    CHECK(p->version == "9.9.9");
    CHECK(p->scripts.empty());  // the nearest one counts even without scripts (Bun: "Script not found")
  }
  SUBCASE("a directory named package.json is passed over") {
    t.write("package.json", "{}");
    t.mkdir("a/package.json");
    CHECK(run::find_package_json(t.at("a/b")) == t.at("package.json"));
  }
  SUBCASE("a relative start is taken from the working directory") {
    t.write("a/package.json", "{}");
    char old[4096];
    REQUIRE(::getcwd(old, sizeof old) != nullptr);
    REQUIRE(::chdir(t.at("a").c_str()) == 0);
    auto found = run::find_package_json("b/c");
    auto here = run::find_package_json("");
    REQUIRE(::chdir(old) == 0);
    CHECK(found == t.at("a/package.json"));
    CHECK(here == t.at("a/package.json"));
  }
  SUBCASE("a FIFO is a located error, not a hang and not a silent skip") {
    REQUIRE(::mkfifo(t.at("a/package.json").c_str(), 0644) == 0);
    REQUIRE(run::find_package_json(t.at("a/b")) == t.at("a/package.json"));
    try {
      (void)run::nearest_package_json(t.at("a/b"));
      FAIL("no error");
    } catch (const runtime::error& e) {
      CHECK(e.code() == "run.package_json_unreadable");
      CHECK(e.message() == "cannot read package.json: is not a regular file");
      REQUIRE(e.location() != nullptr);
      CHECK(e.location()->file == t.at("a/package.json"));
    }
  }
  SUBCASE("malformed file: its path, line and column") {
    t.write("a/package.json", "{\n \"scripts\": {\"a\": }\n}\n");
    try {
      (void)run::nearest_package_json(t.at("a/b/c"));
      FAIL("no error");
    } catch (const runtime::error& e) {
      CHECK(e.code() == "run.package_json_invalid");
      REQUIRE(e.location() != nullptr);
      CHECK(e.location()->file == t.at("a/package.json"));
      CHECK(e.location()->line == 2);
      CHECK(e.location()->column == 19);  // the '}' where a value was due
    }
  }
}

TEST_CASE("runtime::run::bin_dirs") {
  SUBCASE("Bun's order: package dir (when not the cwd), cwd twice, each ancestor, then /") {
    CHECK(run::bin_dirs("/tmp/runp/sub/deep", "/tmp/runp") ==
          std::vector<std::string>{"/tmp/runp", "/tmp/runp/sub/deep/node_modules/.bin",
                                   "/tmp/runp/sub/deep/node_modules/.bin", "/tmp/runp/sub/node_modules/.bin",
                                   "/tmp/runp/node_modules/.bin", "/tmp/node_modules/.bin", "/node_modules/.bin"});
    CHECK(run::bin_dirs("/tmp/runp", "/tmp/runp") ==
          std::vector<std::string>{"/tmp/runp/node_modules/.bin", "/tmp/runp/node_modules/.bin",
                                   "/tmp/node_modules/.bin", "/node_modules/.bin"});
    CHECK(run::bin_dirs("/tmp/runp/", "") == run::bin_dirs("/tmp/runp", "/tmp/runp/"));
  }
  SUBCASE("from the root") {
    CHECK(run::bin_dirs("/") == std::vector<std::string>{"//node_modules/.bin", "/node_modules/.bin"});
  }
  SUBCASE("child_path puts them ahead of PATH") {
    CHECK(run::child_path("/tmp/p", "", "/usr/bin:/bin") ==
          "/tmp/p/node_modules/.bin:/tmp/p/node_modules/.bin:/tmp/node_modules/.bin:/node_modules/.bin:/usr/bin:/bin");
    CHECK(run::child_path("/a", "", "") == "/a/node_modules/.bin:/a/node_modules/.bin:/node_modules/.bin:");
  }
}

TEST_CASE("runtime::run::find_program") {
  temp_dir t;
  t.mkdir("node_modules");
  t.mkdir("node_modules/.bin");
  t.mkdir("sub");
  t.mkdir("sub/node_modules");
  t.mkdir("sub/node_modules/.bin");
  t.mkdir("global");
  t.program("global/tool");
  t.program("global/only-global");
  t.program("node_modules/.bin/tool");
  t.program("node_modules/.bin/outer");
  t.program("sub/node_modules/.bin/outer");
  t.program("here");
  t.write("node_modules/.bin/not-exec", "x");
  SUBCASE("a project's node_modules/.bin wins over PATH, the nearest first") {
    CHECK(run::find_program("tool", t.at("sub"), t.path, t.at("global")) == t.at("node_modules/.bin/tool"));
    CHECK(run::find_program("outer", t.at("sub"), t.path, t.at("global")) == t.at("sub/node_modules/.bin/outer"));
    CHECK(run::find_program("only-global", t.at("sub"), t.path, t.at("global")) == t.at("global/only-global"));
    CHECK_FALSE(run::find_program("not-exec", t.at("sub"), t.path, t.at("global")));
    CHECK_FALSE(run::find_program("missing", t.at("sub"), t.path, t.at("global")));
  }
  SUBCASE("the package directory itself is on the PATH from a subdirectory, as in Bun") {
    CHECK(run::find_program("here", t.at("sub"), t.path, "") == t.at("here"));
    CHECK_FALSE(run::find_program("here", t.path, t.path, ""));
  }
}

TEST_CASE("runtime::run::npm_variables") {
  run::package_json pkg;
  pkg.path = "/proj/package.json";
  pkg.dir = "/proj";
  pkg.name = "my-pkg";
  pkg.version = "1.2.3";
  pkg.config = {{"port", "8080"}};
  run::npm_context c;
  c.package = &pkg;
  c.cwd = "/proj/sub";
  c.lifecycle_event = "build";
  c.lifecycle_script = "make all";
  c.runner = {"/usr/local/bin/rt", "rt/0.1.0 npm/? node/? linux x64"};
  c.node = "/usr/bin/node";
  SUBCASE("a script in a clean environment") {
    auto vars = run::npm_variables(environment{}, c);
    CHECK(value_of(vars, "npm_command") == "run-script");
    CHECK(value_of(vars, "npm_config_local_prefix") == "/proj/sub");
    CHECK(value_of(vars, "npm_config_user_agent") == "rt/0.1.0 npm/? node/? linux x64");
    CHECK(value_of(vars, "npm_execpath") == "/usr/local/bin/rt");
    CHECK(value_of(vars, "npm_lifecycle_event") == "build");
    CHECK(value_of(vars, "npm_lifecycle_script") == "make all");
    CHECK(value_of(vars, "NODE") == "/usr/bin/node");
    CHECK(value_of(vars, "npm_node_execpath") == "/usr/bin/node");
    CHECK(value_of(vars, "npm_package_name") == "my-pkg");
    CHECK(value_of(vars, "npm_package_version") == "1.2.3");
    CHECK(value_of(vars, "npm_package_json") == "/proj/package.json");
    CHECK(value_of(vars, "npm_package_config_port") == "8080");
    CHECK(vars.size() == 12);
  }
  SUBCASE("values already there: only the user agent and npm_execpath are kept (Bun 1.4.5)") {
    auto env = environment::from_pairs({{"npm_config_user_agent", "U"}, {"npm_execpath", "E"},
                                        {"npm_package_name", "N"}, {"npm_command", "C"},
                                        {"npm_config_local_prefix", "L"}, {"npm_lifecycle_event", "X"}});
    auto vars = run::npm_variables(env, c);
    CHECK(value_of(vars, "npm_config_user_agent") == "<unset>");
    CHECK(value_of(vars, "npm_execpath") == "<unset>");
    CHECK(value_of(vars, "npm_package_name") == "my-pkg");
    CHECK(value_of(vars, "npm_command") == "run-script");
    CHECK(value_of(vars, "npm_config_local_prefix") == "/proj/sub");
    CHECK(value_of(vars, "npm_lifecycle_event") == "build");
  }
  SUBCASE("a program: no lifecycle variables; no package.json: no package variables; no node: NODE untouched") {
    c.lifecycle_event.clear();
    c.lifecycle_script.clear();
    c.package = nullptr;
    c.node.reset();
    auto vars = run::npm_variables(environment{}, c);
    CHECK(value_of(vars, "npm_lifecycle_event") == "<unset>");
    CHECK(value_of(vars, "npm_package_json") == "<unset>");
    CHECK(value_of(vars, "NODE") == "<unset>");
    CHECK(vars.size() == 4);
  }
  SUBCASE("a package.json without name or version leaves inherited ones") {
    pkg.name.reset();
    pkg.version.reset();
    auto vars = run::npm_variables(environment{}, c);
    CHECK(value_of(vars, "npm_package_name") == "<unset>");
    CHECK(value_of(vars, "npm_package_version") == "<unset>");
    CHECK(value_of(vars, "npm_package_json") == "/proj/package.json");
  }
  SUBCASE("child_environment: the variables plus Bun's PATH") {
    auto env = environment::from_pairs({{"PATH", "/usr/bin:/bin"}, {"HOME", "/h"}});
    auto out = run::child_environment(env, c);
    CHECK(out.get("HOME") == "/h");
    CHECK(out.get("npm_lifecycle_event") == "build");
    CHECK(out.get("PATH") == "/proj:/proj/sub/node_modules/.bin:/proj/sub/node_modules/.bin:/proj/node_modules/.bin:"
                             "/node_modules/.bin:/usr/bin:/bin");
  }
  SUBCASE("user_agent") {
    const std::string ua = run::user_agent("rt", "0.1.0");
    CHECK(ua.find("rt/0.1.0 npm/? node/? ") == 0);
    CHECK(run::user_agent("bun", "1.4.5", "v26.3.0").find("bun/1.4.5 npm/? node/v26.3.0 ") == 0);
  }
}

TEST_CASE("runtime::run::find_node") {
  temp_dir t;
  t.mkdir("bin");
  t.mkdir("empty");
  t.program("bin/node");
  t.program("mynode");
  t.write("not-exec", "x");
  SUBCASE("NODE when it is an executable file, kept as written") {
    CHECK(run::find_node(environment::from_pairs({{"NODE", t.at("mynode")}, {"PATH", t.at("bin")}}), "/") ==
          t.at("mynode"));
    CHECK(run::find_node(environment::from_pairs({{"NODE", "mynode"}}), t.path) == "mynode");
    CHECK(run::find_node(environment::from_pairs({{"npm_node_execpath", t.at("mynode")}}), "/") == t.at("mynode"));
  }
  SUBCASE("else node on PATH; NODE hides npm_node_execpath even when unusable") {
    CHECK(run::find_node(environment::from_pairs({{"NODE", t.at("not-exec")}, {"PATH", t.at("bin")}}), "/") ==
          t.at("bin/node"));
    CHECK(run::find_node(environment::from_pairs({{"NODE", "/nonexistent"}, {"npm_node_execpath", t.at("mynode")},
                                                  {"PATH", t.at("empty")}}),
                         "/") == std::nullopt);
    CHECK(run::find_node(environment::from_pairs({{"NODE", t.path}, {"PATH", t.at("bin")}}), "/") == t.at("bin/node"));
  }
}

TEST_CASE("runtime::run::quote_argument") {
  SUBCASE("plain words stay as they are") {
    for (std::string_view a : {"plain", "-", "--x", "a/b.c", "a:b", "@", "%", "+", "^", "!bang", "\xC3\xA9", "a\x01" "b",
                               "a\x7f" "b", "a\xff" "b"})
      CHECK(run::quote_argument(a) == a);
  }
  SUBCASE("special bytes (digits too) are double-quoted, with \\ \" $ ` escaped") {
    CHECK(run::quote_argument("") == "\"\"");
    CHECK(run::quote_argument("sp ace") == "\"sp ace\"");
    CHECK(run::quote_argument("a1b") == "\"a1b\"");
    CHECK(run::quote_argument("a=b") == "\"a=b\"");
    CHECK(run::quote_argument("--flag=a b") == "\"--flag=a b\"");
    CHECK(run::quote_argument("dq\"x") == "\"dq\\\"x\"");
    CHECK(run::quote_argument("sq'x") == "\"sq'x\"");
    CHECK(run::quote_argument("dol$HOME") == "\"dol\\$HOME\"");
    CHECK(run::quote_argument("bs\\x") == "\"bs\\\\x\"");
    CHECK(run::quote_argument("bt`x`") == "\"bt\\`x\\`\"");
    CHECK(run::quote_argument("nl\nx") == "\"nl\nx\"");
    CHECK(run::quote_argument("a\rb") == "\"a\rb\"");
    CHECK(run::quote_argument("a\bb") == "\"a\b\"\"b\"");
    for (std::string_view a : {"#h", "~t", "p|q", "(x)", "{a,b}", "[x]", ",", "?", "a&b", "a;b", "a<b", "a>b", "*",
                               "a\tb"})
      CHECK(run::quote_argument(a) == "\"" + std::string(a) + "\"");
  }
  SUBCASE("script_command and shell_argv") {
    const std::vector<std::string> args{"x", "y z"};
    CHECK(run::script_command("echo A", args) == "echo A x \"y z\"");
    CHECK(run::script_command("echo A") == "echo A");
    CHECK(run::shell_argv("/usr/bin/bash", "echo A") == std::vector<std::string>{"/usr/bin/bash", "-c", "echo A"});
  }
}

TEST_CASE("runtime::run::find_shell") {
  temp_dir t;
  t.mkdir("both");
  t.mkdir("sh-only");
  t.mkdir("none");
  t.program("both/bash");
  t.program("both/sh");
  t.program("sh-only/sh");
  CHECK(run::find_shell(t.at("both")) == t.at("both/bash"));
  CHECK(run::find_shell(t.at("none") + ":" + t.at("sh-only")) == t.at("sh-only/sh"));
  auto fallback = run::find_shell(t.at("none"));  // the hard-coded list: this system has /bin/sh at least
  REQUIRE(fallback);
  CHECK(fallback->front() == '/');
}

TEST_CASE("runtime::run::lifecycle_steps") {
  auto pkg = run::parse_package_json(
      R"({"scripts":{"prea":"echo PRE","a":"echo A","posta":"echo POST","b":"echo B","pred":"echo PRE-D",
                     "e":"","pree":"echo PRE-E","q":"echo Q","prepreq":"echo PREPRE"}})",
      "/p/package.json");
  const std::vector<std::string> args{"x", "y z"};
  SUBCASE("pre, main, post; arguments go to the main script only") {
    auto steps = run::lifecycle_steps(pkg, "a", args);
    REQUIRE(steps.size() == 3);
    CHECK(steps[0].event == "prea");
    CHECK(steps[0].command == "echo PRE");
    CHECK_FALSE(steps[0].main);
    CHECK(steps[1].event == "a");
    CHECK(steps[1].script == "echo A");
    CHECK(steps[1].command == "echo A x \"y z\"");
    CHECK(steps[1].main);
    CHECK(steps[2].event == "posta");
    CHECK(steps[2].command == "echo POST");
  }
  SUBCASE("only what exists; a lone pre script or an empty main is no script") {
    CHECK(run::lifecycle_steps(pkg, "b").size() == 1);
    CHECK(run::lifecycle_steps(pkg, "d").empty());
    CHECK(run::lifecycle_steps(pkg, "e").empty());
    CHECK(run::lifecycle_steps(pkg, "q").size() == 1);  // no prepreq
  }
}

TEST_CASE("runtime::run::run_lifecycle") {
  auto pkg = run::parse_package_json(R"({"scripts":{"prea":"p","a":"m","posta":"q"}})", "/p/package.json");
  auto steps = run::lifecycle_steps(pkg, "a");
  std::vector<std::string> ran;
  SUBCASE("all succeed") {
    auto r = run::run_lifecycle(steps, [&](const run::script_step& s) {
      ran.push_back(s.event);
      return fake_status{};
    });
    CHECK(r.ok());
    CHECK(r.step == 2);
    CHECK(ran == std::vector<std::string>{"prea", "a", "posta"});
  }
  SUBCASE("a failing pre script stops the run with its status") {
    auto r = run::run_lifecycle(steps, [&](const run::script_step& s) {
      ran.push_back(s.event);
      return fake_status{s.event == "prea" ? 3 : 0, 0};
    });
    CHECK_FALSE(r.ok());
    CHECK(r.status.exit_code == 3);
    CHECK(steps[r.step].event == "prea");
    CHECK(ran == std::vector<std::string>{"prea"});
  }
  SUBCASE("a signal stops it too; a failing post script is the result") {
    auto r = run::run_lifecycle(steps, [&](const run::script_step& s) {
      ran.push_back(s.event);
      return fake_status{0, s.event == "a" ? SIGTERM : 0};
    });
    CHECK(r.status.signal == SIGTERM);
    CHECK(steps[r.step].event == "a");
    auto r2 = run::run_lifecycle(steps, [&](const run::script_step& s) { return fake_status{s.event == "posta" ? 5 : 0, 0}; });
    CHECK(r2.status.exit_code == 5);
    CHECK(r2.step == 2);
  }
  SUBCASE("no steps") {
    auto r = run::run_lifecycle(std::vector<run::script_step>{}, [](const run::script_step&) { return fake_status{}; });
    CHECK_FALSE(r.ran);
    CHECK_FALSE(r.ok());
  }
}

TEST_CASE("runtime::run::messages") {
  SUBCASE("the $ line") {
    CHECK(run::command_echo("echo A x \"y z\"") == "$ echo A x \"y z\"\n");
    CHECK(run::command_echo("true a\x01" "b \"a\b\"\"b\" \"a\rb\" \"a\nb\tc\" a\xff" "b") ==
          "$ true a\\x01b \"a\\x08\"\"b\" \"a\\rb\" \"a\nb\tc\" a\xEF\xBF\xBD" "b\n");
    CHECK(run::command_echo("exit 1", true) == "\x1b[0m\x1b[2m\x1b[35m$\x1b[0m \x1b[2m\x1b[1mexit 1\x1b[0m\n");
  }
  SUBCASE("scripts") {
    CHECK(run::script_failure("one", 1, 0) == "error: script \"one\" exited with code 1\n");
    CHECK(run::script_failure("big", 255, 0) == "error: script \"big\" exited with code 255\n");
    CHECK_FALSE(run::script_failure("ok", 0, 0));
    CHECK_FALSE(run::script_failure("two", 2, 0));
    CHECK_FALSE(run::script_failure("int", 0, SIGINT));
    CHECK(run::script_failure("term", 0, SIGTERM) ==
          "error: script \"term\" was terminated by signal SIGTERM (Polite quit request)\n");
    CHECK(run::script_failure("kill", 0, SIGKILL) ==
          "error: script \"kill\" was terminated by signal SIGKILL (Forced quit)\n");
#ifdef SIGSTKFLT
    CHECK(run::script_failure("sf", 0, SIGSTKFLT) ==
          "error: script \"sf\" was terminated by signal SIGSTKFLT (Stack fault)\n");
#endif
    CHECK(run::script_failure("rt", 0, 34) == "error: script \"rt\" was terminated by signal code 34\n");
    CHECK(run::script_failure("one", 1, 0, true) ==
          "\x1b[0m\x1b[31merror\x1b[0m\x1b[2m:\x1b[0m script \x1b[1m\"one\"\x1b[0m exited with code 1\x1b[0m\n");
    CHECK(run::script_failure("t", 0, SIGTERM, true) ==
          "\x1b[0m\x1b[31merror\x1b[0m\x1b[2m:\x1b[0m script \x1b[1m\"t\"\x1b[0m was terminated by signal SIGTERM "
          "\x1b[2m(Polite quit request)\x1b[0m\x1b[0m\n");
  }
  SUBCASE("programs") {
    CHECK(run::program_failure("prog", 3, 0) == "error: \"prog\" exited with code 3\n");
    CHECK(run::program_failure("prog", 2, 0) == "error: \"prog\" exited with code 2\n");
    CHECK(run::program_failure("/p/node_modules/.bin/prog", 2, 0) == "error: \"prog\" exited with code 2\n");
    CHECK_FALSE(run::program_failure("prog", 0, 0));
    CHECK_FALSE(run::program_failure("prog", 0, SIGINT));
    CHECK(run::program_failure("prog", 0, SIGTERM) ==
          "error: Failed to run \"prog\" due to signal SIGTERM (Polite quit request)\n");
    CHECK(run::program_failure("prog", 0, SIGUSR2) ==
          "error: Failed to run \"prog\" due to signal SIGUSR2 (User defined signal 2)\n");
    CHECK(run::program_failure("prog", 3, 0, true) ==
          "\x1b[0m\x1b[31merror\x1b[0m\x1b[2m:\x1b[0m \"\x1b[1mprog\x1b[0m\" exited with code 3\n");
    CHECK(run::program_failure("prog", 0, SIGTERM, true) ==
          "\x1b[0m\x1b[31merror\x1b[0m: Failed to run \"\x1b[1mprog\x1b[0m\" due to signal \x1b[1mSIGTERM "
          "\x1b[2m(Polite quit request)\x1b[0m\x1b[0m\n");
    CHECK(run::program_failure("prog", 0, 34, true) ==
          "\x1b[0m\x1b[31merror\x1b[0m: Failed to run \"\x1b[1mprog\x1b[0m\" due to signal \x1b[1mcode 34\x1b[0m\n");
  }
  SUBCASE("a program that could not be started: Bun's two lines, named by its base name") {
    CHECK(run::spawn_failure("/p/node_modules/.bin/yy", "ENOEXEC: /p/node_modules/.bin/yy: Exec format error (posix_spawn())") ==
          "error: Failed to run \"yy\" due to:\nENOEXEC: /p/node_modules/.bin/yy: Exec format error (posix_spawn())\n");
    CHECK(run::spawn_failure("yy", "E2BIG: x", true) == "\x1b[0m\x1b[31merror\x1b[0m: Failed to run \"\x1b[1myy\x1b[0m\" due to:\nE2BIG: x\n");
  }
}

TEST_CASE("runtime::run::script_list") {
  auto pkg = run::parse_package_json(R"({"scripts":{"zeta":"echo Z","alpha":"echo \"A2\"\nline2\t\u0001x"}})",
                                     "/p/package.json");
  SUBCASE("plain") {
    CHECK(run::script_list(&pkg) ==
          "package.json scripts (2 found):\n  $ bun run zeta\n    echo Z\n\n  $ bun run alpha\n"
          "    echo \"A2\"\\nline2\\t\\x01x\n\n");
    CHECK(run::script_list(&pkg, "rt run").find("  $ rt run zeta\n") != std::string::npos);
    auto none = run::parse_package_json(R"({"scripts":{"e":""}})", "/p/package.json");
    CHECK(run::script_list(&none) == "No \"scripts\" found in package.json.\n");
    CHECK(run::script_list(nullptr) == "No package.json found.\n");
  }
  SUBCASE("colour") {
    auto one = run::parse_package_json(R"({"scripts":{"zeta":"echo Z"}})", "/p/package.json");
    CHECK(run::script_list(&one, "bun run", true) ==
          "\x1b[1mpackage.json scripts (1 found):\x1b[0m\n  \x1b[2m$\x1b[0m bun run\x1b[0m \x1b[34mzeta\x1b[0m\n"
          "  \x1b[2m  echo Z\x1b[0m\n\n");
    CHECK(run::script_list(nullptr, "bun run", true) == "\x1b[0m\x1b[33mNo package.json found.\x1b[0m\n");
  }
  SUBCASE("not found") {
    CHECK(run::script_not_found("nope") == "error: Script not found \"nope\"\n");
    CHECK(run::script_not_found("nope", true) ==
          "\x1b[0m\x1b[31merror\x1b[0m\x1b[2m:\x1b[0m \x1b[1mScript not found \"\x1b[1mnope\x1b[0m\"\n");
  }
}

TEST_CASE("runtime::run::end_to_end") {
  // The pieces together, as a runner uses them: a script with pre/post run through bash with the child
  // environment; the quoted arguments reach the script unchanged.
  temp_dir t;
  t.mkdir("sub");
  t.write("package.json", R"({"name":"e2e","version":"2.0.0","scripts":{
      "prego":"printf 'pre:%s\\n' \"$npm_lifecycle_event\" >> out",
      "go":"printf '<%s>' >> out",
      "postgo":"printf '\\npost:%s:%s:%s\\n' \"$npm_lifecycle_event\" \"$npm_package_name\" \"$npm_config_local_prefix\" >> out",
  }})");
  auto pkg = run::nearest_package_json(t.at("sub"));
  REQUIRE(pkg);
  const char* path = std::getenv("PATH");
  auto env = environment::from_pairs({{"PATH", path ? path : "/usr/bin:/bin"}});
  auto shell = run::find_shell(env.get("PATH").value_or(""));
  REQUIRE(shell);
  const std::vector<std::string> args{"plain", "sp ace", "dq\"x", "sq'x", "dol$HOME", "bs\\x", "", "st*r", "a\bb",
                                      "nl\nx", "1"};
  auto steps = run::lifecycle_steps(*pkg, "go", args);
  REQUIRE(steps.size() == 3);
  auto r = run::run_lifecycle(steps, [&](const run::script_step& s) {
    run::npm_context c;
    c.package = &*pkg;
    c.cwd = t.at("sub");
    c.lifecycle_event = s.event;
    c.lifecycle_script = s.script;
    c.runner = {"/bin/rt", run::user_agent("rt", "0.1.0")};
    std::vector<std::string> envp;
    for (const auto& [k, v] : run::child_environment(env, c)) envp.push_back(std::string(k) + "=" + std::string(v));
    // The script runs in the package's directory; run_child starts it in ours, so cd first.
    auto argv = run::shell_argv(*shell, "cd '" + pkg->dir + "' && " + s.command);
    return runtime::signal::run_child(argv, envp);
  });
  CHECK(r.ok());
  CHECK(slurp(t.at("out")) == "pre:prego\n<plain><sp ace><dq\"x><sq'x><dol$HOME><bs\\x><><st*r><a\bb><nl\nx><1>\n"
                              "post:postgo:e2e:" + t.at("sub") + "\n");
}

TEST_CASE("runtime::run::shape_of and target_not_found") {
  // Each message is what `bun run <word>` prints when <word> is nowhere (checked against Bun 1.4.5).
  CHECK(run::target_not_found("nope") == "error: Script not found \"nope\"\n");
  CHECK(run::target_not_found("sub/x") == "error: Script not found \"sub/x\"\n");
  CHECK(run::target_not_found("nope.sh") == "error: File not found \"nope.sh\"\n");
  CHECK(run::target_not_found("sub/x.sh") == "error: File not found \"sub/x.sh\"\n");
  CHECK(run::target_not_found("nope.txt") == "error: File not found \"nope.txt\"\n");
  CHECK(run::target_not_found("./nope.sh") == "error: Module not found \"./nope.sh\"\n");
  CHECK(run::target_not_found("../nope.sh") == "error: Module not found \"../nope.sh\"\n");
  CHECK(run::target_not_found("/tmp/nope.sh") == "error: Module not found \"/tmp/nope.sh\"\n");
  CHECK(run::target_not_found(".hidden.sh") == "error: Module not found \".hidden.sh\"\n");
  CHECK(run::target_not_found("nope.ts") == "error: Module not found \"nope.ts\"\n");
  CHECK(run::target_not_found("sub/x.js") == "error: Module not found \"sub/x.js\"\n");
  CHECK(run::target_not_found("./nope.js", true) ==
        "\x1b[0m\x1b[31merror\x1b[0m\x1b[2m:\x1b[0m \x1b[1mModule not found \"\x1b[1m./nope.js\x1b[0m\"\n");
  CHECK(run::target_not_found("nope.txt", true) ==
        "\x1b[0m\x1b[31merror\x1b[0m\x1b[2m:\x1b[0m \x1b[1mFile not found \"\x1b[1mnope.txt\x1b[0m\"\n");
  CHECK(run::target_not_found(std::string(300, 'x')) == "error: Script not found \"" + std::string(200, 'x') + "...\"\n");
  CHECK(run::shape_of("x.") == run::target_shape::name);
  CHECK(run::shape_of("a.b/c") == run::target_shape::name);
  for (std::string_view js : {"a.js", "a.mjs", "a.cjs", "a.jsx", "a.ts", "a.mts", "a.cts", "a.tsx", "d/a.ts"})
    CHECK(run::is_javascript_name(js));
  for (std::string_view other : {"a.sh", "a.json", "a", "js", "a.js/x", "a.tsv"}) CHECK_FALSE(run::is_javascript_name(other));
  CHECK(run::javascript_target("rt", "index.js").find("note: run it with bun (bun run index.js) or node (node index.js)\n") !=
        std::string::npos);
}

TEST_CASE("runtime::run::target_arguments") {
  using v = std::vector<std::string_view>;
  const auto args = [](v words) { return run::target_arguments(words); };
  // `bun run x -- a` passes `a`; `bun run x -- -- b` passes `-- b`; `bun run x a -- b` passes `a -- b`.
  CHECK(args({"--", "a"}) == std::vector<std::string>{"a"});
  CHECK(args({"--", "--", "b"}) == std::vector<std::string>{"--", "b"});
  CHECK(args({"a", "--", "b"}) == std::vector<std::string>{"a", "--", "b"});
  CHECK(args({"--"}).empty());
  CHECK(args({}).empty());
}

TEST_CASE("runtime::run::child_environment_entries") {
  run::package_json pkg;
  pkg.path = "/proj/package.json";
  pkg.dir = "/proj";
  pkg.name = "my-pkg";
  pkg.version = "1.0.0";
  auto env = environment::from_pairs(
      {{"PATH", "/usr/bin"}, {"HOME", "/h"}, {"npm_execpath", "/kept"}, {"npm_package_name", "old"}, {"ZZZ", "z"}});
  run::npm_context c;
  c.package = &pkg;
  c.cwd = "/proj/sub";
  c.lifecycle_event = "build";
  c.lifecycle_script = "make";
  c.runner = {"/bin/rt", "rt/0.1.0 npm/? node/? linux x64"};
  c.node = "/usr/bin/node";
  // The same variables as child_environment, in its sorted order, as KEY=value.
  std::vector<std::string> expected;
  for (const auto& [k, v] : run::child_environment(env, c)) expected.push_back(std::string(k) + "=" + std::string(v));
  const auto got = run::child_environment_entries(env, c);
  CHECK(got == expected);
  CHECK(std::find(got.begin(), got.end(), "npm_execpath=/kept") != got.end());
  CHECK(std::find(got.begin(), got.end(), "npm_package_name=my-pkg") != got.end());
  CHECK(std::find(got.begin(), got.end(), "npm_lifecycle_event=build") != got.end());
  CHECK(std::find(got.begin(), got.end(), "HOME=/h") != got.end());
  CHECK(std::is_sorted(got.begin(), got.end(), [](const std::string& a, const std::string& b) {
    return a.substr(0, a.find('=')) < b.substr(0, b.find('='));
  }));
  CHECK(std::count_if(got.begin(), got.end(), [](const std::string& e) { return e.rfind("PATH=", 0) == 0; }) == 1);
}

TEST_CASE("runtime::run::self_identity") {
  const auto id = run::self_identity("rt", "1.2.3");
  CHECK(id.user_agent.rfind("rt/1.2.3 npm/? node/? ", 0) == 0);
  REQUIRE_FALSE(id.execpath.empty());
  CHECK(id.execpath[0] == '/');
  struct stat st {};
  CHECK(::stat(id.execpath.c_str(), &st) == 0);
}
