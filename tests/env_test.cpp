// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>
#include "support/temp_dir.hpp"
#include <thread>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#if RUNTIME_USE_MODULES
import runtime.env;
import runtime.error;
#else
#include <runtime/env.hpp>
#endif

namespace {

using runtime_tests::temp_dir;

using runtime::environment;
namespace env = runtime::env;


// The value of `key` after loading `text` as the only .env file over `base`.
std::optional<std::string> bun_value(std::string_view text, std::string_view key,
                                     const environment& base = environment{}) {
  auto r = env::load_text(base, text);
  auto v = r.env.get(key);
  return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

std::optional<std::string> dotenv_value(std::string_view text, std::string_view key,
                                        const environment& base = environment{}) {
  auto r = env::load_text<env::dotenv_dialect>(base, text);
  auto v = r.env.get(key);
  return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

}  // namespace

TEST_CASE("runtime::environment") {
  auto e = environment::from_pairs({{"A", "1"}, {"B", ""}, {"C", "false"}, {"D", "yes"}, {"A", "2"}});
  CHECK(e.get("A") == std::string_view("1"));
  CHECK_FALSE(e.get("Z"));
  CHECK(e.contains("B"));
  CHECK(e.get_bool("A"));
  CHECK_FALSE(e.get_bool("B"));
  CHECK_FALSE(e.get_bool("C"));
  CHECK(e.get_bool("D"));
  CHECK_FALSE(e.get_bool("Z"));
  std::vector<std::string> keys;
  for (const auto& kv : e) keys.emplace_back(kv.first);
  CHECK(keys == std::vector<std::string>{"A", "B", "C", "D"});
  ::setenv("RUNTIME_TEST_SNAPSHOT", "x", 1);
  auto p = environment::from_process();
  ::setenv("RUNTIME_TEST_SNAPSHOT", "y", 1);
  CHECK(p.get("RUNTIME_TEST_SNAPSHOT") == std::string_view("x"));
  CHECK(p.origin("RUNTIME_TEST_SNAPSHOT")->is_process());

  SUBCASE("typed getters") {
    auto t = environment::from_pairs({{"N", "42"}, {"M", " -7 "}, {"X", "4x"}, {"BIG", "99999999999999999999"},
                                      {"E", ""}});
    CHECK(t.get_int("N") == 42);
    CHECK(t.get_int("M") == -7);
    CHECK_FALSE(t.get_int("NOPE"));
    CHECK(t.get_int_or("NOPE", 5) == 5);
    CHECK_THROWS_AS(t.get_int("X"), runtime::error);
    CHECK_THROWS_AS(t.get_int("E"), runtime::error);
    try {
      (void)t.get_int("BIG");
      FAIL("no throw");
    } catch (const runtime::error& err) {
      CHECK(err.code() == "env.not_an_integer");
      CHECK(err.kind() == runtime::error_kind::env);
    }
    CHECK(t.get_or("NOPE", "fb") == "fb");
    CHECK(t.get_or("N", "fb") == "42");
  }

  SUBCASE("with, without and envp never touch the process") {
    auto a = environment::from_pairs({{"B", "2"}, {"A", "1"}});
    auto b = a.with("C", "3").with("A", "x").without("B");
    CHECK(a.size() == 2);
    CHECK(b.get("A") == std::string_view("x"));
    CHECK_FALSE(b.contains("B"));
    auto envp = b.to_envp();
    REQUIRE(envp.size() == 2);
    CHECK(std::string(envp.data()[0]) == "A=x");
    CHECK(std::string(envp.data()[1]) == "C=3");
    CHECK(envp.data()[2] == nullptr);
    auto moved = std::move(envp);  // pointers stay valid after a move
    CHECK(std::string(moved.data()[1]) == "C=3");
    CHECK(::getenv("C") == nullptr);
  }

  SUBCASE("views stay valid as long as any copy or derived environment lives") {
    std::optional<environment> base = environment::from_pairs({{"K", std::string(100, 'k')}, {"L", "l"}});
    environment copy = *base;
    environment derived = base->with("M", std::string(50, 'm')).without("L");
    std::string_view k = *base->get("K");
    base.reset();
    CHECK(k == std::string(100, 'k'));
    CHECK(copy.get("K") == std::string_view(std::string(100, 'k')));
    CHECK(derived.get("K") == std::string_view(std::string(100, 'k')));
    CHECK(derived.get("M") == std::string_view(std::string(50, 'm')));
    std::optional<env::loaded> r = env::load_text(environment{}, "A=plain\nB=\"quoted\"\nC=\"esc\\n\"\nD=$A-x\n");
    environment kept = r->env;
    r.reset();
    CHECK(kept.get("A") == std::string_view("plain"));
    CHECK(kept.get("B") == std::string_view("quoted"));
    CHECK(kept.get("C") == std::string_view("esc\n"));
    CHECK(kept.get("D") == std::string_view("plain-x"));
  }

  SUBCASE("iteration is sorted bytewise, first duplicate wins") {
    // Long shared prefixes, keys that are prefixes of others, bytes >= 0x80, enough keys for the radix path.
    std::vector<std::pair<std::string, std::string>> pairs;
    std::uint32_t x = 12345;
    for (int i = 0; i < 3000; ++i) {
      std::string k;
      x = x * 1103515245u + 12345u;
      std::size_t len = (x >> 8) % 24;
      for (std::size_t j = 0; j < len; ++j) {
        x = x * 1103515245u + 12345u;
        k.push_back("AB_ab.\x7f\x80\xff"[(x >> 16) % 9]);
      }
      pairs.emplace_back(k, std::to_string(i));
    }
    auto e = environment::from_pairs(pairs);
    const auto& want = pairs;
    std::vector<std::size_t> idx(want.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
      return want[a].first != want[b].first ? want[a].first < want[b].first : a < b;
    });
    std::vector<std::pair<std::string, std::string>> sorted;
    for (auto i : idx)
      if (sorted.empty() || sorted.back().first != want[i].first) sorted.push_back(want[i]);
    std::vector<std::pair<std::string, std::string>> got;
    for (const auto& [k, v] : e) got.emplace_back(std::string(k), std::string(v));
    CHECK(got == sorted);
  }

  SUBCASE("apply_to_process is explicit") {
    auto before = environment::from_process();
    auto mine = before.with("RUNTIME_TEST_APPLIED", "yes");
    CHECK(mine.apply_to_process(false));
    CHECK(std::string(::getenv("RUNTIME_TEST_APPLIED")) == "yes");
    ::unsetenv("RUNTIME_TEST_APPLIED");
  }
}

TEST_CASE("runtime::env::bun_dialect parsing") {
  // Each expectation was recorded from Bun 1.4.5 (tests/env/cases.json holds the full corpus).
  struct row { std::string_view text, key; std::optional<std::string_view> want; };
  const row rows[] = {
      {"A=1", "A", "1"},
      {"  A = 1  ", "A", "1"},
      {"A=", "A", ""},
      {"A", "A", std::nullopt},
      {"export A=1", "A", "1"},
      {"export = bar", "export", "bar"},
      {"A: b", "A", "b"},
      {"A:b", "A", std::nullopt},
      {"K\n=v", "K", "v"},
      {"A=\n\"v\"", "A", "v"},
      {"A=foo#x", "A", "foo"},
      {"A= \"q\" #c", "A", "q"},
      {"A=\"abc", "A", "\"abc"},
      {"A=\"a\"b\"\nC=1", "A", "a"},
      {"A=\"a\\nb\"", "A", "a\nb"},
      {"A='a\\nb'", "A", "a\\nb"},
      {"A=`a\\nb`", "A", "a\\nb"},
      {"A=\"a\\tb\"", "A", "a\\tb"},
      {"A=\"l1\r\nl2\"", "A", "l1\nl2"},
      {"A=1\r\nB=2\r\n", "B", "2"},
      {"\xEF\xBB\xBF" "A=bom", "A", "bom"},
      {"1A=x", "1A", "x"},
      {"a.b-c_d=1", "a.b-c_d", "1"},
      {"A=1\nA=2", "A", "2"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.text);
    auto got = bun_value(r.text, r.key);
    if (r.want) {
      REQUIRE(got);
      CHECK(*got == *r.want);
    } else {
      CHECK_FALSE(got);
    }
  }
}

TEST_CASE("runtime::env::bun_dialect expansion") {
  CHECK(bun_value("A=1\nB=$A", "B") == "1");
  CHECK(bun_value("A='x $B'\nB=2", "A") == "x 2");  // single quotes expand; a later key reads raw
  CHECK(bun_value("B=$A\nA=1", "B") == "1");
  CHECK(bun_value("A=${X:-def}", "A") == "def");
  CHECK(bun_value("X=\nA=${X:-d}", "A") == "");  // defined but empty: no default
  CHECK(bun_value("A=$X:-def", "A") == ":-def");
  CHECK(bun_value("A=\\$x", "A") == "$x");
  CHECK(bun_value("A=a$", "A") == "a$");
  CHECK(bun_value("A=a$ b", "A") == "a$ b");
  CHECK(bun_value("A=${B}c${C}\nB=1", "A") == "1c");
  CHECK(bun_value("B=${A:-${C:-deep}}", "B") == "deep");
  CHECK(bun_value("B=${A-x}", "B") == "${A-x}");
  auto proc = environment::from_pairs({{"P", "proc"}, {"Q", "$P"}});
  CHECK(bun_value("X=$P\nP=file", "X", proc) == "proc");
  CHECK(bun_value("X=$Q", "X", proc) == "$P");  // process values are never re-expanded
  CHECK(bun_value("P=file", "P", proc) == "proc");

  SUBCASE("loaded variables iterate sorted by key") {
    std::string text;
    std::vector<std::string> want;
    for (int i = 300; i-- > 0;) {
      std::string k = (i % 3 == 0 ? "LONG_SHARED_PREFIX_" : i % 3 == 1 ? "K" : "a.b-") + std::to_string(i * 7919 % 1000);
      text += k + "=v\n";
      want.push_back(k);
    }
    std::sort(want.begin(), want.end());
    want.erase(std::unique(want.begin(), want.end()), want.end());
    std::vector<std::string> got;
    for (const auto& kv : env::load_text(environment{}, text).env) got.emplace_back(kv.first);
    CHECK(got == want);
  }

  SUBCASE("no recursion a crafted file can blow") {
    std::string deep = "A=";
    for (int i = 0; i < 100000; ++i) deep += "${X:-";
    deep += "end";
    for (int i = 0; i < 100000; ++i) deep += "}";
    auto v = bun_value(deep, "A");
    REQUIRE(v);
    CHECK(v->find("end") != std::string::npos);
    CHECK(bun_value("A=$B\nB=$A", "A") == "$A");  // cycles read the raw value once
    std::string quotes(200000, '"');
    CHECK_NOTHROW(env::load_text(environment{}, "A=" + quotes));
  }
}

TEST_CASE("runtime::env provenance lines") {
  // Lines are counted eight bytes at a time when the text has no \r, byte by byte otherwise: both agree.
  std::string lf, crlf, cr;
  for (int i = 0; i < 200; ++i) {
    std::string line = i % 3 == 0 ? "# a comment that is longer than eight bytes" : i % 3 == 1 ? "" : "K" + std::to_string(i) + "=v";
    lf += line + "\n";
    crlf += line + "\r\n";
    cr += line + "\r";
  }
  lf += "Q=\"multi\nline\"\nLAST=1";
  crlf += "Q=\"multi\r\nline\"\r\nLAST=1";
  cr += "Q=\"multi\rline\"\rLAST=1";
  for (const std::string* text : {&lf, &crlf, &cr}) {
    auto r = env::load_text(environment{}, *text);
    CHECK(r.env.origin("K2")->line == 3);
    CHECK(r.env.origin("K197")->line == 198);
    CHECK(r.env.origin("Q")->line == 201);
    CHECK(r.env.origin("LAST")->line == 203);
  }
}

TEST_CASE("runtime::env::load files and precedence") {
  temp_dir d;
  d.write(".env", "A=env\nB=env\nC=$D\nR=$A\n");
  d.write(".env.local", "A=local\nD=local\n");
  d.write(".env.development", "B=dev\n");
  d.write(".env.production", "B=prod\n");
  d.write(".env.test", "B=test\n");
  env::load_options o;
  o.cwd = d.path;

  SUBCASE("development") {
    auto r = env::load(environment::from_pairs({{"PATH", "/bin"}}), o);
    CHECK(r.mode == env::mode::development);
    CHECK(r.env.get("A") == std::string_view("local"));
    CHECK(r.env.get("B") == std::string_view("dev"));
    CHECK(r.env.get("C") == std::string_view("local"));
    CHECK(r.env.get("R") == std::string_view("local"));
    CHECK(r.files == std::vector<std::string>{".env.local", ".env.development", ".env"});
    auto origin = r.env.origin("B");
    REQUIRE(origin);
    CHECK(origin->to_string() == ".env.development:1");
    CHECK(r.env.origin("R")->to_string() == ".env:4");
    CHECK(r.env.origin("PATH")->is_process());
  }
  SUBCASE("test mode skips .env.local") {
    auto r = env::load(environment::from_pairs({{"NODE_ENV", "test"}}), o);
    CHECK(r.mode == env::mode::test);
    CHECK(r.env.get("A") == std::string_view("env"));
    CHECK(r.env.get("B") == std::string_view("test"));
  }
  SUBCASE("BUN_ENV wins over NODE_ENV, even empty") {
    CHECK(env::mode_of(environment::from_pairs({{"NODE_ENV", "production"}, {"BUN_ENV", ""}})) ==
          env::mode::development);
    CHECK(env::mode_of(environment::from_pairs({{"NODE_ENV", "production"}})) == env::mode::production);
    auto r = env::load(environment::from_pairs({{"NODE_ENV", "test"}}), [&] {
      auto p = o;
      p.mode_override = env::mode::production;
      return p;
    }());
    CHECK(r.env.get("B") == std::string_view("prod"));
  }
  SUBCASE("explicit files replace the defaults; the last named wins") {
    d.write("a", "A=a\n");
    d.write("b", "A=b\nB=$A\n");
    o.env_files = {"b", "a"};
    auto r = env::load(environment{}, o);
    CHECK(r.env.get("A") == std::string_view("a"));
    CHECK(r.env.get("B") == std::string_view("a"));
    CHECK_FALSE(r.env.contains("R"));
    CHECK(env::explicit_files({"a,b", " c ", "", "d, e"}) ==
          std::vector<std::string>{" e", "d", "c", "b", "a"});
  }
  SUBCASE("--no-env-file and bunfig's file=false") {
    o.no_env_file = true;
    CHECK(env::load(environment{}, o).env.size() == 0);
    o.no_env_file = false;
    o.default_files_enabled = false;
    CHECK(env::load(environment{}, o).env.size() == 0);
    d.write("x", "X=1");
    o.env_files = {"x"};
    CHECK(env::load(environment{}, o).env.get("X") == std::string_view("1"));
  }
  SUBCASE("a directory, a missing file and bad UTF-8 get clear diagnostics, never a crash") {
    d.mkdir("dir");
    d.write("latin1", "A=caf\xE9\nB=2\n");
    o.env_files = {"dir,missing,latin1"};
    auto r = env::load(environment{}, o);
    CHECK(r.env.get("B") == std::string_view("2"));
    REQUIRE(r.diagnostics.size() == 2);
    CHECK(r.diagnostics[0].code() == "env.invalid_utf8");
    REQUIRE(r.diagnostics[0].location());
    CHECK(r.diagnostics[0].location()->line == 1);
    CHECK(r.diagnostics[0].location()->column == 6);
    CHECK(r.diagnostics[1].code() == "env.is_directory");
  }
  SUBCASE("a FIFO found as .env.local is refused, not waited on; one named with --env-file is read") {
    ::unlink((d.path + "/.env.local").c_str());
    REQUIRE(::mkfifo((d.path + "/.env.local").c_str(), 0600) == 0);
    auto r = env::load(environment{}, o);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].code() == "env.not_regular");
    CHECK(r.env.get("A") == std::string_view("env"));  // the other files still load
    std::thread writer([&] { std::ofstream(d.path + "/.env.local") << "P=piped\n"; });
    o.env_files = {".env.local"};
    auto named = env::load(environment{}, o);
    writer.join();
    CHECK(named.diagnostics.empty());
    CHECK(named.env.get("P") == std::string_view("piped"));
  }
  SUBCASE("read_text_file stops an endless device at its limit") {
    std::string text;
    int e = -1;
    CHECK(env::read_text_file("/dev/zero", text, false, 1 << 20, e) == env::read_status::not_regular);
    CHECK(env::read_text_file("/dev/zero", text, true, 1 << 20, e) == env::read_status::too_large);
    CHECK(text.size() == std::size_t(1) << 20);
    CHECK(env::read_text_file(d.path + "/.env", text, false, 1 << 20, e) == env::read_status::ok);
    CHECK(text == "A=env\nB=env\nC=$D\nR=$A\n");
    CHECK(env::read_text_file(d.path + "/.env", text, false, 5, e) == env::read_status::too_large);
    CHECK(env::read_text_file(d.path + "/nope", text, false, 5, e) == env::read_status::missing);
    CHECK(env::read_text_file(d.path, text, true, 5, e) == env::read_status::is_directory);
  }
  SUBCASE("read_file: the text, nullopt when missing, or an env error") {
    auto ok = env::read_file(d.path + "/.env", false);
    REQUIRE(ok.has_value());
    REQUIRE(ok->has_value());
    CHECK(**ok == "A=env\nB=env\nC=$D\nR=$A\n");
    auto missing = env::read_file(d.path + "/nope", false);
    REQUIRE(missing.has_value());
    CHECK_FALSE(missing->has_value());
    auto dir = env::read_file(d.path, true);
    REQUIRE_FALSE(dir.has_value());
    CHECK(dir.error().code() == "env.is_directory");
    auto device = env::read_file("/dev/zero", false);
    REQUIRE_FALSE(device.has_value());
    CHECK(device.error().code() == "env.not_regular");
  }
  SUBCASE("strict mode reports file:line:col") {
    d.write("bad", "OK=1\n  not a line\nQ=\"open\n# fine\n");
    o.env_files = {"bad"};
    o.strict = true;
    auto r = env::load(environment{}, o);
    REQUIRE(r.diagnostics.size() == 2);
    CHECK(r.diagnostics[0].code() == "env.malformed_line");
    CHECK(r.diagnostics[0].location()->line == 2);
    CHECK(r.diagnostics[0].location()->column == 3);
    CHECK(r.diagnostics[1].code() == "env.unterminated_quote");
    CHECK(r.diagnostics[1].location()->line == 3);
    CHECK(r.diagnostics[1].location()->column == 3);
    CHECK(r.env.get("Q") == std::string_view("\"open"));  // loading still matches Bun
    o.strict = false;
    CHECK(env::load(environment{}, o).diagnostics.empty());
  }
}

