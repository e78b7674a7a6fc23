// SPDX-License-Identifier: MIT
// runtime.alloc / system: system_allocator, the policy over the global operator new/delete.
#ifndef RUNTIME_MODULE
#  include <cstddef>
#  include <new>
#  include <string_view>
#endif
#include "runtime/alloc/concept.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ALLOC_SYSTEM_HPP_)
#define RUNTIME_ALLOC_SYSTEM_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 {

/// Global operator new / aligned new (whatever the program installed: with rt's allocator=mimalloc, and in
/// any process that loads Debian's libmimalloc.so, that is mimalloc). Thread-safe; stateless.
/// \throws std::bad_alloc on exhaustion. It calls the nothrow form and throws itself, because a C build of
/// libmimalloc (Debian's) aborts instead of throwing from the throwing operator new.
struct system_allocator {
  static constexpr std::string_view name = "system_allocator";
  static constexpr bool is_thread_safe = true;
  /// Alignments up to __STDCPP_DEFAULT_NEW_ALIGNMENT__ use the plain operator new (it guarantees them; the
  /// aligned form is a slower path in most allocators), larger ones the aligned form; deallocate pairs them.
  void* allocate(std::size_t n, std::size_t align) {
    void* p = align <= __STDCPP_DEFAULT_NEW_ALIGNMENT__ ? ::operator new(n, std::nothrow)
                                                         : ::operator new(n, std::align_val_t(align), std::nothrow);
    if (!p) throw std::bad_alloc();
    return p;
  }
  void deallocate(void* p, std::size_t n, std::size_t align) noexcept {
    if (align <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) ::operator delete(p, n);
    else ::operator delete(p, n, std::align_val_t(align));
  }
};

} }  // namespace runtime::v1
RUNTIME_EXPORT_END
#endif
