// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>
#include <csignal>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>
#if RUNTIME_USE_MODULES
import runtime.signal;
#else
#include <runtime/signal.hpp>
#endif

TEST_CASE("runtime::signal::name_of") {
  CHECK(runtime::signal::name_of(SIGINT) == "SIGINT");
  CHECK(runtime::signal::name_of(SIGTERM) == "SIGTERM");
  CHECK(runtime::signal::name_of(12345) == "SIG?");
}
