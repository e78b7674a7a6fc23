// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>
#if RUNTIME_USE_MODULES
import runtime.error;
#else
#include <runtime/error.hpp>
#endif

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
}
