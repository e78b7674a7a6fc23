// SPDX-License-Identifier: MIT
// runtime.alloc: the Allocator concept and its policies.
#ifndef RUNTIME_MODULE
#  include <cstddef>
#  include <new>
#  include <mimalloc.h>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#  include "runtime/error.hpp"
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ALLOC_HPP_)
#define RUNTIME_ALLOC_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1 {

/// The minimal allocator: allocate and deallocate with size and alignment.
template <class A>
concept Allocator = requires(A& a, std::size_t n, std::size_t align, void* p) {
  { a.allocate(n, align) } -> std::same_as<void*>;
  a.deallocate(p, n, align);
};

/// operator new / aligned new. Thread-safe; stateless.
struct system_allocator {
  void* allocate(std::size_t n, std::size_t align) {
    return ::operator new(n, std::align_val_t(align));
  }
  void deallocate(void* p, std::size_t n, std::size_t align) noexcept {
    ::operator delete(p, n, std::align_val_t(align));
  }
};

}  // namespace runtime::inline v1
RUNTIME_EXPORT_END

#endif
