// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>
#if RUNTIME_USE_MODULES
import runtime.env;
import runtime.flags;
#else
#include <runtime/flags.hpp>
#endif

TEST_CASE("runtime::flags::env_flag") {
  auto e = runtime::environment::from_pairs({{"BUN_FEATURE_FLAG_A", "1"}, {"BUN_FEATURE_FLAG_B", "OFF"}, {"BUN_FEATURE_FLAG_C", "No"}});
  CHECK(runtime::flags::env_flag(e, "BUN_FEATURE_FLAG_", "A"));
  CHECK_FALSE(runtime::flags::env_flag(e, "BUN_FEATURE_FLAG_", "B"));
  CHECK_FALSE(runtime::flags::env_flag(e, "BUN_FEATURE_FLAG_", "C"));
  CHECK_FALSE(runtime::flags::env_flag(e, "BUN_FEATURE_FLAG_", "D"));
}
