// SPDX-License-Identifier: MIT
// The umbrella imports everything; no RUNTIME_ macro may leak through an import ([cpp.import]/5.1), and in
// header mode the umbrella header must compile on its own.
#include <doctest/doctest.h>
#include <string>
#if RUNTIME_USE_MODULES
import runtime;
#else
#include <runtime/runtime.hpp>
#endif

TEST_CASE("runtime module hygiene") {
#if RUNTIME_USE_MODULES
#  if defined(RUNTIME_EXPORT_BEGIN) || defined(RUNTIME_CONFIG_HPP_) || defined(RUNTIME_ERROR_ERROR_HPP_) || \
      defined(RUNTIME_VERSION_STRING)
  FAIL("a RUNTIME_ macro leaked from a named module");
#  endif
#endif
  // Every module is reachable through the umbrella.
  CHECK(runtime::exit_code_for_signal(2) == 130);
  CHECK(runtime::log::to_string(runtime::log::level::info) == "info");
  CHECK(runtime::environment::from_pairs({{"A", "1"}}).contains("A"));
  CHECK(runtime::signal::name_of(2) == "SIGINT");
  CHECK(runtime::Allocator<runtime::system_allocator>);
}
