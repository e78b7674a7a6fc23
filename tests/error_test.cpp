// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/mman.h>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>
#if RUNTIME_USE_MODULES
import runtime.error;
#else
#include <runtime/error.hpp>
#endif

namespace {

runtime::error env_error() {
  return runtime::error(runtime::error_kind::env, "env.unterminated_quote", "unterminated quoted value")
      .at({".env", 3, 5, "FOO=\"bar"})
      .note("a double-quoted value ends at the next unescaped \"")
      .hint("add the closing quote");
}

runtime::result<int> parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5) return runtime::usage_error("cli.bad_port", "bad port");
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return runtime::usage_error("cli.bad_port", "bad port");
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

TEST_CASE("runtime::error") {
  SUBCASE("kind, code, message and exit code") {
    runtime::error e(runtime::error_kind::env, "env.bad_line", "bad line");
    CHECK(e.kind() == runtime::error_kind::env);
    CHECK(e.code() == "env.bad_line");
    CHECK(std::string(e.what()) == "bad line");
    CHECK(runtime::exit_status_of(e) == 1);
    CHECK(runtime::exit_status_of(runtime::usage_error("cli.unknown", "x")) == 2);
    CHECK(runtime::exit_code_for_signal(2) == 130);
    CHECK(runtime::exit_code_for_signal(15) == 143);
    CHECK(static_cast<int>(runtime::exit_code::ok) == 0);
  }
  SUBCASE("kind names are stable") {
    CHECK(runtime::to_string(runtime::error_kind::generic) == "generic");
    CHECK(runtime::to_string(runtime::error_kind::cli) == "cli");
    CHECK(runtime::to_string(runtime::error_kind::flags) == "flags");
    CHECK(runtime::to_string(runtime::error_kind::internal) == "internal");
  }
  SUBCASE("notes, hints, location and cause chain") {
    auto e = runtime::error(runtime::error_kind::config, "config.parse", "cannot parse")
                 .note("n1").hint("h1")
                 .at({"bunfig.toml", 3, 7, "x = "})
                 .caused_by(runtime::error(runtime::error_kind::io, "io.read", "unreadable"));
    REQUIRE(e.location());
    CHECK(e.location()->line == 3);
    CHECK(e.location()->column == 7);
    CHECK(e.notes() == std::vector<std::string>{"n1"});
    CHECK(e.hints() == std::vector<std::string>{"h1"});
    REQUIRE(e.cause());
    CHECK(e.cause()->code() == "io.read");
    CHECK(e.cause()->cause() == nullptr);
  }
  SUBCASE("lvalue builders and copies share nothing mutable") {
    runtime::error e(runtime::error_kind::flags, "flags.x", "m");
    e.note("a").hint("b").at({"f", 1, 1, "x"});
    runtime::error copy = e;
    copy.note("c");
    CHECK(e.notes().size() == 1);
    CHECK(copy.notes().size() == 2);
  }
  SUBCASE("usable as an exception") {
    try {
      throw env_error();
    } catch (const std::exception& ex) {
      CHECK(std::string(ex.what()) == "unterminated quoted value");
    }
  }
}