TEST_CASE("runtime::env::dotenv_dialect") {
  static_assert(env::EnvDialect<env::bun_dialect>);
  static_assert(env::EnvDialect<env::dotenv_dialect>);
  // Expectations recorded from dotenv 18 + dotenv-expand 12.
  CHECK(dotenv_value("A='$B'\nB=1", "A") == "1");
  CHECK(dotenv_value("A=\"a\\nb\"", "A") == "a\nb");
  CHECK(dotenv_value("B=${A-def}", "B") == "def");
  CHECK(dotenv_value("A=x\nB=${A:+alt}", "B") == "alt");
  CHECK(dotenv_value("B=${A:+alt}", "B") == "");
  CHECK(dotenv_value("A=$nullable", "A") == "able");
  CHECK(dotenv_value("A=\"abc\nB=2", "A") == "\"abc");
  CHECK(dotenv_value("A=\"a\"b\"\nC=1", "A") == "a\"b");
  CHECK(dotenv_value("A=file", "A", environment::from_pairs({{"A", "proc"}})) == "proc");
  CHECK(env::parse_dialect("dotenv") == env::dialect_kind::dotenv);
  CHECK_THROWS_AS(env::parse_dialect("yaml"), runtime::error);
}

TEST_CASE("runtime::env expansion limits (issue 18)") {
  auto limit_error = [](auto&& load) -> std::optional<runtime::error> {
    try {
      load();
    } catch (const runtime::error& e) {
      return e;
    }
    return std::nullopt;
  };
  SUBCASE("Bun dialect: ten ${A} a line is 10^n bytes; it stops at the per-value limit, at the key's line") {
    std::string text = "A=0123456789\n";
    for (int i = 1; i <= 9; ++i) {
      text += "L" + std::to_string(i) + "=";
      for (int k = 0; k < 10; ++k) text += i == 1 ? "${A}" : "${L" + std::to_string(i - 1) + "}";
      text += "\n";
    }
    CHECK(text.size() == 489);
    auto e = limit_error([&] { (void)env::load_text<env::bun_dialect>(environment{}, text, "bomb.env"); });
    REQUIRE(e);
    CHECK(e->code() == "env.expansion_limit");
    CHECK(e->message() == "expanding L6 would make a value longer than the limit of 1048576 bytes");
    REQUIRE(e->location());
    CHECK(e->location()->file == "bomb.env");
    CHECK(e->location()->line == 7);
    CHECK(runtime::exit_status_of(*e) == 1);
  }
  SUBCASE("Bun dialect: the total counts every value and every file") {
    std::string text = "A=" + std::string(1000, 'x') + "\n";
    for (int i = 0; i < 30; ++i) text += "K" + std::to_string(i) + "=${A}\n";
    const env::expansion_limits small{.value = 4096, .total = 10000};
    auto e = limit_error([&] { (void)env::load_text<env::bun_dialect>(environment{}, text, ".env", false, small); });
    REQUIRE(e);
    CHECK(e->message().find("expanding K10 goes over the limit of 10000 bytes") == 0);
    CHECK(e->location()->line == 12);
    // Within the limits, nothing changes.
    auto ok = env::load_text<env::bun_dialect>(environment{}, text, ".env", false, {.value = 4096, .total = 40000});
    CHECK(ok.env.get("K29")->size() == 1000);
    // A value without `$` does not count, however long.
    const std::string big = "B=" + std::string(2 << 20, 'y') + "\n";
    CHECK(env::load_text<env::bun_dialect>(environment{}, big).env.get("B")->size() == std::size_t{2} << 20);
  }
  SUBCASE("dotenv dialect: a self-reference re-expanded by 1,300 keys stops at the total") {
    std::string text = "S=" + std::string(100, '7') + "$S\n";
    for (int i = 0; i < 1300; ++i) text += "K" + std::to_string(i) + "=$S-\n";
    auto e = limit_error([&] { (void)env::load_text<env::dotenv_dialect>(environment{}, text, "d.env"); });
    REQUIRE(e);
    CHECK(e->code() == "env.expansion_limit");
    CHECK(e->message() == "expanding K0 goes over the limit of 16777216 bytes that ${} expansion may produce in all");
    CHECK(e->location()->file == "d.env");
    CHECK(e->location()->line == 2);
    // dotenv's ordinary expansion is unchanged.
    auto ok = env::load_text<env::dotenv_dialect>(environment{}, "A=x\nB=${A}y\nC=${B:-no}\n");
    CHECK(ok.env.get("C") == std::string_view("xy"));
  }
  SUBCASE("strict: $NAME with no value, which Bun expands to nothing in silence") {
    auto quiet = env::load_text<env::bun_dialect>(environment{}, "A=x\nB=$A-$NOPE-${HOME:-h}\n");
    CHECK(quiet.diagnostics.empty());
    CHECK(quiet.env.get("B") == std::string_view("x--h"));
    auto strict = env::load_text<env::bun_dialect>(environment{}, "A=x\nB=$A-$NOPE-${HOME:-h}\n", ".env", true);
    REQUIRE(strict.diagnostics.size() == 1);
    CHECK(strict.diagnostics[0].code() == "env.undefined_variable");
    CHECK(strict.diagnostics[0].message() == "$NOPE in the value of B has no value (it expands to nothing)");
    CHECK(strict.diagnostics[0].location()->line == 2);
  }
}

