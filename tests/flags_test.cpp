// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>
#include "support/temp_dir.hpp"
#include <sys/stat.h>
#include <unistd.h>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>
#if RUNTIME_USE_MODULES
import runtime.error;
import runtime.log;
import runtime.env;
import runtime.flags;
#else
#include <runtime/flags.hpp>
#endif

namespace {

using runtime_tests::temp_dir;
// The compact one-line shape ("file:line:col: error: message", the line, a caret) these tests compare; it
// checks every part of a located error at once. Programs show errors with runtime::render.
std::string format_error(const runtime::error& e) {

  std::string out;
  if (const auto* l = e.location()) {
    out += l->file;
    if (l->line) {
      out += ':' + std::to_string(l->line);
      if (l->column) out += ':' + std::to_string(l->column);
    }
    out += ": ";
  }
  out += "error: " + e.message() + "\n";
  if (const auto* l = e.location(); l && l->line && !l->line_text.empty()) {
    std::string num = std::to_string(l->line);
    out += " " + num + " | " + l->line_text + "\n";
    if (l->column) {
      out += " " + std::string(num.size(), ' ') + " | ";
      // Keep tabs so the caret lines up under the same column in a terminal.
      for (std::uint32_t i = 1; i < l->column && i <= l->line_text.size(); ++i)
        out += l->line_text[i - 1] == '\t' ? '\t' : ' ';
      out += "^\n";
    }
  }
  for (const auto& h : e.hints()) out += "hint: " + h + "\n";
  for (const auto& n : e.notes()) out += "note: " + n + "\n";
  return out;
}
}  // namespace

namespace fl = runtime::flags;

namespace {

constexpr std::array<fl::flag_desc, 5> test_flags{{
    {.name = "disable_source_maps", .help = "do not map stack traces"},
    {.name = "dns_cache_ttl", .type = fl::flag_type::integer, .default_value = "30", .help = "DNS TTL (s)",
     .env = "BUN_CONFIG_DNS_TIME_TO_LIVE_SECONDS", .min = 0, .max = 86400},
    {.name = "log_level", .type = fl::flag_type::enumeration, .default_value = "warn", .help = "level",
     .choices = "debug|info|warn|error"},
    {.name = "registry", .type = fl::flag_type::string, .default_value = "https://registry.npmjs.org",
     .help = "registry"},
    {.name = "experimental_shell", .default_value = "true", .help = "shell builtins"},
}};
constexpr fl::flag_table table{.flags = test_flags, .env_prefix = "TEST_FLAG_"};
static_assert(fl::table_error(table).empty());

// Compile-time checks of the table checker itself.
constexpr std::array<fl::flag_desc, 1> bad_enum{{{.name = "x", .type = fl::flag_type::enumeration,
                                                  .default_value = "z", .choices = "a|b"}}};
static_assert(fl::table_error({.flags = bad_enum}) == "an enum default is not one of its choices");
constexpr std::array<fl::flag_desc, 1> bad_int{{{.name = "x", .type = fl::flag_type::integer, .default_value = "1x"}}};
static_assert(!fl::table_error({.flags = bad_int}).empty());
constexpr std::array<fl::flag_desc, 1> bad_range{
    {{.name = "x", .type = fl::flag_type::integer, .default_value = "5", .min = 10, .max = 20}}};
static_assert(!fl::table_error({.flags = bad_range}).empty());
constexpr std::array<fl::flag_desc, 2> dup{{{.name = "a"}, {.name = "a"}}};
static_assert(fl::table_error({.flags = dup}) == "two flags have the same name");
constexpr std::array<fl::flag_desc, 1> bad_name{{{.name = "Bad-Name"}}};
static_assert(!fl::table_error({.flags = bad_name}).empty());

runtime::error parse_error_of(std::string_view text, const fl::flag_table* t = &table) {
  try {
    (void)fl::parse_bunfig(text, "bunfig.toml", fl::source_kind::project_bunfig, t);
  } catch (const runtime::error& e) {
    return e;
  }
  FAIL("no error for: " << text);
  return runtime::error(runtime::error_kind::generic, "none", "none");
}


struct log_capture {
  std::shared_ptr<std::vector<std::string>> lines = std::make_shared<std::vector<std::string>>();
  log_capture() {
    runtime::log::config c;
    c.levels = *runtime::log::filter::parse("runtime.flags=debug");
    c.timestamps = false;
    auto l = lines;
    c.output = [l](runtime::log::level, std::string_view line) { l->emplace_back(line); };
    runtime::log::configure(std::move(c));
  }
  ~log_capture() { runtime::log::configure(runtime::log::config{}); }
  bool contains(std::string_view s) const {
    for (const auto& l : *lines)
      if (l.find(s) != std::string::npos) return true;
    return false;
  }
};

}  // namespace

TEST_CASE("runtime::flags::env_flag") {
  auto e = runtime::environment::from_pairs(
      {{"BUN_FEATURE_FLAG_A", "1"}, {"BUN_FEATURE_FLAG_B", "OFF"}, {"BUN_FEATURE_FLAG_C", "No"}});
  CHECK(fl::env_flag(e, "BUN_FEATURE_FLAG_", "A"));
  CHECK_FALSE(fl::env_flag(e, "BUN_FEATURE_FLAG_", "B"));
  CHECK_FALSE(fl::env_flag(e, "BUN_FEATURE_FLAG_", "C"));
  CHECK_FALSE(fl::env_flag(e, "BUN_FEATURE_FLAG_", "D"));
}