TEST_CASE("runtime::error_code interop") {
  SUBCASE("error_kind converts to an error_code of the runtime category") {
    std::error_code ec = runtime::error_kind::env;
    CHECK(ec);
    CHECK(ec.category() == runtime::runtime_category());
    CHECK(std::string(ec.category().name()) == "runtime");
    CHECK(ec.message() == "env error");
    CHECK(runtime::kind_of(ec) == runtime::error_kind::env);
    CHECK(runtime::kind_of(std::error_code(ENOENT, std::system_category())) == std::nullopt);
    CHECK(runtime::make_error_code(runtime::error_kind::generic).value() != 0);
  }
  SUBCASE("error to error_code: the attached OS code wins, else the kind") {
    auto plain = runtime::error(runtime::error_kind::cli, "cli.x", "m");
    CHECK(runtime::to_error_code(plain) == runtime::error_kind::cli);
    auto io = runtime::from_errno(ENOENT, "io.open", "cannot open .env");
    CHECK(io.kind() == runtime::error_kind::io);
    CHECK(runtime::to_error_code(io) == std::errc::no_such_file_or_directory);
    CHECK(io.message() == "cannot open .env: " + std::error_code(ENOENT, std::system_category()).message());
  }
  SUBCASE("error_code to error keeps a runtime kind") {
    auto e = runtime::from_error_code(runtime::make_error_code(runtime::error_kind::alloc), "alloc.x");
    CHECK(e.kind() == runtime::error_kind::alloc);
    CHECK(e.message() == "alloc error");
  }
  SUBCASE("from_current_exception") {
    try {
      throw std::runtime_error("boom");
    } catch (...) {
      auto e = runtime::from_current_exception();
      CHECK(e.kind() == runtime::error_kind::internal);
      CHECK(e.message() == "boom");
    }
    try {
      throw std::system_error(std::make_error_code(std::errc::permission_denied), "open");
    } catch (...) {
      auto e = runtime::from_current_exception();
      CHECK(e.sys_error() == std::errc::permission_denied);
    }
    try {
      throw env_error();
    } catch (...) {
      CHECK(runtime::from_current_exception().code() == "env.unterminated_quote");
    }
    try {
      throw 42;
    } catch (...) {
      CHECK(runtime::from_current_exception().code() == "internal.unknown_exception");
    }
  }
}

TEST_CASE("runtime::result") {
  SUBCASE("value") {
    auto r = parse_port("8080");
    REQUIRE(r);
    CHECK(r.has_value());
    CHECK(*r == 8080);
    CHECK(r.value() == 8080);
    CHECK(r.value_or(1) == 8080);
  }
  SUBCASE("error") {
    auto r = parse_port("80x");
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == "cli.bad_port");
    CHECK(runtime::exit_status_of(r.error()) == 2);
    CHECK(r.value_or(1) == 1);
    CHECK_THROWS_AS((void)r.value(), runtime::error);
  }
  SUBCASE("non-trivial values and moving the error out") {
    runtime::result<std::string> s = std::string("abc");
    CHECK(s->size() == 3);
    runtime::result<std::string> bad = runtime::error(runtime::error_kind::io, "io.x", "m");
    runtime::error moved = std::move(bad).error();
    CHECK(moved.code() == "io.x");
  }
  SUBCASE("void") {
    runtime::result<void> ok;
    CHECK(ok);
    CHECK_NOTHROW(ok.value());
    runtime::result<void> bad = runtime::error(runtime::error_kind::io, "io.x", "m");
    CHECK_FALSE(bad);
    CHECK(bad.error().code() == "io.x");
    CHECK_THROWS_AS(bad.value(), runtime::error);
  }
  SUBCASE("capture turns exceptions into results") {
    auto good = runtime::capture([] { return 5; });
    CHECK(*good == 5);
    auto thrown = runtime::capture([]() -> int { throw runtime::usage_error("cli.y", "nope"); });
    CHECK(thrown.error().code() == "cli.y");
    auto v = runtime::capture([] { throw std::runtime_error("x"); });
    CHECK(v.error().kind() == runtime::error_kind::internal);
  }
}