TEST_CASE("runtime::env::load: --strict and a missing --env-file; long names cut") {
  temp_dir d;
  env::load_options o;
  o.cwd = d.path;
  o.env_files = {"missing.env"};
  CHECK(env::load(environment{}, o).diagnostics.empty());  // Bun is silent
  o.strict = true;
  auto r = env::load(environment{}, o);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].code() == "env.missing_file");
  CHECK(r.diagnostics[0].location()->file == "missing.env");
  o.strict = false;
  o.env_files = {"/" + std::string(5000, 'a') + "/x.env"};  // ENAMETOOLONG: unreadable, a warning
  r = env::load(environment{}, o);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].message().size() < 300);
  CHECK(r.diagnostics[0].location()->file.size() <= 203);
  CHECK(r.diagnostics[0].message().find("...") != std::string::npos);
}

TEST_CASE("runtime::env::to_json") {
  auto e = environment::from_pairs({{"B", "q\"\\\n\t\x01"}, {"A", "caf\xC3\xA9"}, {"C", "bad\xFF"}});
  CHECK(env::to_json(e) == "{\"A\":\"caf\xC3\xA9\",\"B\":\"q\\\"\\\\\\n\\t\\u0001\",\"C\":\"bad\xEF\xBF\xBD\"}");
  CHECK(env::to_json(environment{}) == "{}");
  SUBCASE("one U+FFFD per maximal subpart of a broken sequence, as Bun's decoder") {
    auto j = [](std::string v) { return env::to_json(environment::from_pairs({{"A", std::move(v)}})); };
    const std::string r = "\xEF\xBF\xBD";
    CHECK(j("\xE2\x82") == "{\"A\":\"" + r + "\"}");                       // truncated 3-byte
    CHECK(j("\xF0\x9F\x98x") == "{\"A\":\"" + r + "x\"}");                 // truncated 4-byte
    CHECK(j("\xE0\xA0") == "{\"A\":\"" + r + "\"}");
    CHECK(j("x\xE2\x82\xACy\xE2\x82") == "{\"A\":\"x\xE2\x82\xACy" + r + "\"}");
    CHECK(j("\xC0\xAF") == "{\"A\":\"" + r + r + "\"}");                     // overlong: each byte
    CHECK(j("\xED\xA0\x80") == "{\"A\":\"" + r + r + r + "\"}");             // surrogate: each byte
    CHECK(j("\xF4\x90\x80\x80") == "{\"A\":\"" + r + r + r + r + "\"}");     // above U+10FFFF
    CHECK(j("\xF0\x9F\x98\x80") == "{\"A\":\"\xF0\x9F\x98\x80\"}");
  }
  SUBCASE("redact_secrets: secret values as \"<redacted>\", as human output shows them") {
    auto e = environment::from_pairs({{"API_TOKEN", "hunter2"}, {"PLAIN", "v"}});
    std::string out;
    env::write_json(e, [&out](std::string_view p) { out += p; }, 64, true);
    CHECK(out == "{\"API_TOKEN\":\"<redacted>\",\"PLAIN\":\"v\"}");
    CHECK(env::to_json(e) == "{\"API_TOKEN\":\"hunter2\",\"PLAIN\":\"v\"}");
  }
  SUBCASE("a key that is not UTF-8 is left out, as JSON.stringify(process.env) leaves it out in Bun") {
    CHECK(env::to_json(environment::from_pairs({{"a\xFF" "b", "1"}, {"\xC3\xA9", "2"}})) == "{\"\xC3\xA9\":\"2\"}");
  }
  SUBCASE("from_process: the last of duplicate keys wins, as in Bun 1.4.5") {
    char a[] = "DUP=first", b[] = "DUP=second", c[] = "BARE", d[] = "=nokey";
    char* fake[] = {a, b, c, d, nullptr};
    char** saved = environ;
    environ = fake;
    auto p = environment::from_process();
    environ = saved;
    CHECK(p.get("DUP") == std::string_view("second"));
    CHECK(p.get("BARE") == std::string_view(""));
    CHECK(p.size() == 2);
  }
  // write_json gives the same bytes in pieces, whatever the piece size.
  std::vector<std::pair<std::string, std::string>> many;
  for (int i = 0; i < 500; ++i) many.emplace_back("K" + std::to_string(i), std::string(static_cast<std::size_t>(i), i % 7 ? 'v' : '"'));
  auto big = environment::from_pairs(many);
  for (std::size_t chunk : {std::size_t{1}, std::size_t{100}, std::size_t{1} << 17}) {
    std::string pieces;
    std::size_t calls = 0;
    env::write_json(big, [&](std::string_view p) { pieces += p; ++calls; }, chunk);
    CHECK(pieces == env::to_json(big));
    CHECK(calls >= 1);
  }
  CHECK(env::is_secret_key("GITHUB_TOKEN"));
  CHECK(env::is_secret_key("db_password"));
  CHECK(env::is_secret_key("API_KEY"));
  CHECK_FALSE(env::is_secret_key("PATH"));
}