TEST_CASE("runtime::flags::split_feature_list") {
  using v = std::vector<std::string>;
  CHECK(fl::split_feature_list("a=b,c") == v{"a=b,c"});  // a value may hold a comma (issue 18)
  CHECK(fl::split_feature_list("a=1,b=2") == v{"a=1", "b=2"});
  CHECK(fl::split_feature_list("a,b") == v{"a", "b"});
  CHECK(fl::split_feature_list("a,b=x,y,c=z") == v{"a", "b=x,y", "c=z"});
  CHECK(fl::split_feature_list("a=x\\,c=y") == v{"a=x,c=y"});  // \, never separates
  CHECK(fl::split_feature_list("a=x\\\\,c=y") == v{"a=x\\", "c=y"});
  CHECK(fl::split_feature_list("p=C:\\dir") == v{"p=C:\\dir"});  // another backslash stays
  CHECK(fl::split_feature_list(",,a,,") == v{"a"});
  CHECK(fl::split_feature_list("").empty());
}

TEST_CASE("runtime::flags::resolve") {
  SUBCASE("defaults") {
    auto f = fl::resolve(table, runtime::environment{});
    REQUIRE(f->size() == 5);
    CHECK_FALSE(f->enabled("disable_source_maps"));
    CHECK(f->enabled("experimental_shell"));
    CHECK(f->integer("dns_cache_ttl") == 30);
    CHECK(f->string("log_level") == "warn");
    CHECK(f->string("registry") == "https://registry.npmjs.org");
    CHECK(f->source("dns_cache_ttl").kind == fl::source_kind::default_value);
    CHECK(f->source("dns_cache_ttl").where == "default");
    CHECK(f->all()[0].desc->name == "disable_source_maps");
  }
  SUBCASE("environment: Bun's feature-flag truthiness") {
    for (auto [v, want] : std::vector<std::pair<std::string, bool>>{{"", false},
                                                                      {"0", false},
                                                                      {"false", false},
                                                                      {"FALSE", false},
                                                                      {"No", false},
                                                                      {"oFF", false},
                                                                      {"1", true},
                                                                      {"true", true},
                                                                      {"yes", true},
                                                                      {"2", true},
                                                                      {"anything", true}}) {
      CAPTURE(v);
      auto f = fl::resolve(table, runtime::environment::from_pairs({{"TEST_FLAG_DISABLE_SOURCE_MAPS", v},
                                                                     {"TEST_FLAG_EXPERIMENTAL_SHELL", v}}));
      CHECK(f->enabled("disable_source_maps") == want);
      CHECK(f->enabled("experimental_shell") == want);
      CHECK(f->source("disable_source_maps").kind == fl::source_kind::environment);
      CHECK(f->source("disable_source_maps").where == "TEST_FLAG_DISABLE_SOURCE_MAPS");
    }
  }
  SUBCASE("environment: explicit variable name, integers and enums") {
    auto f = fl::resolve(table, runtime::environment::from_pairs({{"BUN_CONFIG_DNS_TIME_TO_LIVE_SECONDS", "5"},
                                                                   {"TEST_FLAG_LOG_LEVEL", "debug"},
                                                                   {"TEST_FLAG_REGISTRY", "http://x"}}));
    CHECK(f->integer("dns_cache_ttl") == 5);
    CHECK(f->source("dns_cache_ttl").where == "BUN_CONFIG_DNS_TIME_TO_LIVE_SECONDS");
    CHECK(f->string("log_level") == "debug");
    CHECK(f->string("registry") == "http://x");
    CHECK(fl::env_var_name(table, test_flags[0]) == "TEST_FLAG_DISABLE_SOURCE_MAPS");
  }
  SUBCASE("environment: a bad value is ignored with a warning that does not show it") {
    log_capture cap;
    auto f = fl::resolve(table, runtime::environment::from_pairs({{"BUN_CONFIG_DNS_TIME_TO_LIVE_SECONDS", "soon"},
                                                                   {"TEST_FLAG_LOG_LEVEL", "loud"}}));
    CHECK(f->integer("dns_cache_ttl") == 30);
    CHECK(f->source("dns_cache_ttl").kind == fl::source_kind::default_value);
    CHECK(f->string("log_level") == "warn");
    CHECK(cap.contains("ignoring BUN_CONFIG_DNS_TIME_TO_LIVE_SECONDS: the value must be an integer"));
    CHECK(cap.contains("ignoring TEST_FLAG_LOG_LEVEL: the value must be one of debug, info, warn or error"));
    CHECK_FALSE(cap.contains("soon"));
    CHECK_FALSE(cap.contains("loud"));
  }
  SUBCASE("environment: an unknown prefixed variable is a debug message with a suggestion") {
    log_capture cap;
    (void)fl::resolve(table, runtime::environment::from_pairs(
                                 {{"TEST_FLAG_DISABLE_SOURCE_MAP", "secret-value"}, {"TEST_FLAG_ZZZZZZZZZZZZ", "1"}}));
    CHECK(cap.contains(
        "unknown feature flag variable TEST_FLAG_DISABLE_SOURCE_MAP "
        "(did you mean \"TEST_FLAG_DISABLE_SOURCE_MAPS\"?)"));
    CHECK(cap.contains("unknown feature flag variable TEST_FLAG_ZZZZZZZZZZZZ"));
    CHECK_FALSE(cap.contains("TEST_FLAG_ZZZZZZZZZZZZ (did you mean"));
    CHECK_FALSE(cap.contains("secret-value"));
  }
  SUBCASE("command line") {
    std::vector<fl::cli_override> cli{fl::cli_override::parse("dns_cache_ttl=7"),
                                      fl::cli_override::parse("disable_source_maps"),
                                      fl::cli_override::parse("experimental_shell=off")};
    auto f = fl::resolve(table, runtime::environment{}, {}, cli);
    CHECK(f->integer("dns_cache_ttl") == 7);
    CHECK(f->source("dns_cache_ttl").kind == fl::source_kind::command_line);
    CHECK(f->source("dns_cache_ttl").where == "--feature dns_cache_ttl=7");
    CHECK(f->enabled("disable_source_maps"));
    CHECK_FALSE(f->enabled("experimental_shell"));
  }
  SUBCASE("command line: bad values are usage errors (exit 2)") {
    auto err = [](std::string_view arg) {
      std::vector<fl::cli_override> cli{fl::cli_override::parse(arg)};
      try {
        (void)fl::resolve(table, runtime::environment{}, {}, cli);
      } catch (const runtime::error& e) {
        CHECK(runtime::exit_status_of(e) == 2);
        CHECK(e.kind() == runtime::error_kind::flags);
        return e.message();
      }
      return std::string("no error");
    };
    CHECK(err("dns_cache_ttl=x") == "invalid value \"x\" for feature flag \"dns_cache_ttl\": must be an integer");
    CHECK(err("dns_cache_ttl=-1") ==
          "invalid value \"-1\" for feature flag \"dns_cache_ttl\": must be between 0 and 86400, not -1");
    CHECK(err("dns_cache_ttl=99999999999999999999") ==
          "invalid value \"99999999999999999999\" for feature flag \"dns_cache_ttl\": must be between 0 and 86400");
    CHECK(err("log_level") ==
          "feature flag \"log_level\" needs a value (log_level=<value>): it must be one of debug, info, warn or error");
    CHECK(err("dns_cache_ttl") ==
          "feature flag \"dns_cache_ttl\" needs a value (dns_cache_ttl=<value>): it must be an integer");
    CHECK(err("disable_source_maps") == "no error");
    CHECK(err("log_level=loud") ==
          "invalid value \"loud\" for feature flag \"log_level\": must be one of debug, info, warn or error");
    CHECK(err("disable_source_maps=maybe") ==
          "invalid value \"maybe\" for feature flag \"disable_source_maps\": must be true or false");
    CHECK(err("dns_cache_tll=1") == "unknown feature flag \"dns_cache_tll\" (did you mean \"dns_cache_ttl\"?)");
    CHECK(err("qqqqqqqqqq=1") == "unknown feature flag \"qqqqqqqqqq\"");
  }
  SUBCASE("typed accessors reject programming errors") {
    auto f = fl::resolve(table, runtime::environment{});
    CHECK_THROWS_AS((void)f->enabled("nope"), runtime::error);
    CHECK_THROWS_WITH((void)f->integer("disable_source_maps"),
                      "feature flag \"disable_source_maps\" is boolean, not integer");
    CHECK_THROWS_AS((void)f->string("dns_cache_ttl"), runtime::error);
    CHECK(f->find("nope") == nullptr);
  }
  SUBCASE("the snapshot is readable from many threads") {
    std::shared_ptr<const fl::feature_flags> f =
        fl::resolve(table, runtime::environment::from_pairs({{"TEST_FLAG_LOG_LEVEL", "info"}}));
    std::vector<std::thread> ts;
    std::array<int, 4> ok{};
    for (int t = 0; t < 4; ++t)
      ts.emplace_back([f, &ok, t] {
        for (int i = 0; i < 1000; ++i) ok[static_cast<std::size_t>(t)] += f->string("log_level") == "info";
      });
    for (auto& t : ts) t.join();
    for (int n : ok) CHECK(n == 1000);
  }
}

