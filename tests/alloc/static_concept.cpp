// SPDX-License-Identifier: MIT
// Compile-only tests of the Allocator concept and allocator_traits: compiling this file is the test.
#include <cstddef>
#include <string_view>
#include <type_traits>
#if RUNTIME_USE_MODULES
import runtime.alloc;
#else
#include <runtime/alloc.hpp>
#endif

namespace {

struct only_allocate {
  void* allocate(std::size_t, std::size_t) { return nullptr; }
};
struct only_deallocate {
  void deallocate(void*, std::size_t, std::size_t) {}
};
struct wrong_return {
  int* allocate(std::size_t, std::size_t) { return nullptr; }
  void deallocate(void*, std::size_t, std::size_t) {}
};
struct no_alignment {  // the std::allocator shape: no alignment parameter
  void* allocate(std::size_t) { return nullptr; }
  void deallocate(void*, std::size_t) {}
};
struct minimal {
  void* allocate(std::size_t, std::size_t) { return nullptr; }
  void deallocate(void*, std::size_t, std::size_t) {}
};
struct full {
  static constexpr std::string_view name = "full";
  static constexpr bool is_thread_safe = true;
  void* allocate(std::size_t, std::size_t) { return nullptr; }
  void deallocate(void*, std::size_t, std::size_t) {}
  bool try_resize(void*, std::size_t, std::size_t, std::size_t) { return true; }
  bool owns(const void*) const { return true; }
};

using runtime::Allocator;
using runtime::HasAllocate;
using runtime::HasDeallocate;

// positive
static_assert(Allocator<minimal>);
static_assert(Allocator<full>);
static_assert(Allocator<runtime::system_allocator>);
static_assert(Allocator<runtime::mimalloc_allocator>);
static_assert(Allocator<runtime::mimalloc_heap_allocator>);
static_assert(Allocator<runtime::arena_allocator<>>);
static_assert(Allocator<runtime::arena_allocator<runtime::mimalloc_allocator>>);
static_assert(Allocator<runtime::tracking_allocator<runtime::arena_allocator<>>>);
static_assert(Allocator<runtime::debug_allocator<runtime::tracking_allocator<>>>);
static_assert(Allocator<runtime::allocator_ref<runtime::arena_allocator<>>>);
static_assert(runtime::checked_allocator<minimal>);

// negative: each named part reports separately
static_assert(!Allocator<int>);
static_assert(HasAllocate<only_allocate> && !HasDeallocate<only_allocate>);
static_assert(!HasAllocate<only_deallocate> && HasDeallocate<only_deallocate>);
static_assert(!Allocator<only_allocate>);
static_assert(!Allocator<only_deallocate>);
static_assert(!HasAllocate<wrong_return>);
static_assert(!Allocator<no_alignment>);

// traits fill in the optional parts
using tmin = runtime::allocator_traits<minimal>;
using tfull = runtime::allocator_traits<full>;
static_assert(tmin::name() == "allocator" && tfull::name() == "full");
static_assert(!tmin::is_thread_safe && tfull::is_thread_safe);
static_assert(!tmin::has_owns && tfull::has_owns);
static_assert(tmin::is_stateless);
static_assert(!runtime::allocator_traits<runtime::arena_allocator<>>::is_stateless);
static_assert(runtime::HasTryResize<full> && !runtime::HasTryResize<minimal>);
static_assert(runtime::allocator_traits<runtime::tracking_allocator<runtime::mimalloc_allocator>>::is_thread_safe);
static_assert(!runtime::allocator_traits<runtime::tracking_allocator<runtime::arena_allocator<>>>::is_thread_safe);
static_assert(!runtime::allocator_traits<runtime::arena_allocator<>>::is_thread_safe);
static_assert(runtime::allocator_traits<runtime::debug_allocator<>>::is_thread_safe);
// An arena over a Backing that cannot be default-constructed is not default-constructible itself: asking
// (std_allocator's is_stateless does) answers false instead of failing to compile on a default argument.
using ref_arena = runtime::arena_allocator<runtime::allocator_ref<runtime::tracking_allocator<>>>;
static_assert(!std::is_default_constructible_v<ref_arena>);
static_assert(!runtime::allocator_traits<ref_arena>::is_stateless);
static_assert(std::is_constructible_v<ref_arena, runtime::arena_options, runtime::tracking_allocator<>&>);
static_assert(std::is_default_constructible_v<runtime::arena_allocator<>>);

}  // namespace

int main() { return 0; }