TEST_CASE("runtime::color_enabled") {
  using std::nullopt;
  CHECK(runtime::color_enabled(nullopt, nullopt, true));
  CHECK_FALSE(runtime::color_enabled(nullopt, nullopt, false));
  CHECK_FALSE(runtime::color_enabled("1", nullopt, true));
  CHECK(runtime::color_enabled("", nullopt, true));  // an empty NO_COLOR is ignored (no-color.org)
  CHECK(runtime::color_enabled(nullopt, "", false));  // an empty FORCE_COLOR counts as 1
  CHECK(runtime::color_enabled(nullopt, "1", false));
  CHECK(runtime::color_enabled("1", "3", false));  // FORCE_COLOR wins over NO_COLOR
  // Bun 1.4.5: a falsy FORCE_COLOR (integer zero, false/off/no in any case) forces nothing, neither on nor off.
  for (std::string_view falsy : {"0", "00", "+0", "-0", "FALSE", "off", "No"}) {
    CAPTURE(falsy);
    CHECK(runtime::color_enabled(nullopt, falsy, true));
    CHECK_FALSE(runtime::color_enabled(nullopt, falsy, false));
    CHECK_FALSE(runtime::color_enabled("1", falsy, true));  // so NO_COLOR decides
  }
  for (std::string_view truthy : {"01", "-1", "0.0", " 0", "abc", "true", "n"}) {
    CAPTURE(truthy);
    CHECK(runtime::color_enabled("1", truthy, false));
  }
  // NO_COLOR: "0" and false/off/no (any case) do not disable; any other non-empty value does.
  for (std::string_view off : {"0", "false", "OFF", "no"}) CHECK(runtime::color_enabled(off, nullopt, true));
  for (std::string_view on : {"00", " ", "true", "N"}) CHECK_FALSE(runtime::color_enabled(on, nullopt, true));
}

TEST_CASE("runtime::render") {
  SUBCASE("plain error") {
    CHECK(runtime::render(runtime::error(runtime::error_kind::cli, "cli.x", "unknown command 'foo'")) ==
          "error: unknown command 'foo'\n");
  }
  SUBCASE("code shown on request") {
    runtime::display_options o;
    o.show_code = true;
    CHECK(runtime::render(runtime::usage_error("cli.unknown_command", "unknown command"), o) ==
          "error[cli.unknown_command]: unknown command\n");
  }
  SUBCASE("located error, golden") {
    CHECK(runtime::render(env_error()) ==
          "error: unterminated quoted value\n"
          " --> .env:3:5\n"
          "  |\n"
          "3 | FOO=\"bar\n"
          "  |     ^\n"
          "  = note: a double-quoted value ends at the next unescaped \"\n"
          "  = help: add the closing quote\n");
  }
  SUBCASE("wide line numbers widen the gutter; tabs and UTF-8 keep the caret aligned") {
    auto e = runtime::error(runtime::error_kind::config, "config.type", "expected a string")
                 .at({"bunfig.toml", 120, 8, "\tk = \xc3\xa9x"});  // caret under the x
    CHECK(runtime::render(e) ==
          "error: expected a string\n"
          "   --> bunfig.toml:120:8\n"
          "    |\n"
          "120 | \tk = \xc3\xa9x\n"
          "    | \t     ^\n");
  }
  SUBCASE("column past the end of the line puts the caret just after it") {
    auto e = runtime::error(runtime::error_kind::env, "env.eof", "unexpected end of line").at({".env", 1, 99, "A="});
    CHECK(runtime::render(e) ==
          "error: unexpected end of line\n"
          " --> .env:1:99\n"
          "  |\n"
          "1 | A=\n"
          "  |   ^\n");
  }
  SUBCASE("location without text or column") {
    auto e = runtime::error(runtime::error_kind::io, "io.read", "cannot read").at({"bunfig.toml", 0, 0, ""});
    CHECK(runtime::render(e) == "error: cannot read\n --> bunfig.toml\n");
    auto f = runtime::error(runtime::error_kind::io, "io.read", "bad").at({"a.toml", 4, 0, "x = 1"});
    CHECK(runtime::render(f) == "error: bad\n --> a.toml:4\n  |\n4 | x = 1\n");
  }
  SUBCASE("control characters in the line are blanked") {
    auto e = runtime::error(runtime::error_kind::env, "env.x", "m").at({".env", 2, 3, "A=\x1b[31m"});
    CHECK(runtime::render(e) == "error: m\n --> .env:2:3\n  |\n2 | A= [31m\n  |   ^\n");
  }
  SUBCASE("cause chain, golden") {
    auto e = runtime::error(runtime::error_kind::flags, "flags.load", "cannot load bunfig.toml")
                 .hint("run with --verbose-error-trace for details")
                 .caused_by(runtime::error(runtime::error_kind::config, "config.parse", "expected '='")
                                .at({"bunfig.toml", 2, 6, "[run] x"})
                                .caused_by(runtime::error(runtime::error_kind::io, "io.read", "short read")));
    CHECK(runtime::render(e) ==
          "error: cannot load bunfig.toml\n"
          "  = help: run with --verbose-error-trace for details\n"
          "caused by: expected '='\n"
          " --> bunfig.toml:2:6\n"
          "  |\n"
          "2 | [run] x\n"
          "  |      ^\n"
          "caused by: short read\n");
  }
  SUBCASE("colour, golden") {
    runtime::display_options o;
    o.color = true;
    auto e = runtime::error(runtime::error_kind::env, "env.x", "bad").at({".env", 1, 2, "ab"}).note("n");
    CHECK(runtime::render(e, o) ==
          "\x1b[1;31merror\x1b[0m\x1b[1m: bad\x1b[0m\n"
          " \x1b[1;34m-->\x1b[0m .env:1:2\n"
          "  \x1b[1;34m|\x1b[0m\n"
          "\x1b[1;34m1 |\x1b[0m ab\n"
          "  \x1b[1;34m|\x1b[0m  \x1b[1;31m^\x1b[0m\n"
          "  \x1b[1;34m=\x1b[0m \x1b[1mnote\x1b[0m: n\n");
  }
  SUBCASE("stack trace on request") {
    runtime::display_options o;
    o.trace = true;
    auto none = runtime::error(runtime::error_kind::io, "io.x", "m");
    CHECK(runtime::render(none, o).find("stack trace: not captured") != std::string::npos);
    runtime::capture_error_traces(true);
    auto traced = runtime::error(runtime::error_kind::io, "io.x", "m");
    runtime::capture_error_traces(false);
    CHECK_FALSE(traced.trace().empty());
    CHECK(none.trace().empty());
    std::string r = runtime::render(traced, o);
    CHECK(r.find("stack trace:\n  #0 0x") != std::string::npos);
    CHECK(runtime::render(traced).find("stack trace") == std::string::npos);
  }
}