TEST_CASE("runtime::flags precedence") {
  // Every combination of the five sources for one flag: the highest present wins and is recorded.
  temp_dir d;
  d.write("global.toml", "[features]\ndns_cache_ttl = 2\n");
  d.write("bunfig.toml", "\n[features]\ndns_cache_ttl = 3\n");
  for (int mask = 0; mask < 16; ++mask) {
    CAPTURE(mask);
    bool global = mask & 1, project = mask & 2, envv = mask & 4, cli = mask & 8;
    std::vector<std::pair<std::string, std::string>> pairs;
    if (global) pairs.emplace_back("XDG_CONFIG_HOME", d.path + "/g");
    if (envv) pairs.emplace_back("BUN_CONFIG_DNS_TIME_TO_LIVE_SECONDS", "4");
    if (global) {
      ::mkdir((d.path + "/g").c_str(), 0700);
      d.write("g/.bunfig.toml", "[features]\ndns_cache_ttl = 2\n");
    }
    fl::bunfig_options opt;
    opt.cwd = d.path + (project ? "" : "/none");
    opt.features = &table;
    auto env = runtime::environment::from_pairs(pairs);
    auto cfg = fl::load_bunfig(env, opt);
    std::vector<fl::cli_override> o;
    if (cli) o.push_back(fl::cli_override::parse("dns_cache_ttl=5"));
    auto f = fl::resolve(table, env, cfg, o);
    std::int64_t want = cli ? 5 : envv ? 4 : project ? 3 : global ? 2 : 30;
    auto kind = cli       ? fl::source_kind::command_line
                : envv    ? fl::source_kind::environment
                : project ? fl::source_kind::project_bunfig
                : global  ? fl::source_kind::global_bunfig
                          : fl::source_kind::default_value;
    CHECK(f->integer("dns_cache_ttl") == want);
    CHECK(f->source("dns_cache_ttl").kind == kind);
    if (kind == fl::source_kind::project_bunfig) CHECK(f->source("dns_cache_ttl").where == d.path + "/bunfig.toml:3");
    if (kind == fl::source_kind::global_bunfig)
      CHECK(f->source("dns_cache_ttl").where == d.path + "/g/.bunfig.toml:2");
    (void)std::system(("rm -rf '" + d.path + "/g'").c_str());
  }
}

