// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>
#if RUNTIME_USE_MODULES
import runtime.cli;
#else
#include <runtime/cli.hpp>
#endif

TEST_CASE("runtime::cli::args_of") {
  const char* argv[] = {"rt", "run", "--", "x"};
  auto a = runtime::cli::args_of(4, argv);
  CHECK(a == std::vector<std::string_view>{"run", "--", "x"});
}
