// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>
#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>
#if RUNTIME_USE_MODULES
import runtime.error;
import runtime.log;
#else
#include <runtime/log.hpp>
#endif

namespace logging = runtime::log;

namespace {

struct capture {
  std::mutex mu;
  std::vector<std::string> lines;
  logging::sink sink() {
    return [this](logging::level, std::string_view line) {
      std::lock_guard lock(mu);
      lines.emplace_back(line);
    };
  }
};

logging::config make(std::string_view spec, logging::format f, capture& cap) {
  logging::config c;
  c.levels = *logging::filter::parse(spec);
  c.format_ = f;
  c.color = false;
  c.timestamps = false;
  c.output = cap.sink();
  return c;
}

struct counted {
  int* count;
};
std::string to_string(const counted& c) {
  ++*c.count;
  return "counted";
}

// An argument whose to_string() logs: formatting runs without the log's lock, so this must not deadlock.
struct chatty {};
std::string to_string(const chatty&) {
  logging::info("inside to_string");
  return "chatty";
}

using env_map = std::map<std::string, std::string, std::less<>>;
auto lookup_in(const env_map& m) {
  return [&m](std::string_view k) -> std::optional<std::string_view> {
    auto it = m.find(k);
    if (it == m.end()) return std::nullopt;
    return std::string_view(it->second);
  };
}

}  // namespace

TEST_CASE("runtime::log::filter") {
  SUBCASE("level names, any case") {
    static_assert(noexcept(logging::parse_level("warn")));
    CHECK(logging::parse_level("WARNING") == logging::level::warn);
    CHECK(logging::parse_level("Trace") == logging::level::trace);
    CHECK(logging::parse_level("none") == logging::level::off);
    CHECK_FALSE(logging::parse_level("warnin"));
    CHECK_FALSE(logging::parse_level(""));
    CHECK_FALSE(logging::parse_level("debug "));
  }
  SUBCASE("a bare level sets the default") {
    auto f = logging::filter::parse("debug");
    REQUIRE(f);
    CHECK(f->default_level == logging::level::debug);
    CHECK(f->for_target("anything") == logging::level::debug);
  }
  SUBCASE("per-target directives with a default, longest match wins") {
    auto f = logging::filter::parse("runtime.env=trace,info,runtime=error");
    REQUIRE(f);
    CHECK(f->default_level == logging::level::info);
    CHECK(f->for_target("runtime.env") == logging::level::trace);
    CHECK(f->for_target("runtime.env.parse") == logging::level::trace);
    CHECK(f->for_target("runtime.cli") == logging::level::error);
    CHECK(f->for_target("runtime") == logging::level::error);
    CHECK(f->for_target("runtimex") == logging::level::info);  // a prefix must end at a dot
    CHECK(f->for_target("app") == logging::level::info);
    CHECK(f->max_level() == logging::level::trace);
  }
  SUBCASE("levels are case-insensitive, warning is warn, off disables") {
    CHECK(logging::filter::parse("WARNING")->default_level == logging::level::warn);
    CHECK(logging::filter::parse("a=OFF")->for_target("a") == logging::level::off);
  }
  SUBCASE("a bare target name enables it fully") {
    auto f = logging::filter::parse("runtime.env");
    REQUIRE(f);
    CHECK(f->for_target("runtime.env") == logging::level::trace);
    CHECK(f->default_level == logging::level::warn);
  }
  SUBCASE("empty items and whitespace are ignored") {
    auto f = logging::filter::parse(" info , , a=debug ,");
    REQUIRE(f);
    CHECK(f->default_level == logging::level::info);
    CHECK(f->for_target("a") == logging::level::debug);
  }
  SUBCASE("malformed directives are rejected with a reason that names the directive, not its text") {
    std::string why;
    CHECK_FALSE(logging::filter::parse("info,a=s3cr3t", &why));
    CHECK(why == "directive 2 has an unknown level after '=' (expected off, error, warn, info, debug or trace)");
    CHECK_FALSE(logging::filter::parse("=s3cr3t", &why));
    CHECK(why == "directive 1 has an empty target before '='");
    CHECK_FALSE(logging::filter::parse("a,,s3cr3t y!", &why));  // empty items count, so the number matches the commas
    CHECK(why == "directive 3 is neither a level nor a target name (letters, digits, '.', '_', '-', ':')");
  }
}