TEST_CASE("runtime::flags::load_bunfig") {
  temp_dir d;
  SUBCASE("global: XDG_CONFIG_HOME first, else HOME") {
    ::mkdir((d.path + "/xdg").c_str(), 0700);
    ::mkdir((d.path + "/home").c_str(), 0700);
    d.write("xdg/.bunfig.toml", "smol = true\n");
    d.write("home/.bunfig.toml", "smol = false\ntelemetry = false\n");
    fl::bunfig_options opt;
    opt.cwd = d.path;
    auto both = fl::load_bunfig(
        runtime::environment::from_pairs({{"XDG_CONFIG_HOME", d.path + "/xdg"}, {"HOME", d.path + "/home"}}), opt);
    REQUIRE(both.smol);
    CHECK(both.smol->value);
    CHECK(both.smol->source.kind == fl::source_kind::global_bunfig);
    CHECK_FALSE(both.telemetry);
    auto home = fl::load_bunfig(runtime::environment::from_pairs({{"HOME", d.path + "/home"}}), opt);
    REQUIRE(home.smol);
    CHECK_FALSE(home.smol->value);
    CHECK(home.files == std::vector<std::string>{d.path + "/home/.bunfig.toml"});
    opt.global = false;
    CHECK_FALSE(fl::load_bunfig(runtime::environment::from_pairs({{"HOME", d.path + "/home"}}), opt).smol);
  }
  SUBCASE("project overrides global key by key") {
    ::mkdir((d.path + "/home").c_str(), 0700);
    d.write("home/.bunfig.toml", "smol = true\ntelemetry = false\n");
    d.write("bunfig.toml", "smol = false\n");
    fl::bunfig_options opt;
    opt.cwd = d.path;
    auto c = fl::load_bunfig(runtime::environment::from_pairs({{"HOME", d.path + "/home"}}), opt);
    CHECK_FALSE(c.smol->value);
    CHECK(c.smol->source.kind == fl::source_kind::project_bunfig);
    CHECK(c.smol->source.where == d.path + "/bunfig.toml:1");
    CHECK_FALSE(c.telemetry->value);
    CHECK(c.telemetry->source.kind == fl::source_kind::global_bunfig);
    CHECK(c.files.size() == 2);
  }
  SUBCASE("explicit --config replaces the project file; relative to cwd") {
    d.write("bunfig.toml", "smol = true\n");
    d.write("other.toml", "logLevel = \"error\"\n");
    fl::bunfig_options opt;
    opt.cwd = d.path;
    opt.config_path = "other.toml";
    auto c = fl::load_bunfig(runtime::environment{}, opt);
    CHECK_FALSE(c.smol);
    REQUIRE(c.log_level);
    CHECK(c.log_level->value == runtime::log::level::error);
    CHECK(c.log_level->source.where == d.path + "/other.toml:1");
  }
  SUBCASE("an explicit non-.toml file is JSON with comments, as in Bun") {
    d.write("bunfig.json", "{\n  // comment\n  \"smol\": true, \"env\": null, \"preload\": [\"./a.ts\"],\n"
                           "  \"run\": {\"silent\": true}, \"features\": {\"dns_cache_ttl\": 8}\n}\n");
    fl::bunfig_options opt;
    opt.cwd = d.path;
    opt.config_path = "bunfig.json";
    opt.features = &table;
    auto c = fl::load_bunfig(runtime::environment{}, opt);
    CHECK(c.smol->value);
    CHECK(c.smol->source.where == d.path + "/bunfig.json");
    CHECK_FALSE(c.env_autoload);
    CHECK(c.preload->value == std::vector<std::string>{"./a.ts"});
    CHECK(c.run.silent->value);
    CHECK(fl::resolve(table, runtime::environment{}, c)->integer("dns_cache_ttl") == 8);
    auto err = [&](std::string_view text) {
      d.write("bad.json", text);
      opt.config_path = "bad.json";
      try {
        (void)fl::load_bunfig(runtime::environment{}, opt);
      } catch (const runtime::error& e) {
        return format_error(e);
      }
      return std::string("no error");
    };
    CHECK(err("{\"smol\": 1}") == d.path + "/bad.json: error: \"smol\" must be a boolean, not an integer\n");
    CHECK(err("{\"smoll\": true}") == "no error");  // an unknown key is a warning (bunfig::warnings)
    d.write("bad.json", "{\"smoll\": true}");
    CHECK(format_error(fl::load_bunfig(runtime::environment{}, opt).warnings.at(0)) ==
          d.path + "/bad.json: error: unknown key \"smoll\" (did you mean \"smol\"?)\n");
    CHECK(err("{\n  \"smol\": tru\n}").rfind(d.path + "/bad.json:2:", 0) == 0);
    // The reason, not the tail of nlohmann's "last read" excerpt; raw newlines from the file escaped.
    CHECK(err("{\"logLevel\": tru}").find("invalid JSON: syntax error while parsing value - invalid literal") !=
          std::string::npos);
    std::string unterminated = err("{\"a\": \"b\n");
    CHECK(unterminated.find("invalid JSON: syntax error while parsing value") != std::string::npos);
    CHECK(unterminated.substr(0, unterminated.find('\n')).find("invalid string") != std::string::npos);
    CHECK(err("{\"install\": " + std::string(300, '[') + std::string(300, ']') + "}") ==
          d.path + "/bad.json: error: invalid JSON: nested deeper than 256 levels\n");
    CHECK(err("{\"a\": 1e99999}") == d.path + "/bad.json: error: invalid JSON: number overflow parsing '1e99999'\n");
    CHECK(err("[1]") == d.path + "/bad.json:1:1: error: a JSON config must be an object\n 1 | [1]\n   | ^\n");
  }
  SUBCASE("a missing project file is fine; a missing explicit file is an error") {
    fl::bunfig_options opt;
    opt.cwd = d.path;
    auto c = fl::load_bunfig(runtime::environment{}, opt);
    CHECK(c.files.empty());
    CHECK(c.loads_default_env_files());
    opt.config_path = "nope.toml";
    try {
      (void)fl::load_bunfig(runtime::environment{}, opt);
      FAIL("no error");
    } catch (const runtime::error& e) {
      CHECK(e.code() == "config.not_found");
      CHECK(e.kind() == runtime::error_kind::config);
      CHECK(runtime::exit_status_of(e) == 1);
      CHECK(format_error(e) == d.path + "/nope.toml: error: config file \"" + d.path + "/nope.toml\" not found\n");
    }
  }
  SUBCASE("an unreadable file is an error") {
    ::mkdir((d.path + "/bunfig.toml").c_str(), 0700);  // a directory: open succeeds, read fails
    fl::bunfig_options opt;
    opt.cwd = d.path;
    try {
      (void)fl::load_bunfig(runtime::environment{}, opt);
      FAIL("no error");
    } catch (const runtime::error& e) {
      CHECK(e.code() == "config.unreadable");
      CHECK(e.message() == "cannot read config file \"" + d.path + "/bunfig.toml\": it is a directory");
      CHECK(runtime::exit_status_of(e) == 1);
    }
  }
  SUBCASE("a FIFO found as bunfig.toml is refused, not waited on") {
    REQUIRE(::mkfifo((d.path + "/bunfig.toml").c_str(), 0600) == 0);
    fl::bunfig_options opt;
    opt.cwd = d.path;
    try {
      (void)fl::load_bunfig(runtime::environment{}, opt);
      FAIL("no error");
    } catch (const runtime::error& e) {
      CHECK(e.code() == "config.unreadable");
      CHECK(e.message().find("not a regular file") != std::string::npos);
    }
  }
  SUBCASE("an explicit pipe is read; an endless device stops at the size limit") {
    REQUIRE(::mkfifo((d.path + "/pipe.toml").c_str(), 0600) == 0);
    std::thread writer([&] { std::ofstream(d.path + "/pipe.toml") << "smol = true\n"; });
    fl::bunfig_options opt;
    opt.cwd = d.path;
    opt.config_path = "pipe.toml";
    auto c = fl::load_bunfig(runtime::environment{}, opt);
    writer.join();
    CHECK(c.smol->value);
    opt.config_path = "/dev/zero";
    try {
      (void)fl::load_bunfig(runtime::environment{}, opt);
      FAIL("no error");
    } catch (const runtime::error& e) {
      CHECK(e.message() == "cannot read config file \"/dev/zero\": larger than 16 MiB");
    }
  }
}