TEST_CASE("runtime::env::platform") {
  namespace pf = env::platform;
  CHECK(pf::ci_vendors().size() == 55);  // ci-info 4.5.0 (tests/env/gen_ci_vendors.py; env-rt checks each)
  CHECK(pf::ci_info_version == "4.5.0");
  auto gh = pf::detect_ci(environment::from_pairs({{"GITHUB_ACTIONS", "true"}, {"GITHUB_EVENT_NAME", "pull_request"}}));
  CHECK(gh.is_ci);
  CHECK(gh.vendor == std::optional<std::string>("GitHub Actions"));
  CHECK(gh.is_pr == std::optional<bool>(true));
  auto travis = pf::detect_ci(environment::from_pairs({{"TRAVIS", "1"}, {"TRAVIS_PULL_REQUEST", "false"}}));
  CHECK(travis.vendor == std::optional<std::string>("Travis CI"));
  CHECK(travis.is_pr == std::optional<bool>(false));
  // The rule kinds the old table could not say: `includes` (Heroku), a vendor without PR detection (null),
  // an empty value (not set, as JavaScript's !!env[X]), and the last matching vendor winning.
  auto heroku = pf::detect_ci(environment::from_pairs({{"NODE", "/app/.heroku/node/bin/node"}}));
  CHECK(heroku.vendor == std::optional<std::string>("Heroku"));
  CHECK_FALSE(heroku.is_pr.has_value());
  CHECK_FALSE(pf::detect_ci(environment::from_pairs({{"NODE", "/usr/bin/node"}})).vendor);
  CHECK_FALSE(pf::detect_ci(environment::from_pairs({{"GITHUB_ACTIONS", ""}})).vendor);
  auto two = pf::detect_ci(environment::from_pairs({{"APPVEYOR", "1"}, {"XCS", "1"}}));
  CHECK(two.vendor == std::optional<std::string>("Xcode Server"));
  auto codebuild = pf::detect_ci(environment::from_pairs(
      {{"CODEBUILD_BUILD_ARN", "arn"}, {"CODEBUILD_WEBHOOK_EVENT", "PULL_REQUEST_REOPENED"}}));
  CHECK(codebuild.is_pr == std::optional<bool>(true));
  CHECK_FALSE(pf::detect_ci(environment{}).is_pr.has_value());
  auto jenkins = pf::detect_ci(environment::from_pairs({{"JENKINS_URL", "x"}}));
  CHECK_FALSE(jenkins.vendor);  // needs BUILD_ID too
  auto generic = pf::detect_ci(environment::from_pairs({{"CI", "1"}}));
  CHECK(generic.is_ci);
  CHECK_FALSE(generic.vendor);
  auto off = pf::detect_ci(environment::from_pairs({{"CI", "false"}, {"GITLAB_CI", "true"}}));
  CHECK_FALSE(off.is_ci);
  CHECK_FALSE(off.vendor);
  CHECK_FALSE(pf::detect_ci(environment{}).is_ci);

  temp_dir root;
  CHECK(pf::detect_container(environment{}, root.path).kind().empty());
  root.write(".dockerenv", "");
  CHECK(pf::detect_container(environment{}, root.path).docker);
  root.mkdir("run");
  root.write("run/.containerenv", "");
  auto podman = pf::detect_container(environment{}, root.path);
  CHECK(podman.podman);
  CHECK(podman.kind() == "podman");
  CHECK(pf::detect_container(environment::from_pairs({{"KUBERNETES_SERVICE_HOST", "10.0.0.1"}}), root.path).kubernetes);
  temp_dir wsl;
  wsl.mkdir("proc");
  wsl.mkdir("proc/sys");
  wsl.mkdir("proc/sys/kernel");
  wsl.write("proc/sys/kernel/osrelease", "5.15.90.1-Microsoft-standard-WSL2\n");
  CHECK(pf::detect_container(environment{}, wsl.path).wsl);
  auto info = pf::detect(environment{});
  CHECK_FALSE(info.os.empty());
  CHECK_FALSE(info.arch.empty());
}
