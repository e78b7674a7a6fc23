// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#if RUNTIME_USE_MODULES
import runtime.env;
#else
#include <runtime/env.hpp>
#endif

TEST_CASE("runtime::environment") {
  auto e = runtime::environment::from_pairs({{"A", "1"}, {"B", ""}, {"C", "false"}, {"D", "yes"}, {"A", "2"}});
  CHECK(e.get("A") == std::string_view("1"));
  CHECK_FALSE(e.get("Z"));
  CHECK(e.contains("B"));
  CHECK(e.get_bool("A"));
  CHECK_FALSE(e.get_bool("B"));
  CHECK_FALSE(e.get_bool("C"));
  CHECK(e.get_bool("D"));
  CHECK_FALSE(e.get_bool("Z"));
  std::vector<std::string> keys;
  for (const auto& kv : e) keys.push_back(kv.first);
  CHECK(keys == std::vector<std::string>{"A", "B", "C", "D"});
  ::setenv("RUNTIME_TEST_SNAPSHOT", "x", 1);
  auto p = runtime::environment::from_process();
  ::setenv("RUNTIME_TEST_SNAPSHOT", "y", 1);
  CHECK(p.get("RUNTIME_TEST_SNAPSHOT") == std::string_view("x"));
}
