// SPDX-License-Identifier: MIT
// runtime.alloc / mimalloc: the policies over mimalloc (its default heap, and a private heap per
// instance). The only part that includes <mimalloc.h>.
#ifndef RUNTIME_MODULE
#  include <cstddef>
#  include <new>
#  include <string_view>
#  include <utility>
#  include <mimalloc.h>
#endif
#include "runtime/alloc/concept.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ALLOC_MIMALLOC_HPP_)
#define RUNTIME_ALLOC_MIMALLOC_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 {

/// mimalloc's default heap through its sized and aligned calls. Thread-safe; stateless; a block may be freed
/// on any thread. \throws std::bad_alloc when mimalloc returns null.
struct mimalloc_allocator {
  static constexpr std::string_view name = "mimalloc_allocator";
  static constexpr bool is_thread_safe = true;
  /// mi_malloc where its natural alignment suffices (mimalloc's own rule: 8 always, 16 for more than 8 bytes,
  /// since a block of 16 bytes or more is 16-aligned; mi_malloc(8) is only 8-aligned), else mi_malloc_aligned.
  [[gnu::always_inline]] void* allocate(std::size_t n, std::size_t align) {
    void* p = align <= sizeof(void*) || (align <= 16 && n > sizeof(void*)) ? mi_malloc(n) : mi_malloc_aligned(n, align);
    if (!p) [[unlikely]] throw std::bad_alloc();
    return p;
  }
  /// mi_free: in a release libmimalloc the sized/aligned forms only add debug assertions and a call.
  [[gnu::always_inline]] void deallocate(void* p, std::size_t, std::size_t) noexcept { mi_free(p); }
  bool try_resize(void* p, std::size_t, std::size_t new_n, std::size_t) noexcept {
    return mi_expand(p, new_n) != nullptr;
  }
  /// Whether p is in mimalloc's memory (its segment map; else the calling thread's default heap, which is
  /// what is left when mimalloc's region tracking is unavailable, as under TSan).
  bool owns(const void* p) const noexcept { return mi_is_in_heap_region(p) || mi_check_owned(p); }
};

/// A private mimalloc heap per instance (mi_heap_new): its blocks are separate from the rest of the
/// process, and destroying the instance releases what is still live in it (mi_heap_destroy).
/// NOT thread-safe for allocate (mimalloc heaps belong to the creating thread); deallocate is safe from any
/// thread. Move-only.
class mimalloc_heap_allocator {
 public:
  static constexpr std::string_view name = "mimalloc_heap_allocator";
  static constexpr bool is_thread_safe = false;
  mimalloc_heap_allocator() : heap_(mi_heap_new()) {
    if (!heap_) throw std::bad_alloc();
  }
  mimalloc_heap_allocator(mimalloc_heap_allocator&& o) noexcept : heap_(std::exchange(o.heap_, nullptr)) {}
  mimalloc_heap_allocator& operator=(mimalloc_heap_allocator&& o) noexcept {
    if (this != &o) { release(); heap_ = std::exchange(o.heap_, nullptr); }
    return *this;
  }
  ~mimalloc_heap_allocator() { release(); }

  void* allocate(std::size_t n, std::size_t align) {
    void* p = align <= alignof(std::max_align_t) ? mi_heap_malloc(heap_, n) : mi_heap_malloc_aligned(heap_, n, align);
    if (!p) throw std::bad_alloc();
    return p;
  }
  void deallocate(void* p, std::size_t n, std::size_t align) noexcept { mi_free_size_aligned(p, n, align); }
  bool owns(const void* p) const noexcept { return heap_ && mi_heap_check_owned(heap_, p); }
  mi_heap_t* heap() const noexcept { return heap_; }

 private:
  void release() noexcept {
    if (heap_) mi_heap_destroy(heap_);
    heap_ = nullptr;
  }
  mi_heap_t* heap_;
};

} }  // namespace runtime::v1
RUNTIME_EXPORT_END
#endif