TEST_CASE("runtime::flags::parse_bunfig deep keys and one-line messages") {
  auto err = [](const std::string& text) {
    try {
      (void)fl::parse_bunfig(text, "b.toml");
    } catch (const runtime::error& e) {
      return format_error(e);
    }
    return std::string("no error");
  };
  SUBCASE("a dotted key or header of 200,000 parts is an error, not a stack overflow") {
    std::string parts;
    for (int i = 0; i < 200000; ++i) parts += ".a";
    CHECK(err("[install" + parts + "]\n").rfind("b.toml:1:", 0) == 0);
    CHECK(err("[install" + parts + "]\n").find("more than 256 dotted parts") != std::string::npos);
    CHECK(err("\n\ninstall" + parts + " = 1\n").rfind("b.toml:3:", 0) == 0);
    CHECK(err("x = { install" + parts + " = 1 }\n").find("more than 256 dotted parts") != std::string::npos);
  }
  SUBCASE("total nesting is bounded: header parts + key parts + inline tables (issue 18: SIGSEGV in ~table)") {
    // The 132 KB file: a 256-part header, a 256-part key, 255 nested inline tables each with a 256-part key.
    std::string key = "a";
    for (int i = 1; i < 256; ++i) key += ".a";
    std::string text = "[" + key + "]\n" + key + " = ";
    for (int i = 0; i < 255; ++i) text += "{" + key + " = ";
    text += "1";
    for (int i = 0; i < 255; ++i) text += "}";
    text += "\n";
    CHECK(text.size() > 130000);
    const std::string m = err(text);
    CHECK(m.rfind("b.toml:2:", 0) == 0);
    CHECK(m.find("nested more than 512 levels deep in all") != std::string::npos);
    // Reasonable nesting passes, and empty inline tables and arrays close what they open.
    const std::string ok = "[install.scopes.c]\nx = {}\ny = [ {}, { z = [[1], [2]] } ]\nw.v = { u = { t = 1 } }\n";
    CHECK(err(ok) == "no error");
    std::string wide = "[" + key + "]\n";  // 256 parts, then sibling keys of 256 parts: 512 deep, not more
    for (int i = 0; i < 50; ++i) wide += key + std::to_string(i) + " = 1\n";
    CHECK(err(wide).find("nested more than") == std::string::npos);
    // 300 inline tables of one-part keys: depth 301.
    std::string inl = "x = ";
    for (int i = 0; i < 600; ++i) inl += "{ y = ";
    CHECK(err(inl).find("nested more than 512 levels deep") != std::string::npos);
  }
  SUBCASE("dots in values do not count") {
    std::string floats = "x = [";
    for (int i = 0; i < 400; ++i) floats += "1.5, ";
    floats += "2.5]\n";
    std::string s = "y = \"" + std::string(400, '.') + "\"\n# " + std::string(400, '.') + "\n";
    CHECK(err(floats).find("dotted parts") == std::string::npos);
    CHECK(err(s).find("dotted parts") == std::string::npos);
  }
  SUBCASE("a parser message is one line") {
    std::string m = err("smol = fals\n");
    CHECK(m.rfind("b.toml:1:", 0) == 0);
    auto first = m.substr(0, m.find('\n'));
    CHECK(first.find("invalid TOML: ") != std::string::npos);
    CHECK(first.back() == '\'');  // the closing quote toml++ put after a newline is on the message line
  }
}