TEST_CASE("runtime::log::write") {
  capture cap;
  SUBCASE("text lines carry level, target and the formatted message") {
    logging::configure(make("info", logging::format::text, cap));
    logging::target t{"runtime.env"};
    t.info("loaded {} files from {}", 3, "/tmp");
    t.debug("not shown {}", 1);
    logging::warn("plain {} {{literal}}", true);
    logging::error("missing args {} {}", 1);
    logging::error("extra args", 7, 'c');
    REQUIRE(cap.lines.size() == 4);
    CHECK(cap.lines[0] == "INFO  runtime.env: loaded 3 files from /tmp\n");
    CHECK(cap.lines[1] == "WARN  plain true {literal}\n");
    CHECK(cap.lines[2] == "ERROR missing args 1 {}\n");
    CHECK(cap.lines[3] == "ERROR extra args 7 c\n");
  }
  SUBCASE("a null C string prints (null)") {
    logging::configure(make("info", logging::format::text, cap));
    const char* none = nullptr;
    char* none_mutable = nullptr;
    logging::info("{} {} {}", none, none_mutable, nullptr);
    logging::warn("{}", std::getenv("RUNTIME_LOG_TEST_SURELY_UNSET"));
    REQUIRE(cap.lines.size() == 2);
    CHECK(cap.lines[0] == "INFO  (null) (null) (null)\n");
    CHECK(cap.lines[1] == "WARN  (null)\n");
  }
  SUBCASE("text lines escape control characters, so a message cannot forge a line; UTF-8 stays") {
    logging::configure(make("info", logging::format::text, cap));
    logging::target{"app\n"}.info(
        "user {}", std::string("bob\nINFO  admin logged in\r\t\x1b[31m\x7f\x01 \xc3\xa9 \xe2\x9c\x93"));
    REQUIRE(cap.lines.size() == 1);
    CHECK(cap.lines[0] == "INFO  app\\n: user bob\\nINFO  admin logged in\\r\\t\\x1b[31m\\x7f\\x01 \xc3\xa9 \xe2\x9c\x93\n");
  }
  SUBCASE("text lines escape backslashes and C1 controls: a value cannot spell a forged line or a CSI") {
    logging::configure(make("info", logging::format::text, cap));
    logging::info("user {}", std::string("bob\\nINFO  admin logged in \xc2\x9b""31m \xc2\xa0"));
    REQUIRE(cap.lines.size() == 1);
    CHECK(cap.lines[0] == "INFO  user bob\\\\nINFO  admin logged in \\xc2\\x9b""31m \xc2\xa0\n");
  }
  SUBCASE("json lines are one valid object each") {
    logging::configure(make("trace", logging::format::json, cap));
    logging::target t{"app"};
    t.trace("quote \" and newline \n and {}", 2.5);
    REQUIRE(cap.lines.size() == 1);
    CHECK(cap.lines[0].back() == '\n');
    CHECK(std::count(cap.lines[0].begin(), cap.lines[0].end(), '\n') == 1);
    auto j = nlohmann::json::parse(cap.lines[0]);
    CHECK(j["level"] == "trace");
    CHECK(j["target"] == "app");
    CHECK(j["msg"] == "quote \" and newline \n and 2.5");
  }
  SUBCASE("json output survives invalid UTF-8") {
    logging::configure(make("info", logging::format::json, cap));
    logging::info("bad {}", std::string("\xff\xfe"));
    REQUIRE(cap.lines.size() == 1);
    CHECK(nlohmann::json::accept(cap.lines[0]));
  }
  SUBCASE("a disabled level never formats its arguments") {
    logging::configure(make("warn,runtime.env=info", logging::format::text, cap));
    int formatted = 0;
    logging::debug("{}", counted{&formatted});                      // below every target: the fast path
    logging::target{"runtime.env"}.debug("{}", counted{&formatted});  // below this target's level
    logging::target{"other"}.info("{}", counted{&formatted});         // max level is info, target is warn
    CHECK(formatted == 0);
    CHECK(cap.lines.empty());
    logging::target{"runtime.env"}.info("{}", counted{&formatted});
    CHECK(formatted == 1);
    CHECK(cap.lines.size() == 1);
  }
  SUBCASE("timestamps are ISO 8601 UTC with milliseconds") {
    auto c = make("info", logging::format::text, cap);
    c.timestamps = true;
    logging::configure(c);
    logging::info("x");
    REQUIRE(cap.lines.size() == 1);
    const std::string& l = cap.lines[0];
    REQUIRE(l.size() > 25);
    CHECK(l[4] == '-');
    CHECK(l[10] == 'T');
    CHECK(l[19] == '.');
    CHECK(l[23] == 'Z');
    CHECK(l.substr(24) == " INFO  x\n");
  }
  SUBCASE("colour wraps the level name") {
    auto c = make("info", logging::format::text, cap);
    c.color = true;
    logging::configure(c);
    logging::info("x");
    REQUIRE(cap.lines.size() == 1);
    CHECK(cap.lines[0] == "\x1b[32mINFO \x1b[0m x\n");
  }
  logging::configure(logging::config{});
}

