// SPDX-License-Identifier: MIT
// alloc-abi-mix: two translation units of one program select the debug allocator differently (this one with
// RUNTIME_DEBUG_ALLOCATOR=0, abi_mix_checked.cpp with 1, as NDEBUG-dependent defaults would). Each must keep
// its own meaning: distinct types (so no ODR violation, and passing one across is a link error) and its own
// debug_allocator_enabled.
#include <cstdio>
#include <string>
#include <typeinfo>
#include <runtime/alloc.hpp>
std::string checked_type_name();
bool checked_enabled();
int main() {
  std::string unchecked = typeid(runtime::debug_allocator<>).name();
  std::string checked = checked_type_name();
  std::printf("unchecked: %s\nchecked:   %s\n", unchecked.c_str(), checked.c_str());
  if (unchecked == checked) { std::puts("FAIL: one debug_allocator type for two settings"); return 1; }
  if (runtime::debug_allocator_enabled || !checked_enabled()) { std::puts("FAIL: debug_allocator_enabled mixed up"); return 1; }
  int* p = nullptr;
  runtime::debug_allocator<> a;
  p = static_cast<int*>(a.allocate(sizeof(int), alignof(int)));
  *p = 1;
  a.deallocate(p, sizeof(int), alignof(int));
  return 0;
}