TEST_CASE("runtime::flags::parse_bunfig") {
  SUBCASE("core keys") {
    auto c = fl::parse_bunfig(R"(logLevel = "debug"
smol = true
telemetry = false
preload = ["./a.ts", "./b.ts"]

[define]
"process.env.X" = "'y'"

[run]
silent = true
shell = "system"
bun = true
elide-lines = 5
noOrphans = true

[install]
registry = "https://example.com"
[test]
coverage = true
)");
    CHECK(c.log_level->value == runtime::log::level::debug);
    CHECK(c.smol->value);
    CHECK_FALSE(c.telemetry->value);
    CHECK(c.telemetry->source.where == "bunfig.toml:3");
    CHECK(c.preload->value == std::vector<std::string>{"./a.ts", "./b.ts"});
    CHECK(c.define.at("process.env.X").value == "'y'");
    CHECK(c.run.silent->value);
    CHECK(c.run.shell->value == "system");
    CHECK(c.run.bun->value);
    CHECK(c.run.elide_lines->value == 5);
    CHECK(c.run.no_orphans->value);
    CHECK(c.files == std::vector<std::string>{"bunfig.toml"});
    CHECK(fl::parse_bunfig("preload = \"./x.ts\"").preload->value == std::vector<std::string>{"./x.ts"});
  }
  SUBCASE("env: bool or [env] file") {
    CHECK(fl::parse_bunfig("").loads_default_env_files());
    CHECK_FALSE(fl::parse_bunfig("env = false").loads_default_env_files());
    CHECK(fl::parse_bunfig("env = true").loads_default_env_files());
    CHECK_FALSE(fl::parse_bunfig("[env]\nfile = false").loads_default_env_files());
    auto c = fl::parse_bunfig("[env]\nfile = \".env.custom\"\nautoExpand = false\n");
    CHECK(c.loads_default_env_files());
    CHECK(c.env_file->value == ".env.custom");
    CHECK(c.env_file->source.where == "bunfig.toml:2");
    CHECK_FALSE(c.env_auto_expand->value);
  }
  SUBCASE("feature table, checked against the flag table") {
    auto c = fl::parse_bunfig("[features]\ndisable_source_maps = true\nlog_level = \"info\"\n", "b.toml",
                              fl::source_kind::global_bunfig, &table);
    REQUIRE(c.features.size() == 2);
    CHECK(c.features[0].name == "disable_source_maps");
    CHECK(c.features[0].source.kind == fl::source_kind::global_bunfig);
    CHECK(c.features[1].source.where == "b.toml:3");
    auto f = fl::resolve(table, runtime::environment{}, c);
    CHECK(f->enabled("disable_source_maps"));
    CHECK(f->string("log_level") == "info");
  }
  SUBCASE("a program-named feature table") {
    constexpr fl::flag_table named{.flags = test_flags, .env_prefix = "X_", .bunfig_table = "myapp"};
    auto c = fl::parse_bunfig("[myapp]\ndns_cache_ttl = 9\n", "bunfig.toml", fl::source_kind::project_bunfig, &named);
    CHECK(fl::resolve(named, runtime::environment{}, c)->integer("dns_cache_ttl") == 9);
  }
  SUBCASE("without a table, [features] is checked by resolve()") {
    auto c = fl::parse_bunfig("[features]\ndns_cache_ttl = \"x\"\n");
    try {
      (void)fl::resolve(table, runtime::environment{}, c);
      FAIL("no error");
    } catch (const runtime::error& e) {
      CHECK(format_error(e) ==
            "bunfig.toml:2:17: error: feature flag \"dns_cache_ttl\" must be an integer\n"
            " 2 | dns_cache_ttl = \"x\"\n"
            "   |                 ^\n");
    }
  }
}