TEST_CASE("runtime::log::span") {
  capture cap;
  SUBCASE("a span logs its elapsed time when it ends") {
    logging::configure(make("debug", logging::format::text, cap));
    { logging::span s(logging::level::debug, "runtime.env", "load .env"); }
    REQUIRE(cap.lines.size() == 1);
    CHECK(cap.lines[0].rfind("DEBUG runtime.env: load .env took ", 0) == 0);
    CHECK(cap.lines[0].find("ms\n") != std::string::npos);
  }
  SUBCASE("json spans carry elapsed_ms") {
    logging::configure(make("debug", logging::format::json, cap));
    {
      logging::span s("stage");
      double ms = s.finish();
      CHECK(ms >= 0);
      CHECK(s.finish() == 0);  // idempotent
    }
    REQUIRE(cap.lines.size() == 1);
    auto j = nlohmann::json::parse(cap.lines[0]);
    CHECK(j["msg"] == "stage");
    CHECK(j["elapsed_ms"].is_number());
  }
  SUBCASE("a temporary string may name the target") {
    logging::configure(make("debug", logging::format::text, cap));
    {
      const std::string name = "runtime.a.target.name.longer.than.sso";
      logging::span s(logging::level::debug, name + ".x", "work");
      std::string reuse(name.size() + 2, 'z');  // same size: the allocator hands back the temporary's block
      CHECK(reuse.size() == name.size() + 2);
    }
    REQUIRE(cap.lines.size() == 1);
    CHECK(cap.lines[0].rfind("DEBUG runtime.a.target.name.longer.than.sso.x: work took ", 0) == 0);
  }
  SUBCASE("a disabled span writes nothing") {
    logging::configure(make("info", logging::format::text, cap));
    { logging::span s("quiet"); }
    CHECK(cap.lines.empty());
  }
  logging::configure(logging::config{});
}

