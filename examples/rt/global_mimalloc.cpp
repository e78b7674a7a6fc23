// SPDX-License-Identifier: MIT
// Built only with -Dallocator=mimalloc: rt's global operator new/delete (defined with their counting layer in
// alloc_stats.cpp) allocate through mimalloc. These strong definitions replace alloc_stats.cpp's weak malloc
// backend. We do not include <mimalloc-new-delete.h>: its operators would clash with the counting ones, and
// Debian's C build of mimalloc aborts on out-of-memory in mi_new instead of throwing std::bad_alloc.
#include <cstddef>
#include <mimalloc.h>

extern "C" {
void* rt_alloc_backend_malloc(std::size_t n) noexcept { return mi_malloc(n); }
void* rt_alloc_backend_aligned(std::size_t n, std::size_t align) noexcept { return mi_malloc_aligned(n, align); }
void rt_alloc_backend_free(void* p, std::size_t n, std::size_t align) noexcept {
  if (n && align) mi_free_size_aligned(p, n, align);
  else if (n) mi_free_size(p, n);
  else mi_free(p);
}
std::size_t rt_alloc_backend_usable_size(void* p) noexcept { return mi_usable_size(p); }
const char* rt_alloc_backend_name() noexcept { return "mimalloc"; }
}
