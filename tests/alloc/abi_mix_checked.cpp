// SPDX-License-Identifier: MIT
// One half of alloc-abi-mix: this translation unit is built with RUNTIME_DEBUG_ALLOCATOR=1 (abi_mix_main.cpp
// with 0). The two must see two distinct debug_allocator types, not one type with two definitions.
#include <string>
#include <typeinfo>
#include <runtime/alloc.hpp>
std::string checked_type_name() { return typeid(runtime::debug_allocator<>).name(); }
bool checked_enabled() { return runtime::debug_allocator_enabled; }