TEST_CASE("runtime::flags error messages") {
  auto shape = [](std::string_view text) { return format_error(parse_error_of(text)); };
  SUBCASE("malformed TOML") {
    auto e = parse_error_of("smol = true\nlogLevel = \n");
    CHECK(e.code() == "config.parse");
    CHECK(e.kind() == runtime::error_kind::config);
    CHECK(runtime::exit_status_of(e) == 1);
    REQUIRE(e.location() != nullptr);
    CHECK(e.location()->file == "bunfig.toml");
    CHECK(e.location()->line == 2);
    CHECK(e.location()->line_text == "logLevel = ");
    CHECK(format_error(e).rfind("bunfig.toml:2:", 0) == 0);
    CHECK(shape("[run\n") .find("error: invalid TOML: ") != std::string::npos);
  }
  SUBCASE("inputs that violate toml++ 3.3's internal assertions are parse errors") {
    CHECK(shape("[!]\n") ==
          "bunfig.toml:1:2: error: invalid TOML: Error while parsing key: expected bare key starting character or "
          "string delimiter, saw '!'\n"
          " 1 | [!]\n"
          "   |  ^\n");
    CHECK(shape("smol = true\n[[ \x01]]\n").rfind("bunfig.toml:2:4: error: invalid TOML: ", 0) == 0);
    CHECK(shape(std::string_view("\xEF\xBB\xBF[\0]", 6)).rfind("bunfig.toml:1:2: error: invalid TOML: ", 0) == 0);
    CHECK(shape("a = [1,}\n").rfind("bunfig.toml:1:8: error: invalid TOML: ", 0) == 0);
    CHECK(shape("[install]\na = { b = [1,}}\n").rfind("bunfig.toml:2:14: error: invalid TOML: ", 0) == 0);
    // Non-ASCII outside strings and comments (toml++ 3.3 has undefined behaviour there) is a parse error...
    CHECK(shape("smol = true é\n") ==
          "bunfig.toml:1:13: error: invalid TOML: non-ASCII character outside a string (U+00E9)\n"
          " 1 | smol = true é\n"
          "   |             ^\n");
    CHECK(shape("[run]\nsilent = \xEF\xBB\x99\n").rfind("bunfig.toml:2:10: error: invalid TOML: non-ASCII character "
                                                        "outside a string (U+FED9)", 0) == 0);
    CHECK(shape("a = \"\"\"\\\n  \xC2\xA7\"\"\"\n").find("(U+00A7)") != std::string::npos);  // tomlplusplus#190
    CHECK(shape("a = \"\\\xC2\xA7\"\n").find("(U+00A7)") != std::string::npos);
    CHECK(shape("\xFF = 1\n").find("(byte 0xFF)") != std::string::npos);
    CHECK(shape("x = 1 \xF0\x9F\x98\x80\n").find("(U+01F600)") != std::string::npos);
    // toml++ scans a value that starts with a digit or sign up to a terminator, quotes included.
    CHECK(shape("[install]\na = 9m05'''\xC5\xBD'''\n")
              .rfind("bunfig.toml:2:12: error: invalid TOML: non-ASCII", 0) == 0);
    CHECK(shape("[install]\na = 1979-05-27 \"\xC3\xA9\"\n").find("(U+00E9)") != std::string::npos);
    CHECK_NOTHROW((void)fl::parse_bunfig(
        "[install]\na = [1, \"\xC3\xA9\"]\nb = -1 # \xC3\xA9\nc = 1979-05-27 # \xC3\xA9\n"));
    // ... while it is fine in strings, comments and after a BOM.
    auto u = fl::parse_bunfig(
        "\xEF\xBB\xBF# café ¶\n[define]\n\"é\" = \"café\"\nb = 'ü'\nc = \"\"\"\n§\"\"\"\nd = '''é'''\n");
    CHECK(u.define.at("\xC3\xA9").value == "caf\xC3\xA9");
    CHECK(u.define.at("c").value == "\xC2\xA7");
    CHECK(u.define.at("d").value == "\xC3\xA9");
    // A '[' that starts a line inside a value or a string is not a header.
    CHECK_NOTHROW((void)fl::parse_bunfig("[install]\nx = [\n[ {a = 1} ],\n[+1], # [!\n]\ny = 1\n"));
    auto c = fl::parse_bunfig("[define]\nX = \"\"\"\n[!] \"\"\"\nY = '''\n[{'''\nZ = \"[\\\"\"\n");
    CHECK(c.define.at("X").value == "[!] ");
    CHECK(c.define.at("Y").value == "[{");
    CHECK(c.define.at("Z").value == "[\"");
  }
  SUBCASE("unknown keys: a warning with a suggestion, the rest still read (Bun passes over them)") {
    // The one warning parse_bunfig records for `text`; the text must not fail.
    auto shape = [](std::string_view text) {
      const auto b = fl::parse_bunfig(text, "bunfig.toml", fl::source_kind::project_bunfig, &table);
      REQUIRE(b.warnings.size() == 1);
      CHECK(b.warnings[0].code() == "config.unknown_key");
      return format_error(b.warnings[0]);
    };
    const auto both = fl::parse_bunfig("smoll = true\nsmol = true\n[run]\nsilnet = true\nsilent = true\n");
    REQUIRE(both.warnings.size() == 2);
    // In the file's order (toml++ walks keys sorted: "run" before "smoll").
    CHECK(both.warnings[0].message().find("\"smoll\"") != std::string::npos);
    CHECK(both.warnings[1].message().find("\"silnet\"") != std::string::npos);
    CHECK(both.smol->value);
    CHECK(both.run.silent->value);
    CHECK(fl::parse_bunfig("smol = true\n[install]\nx = 1\n").warnings.empty());  // Bun's own keys
    CHECK(shape("smoll = true\n") ==
          "bunfig.toml:1:1: error: unknown key \"smoll\" (did you mean \"smol\"?)\n"
          " 1 | smoll = true\n"
          "   | ^\n");
    CHECK(shape("loglevel = \"debug\"\n") ==
          "bunfig.toml:1:1: error: unknown key \"loglevel\" (did you mean \"logLevel\"?)\n"
          " 1 | loglevel = \"debug\"\n"
          "   | ^\n");
    CHECK(shape("[run]\n  silnet = true\n") ==
          "bunfig.toml:2:3: error: unknown key \"silnet\" in [run] (did you mean \"silent\"?)\n"
          " 2 |   silnet = true\n"
          "   |   ^\n");
    CHECK(shape("zzzzzzzzzzzzzz = 1\n") ==
          "bunfig.toml:1:1: error: unknown key \"zzzzzzzzzzzzzz\"\n"
          " 1 | zzzzzzzzzzzzzz = 1\n"
          "   | ^\n");
    CHECK(shape("[featurs]\nx = 1\n").find("unknown key \"featurs\" (did you mean \"features\"?)") !=
          std::string::npos);
    auto e = parse_error_of("[features]\ndisable_sourcemaps = true\n");
    CHECK(e.kind() == runtime::error_kind::flags);
    CHECK(e.code() == "flags.unknown");
    CHECK(format_error(e) ==
          "bunfig.toml:2:1: error: unknown feature flag \"disable_sourcemaps\" in [features] (did you mean "
          "\"disable_source_maps\"?)\n"
          " 2 | disable_sourcemaps = true\n"
          "   | ^\n");
  }
  SUBCASE("wrong types and values") {
    CHECK(shape("smol = \"yes\"\n") ==
          "bunfig.toml:1:8: error: \"smol\" must be a boolean, not a string\n"
          " 1 | smol = \"yes\"\n"
          "   |        ^\n");
    CHECK(shape("logLevel = \"loud\"\n") ==
          "bunfig.toml:1:12: error: \"logLevel\" must be one of debug, info, warn or error, not \"loud\"\n"
          " 1 | logLevel = \"loud\"\n"
          "   |            ^\n");
    CHECK(shape("[run]\nshell = \"zsh\"\n").find("error: \"run.shell\" must be \"bun\" or \"system\", not \"zsh\"") !=
          std::string::npos);
    CHECK(shape("env = 1\n").find("\"env\" must be a boolean or a table, not an integer") != std::string::npos);
    CHECK(shape("preload = [1]\n").find("\"preload[]\" must be a string, not an integer") != std::string::npos);
    CHECK(shape("run = 3\n").find("\"run\" must be a table, not an integer") != std::string::npos);
    CHECK(shape("[define]\nX = 1\n").find("\"define.X\" must be a string, not an integer") != std::string::npos);
    CHECK(shape("[features]\ndns_cache_ttl = 1.5\n")
              .find("feature flag \"dns_cache_ttl\" in [features] must be a boolean, integer or string, not a float") !=
          std::string::npos);
    CHECK(shape("[features]\ndns_cache_ttl = -3\n") ==
          "bunfig.toml:2:17: error: feature flag \"dns_cache_ttl\" must be between 0 and 86400, not -3\n"
          " 2 | dns_cache_ttl = -3\n"
          "   |                 ^\n");
    CHECK(shape("[features]\nlog_level = \"loud\"\n")
              .find("feature flag \"log_level\" must be one of debug, info, warn or error, not \"loud\"") !=
          std::string::npos);
    CHECK(shape("[features]\ndisable_source_maps = 1\n")
              .find("feature flag \"disable_source_maps\" must be a boolean") !=
          std::string::npos);
    CHECK(shape("features = 1\n").find("\"features\" must be a table, not an integer") != std::string::npos);
  }
  SUBCASE("tabs keep the caret aligned") {
    CHECK(shape("\tsmol = 1\n") ==
          "bunfig.toml:1:9: error: \"smol\" must be a boolean, not an integer\n"
          " 1 | \tsmol = 1\n"
          "   | \t       ^\n");
  }
}
