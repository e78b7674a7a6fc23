// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>
#if RUNTIME_USE_MODULES
import runtime.alloc;
#else
#include <runtime/alloc.hpp>
#endif

static_assert(runtime::Allocator<runtime::system_allocator>);
static_assert(!runtime::Allocator<int>);
TEST_CASE("runtime::system_allocator") {
  runtime::system_allocator a;
  void* p = a.allocate(100, 64);
  REQUIRE(p != nullptr);
  CHECK(reinterpret_cast<std::uintptr_t>(p) % 64 == 0);
  a.deallocate(p, 100, 64);
}