TEST_CASE("runtime::render_json") {
  auto e = env_error().caused_by(runtime::from_errno(EACCES, "io.open", "open .env"));
  auto j = nlohmann::json::parse(runtime::render_json(e));
  CHECK(j["kind"] == "env");
  CHECK(j["code"] == "env.unterminated_quote");
  CHECK(j["message"] == "unterminated quoted value");
  CHECK(j["exit_code"] == 1);
  CHECK(j["notes"].size() == 1);
  CHECK(j["hints"][0] == "add the closing quote");
  CHECK(j["location"]["file"] == ".env");
  CHECK(j["location"]["line"] == 3);
  CHECK(j["location"]["column"] == 5);
  CHECK(j["location"]["line_text"] == "FOO=\"bar");
  CHECK(j["cause"]["code"] == "io.open");
  CHECK(j["cause"]["system_error"]["value"] == EACCES);
  CHECK(j["cause"]["system_error"]["category"] == "system");
  CHECK_FALSE(j.contains("system_error"));
  CHECK_FALSE(j["cause"].contains("cause"));
  nlohmann::json direct = e;  // ADL to_json
  CHECK(direct == j);
  // Invalid UTF-8 is replaced, not thrown.
  auto bad = runtime::error(runtime::error_kind::env, "env.x", std::string("bad \xff byte"));
  CHECK_NOTHROW((void)runtime::render_json(bad));
  // render_json writes JSON itself (runtime.error needs no JSON library): byte for byte nlohmann's dump, for
  // control characters, quotes, backslashes, UTF-8 and ill-formed sequences, nested causes and locations.
  auto odd = runtime::error(runtime::error_kind::config, "config.x", std::string("q\"b\\ \x01\x1f\b\f\n\r\t caf\xC3\xA9 \xE2\x82 \xff\x80 \x7f"))
                 .at({"a\"b.toml", 7, 2, std::string("x = \"\xC3\"", 7)})
                 .note("n1").note("n\t2").hint("h")
                 .caused_by(e);
  for (const auto* x : {&e, &bad, &odd}) {
    nlohmann::json via = *x;
    CHECK(runtime::render_json(*x) == via.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

TEST_CASE("runtime::crash install") {
  SUBCASE("install, facts, uninstall") {
    CHECK_FALSE(runtime::crash::installed());
    runtime::crash::set_program("error_test", "0.0.1");
    runtime::crash::set_command("test");
    runtime::crash::set_features("a,b");
    runtime::crash::set_facts("", "");
    CHECK(runtime::crash::install());
    CHECK(runtime::crash::installed());
    CHECK(runtime::crash::install());  // idempotent
    runtime::crash::uninstall();
    CHECK_FALSE(runtime::crash::installed());
  }
  SUBCASE("a thread's own alternate stack") {
    bool prepared = false, enabled = false, released = false;
    std::size_t size = 0;
    std::thread t([&] {
      // The thread may start with a stack of its own (ASan gives every thread one): release puts it back.
      stack_t before{}, ss{};
      sigaltstack(nullptr, &before);
      prepared = runtime::crash::prepare_thread();
      sigaltstack(nullptr, &ss);
      enabled = (ss.ss_flags & SS_DISABLE) == 0 && ss.ss_sp != before.ss_sp;
      size = ss.ss_size;
      runtime::crash::release_thread_stack();
      sigaltstack(nullptr, &ss);
      released = (before.ss_flags & SS_DISABLE) != 0 ? (ss.ss_flags & SS_DISABLE) != 0
                                                     : (ss.ss_flags & SS_DISABLE) == 0 && ss.ss_sp == before.ss_sp;
    });
    t.join();
    CHECK(prepared);
    CHECK(enabled);
    CHECK(size >= 64 * 1024);
    CHECK(released);
  }
  SUBCASE("prepare_thread is idempotent, and release frees only its own stack") {
    bool set_up = false, same = false, second_ok = false, foreign_kept = false, foreign_restored = false;
    std::thread t([&] {
      // Another library's alternate stack, set before prepare_thread and after release.
      const std::size_t size = 128 * 1024;
      void* foreign = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (foreign == MAP_FAILED) return;
      stack_t theirs{};
      theirs.ss_sp = foreign;
      theirs.ss_size = size;
      set_up = sigaltstack(&theirs, nullptr) == 0 && runtime::crash::prepare_thread();
      if (!set_up) return;
      stack_t first{}, second{}, now{};
      sigaltstack(nullptr, &first);
      second_ok = runtime::crash::prepare_thread();
      sigaltstack(nullptr, &second);
      same = first.ss_sp == second.ss_sp;
      runtime::crash::release_thread_stack();  // puts the foreign stack back
      sigaltstack(nullptr, &now);
      foreign_restored = (now.ss_flags & SS_DISABLE) == 0 && now.ss_sp == foreign;
      runtime::crash::release_thread_stack();  // nothing of ours is left: the foreign stack stays
      sigaltstack(nullptr, &now);
      foreign_kept = (now.ss_flags & SS_DISABLE) == 0 && now.ss_sp == foreign && now.ss_size == size;
      stack_t off{};
      off.ss_flags = SS_DISABLE;
      sigaltstack(&off, nullptr);
      munmap(foreign, size);
    });
    t.join();
    REQUIRE(set_up);
    CHECK(second_ok);
    CHECK(same);
    CHECK(foreign_restored);
    CHECK(foreign_kept);
  }
}