TEST_CASE("runtime::log::config::from_environment") {
  SUBCASE("RUNTIME_LOG and RUNTIME_LOG_FORMAT") {
    env_map env{{"RUNTIME_LOG", "runtime.env=trace,info"}, {"RUNTIME_LOG_FORMAT", "json"}};
    std::vector<std::string> warnings;
    auto c = logging::config::from_environment(lookup_in(env), &warnings);
    CHECK(warnings.empty());
    CHECK(c.format_ == logging::format::json);
    CHECK(c.levels.for_target("runtime.env") == logging::level::trace);
    CHECK(c.levels.default_level == logging::level::info);
  }
  SUBCASE("a bad filter gives one warning and the default; no warning quotes the value") {
    env_map env{{"RUNTIME_LOG", "runtime.env=s3cr3t"}, {"RUNTIME_LOG_FORMAT", "s3cr3t"}};
    std::vector<std::string> warnings;
    auto c = logging::config::from_environment(lookup_in(env), &warnings);
    REQUIRE(warnings.size() == 2);
    CHECK(warnings[0] == "ignoring RUNTIME_LOG: directive 1 has an unknown level after '=' (expected off, error, "
                         "warn, info, debug or trace); using the default level warn");
    CHECK(warnings[1] == "ignoring RUNTIME_LOG_FORMAT: expected text or json; using text");
    for (const auto& w : warnings) CHECK(w.find("s3cr3t") == std::string::npos);
    CHECK(c.levels.default_level == logging::level::warn);
    CHECK(c.levels.directives.empty());
    CHECK(c.format_ == logging::format::text);
  }
  SUBCASE("init_from_environment reports the bad filter through the log itself") {
    capture cap;
    env_map env{{"RUNTIME_LOG", "a=b=c"}, {"NO_COLOR", "1"}};
    logging::init_from_environment(lookup_in(env), cap.sink());
    REQUIRE(cap.lines.size() == 1);
    CHECK(cap.lines[0].find("WARN  runtime.log: ignoring RUNTIME_LOG: directive 1 has an unknown level") !=
          std::string::npos);
    CHECK(cap.lines[0].find("b=c") == std::string::npos);
    logging::warn("still logging");
    CHECK(cap.lines.size() == 2);
    logging::configure(logging::config{});
  }
  SUBCASE("colour: the rule of runtime::color_enabled (Bun's): FORCE_COLOR beats NO_COLOR beats the terminal") {
    using C = logging::config;
    using std::nullopt;
    using s = std::string;
    CHECK(C::color_wanted(s("1"), s("1"), false));  // a truthy FORCE_COLOR wins over NO_COLOR
    CHECK_FALSE(C::color_wanted(s("1"), s("0"), true));  // a falsy one forces nothing: NO_COLOR decides
    CHECK(C::color_wanted(s(""), s("1"), false));  // empty NO_COLOR is ignored
    CHECK(C::color_wanted(nullopt, s(""), false));
    CHECK(C::color_wanted(nullopt, s("off"), true));  // falsy FORCE_COLOR: the terminal decides
    CHECK_FALSE(C::color_wanted(nullopt, s("false"), false));
    CHECK(C::color_wanted(nullopt, nullopt, true));
    CHECK_FALSE(C::color_wanted(nullopt, nullopt, false));
    for (const auto& [no, force] : std::vector<std::pair<std::optional<s>, std::optional<s>>>{
             {s("1"), s("1")}, {s("1"), s("0")}, {nullopt, s("no")}, {s("0"), nullopt}, {s("x"), s("")}}) {
      env_map env;
      if (no) env["NO_COLOR"] = *no;
      if (force) env["FORCE_COLOR"] = *force;
      auto c = logging::config::from_environment(lookup_in(env));
      CHECK(c.color == runtime::color_enabled(no, force, ::isatty(2) == 1));  // logs and error display agree
    }
  }
}

TEST_CASE("runtime::log re-entrancy") {
  std::vector<std::string> lines;
  logging::config c;
  c.levels = *logging::filter::parse("info");
  c.timestamps = false;
  SUBCASE("a sink that logs does not deadlock: its own records are dropped") {
    c.output = [&](logging::level, std::string_view line) {
      lines.emplace_back(line);
      logging::error("from the sink");  // the log's lock is held here: this record is dropped
      CHECK_FALSE(logging::enabled(logging::level::error));
      logging::span inner(logging::level::error, "x", "inner span");
    };
    logging::configure(c);
    logging::info("outer");
    logging::info("second");
    CHECK(lines == std::vector<std::string>{"INFO  outer\n", "INFO  second\n"});
  }
  SUBCASE("an argument's to_string() may log: it runs before the lock is taken") {
    c.output = [&](logging::level, std::string_view line) { lines.emplace_back(line); };
    logging::configure(c);
    logging::info("value {}", chatty{});
    CHECK(lines == std::vector<std::string>{"INFO  inside to_string\n", "INFO  value chatty\n"});
  }
  SUBCASE("a sink that throws leaves logging usable") {
    bool fail = true;
    c.output = [&](logging::level, std::string_view line) {
      if (fail) throw std::runtime_error("sink failed");
      lines.emplace_back(line);
    };
    logging::configure(c);
    CHECK_THROWS(logging::info("lost"));
    fail = false;
    logging::info("kept");
    CHECK(lines == std::vector<std::string>{"INFO  kept\n"});
  }
  logging::configure(logging::config{});
}

TEST_CASE("runtime::log threads") {
  capture cap;
  logging::configure(make("info", logging::format::text, cap));
  constexpr int threads = 8, per = 500;
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([t] {
      for (int i = 0; i < per; ++i) logging::info("thread {} record {} {}", t, i, std::string(40, 'x'));
    });
  for (auto& t : ts) t.join();
  REQUIRE(cap.lines.size() == threads * per);
  for (const auto& l : cap.lines) {
    CHECK(l.rfind("INFO  thread ", 0) == 0);
    CHECK(l.find(std::string(40, 'x') + "\n") == l.size() - 41);
  }
  logging::configure(logging::config{});
}
