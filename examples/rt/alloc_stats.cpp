// SPDX-License-Identifier: MIT
// rt's global operator new/delete with a counting layer, and RUNTIME_ALLOC_STATS=1: the figures as JSON on
// stderr at exit. Compiled with every allocator option. The backend is plain malloc here (weak symbols);
// global_mimalloc.cpp, compiled only with -Dallocator=mimalloc, overrides them with mimalloc's sized and
// aligned calls. Counting costs one relaxed load and a predictable branch per call while stats are off.
#include <malloc.h>  // malloc_usable_size
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <nlohmann/json.hpp>
#include "runtime/detail/posix_io.hpp"
#if RUNTIME_USE_MODULES
import runtime.env;
import runtime.alloc;
#else
#include <runtime/alloc.hpp>
#include <runtime/env.hpp>
#endif

// Sanitizer runtimes bring their own operator new/delete (and examples/meson.build then leaves out
// global_mimalloc.cpp): replacing them would clash, so under a sanitizer rt does not count and the stats
// line says so.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#  define RT_ALLOC_STATS_REPLACE_NEW 0
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#    define RT_ALLOC_STATS_REPLACE_NEW 0
#  endif
#endif
#ifndef RT_ALLOC_STATS_REPLACE_NEW
#  define RT_ALLOC_STATS_REPLACE_NEW 1
#endif

// ---- the backend: malloc unless global_mimalloc.cpp provides strong definitions -------------------------
extern "C" {
[[gnu::weak]] void* rt_alloc_backend_malloc(std::size_t n) noexcept { return std::malloc(n ? n : 1); }
[[gnu::weak]] void* rt_alloc_backend_aligned(std::size_t n, std::size_t align) noexcept {
  void* p = nullptr;
  return ::posix_memalign(&p, align < sizeof(void*) ? sizeof(void*) : align, n ? n : 1) == 0 ? p : nullptr;
}
// size/align are 0 when the caller's delete did not know them.
[[gnu::weak]] void rt_alloc_backend_free(void* p, std::size_t, std::size_t) noexcept { std::free(p); }
[[gnu::weak]] std::size_t rt_alloc_backend_usable_size(void* p) noexcept { return ::malloc_usable_size(p); }
[[gnu::weak]] const char* rt_alloc_backend_name() noexcept { return "system"; }
}

namespace {

// constinit: operator new runs before any constructor, and must find these ready. Never destroyed: frees
// and the printer run until the very end of exit, after static destructors.
struct immortal_counters {
  union {
    runtime::alloc_counters c;
  };
  constexpr immortal_counters() : c() {}
  ~immortal_counters() {}
};
constinit immortal_counters immortal;
runtime::alloc_counters& counters = immortal.c;
constinit std::atomic<bool> counting{false};
constinit std::atomic<bool> printing_enabled{true};

// Stats count usable sizes on both sides, so current_bytes stays exact even for unsized delete.
inline void counted_alloc(void* p) noexcept {
  if (counting.load(std::memory_order_relaxed)) [[unlikely]]
    counters.on_allocate(rt_alloc_backend_usable_size(p));
}
inline void counted_free(void* p) noexcept {
  if (p && counting.load(std::memory_order_relaxed)) [[unlikely]]
    counters.on_deallocate(rt_alloc_backend_usable_size(p));
}

// Out of memory, as the standard asks: call the new_handler until it gives up, then throw bad_alloc.
[[maybe_unused]] void* alloc_or_throw(std::size_t n, std::size_t align) {
  for (;;) {
    void* p = align ? rt_alloc_backend_aligned(n, align) : rt_alloc_backend_malloc(n);
    if (p) [[likely]] {
      counted_alloc(p);
      return p;
    }
    std::new_handler h = std::get_new_handler();
    if (!h) throw std::bad_alloc();
    h();
  }
}
[[maybe_unused]] void* alloc_nothrow(std::size_t n, std::size_t align) noexcept {
  try {
    return alloc_or_throw(n, align);
  } catch (...) {
    return nullptr;
  }
}
[[maybe_unused]] void release(void* p, std::size_t n, std::size_t align) noexcept {
  if (!p) return;
  counted_free(p);
  rt_alloc_backend_free(p, n, align);
}

void print_stats();
std::atomic<bool> printer_registered{false};
void register_printer() {
  if (!printer_registered.exchange(true)) std::atexit(print_stats);
}

// Turn counting on before main's static constructors when the variable is set, so their allocations count
// too, and print even when rt exits before main reaches install_alloc_stats (rt --version).
// install_alloc_stats() has the final word. getenv allocates nothing.
[[gnu::constructor(101)]] void early_enable() {
  const char* v = std::getenv("RUNTIME_ALLOC_STATS");
  if (v && *v && std::strcmp(v, "0") != 0 && std::strcmp(v, "false") != 0) {
    counting.store(true, std::memory_order_relaxed);
    register_printer();
  }
}

void print_stats() {
  if (!printing_enabled.load(std::memory_order_relaxed)) return;
  runtime::alloc_stats s = counters.snapshot();  // before printing allocates anything
  counting.store(false, std::memory_order_relaxed);
  nlohmann::json j = s.to_json();
  j["allocator"] = RT_ALLOC_STATS_REPLACE_NEW ? rt_alloc_backend_name() : "sanitizer (not counted)";
  runtime::detail::write_all(2, j.dump() + '\n');
}

}  // namespace

namespace rt {

/// With RUNTIME_ALLOC_STATS set (Bun truthiness), counts every global new/delete of rt and prints the
/// tracking figures (runtime::alloc_stats::to_json plus "allocator") as one JSON line on stderr at exit.
void install_alloc_stats(const runtime::environment& env) {
  bool on = env.get_bool("RUNTIME_ALLOC_STATS");
  counting.store(on, std::memory_order_relaxed);
  printing_enabled.store(on, std::memory_order_relaxed);
  if (on) register_printer();
}

}  // namespace rt

// ---- the replaceable global allocation functions --------------------------------------------------------
#if RT_ALLOC_STATS_REPLACE_NEW
void* operator new(std::size_t n) { return alloc_or_throw(n, 0); }
void* operator new[](std::size_t n) { return alloc_or_throw(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) { return alloc_or_throw(n, std::size_t(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return alloc_or_throw(n, std::size_t(a)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return alloc_nothrow(n, 0); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return alloc_nothrow(n, 0); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return alloc_nothrow(n, std::size_t(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return alloc_nothrow(n, std::size_t(a));
}
void operator delete(void* p) noexcept { release(p, 0, 0); }
void operator delete[](void* p) noexcept { release(p, 0, 0); }
void operator delete(void* p, std::size_t n) noexcept { release(p, n, 0); }
void operator delete[](void* p, std::size_t n) noexcept { release(p, n, 0); }
void operator delete(void* p, std::align_val_t a) noexcept { release(p, 0, std::size_t(a)); }
void operator delete[](void* p, std::align_val_t a) noexcept { release(p, 0, std::size_t(a)); }
void operator delete(void* p, std::size_t n, std::align_val_t a) noexcept { release(p, n, std::size_t(a)); }
void operator delete[](void* p, std::size_t n, std::align_val_t a) noexcept { release(p, n, std::size_t(a)); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p, 0, 0); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p, 0, 0); }
void operator delete(void* p, std::align_val_t a, const std::nothrow_t&) noexcept { release(p, 0, std::size_t(a)); }
void operator delete[](void* p, std::align_val_t a, const std::nothrow_t&) noexcept {
  release(p, 0, std::size_t(a));
}
#endif
