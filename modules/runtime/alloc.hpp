// SPDX-License-Identifier: MIT
// runtime.alloc: the Allocator concept, its traits, allocation policies that compose at compile time, and
// bridges to std::pmr and standard containers.
//
// Out of memory: every policy reports exhaustion by throwing std::bad_alloc (mimalloc's null return and
// arithmetic overflow of a size included); no policy returns nullptr from allocate().
#ifndef RUNTIME_MODULE
#  include <algorithm>
#  include <array>
#  include <atomic>
#  include <bit>
#  include <concepts>
#  include <cstddef>
#  include <cstdint>
#  include <cstdio>
#  include <cstdlib>
#  include <cstring>
#  include <functional>
#  include <limits>
#  include <memory_resource>
#  include <mutex>
#  include <new>
#  include <string>
#  include <string_view>
#  include <type_traits>
#  include <utility>
#  include <vector>
#  include <cxxabi.h>
#  include <execinfo.h>
#  include <pthread.h>
#  include <thread>
#  include <mimalloc.h>
#  include <nlohmann/json.hpp>
#endif
#if !defined(RUNTIME_MODULE) && !defined(RUNTIME_GMF)
#endif
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ALLOC_HPP_)
#define RUNTIME_ALLOC_HPP_
#include "runtime/config.hpp"

// The build sets this for all code (meson option debug_allocator); a header-mode consumer that does not
// gets the checks in builds without NDEBUG.
#ifndef RUNTIME_DEBUG_ALLOCATOR
#  ifdef NDEBUG
#    define RUNTIME_DEBUG_ALLOCATOR 0
#  else
#    define RUNTIME_DEBUG_ALLOCATOR 1
#  endif
#endif

namespace runtime::inline v1::detail {

// Index of the first byte of [p, p+n) that is not b, or n: word at a time, the quarantine scans every
// freed byte.
inline std::size_t first_not(const char* p, std::size_t n, std::uint8_t b) noexcept {
  std::uint64_t pat = 0x0101010101010101ull * b;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (w != pat) break;
  }
  for (; i < n; ++i)
    if (static_cast<std::uint8_t>(p[i]) != b) return i;
  return n;
}

// memset for the short blocks debug_allocator fills most: overlapping 8/16-byte stores, no call.
[[gnu::always_inline]] inline void fill(char* p, std::uint8_t b, std::size_t n) noexcept {
  std::uint64_t w = 0x0101010101010101ull * b;
  if (n >= 16 && n <= 32) {
    std::uint64_t q[2] = {w, w};
    std::memcpy(p, q, 16);
    std::memcpy(p + n - 16, q, 16);
  } else if (n >= 8 && n < 16) {
    std::memcpy(p, &w, 8);
    std::memcpy(p + n - 8, &w, 8);
  } else {
    std::memset(p, b, n);
  }
}
// Whether [p, p+N) is all b, N a compile-time size (guard bytes): word compares, no call.
template <std::size_t N>
[[gnu::always_inline]] inline bool all_bytes(const char* p, std::uint8_t b) noexcept {
  std::uint64_t pat = 0x0101010101010101ull * b, acc = 0;
  std::size_t i = 0;
  for (; i + 8 <= N; i += 8) {
    std::uint64_t v;
    std::memcpy(&v, p + i, 8);
    acc |= v ^ pat;
  }
  for (; i < N; ++i) acc |= std::uint8_t(p[i]) ^ b;
  return acc == 0;
}

struct null_mutex {
  void lock() noexcept {}
  void unlock() noexcept {}
};

inline bool is_pow2(std::size_t a) noexcept { return a != 0 && (a & (a - 1)) == 0; }
inline std::uintptr_t align_up(std::uintptr_t v, std::size_t a) noexcept { return (v + (a - 1)) & ~(std::uintptr_t(a) - 1); }

// Overflow of a size computation is an out-of-memory condition, never a wrap-around.
inline std::size_t checked_add(std::size_t a, std::size_t b) {
  if (a > std::numeric_limits<std::size_t>::max() - b) throw std::bad_alloc();
  return a + b;
}

}  // namespace runtime::inline v1::detail

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1 {

// ============================================================================================ the concept ===

/// Part 1 of Allocator: `void* a.allocate(std::size_t size, std::size_t align)`.
/// \returns memory for `size` bytes aligned to `align` (a power of two); \throws std::bad_alloc, never null.
template <class A>
concept HasAllocate = requires(A& a, std::size_t n, std::size_t align) {
  { a.allocate(n, align) } -> std::same_as<void*>;
};

/// Part 2 of Allocator: `a.deallocate(void* p, std::size_t size, std::size_t align)` with the size and
/// alignment given to allocate().
template <class A>
concept HasDeallocate = requires(A& a, void* p, std::size_t n, std::size_t align) { a.deallocate(p, n, align); };

/// The minimal allocator: allocate and deallocate with size and alignment. Everything else is optional and
/// reached through allocator_traits. A type that fails names the missing part (HasAllocate/HasDeallocate)
/// in the compiler's diagnostic; `static_assert(runtime::checked_allocator<T>)` spells it out in English.
template <class A>
concept Allocator = HasAllocate<A> && HasDeallocate<A>;

/// Optional: `bool a.try_resize(void* p, std::size_t old_size, std::size_t new_size, std::size_t align)`
/// grows or shrinks in place; false leaves the block untouched.
template <class A>
concept HasTryResize = requires(A& a, void* p, std::size_t n, std::size_t align) {
  { a.try_resize(p, n, n, align) } -> std::convertible_to<bool>;
};
/// Optional: `bool a.owns(const void* p) const` — whether p came from this allocator.
template <class A>
concept HasOwns = requires(const A& a, const void* p) {
  { a.owns(p) } -> std::convertible_to<bool>;
};
/// Optional: `static constexpr std::string_view name` (or a `name()` member) for diagnostics.
template <class A>
concept HasName = requires { { A::name } -> std::convertible_to<std::string_view>; };
/// Optional: `static constexpr bool is_thread_safe` — allocate/deallocate may be called concurrently.
template <class A>
concept HasThreadSafety = requires { { A::is_thread_safe } -> std::convertible_to<bool>; };

/// True when A is an Allocator; when it is not, instantiating it fails with a static_assert that says which
/// requirement is missing (use as `static_assert(runtime::checked_allocator<T>)`).
template <class A>
inline constexpr bool checked_allocator = [] {
  static_assert(HasAllocate<A>,
                "type is not a runtime::Allocator: it does not provide `void* allocate(std::size_t size, "
                "std::size_t align)`");
  static_assert(HasDeallocate<A>,
                "type is not a runtime::Allocator: it does not provide `void deallocate(void* p, std::size_t "
                "size, std::size_t align)`");
  return true;
}();

/// Uniform access to an Allocator; fills in every optional part. Callers go through it rather than calling
/// members directly, so a policy only writes what it can do better than the default.
template <class A>
struct allocator_traits {
  static_assert(HasAllocate<A>,
                "runtime::allocator_traits<A>: A is not an Allocator: it does not provide `void* allocate(std::size_t "
                "size, std::size_t align)`");
  static_assert(HasDeallocate<A>,
                "runtime::allocator_traits<A>: A is not an Allocator: it does not provide `void deallocate(void* p, "
                "std::size_t size, std::size_t align)`");

  /// \pre align is a power of two. \throws std::bad_alloc on exhaustion.
  [[gnu::always_inline]] static void* allocate(A& a, std::size_t n, std::size_t align) { return a.allocate(n, align); }
  /// \pre (p, n, align) are exactly what allocate() was given/returned.
  [[gnu::always_inline]] static void deallocate(A& a, void* p, std::size_t n, std::size_t align) {
    a.deallocate(p, n, align);
  }
  /// In-place resize; the default (no member) is "cannot" — the caller then allocates, copies and frees.
  static bool try_resize(A& a, void* p, std::size_t old_n, std::size_t new_n, std::size_t align) {
    if constexpr (HasTryResize<A>) return a.try_resize(p, old_n, new_n, align);
    else return false;
  }
  /// Whether `owns()` can answer; without it, owns() is not available.
  static constexpr bool has_owns = HasOwns<A>;
  static bool owns(const A& a, const void* p) requires HasOwns<A> { return a.owns(p); }
  /// The allocator's name for diagnostics; "allocator" when it declares none.
  static constexpr std::string_view name() {
    if constexpr (HasName<A>) return std::string_view(A::name);
    else return "allocator";
  }
  /// Declared thread safety; an allocator that says nothing is assumed not thread-safe.
  static constexpr bool is_thread_safe = [] {
    if constexpr (HasThreadSafety<A>) return bool(A::is_thread_safe);
    else return false;
  }();
  /// Stateless allocators are interchangeable: memory from one instance may be freed through another.
  static constexpr bool is_stateless = std::is_empty_v<A> && std::is_default_constructible_v<A>;
};

// ============================================================================================ policies =====

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

/// A non-owning handle to another allocator, so a stateful allocator can be shared by adaptors and
/// containers. Thread safety is that of A.
template <Allocator A>
class allocator_ref {
 public:
  static constexpr bool is_thread_safe = allocator_traits<A>::is_thread_safe;
  allocator_ref(A& a) noexcept : a_(&a) {}  // NOLINT: implicit on purpose
  void* allocate(std::size_t n, std::size_t align) { return allocator_traits<A>::allocate(*a_, n, align); }
  void deallocate(void* p, std::size_t n, std::size_t align) { allocator_traits<A>::deallocate(*a_, p, n, align); }
  bool try_resize(void* p, std::size_t o, std::size_t n, std::size_t al) {
    return allocator_traits<A>::try_resize(*a_, p, o, n, al);
  }
  A& get() const noexcept { return *a_; }
  friend bool operator==(const allocator_ref&, const allocator_ref&) = default;

 private:
  A* a_;
};

// ------------------------------------------------------------------------------------------- arena -------

/// How arena_allocator::reset() treats its blocks (Zig's ArenaAllocator.ResetMode).
enum class reset_mode : std::uint8_t {
  free_all,         ///< return every block to the backing allocator
  retain_capacity,  ///< keep the regular blocks for reuse; dedicated large blocks are always returned
};

/// Block growth of an arena: the first block, the cap of the geometric growth, and the size from which an
/// allocation gets a dedicated block of its own (so one big request does not waste a growing block).
struct arena_options {
  std::size_t initial_block_size = 4096;
  std::size_t max_block_size = std::size_t(1) << 20;
  std::size_t large_threshold = std::size_t(64) << 10;
};

/// A position in an arena to rewind to (arena_allocator::mark()).
struct arena_marker {
  void* block = nullptr;
  std::size_t used = 0;
  std::size_t large_count = 0;
};

/// Bump-pointer allocation in growing blocks taken from Backing. Any power-of-two alignment. deallocate()
/// reclaims only the most recent allocation; everything else is freed at once by reset(), rewind() or the
/// destructor. NOT thread-safe. Move-only. \throws std::bad_alloc when Backing does.
template <Allocator Backing = system_allocator>
class arena_allocator {
  struct block {
    block* prev;
    std::size_t size;   // total bytes, header included
    std::size_t align;  // alignment it was allocated with
  };
  static constexpr std::size_t header = sizeof(block);
  static constexpr std::size_t block_align = alignof(std::max_align_t);

 public:
  static constexpr std::string_view name = "arena_allocator";
  static constexpr bool is_thread_safe = false;

  explicit arena_allocator(arena_options opt = {}, Backing backing = Backing{})
      : backing_(std::move(backing)), opt_(opt), next_size_(std::max<std::size_t>(opt.initial_block_size, 256)) {}
  arena_allocator(const arena_allocator&) = delete;
  arena_allocator& operator=(const arena_allocator&) = delete;
  arena_allocator(arena_allocator&& o) noexcept
      : backing_(std::move(o.backing_)), opt_(o.opt_), head_(std::exchange(o.head_, nullptr)),
        spare_(std::exchange(o.spare_, nullptr)), large_(std::exchange(o.large_, nullptr)),
        large_count_(std::exchange(o.large_count_, 0)), cur_(std::exchange(o.cur_, nullptr)),
        end_(std::exchange(o.end_, nullptr)), next_size_(o.next_size_) {}
  ~arena_allocator() { reset(reset_mode::free_all); }

  /// \pre align is a power of two. O(1) unless a new block is needed.
  void* allocate(std::size_t n, std::size_t align) {
    auto c = detail::align_up(reinterpret_cast<std::uintptr_t>(cur_), align);
    auto e = reinterpret_cast<std::uintptr_t>(end_);
    if (c <= e && n <= e - c && cur_) [[likely]] {
      cur_ = reinterpret_cast<char*>(c + n);
      return reinterpret_cast<void*>(c);
    }
    return allocate_slow(n, align);
  }
  /// Frees only the most recent allocation (LIFO); otherwise a no-op until reset/rewind.
  void deallocate(void* p, std::size_t n, std::size_t align) noexcept {
    if (large_ && p == reinterpret_cast<char*>(large_) + large_offset(align)) {
      pop_large();
      return;
    }
    // The newest block ends at cur_: give it back (its alignment padding stays used, harmlessly).
    if (p && static_cast<char*>(p) + n == cur_) cur_ = static_cast<char*>(p);
  }
  /// Grows or shrinks the most recent allocation in place when the block has room.
  bool try_resize(void* p, std::size_t old_n, std::size_t new_n, std::size_t) noexcept {
    char* q = static_cast<char*>(p);
    if (q + old_n != cur_ || !head_) return new_n <= old_n && q;  // shrinking anything "succeeds" (no-op)
    if (new_n > std::size_t(end_ - q)) return false;
    cur_ = q + new_n;
    return true;
  }
  /// Whether p points into memory handed out by this arena (O(number of blocks)).
  bool owns(const void* p) const noexcept {
    auto in = [p](const block* b) {
      auto* s = reinterpret_cast<const char*>(b);
      return std::less_equal<const void*>()(s + header, p) && std::less<const void*>()(p, s + b->size);
    };
    for (block* b = head_; b; b = b->prev) if (in(b)) return true;
    for (block* b = large_; b; b = b->prev) if (in(b)) return true;
    return false;
  }

  /// The current position; allocations made after it are released by rewind(m).
  arena_marker mark() const noexcept {
    return {head_, head_ ? std::size_t(cur_ - reinterpret_cast<char*>(head_)) : 0, large_count_};
  }
  /// \pre m came from mark() on this arena, and no reset or earlier rewind went below it since.
  /// Blocks opened after m are kept for reuse; large blocks opened after m are returned to Backing.
  void rewind(arena_marker m) noexcept {
    while (large_count_ > m.large_count) pop_large();
    while (head_ && head_ != m.block) {
      block* b = head_;
      head_ = b->prev;
      b->prev = spare_;
      spare_ = b;
    }
    if (head_) {
      cur_ = reinterpret_cast<char*>(head_) + m.used;
      end_ = reinterpret_cast<char*>(head_) + head_->size;
    } else {
      cur_ = end_ = nullptr;
    }
  }
  /// Releases every allocation at once.
  void reset(reset_mode mode = reset_mode::free_all) noexcept {
    rewind({});
    if (mode == reset_mode::free_all) {
      while (spare_) {
        block* b = spare_;
        spare_ = b->prev;
        free_block(b);
      }
      next_size_ = std::max<std::size_t>(opt_.initial_block_size, 256);
    }
  }
  /// Bytes held from Backing (blocks in use, spare and large).
  std::size_t capacity() const noexcept {
    std::size_t s = 0;
    for (block* b : {head_, spare_, large_})
      for (; b; b = b->prev) s += b->size;
    return s;
  }
  Backing& backing() noexcept { return backing_; }

 private:
  void free_block(block* b) noexcept { backing_.deallocate(b, b->size, b->align); }
  void pop_large() noexcept {
    block* b = large_;
    large_ = b->prev;
    --large_count_;
    free_block(b);
  }
  static std::size_t large_offset(std::size_t align) noexcept {
    return detail::align_up(header, std::max(align, block_align));
  }
  void* allocate_slow(std::size_t n, std::size_t align) {
    std::size_t need = detail::checked_add(detail::checked_add(n, align), header);
    if (need > opt_.large_threshold) {
      // A dedicated block, header at its start, so deallocate() of the newest one can return it at once.
      std::size_t total = detail::checked_add(large_offset(align), n);
      auto* b = static_cast<block*>(backing_.allocate(total, std::max(align, block_align)));
      b->prev = large_;
      b->size = total;
      b->align = std::max(align, block_align);
      large_ = b;
      ++large_count_;
      return reinterpret_cast<char*>(b) + large_offset(align);
    }
    // Reuse a spare block that fits, else take a new one from Backing.
    block** link = &spare_;
    while (*link && (*link)->size < need) link = &(*link)->prev;
    block* b = *link;
    if (b) {
      *link = b->prev;
    } else {
      std::size_t size = std::max(next_size_, need);
      next_size_ = std::min(next_size_ * 2, std::max(opt_.max_block_size, next_size_));
      b = static_cast<block*>(backing_.allocate(size, block_align));
      b->size = size;
      b->align = block_align;
    }
    b->prev = head_;
    head_ = b;
    cur_ = reinterpret_cast<char*>(b) + header;
    end_ = reinterpret_cast<char*>(b) + b->size;
    return allocate(n, align);
  }

  [[no_unique_address]] Backing backing_;
  arena_options opt_;
  block* head_ = nullptr;   // block being bumped, linked to older ones
  block* spare_ = nullptr;  // retained blocks ready for reuse
  block* large_ = nullptr;  // dedicated blocks, newest first
  std::size_t large_count_ = 0;
  char* cur_ = nullptr;
  char* end_ = nullptr;
  std::size_t next_size_;
};

/// Rewinds an arena to the position it had at construction when the scope ends (foonathan's
/// memory_stack unwinder).
template <class Arena>
class scoped_rewind {
 public:
  explicit scoped_rewind(Arena& a) noexcept : arena_(a), mark_(a.mark()) {}
  scoped_rewind(const scoped_rewind&) = delete;
  scoped_rewind& operator=(const scoped_rewind&) = delete;
  ~scoped_rewind() { arena_.rewind(mark_); }
  arena_marker marker() const noexcept { return mark_; }

 private:
  Arena& arena_;
  arena_marker mark_;
};

// ------------------------------------------------------------------------------------------- tracking ----

/// A point-in-time copy of allocation counters. Under concurrency the fields are each exact but read at
/// slightly different moments.
struct alloc_stats {
  static constexpr std::size_t size_classes = 16;
  std::uint64_t allocations = 0;
  std::uint64_t frees = 0;
  std::uint64_t current_bytes = 0;
  std::uint64_t peak_bytes = 0;
  std::uint64_t total_bytes = 0;  ///< sum of all allocation sizes
  /// histogram[i] counts allocations of at most 8 << i bytes (and above the previous class); the last
  /// class holds everything larger than 128 KiB.
  std::array<std::uint64_t, size_classes> histogram{};

  /// Upper bound of class i in bytes; 0 for the open-ended last class.
  static constexpr std::uint64_t class_limit(std::size_t i) noexcept {
    return i + 1 < size_classes ? std::uint64_t(8) << i : 0;
  }
  /// {"allocations":..,"frees":..,"current_bytes":..,"peak_bytes":..,"total_bytes":..,
  ///  "size_classes":[{"le":8,"count":..},...,{"le":null,"count":..}]}
  nlohmann::json to_json() const {
    nlohmann::json classes = nlohmann::json::array();
    for (std::size_t i = 0; i < size_classes; ++i) {
      nlohmann::json c;
      if (class_limit(i)) c["le"] = class_limit(i);
      else c["le"] = nullptr;
      c["count"] = histogram[i];
      classes.push_back(std::move(c));
    }
    nlohmann::json j;
    j["allocations"] = allocations;
    j["frees"] = frees;
    j["current_bytes"] = current_bytes;
    j["peak_bytes"] = peak_bytes;
    j["total_bytes"] = total_bytes;
    j["size_classes"] = std::move(classes);
    return j;
  }
};

/// Lock-free allocation counters, sharded per thread so the hot path has no locked instruction: each thread
/// writes only its own cache-line-aligned shard (relaxed loads and stores), a snapshot sums the shards. An
/// allocation costs a thread-local cache probe, two counter updates and one predictable compare; a free, the
/// same. constinit-able, so they can count from inside a global operator new before any constructor has
/// run; shards come from aligned_alloc, never from operator new. Thread-safe.
///
/// allocations, frees, total_bytes, the histogram and current_bytes are exact once the counting threads are
/// quiescent (while they run, each shard's fields are exact but read at slightly different moments).
/// peak_bytes is recorded off the hot path: a thread looks at the total (the sum of every shard) when its
/// own allocations could have taken it past the peak it knows, after at most 64 KiB of its own allocation,
/// and at its first free after growing at the peak. So:
///  - with one thread allocating and freeing, peak_bytes is exact (the highest current_bytes ever reached);
///  - with several, a peak reached by one thread's allocations may be recorded up to 64 KiB per other thread
///    low (their growth since they last looked), and the total is summed shard by shard, not at one
///    instant; peak_bytes is never below the current_bytes of the same snapshot.
/// Not copyable or movable (threads cache pointers to their shards).
class alloc_counters {
  struct alignas(64) shard {
    // Line 1, written on every call by the owning thread only (relaxed loads and stores).
    std::atomic<std::uint64_t> allocated{0};  // bytes this thread allocated
    std::atomic<std::uint64_t> freed{0};      // bytes this thread freed
    std::atomic<std::uint64_t> frees{0};
    std::uint64_t alloc_hi = 0;  // owner-only: look at the total when allocated goes above it ...
    std::uint64_t freed_hi = 0;  // ... or freed above this (growth at the peak not yet recorded)
    std::int64_t peak_seen = 0;  // owner-only copy of peak
    std::atomic<std::uint64_t> peak{0};
    // Allocations by floor(log2((n - 1) | 7)) (2..63; 63 is n = 0): one slot per bit, so the hot path
    // indexes with a single bit scan; snapshot() maps them to alloc_stats classes.
    std::array<std::atomic<std::uint64_t>, 64> by_log2{};
    const void* owner = nullptr;
    shard* next = nullptr;
    constexpr shard() noexcept = default;
    constexpr explicit shard(std::uint64_t hi) noexcept : alloc_hi(hi), freed_hi(hi) {}
  };
  struct cache_entry {
    std::uint64_t key;
    shard* s;
  };
  static constexpr std::uint64_t look_bytes = 64 << 10;

 public:
  constexpr alloc_counters() noexcept = default;
  alloc_counters(const alloc_counters&) = delete;
  alloc_counters& operator=(const alloc_counters&) = delete;
  ~alloc_counters() {
    for (shard* s = shards_.load(); s;) {
      shard* n = s->next;
      s->~shard();
      std::free(s);
      s = n;
    }
  }

  /// Histogram class of an allocation of n bytes: 0 for n <= 8, i for 8 << (i-1) < n <= 8 << i, 15 above 128 KiB.
  static constexpr std::size_t size_class(std::size_t n) noexcept {
    std::size_t c = std::size_t(std::bit_width((n - 1) | 7)) - 3;
    c = c < alloc_stats::size_classes ? c : alloc_stats::size_classes - 1;
    return n ? c : 0;
  }
  [[gnu::always_inline]] void on_allocate(std::size_t n) noexcept {
    shard* s = mine();
    bump(s->by_log2[std::size_t(63 ^ __builtin_clzll((n - 1) | 7))], 1);  // bsr: (n - 1) | 7 is never 0
    std::uint64_t a = s->allocated.load(std::memory_order_relaxed) + n;
    s->allocated.store(a, std::memory_order_relaxed);
    if (a > s->alloc_hi) [[unlikely]] look(s, 0);  // the total may pass the peak, or 64 KiB since the last look
  }
  [[gnu::always_inline]] void on_deallocate(std::size_t n) noexcept {
    shard* s = mine();
    bump(s->frees, 1);
    std::uint64_t f = s->freed.load(std::memory_order_relaxed) + n;
    s->freed.store(f, std::memory_order_relaxed);
    if (f > s->freed_hi) [[unlikely]] look(s, n);  // first free after growing at the peak: record it first
  }
  alloc_stats snapshot() const noexcept {
    alloc_stats st;
    std::uint64_t freed = 0, peak = 0;
    for (shard* s = shards_.load(std::memory_order_acquire); s; s = s->next) {
      for (std::size_t l = 2; l < 64; ++l) {
        auto c = s->by_log2[l].load(std::memory_order_relaxed);
        st.histogram[l == 63 ? 0 : std::min<std::size_t>(l - 2, alloc_stats::size_classes - 1)] += c;
        st.allocations += c;
      }
      st.frees += s->frees.load(std::memory_order_relaxed);
      st.total_bytes += s->allocated.load(std::memory_order_relaxed);
      freed += s->freed.load(std::memory_order_relaxed);
      peak = std::max(peak, s->peak.load(std::memory_order_relaxed));
    }
    st.current_bytes = st.total_bytes > freed ? st.total_bytes - freed : 0;
    st.peak_bytes = std::max(peak, st.current_bytes);
    return st;
  }

 private:
  // Only the owning thread writes a shard: a load and a store, not a locked read-modify-write.
  [[gnu::always_inline]] static void bump(std::atomic<std::uint64_t>& a, std::uint64_t d) noexcept {
    a.store(a.load(std::memory_order_relaxed) + d, std::memory_order_relaxed);
  }
  // Off the hot path: sums the shards, records a new peak, and sets when to look next. `undo` is the size of
  // a free just counted (the total before it is the candidate peak). With one thread the sum is exact, the
  // next look comes no later than the allocation that would pass the peak, and growth at the peak is
  // recorded by the first free after it (or by snapshot(), as current_bytes): peak_bytes is exact.
  [[gnu::noinline]] void look(shard* s, std::uint64_t undo) noexcept {
    if (s == sink()) return;  // (its thresholds never let it get here)
    std::int64_t total = 0;
    for (shard* o = shards_.load(std::memory_order_acquire); o; o = o->next)
      total += std::int64_t(o->allocated.load(std::memory_order_relaxed) - o->freed.load(std::memory_order_relaxed));
    std::int64_t before = total + std::int64_t(undo);
    if (before > s->peak_seen) {
      s->peak_seen = before;
      s->peak.store(std::uint64_t(before), std::memory_order_relaxed);
    }
    std::uint64_t a = s->allocated.load(std::memory_order_relaxed);
    std::uint64_t headroom = total < s->peak_seen ? std::uint64_t(s->peak_seen - total) : 0;
    // At the peak, growth stays at the peak until the next free, which records it (as snapshot() does): a
    // thread that only allocates looks every 64 KiB, not at every allocation.
    s->alloc_hi = a + (headroom == 0 ? look_bytes : std::min(headroom, look_bytes));
    // At the peak, growth up to alloc_hi is not recorded yet: the next free records it first.
    s->freed_hi = headroom == 0 ? s->freed.load(std::memory_order_relaxed) : ~std::uint64_t(0);
  }
  // The thread's shard: a direct-mapped thread-local cache of 4 entries keyed by the instance's key
  // (its never-reused id << 4, so key & 0x30 is the entry's byte offset), else a walk of the shard list.
  [[gnu::always_inline]] shard* mine() noexcept {
    std::uint64_t key = key_.load(std::memory_order_relaxed);
    cache_entry& e = tl_cache_[(key >> 4) % cache_ways];
    if (e.key == key) [[likely]] return e.s;  // entries start with key ~0, which no instance has
    return mine_slow();
  }
  [[gnu::noinline]] shard* mine_slow() noexcept {
    std::uint64_t key = key_.load(std::memory_order_acquire);
    if (!key) {  // ids are never reused, so a stale cache entry can never match a newer object
      std::uint64_t fresh = next_id().fetch_add(1, std::memory_order_relaxed) << 4;
      key = key_.compare_exchange_strong(key, fresh, std::memory_order_acq_rel) ? fresh : key;
    }
    const void* me = &tl_marker_;  // a dead thread's marker address may be reused: its shard is then adopted
    shard* s = shards_.load(std::memory_order_acquire);
    for (; s; s = s->next)
      if (s->owner == me) break;
    if (!s) {
      void* mem = std::aligned_alloc(alignof(shard), sizeof(shard));  // sizeof is a multiple of the alignment
      if (mem) {
        s = ::new (mem) shard();
        s->owner = me;
        s->next = shards_.load(std::memory_order_relaxed);
        while (!shards_.compare_exchange_weak(s->next, s, std::memory_order_release, std::memory_order_relaxed)) {
        }
      } else {
        s = sink();  // out of memory: this thread's counts for this instance are dropped, never fatal
      }
    }
    tl_cache_[(key >> 4) % cache_ways] = {key, s};
    return s;
  }
  static std::atomic<std::uint64_t>& next_id() noexcept {
    static constinit std::atomic<std::uint64_t> n{1};
    return n;
  }
  static constexpr std::size_t cache_ways = 4;
  // initial-exec: one %fs-relative access, never __tls_get_addr (the linker relaxes it in an executable).
  [[gnu::tls_model("initial-exec")]] static inline thread_local cache_entry tl_cache_[cache_ways]{
      {~std::uint64_t(0), nullptr}, {~std::uint64_t(0), nullptr}, {~std::uint64_t(0), nullptr},
      {~std::uint64_t(0), nullptr}};
  [[gnu::tls_model("initial-exec")]] static inline thread_local char tl_marker_ = 0;
  // Shared by every thread whose shard could not be allocated: counts there are lost (racy relaxed stores),
  // and its thresholds never call look().
  static shard* sink() noexcept {
    static constinit shard s{~std::uint64_t(0)};
    return &s;
  }

  std::atomic<std::uint64_t> key_{0};  // 0 until the first call
  std::atomic<shard*> shards_{nullptr};
};

/// Counts what goes through it to Backing: allocations, frees, current/peak/total bytes, a size-class
/// histogram (alloc_counters). Thread-safe exactly when Backing is (the counters themselves always are).
/// allocate/deallocate inline into the caller with the backing call.
template <Allocator Backing = system_allocator>
class tracking_allocator {
 public:
  static constexpr std::string_view name = "tracking_allocator";
  static constexpr bool is_thread_safe = allocator_traits<Backing>::is_thread_safe;

  explicit tracking_allocator(Backing backing = Backing{}) : backing_(std::move(backing)) {}

  [[gnu::always_inline]] void* allocate(std::size_t n, std::size_t align) {
    void* p = allocator_traits<Backing>::allocate(backing_, n, align);
    counters_.on_allocate(n);
    return p;
  }
  [[gnu::always_inline]] void deallocate(void* p, std::size_t n, std::size_t align) {
    counters_.on_deallocate(n);
    allocator_traits<Backing>::deallocate(backing_, p, n, align);
  }
  bool try_resize(void* p, std::size_t old_n, std::size_t new_n, std::size_t align) {
    if (!allocator_traits<Backing>::try_resize(backing_, p, old_n, new_n, align)) return false;
    counters_.on_deallocate(old_n);  // a resize counts as a free plus an allocation of the new size
    counters_.on_allocate(new_n);
    return true;
  }
  bool owns(const void* p) const requires HasOwns<Backing> { return backing_.owns(p); }

  alloc_stats stats() const noexcept { return counters_.snapshot(); }
  /// stats() as JSON (alloc_stats::to_json).
  nlohmann::json to_json() const { return stats().to_json(); }
  Backing& backing() noexcept { return backing_; }

 private:
  [[no_unique_address]] Backing backing_;
  alloc_counters counters_;
};

// ------------------------------------------------------------------------------------------- debug -------

/// Whether debug_allocator checks are compiled in (meson option debug_allocator; RUNTIME_DEBUG_ALLOCATOR).
inline constexpr bool debug_allocator_enabled = RUNTIME_DEBUG_ALLOCATOR != 0;

/// Fill bytes of debug_allocator (foonathan's debug_magic): recognisable in a debugger and in reports.
enum class debug_magic : unsigned char {
  new_memory = 0xCD,    ///< fresh allocation, never written by the user
  freed_memory = 0xDD,  ///< freed and held in quarantine; any other byte there is a use-after-free write
  fence_memory = 0xFD,  ///< guard bytes around each allocation; any other byte there is an overrun
};

/// How debug_allocator takes stack traces.
enum class debug_unwinder : std::uint8_t {
  frame_pointer,  ///< walk frame pointers (fast, ~1 ns a frame; build with -fno-omit-frame-pointer)
  dwarf,          ///< backtrace() through .eh_frame (complete without frame pointers; ~1 µs a trace)
};

/// Compile-time knobs of debug_allocator (Zig's DebugAllocator(Config)).
struct debug_config {
  std::size_t fence_bytes = 16;       ///< guard bytes before and after each block
  bool fill = true;                   ///< fill new/freed memory with debug_magic (needed for UAF detection)
  bool leak_check = true;             ///< report blocks still live at check()
  std::size_t stack_frames = 12;      ///< frames captured per allocation and per free; 0: call site only
  std::size_t quarantine_blocks = 64; ///< freed blocks held back (about; kept per lock stripe) before release
  bool thread_safe = true;            ///< false: no locking (one thread only)
  debug_unwinder unwinder = debug_unwinder::frame_pointer;  ///< how stack_frames are taken
};

/// What debug_allocator found.
enum class debug_error_kind : std::uint8_t {
  leak, double_free, invalid_free, size_mismatch, alignment_mismatch, overrun, underrun, use_after_free_write
};
constexpr std::string_view to_string(debug_error_kind k) noexcept {
  switch (k) {
    case debug_error_kind::leak: return "leak";
    case debug_error_kind::double_free: return "double free";
    case debug_error_kind::invalid_free: return "invalid free";
    case debug_error_kind::size_mismatch: return "size mismatch on free";
    case debug_error_kind::alignment_mismatch: return "alignment mismatch on free";
    case debug_error_kind::overrun: return "buffer overrun";
    case debug_error_kind::underrun: return "buffer underrun";
    case debug_error_kind::use_after_free_write: return "use-after-free write";
  }
  return "error";
}

/// One finding, with the stack of the allocation and, when known, of the (first) free.
struct debug_error {
  debug_error_kind kind{};
  const void* ptr = nullptr;
  std::size_t size = 0;           ///< size given to allocate
  std::size_t align = 0;
  std::size_t given_size = 0;     ///< size/alignment given to the offending deallocate (mismatch errors)
  std::size_t given_align = 0;
  std::size_t offset = 0;         ///< first bad byte, relative to ptr (overrun/underrun/UAF)
  std::vector<void*> alloc_site;  ///< return addresses, innermost first
  std::vector<void*> free_site;
};

/// The verdict of debug_allocator::check(); discarding it is a warning (Zig's `deinit() -> Check`).
struct [[nodiscard]] debug_check {
  bool ok = true;
  std::size_t leaks = 0;
  std::size_t errors = 0;  ///< findings other than leaks
  explicit operator bool() const noexcept { return ok; }
};

/// Called for each finding as it is made (leaks: at check()); the default prints one line to stderr.
using debug_error_handler = void (*)(const debug_error&);

}  // namespace runtime::inline v1
RUNTIME_EXPORT_END

namespace runtime::inline v1::detail {

// ---- debug_allocator's machinery -----------------------------------------------------------------------

// The calling thread's stack [lo, hi), from pthread_getattr_np once per thread (0, 0 when unknown).
struct stack_bounds {
  std::uintptr_t lo = 0, hi = 0;
  bool known = false;
};
[[gnu::noinline]] inline void fetch_stack_bounds(stack_bounds& b) noexcept {
  b.known = true;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
  void* addr = nullptr;
  std::size_t size = 0;
  if (pthread_attr_getstack(&attr, &addr, &size) == 0 && addr) {
    b.lo = reinterpret_cast<std::uintptr_t>(addr);
    b.hi = b.lo + size;
  }
  pthread_attr_destroy(&attr);
}
[[gnu::always_inline]] inline const stack_bounds& this_thread_stack() noexcept {
  [[gnu::tls_model("initial-exec")]] static thread_local stack_bounds b;
  if (!b.known) [[unlikely]] fetch_stack_bounds(b);
  return b;
}

// Frame-pointer unwinding, as ASan's fast unwinder for malloc: frame is the (noinline) allocator entry's own
// frame address; out[0] is its return address, then one return address per frame of the caller chain. Never
// faults: every read lies between this frame and the top of the thread's stack (memory the thread has
// already used), frames must be 8-aligned and strictly rising; the walk stops at the first that is not (a
// frame compiled without frame pointers ends it, or, if its register held something that passes these
// checks, adds a bogus frame). Off the thread's stack (a signal or fiber stack) only the call site is kept.
[[gnu::always_inline]] inline std::uint32_t walk_frames(void* frame, void** out, std::uint32_t cap) noexcept {
  const stack_bounds& b = this_thread_stack();
  auto fp = reinterpret_cast<std::uintptr_t>(frame);
  if (fp < b.lo || fp >= b.hi) [[unlikely]] {
    out[0] = reinterpret_cast<void**>(fp)[1];  // our own frame is always readable
    return 1;
  }
  std::uint32_t n = 0;
  while (n < cap) {
    if ((fp & 7) != 0 || fp + 2 * sizeof(void*) > b.hi) break;
    auto* f = reinterpret_cast<void* const*>(fp);
    void* ret = f[1];
    auto next = reinterpret_cast<std::uintptr_t>(f[0]);
    if (!ret) break;
    out[n++] = ret;
    if (next <= fp) break;
    fp = next;
  }
  return n;
}

// A spinlock that yields: held for a few dozen instructions, one locked instruction per lock.
struct spin_mutex {
  std::atomic<bool> held{false};
  void lock() noexcept {
    while (held.exchange(true, std::memory_order_acquire)) [[unlikely]]
      while (held.load(std::memory_order_relaxed)) std::this_thread::yield();
  }
  void unlock() noexcept { held.store(false, std::memory_order_release); }
};

// An open-addressing set of pointers (linear probing, backward-shift deletion, never null): the blocks a
// debug_allocator stripe knows, so that a free of anything else is recognised without touching its memory.
class pointer_set {
 public:
  pointer_set() = default;
  pointer_set(const pointer_set&) = delete;
  pointer_set& operator=(const pointer_set&) = delete;
  ~pointer_set() { std::free(slots_); }
  static std::size_t hash(const void* p) noexcept {
    return std::size_t((reinterpret_cast<std::uintptr_t>(p) >> 4) * 0x9E3779B97F4A7C15ull);
  }
  bool contains(const void* p) const noexcept { return slots_ && slots_[find(p)] == p; }
  /// \throws std::bad_alloc when the table cannot grow.
  void insert(void* p) {
    if ((count_ + 1) * 2 > mask_ + 1 || !slots_) grow();
    std::size_t i = find(p);
    if (!slots_[i]) {
      slots_[i] = p;
      ++count_;
    }
  }
  void erase(const void* p) noexcept {
    if (!slots_) return;
    std::size_t i = find(p);
    if (slots_[i] != p) return;
    for (std::size_t j = i;;) {  // shift later members of the probe run back over the hole
      j = (j + 1) & mask_;
      if (!slots_[j]) break;
      std::size_t home = (hash(slots_[j]) >> shift_) & mask_;
      if (((j - home) & mask_) >= ((j - i) & mask_)) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i] = nullptr;
    --count_;
  }
  template <class F>
  void for_each(F f) const {
    if (slots_)
      for (std::size_t i = 0; i <= mask_; ++i)
        if (slots_[i]) f(slots_[i]);
  }
  std::size_t size() const noexcept { return count_; }

 private:
  std::size_t find(const void* p) const noexcept {
    std::size_t i = (hash(p) >> shift_) & mask_;
    while (slots_[i] && slots_[i] != p) i = (i + 1) & mask_;
    return i;
  }
  void grow() {
    std::size_t cap = slots_ ? (mask_ + 1) * 2 : 64;
    auto* fresh = static_cast<void**>(std::calloc(cap, sizeof(void*)));
    if (!fresh) throw std::bad_alloc();
    void** old = slots_;
    std::size_t old_cap = slots_ ? mask_ + 1 : 0;
    slots_ = fresh;
    mask_ = cap - 1;
    shift_ = 64 - std::size_t(std::countr_zero(cap)) - 4;  // the bits under the stripe's 4
    for (std::size_t i = 0; i < old_cap; ++i)
      if (old[i]) slots_[find(old[i])] = old[i];
    std::free(old);
  }
  void** slots_ = nullptr;
  std::size_t mask_ = 0, shift_ = 0, count_ = 0;
};

inline std::string hex(const void* p) {
  char buf[2 + 16 + 1];
  std::snprintf(buf, sizeof buf, "%p", p);
  return buf;
}

// One frame per line, demangled: "    #0 allocate_for_leak() (binary+0x1234)".
inline void append_frames(std::string& out, const std::vector<void*>& frames) {
  if (frames.empty()) {
    out += "    (no stack captured)\n";
    return;
  }
  char** syms = ::backtrace_symbols(frames.data(), int(frames.size()));
  for (std::size_t i = 0; i < frames.size(); ++i) {
    out += "    #" + std::to_string(i) + ' ';
    std::string_view s = syms ? std::string_view(syms[i]) : std::string_view();
    auto open = s.find('('), plus = s.find('+', open == s.npos ? 0 : open);
    std::string shown;
    if (open != s.npos && plus != s.npos && plus > open + 1) {
      std::string mangled(s.substr(open + 1, plus - open - 1));
      int status = 0;
      char* d = abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status);
      shown = status == 0 && d ? d : mangled;
      std::free(d);
      auto close = s.find(')', plus);
      shown += " at " + std::string(s.substr(0, open)) + std::string(s.substr(plus, close - plus));
    } else {
      shown = s.empty() ? hex(frames[i]) : std::string(s);
    }
    out += shown;
    out += '\n';
  }
  std::free(syms);
}

inline std::string describe(const debug_error& e) {
  if (e.kind == debug_error_kind::leak)
    return "leak: " + std::to_string(e.size) + " bytes at " + hex(e.ptr) + " (align " + std::to_string(e.align) + ")";
  std::string s = "error: ";
  s += std::string(to_string(e.kind)) + " at " + hex(e.ptr) + " (" + std::to_string(e.size) + " bytes, align " +
       std::to_string(e.align) + ")";
  if (e.kind == debug_error_kind::size_mismatch || e.kind == debug_error_kind::alignment_mismatch)
    s += ": freed with size " + std::to_string(e.given_size) + ", align " + std::to_string(e.given_align);
  if (e.kind == debug_error_kind::overrun || e.kind == debug_error_kind::use_after_free_write)
    s += ": bad byte at offset " + std::to_string(e.offset);
  if (e.kind == debug_error_kind::underrun) s += ": bad byte " + std::to_string(e.offset) + " bytes before the block";
  return s;
}

inline void default_debug_handler(const debug_error& e) {
  std::string line = "runtime::debug_allocator: " + describe(e) + '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}
inline std::atomic<debug_error_handler>& debug_handler_slot() noexcept {
  static constinit std::atomic<debug_error_handler> h{&default_debug_handler};
  return h;
}

}  // namespace runtime::inline v1::detail

RUNTIME_EXPORT_BEGIN
namespace runtime::inline v1 {

/// Installs the handler called on each debug_allocator finding; returns the previous one. nullptr: silent.
/// The handler runs on the thread that made the finding, after the allocator has released its locks: it may
/// allocate and free through the same debug_allocator (findings it causes there reach it in turn).
inline debug_error_handler set_debug_error_handler(debug_error_handler h) noexcept {
  return detail::debug_handler_slot().exchange(h);
}
inline debug_error_handler get_debug_error_handler() noexcept { return detail::debug_handler_slot().load(); }

#if RUNTIME_DEBUG_ALLOCATOR
/// Checks every allocation that goes through it to Backing: leaks (with the allocation's stack trace),
/// double and invalid frees, size/alignment mismatch on free, overruns and underruns (guard bytes checked at
/// free and at check()), use-after-free writes (freed blocks are filled and held in a quarantine, verified
/// when they leave it and at check()). Findings go to the error handler and into report().
///
/// Each block carries its bookkeeping in a header before its front guard (size, alignment, state and the
/// stack traces of its allocation and free); the allocator keeps the set of its blocks in 16 lock stripes
/// (by address), so a free of a pointer it does not know is reported without touching that memory, and the
/// quarantine is kept per stripe (about Config.quarantine_blocks in all). Thread-safe when Backing is.
/// Compiled out when RUNTIME_DEBUG_ALLOCATOR=0: then it forwards to Backing and check() is always ok.
///
/// Stack traces (Config.stack_frames, default 12) are taken by walking frame pointers, like ASan's fast
/// unwinder: build the code whose allocations you want traced with -fno-omit-frame-pointer (meson: the alloc
/// tests and benchmark do when debug_allocator is enabled); without it a trace may stop at, or (rarely)
/// contain a bogus frame after, the first function built without them. The walk never leaves the thread's
/// stack, so it cannot fault. Config.unwinder = debug_unwinder::dwarf uses backtrace() instead (complete
/// without frame pointers, ~1 µs a trace). Traces are symbolized only by report(); functions are named when
/// the program is linked with -rdynamic (backtrace_symbols).
template <Allocator Backing = system_allocator, debug_config Config = debug_config{}>
class debug_allocator {
  static constexpr std::uint32_t frames_cap = Config.stack_frames ? std::uint32_t(Config.stack_frames) : 1;
  static constexpr std::size_t fence = Config.fence_bytes;
  static constexpr std::size_t stripes = Config.thread_safe ? 16 : 1;
  static constexpr std::size_t qper = (Config.quarantine_blocks + stripes - 1) / stripes;
  static constexpr std::uint64_t canary_key = 0xDEB6A110CA7EDB10ull;
  enum class state : std::uint32_t { live = 0x4C495645, freed = 0x46524545 };

  struct header {  // immediately before the front guard (with at most 7 bytes of padding between)
    void* alloc_frames[frames_cap];
    void* free_frames[frames_cap];
    std::size_t size, align;
    state st;
    std::uint16_t alloc_n, free_n;
    // canary_key ^ the user pointer, last: an underrun that gets past the guard overwrites it before any
    // field the allocator relies on.
    std::uint64_t canary;
  };
  static constexpr std::size_t front = (fence + 7) & ~std::size_t(7);  // header end to user pointer

  using mutex = std::conditional_t<Config.thread_safe, detail::spin_mutex, detail::null_mutex>;
  struct alignas(64) stripe {
    mutable mutex mu;
    detail::pointer_set blocks;  // live and quarantined
    std::size_t live = 0;
    std::array<void*, qper ? qper : 1> quarantine{};  // ring: qhead is the oldest once full
    std::size_t qcount = 0, qhead = 0;
  };

 public:
  static constexpr std::string_view name = "debug_allocator";
  static constexpr bool is_thread_safe = Config.thread_safe && allocator_traits<Backing>::is_thread_safe;

  explicit debug_allocator(Backing backing = Backing{}) : backing_(std::move(backing)) {}
  debug_allocator(const debug_allocator&) = delete;
  debug_allocator& operator=(const debug_allocator&) = delete;
  /// Releases the quarantine and whatever leaked (after check() has reported it, or silently).
  ~debug_allocator() {
    for (auto& s : stripes_) {
      std::lock_guard lock(s.mu);
      s.blocks.for_each([this](void* p) {
        header* h = head(p);
        if (h->canary == (canary_key ^ reinterpret_cast<std::uintptr_t>(p))) release(static_cast<char*>(p), *h);
      });
    }
  }

  [[gnu::noinline]] void* allocate(std::size_t n, std::size_t align) {
    std::size_t a = std::max(align, alignof(std::max_align_t));
    std::size_t pre = detail::align_up(sizeof(header) + front, a);
    auto* base = static_cast<char*>(
        allocator_traits<Backing>::allocate(backing_, detail::checked_add(detail::checked_add(pre, n), fence), a));
    char* user = base + pre;
    stripe& s = stripe_of(user);
    std::lock_guard lock(s.mu);  // before the stores below: the lock's barrier then has little to wait for
    header* h = head(user);
    h->canary = canary_key ^ reinterpret_cast<std::uintptr_t>(user);
    h->size = n;
    h->align = align;
    h->st = state::live;
    h->alloc_n = std::uint16_t(capture(__builtin_frame_address(0), h->alloc_frames));
    h->free_n = 0;
    std::memset(user - fence, int(debug_magic::fence_memory), fence);
    std::memset(user + n, int(debug_magic::fence_memory), fence);
    if constexpr (Config.fill) detail::fill(user, std::uint8_t(debug_magic::new_memory), n);
    try {
      s.blocks.insert(user);
    } catch (...) {
      allocator_traits<Backing>::deallocate(backing_, base, pre + n + fence, a);
      throw;
    }
    ++s.live;
    return user;
  }

  [[gnu::noinline]] void deallocate(void* p, std::size_t n, std::size_t align) {
    if (!p) return;
    deferred_findings found;
    deallocate_locked(p, n, align, __builtin_frame_address(0));
    found.deliver();
  }

  /// The verdict so far: verifies guards of live blocks and the quarantine, then counts leaks (every live
  /// block, when Config.leak_check) and errors. Leaks are passed to the handler once per check().
  [[nodiscard]] debug_check check() {
    deferred_findings found;
    std::vector<debug_error> leaks;
    debug_check c = check_locked(leaks);
    found.deliver();
    if (auto hd = get_debug_error_handler())
      for (auto& e : leaks) hd(e);
    return c;
  }
  /// check(), then frees the quarantine; what leaked stays reported (Zig's deinit).
  [[nodiscard]] debug_check deinit() {
    debug_check c = check();
    deferred_findings found;
    for (auto& s : stripes_) {
      std::lock_guard lock(s.mu);
      if constexpr (qper > 0)
        for (std::size_t i = 0; i < s.qcount; ++i) evict(s, s.quarantine[(s.qhead + i) % qper]);
      s.qcount = s.qhead = 0;
    }
    found.deliver();
    return c;
  }

  /// A human report of every finding so far (leaks as of the last check()), with symbolized stacks.
  std::string report() const {
    std::lock_guard lock(report_mu_);
    std::string out = "debug_allocator: " + std::to_string(errors_.size()) + " error(s), " +
                      std::to_string(leaks_.size()) + " leak(s)\n";
    auto one = [&out](const debug_error& e) {
      out += detail::describe(e) + '\n';
      out += "  allocated at:\n";
      detail::append_frames(out, e.alloc_site);
      if (!e.free_site.empty()) {
        out += e.kind == debug_error_kind::double_free ? "  first freed at:\n" : "  freed at:\n";
        detail::append_frames(out, e.free_site);
      }
    };
    for (auto& e : errors_) one(e);
    for (auto& e : leaks_) one(e);
    return out;
  }
  /// Findings other than leaks, in order.
  std::vector<debug_error> errors() const {
    std::lock_guard lock(report_mu_);
    return errors_;
  }
  std::size_t live_blocks() const {
    std::size_t n = 0;
    for (auto& s : stripes_) {
      std::lock_guard lock(s.mu);
      n += s.live;
    }
    return n;
  }
  bool owns(const void* p) const {
    const stripe& s = stripe_of(p);
    std::lock_guard lock(s.mu);
    return s.blocks.contains(p) && head(p)->st == state::live;
  }
  Backing& backing() noexcept { return backing_; }

 private:
  // Findings made while a stripe lock is held are collected on the finding thread and handed to the error
  // handler once the lock is released, so a handler may allocate and free through this same allocator.
  struct deferred_findings {
    std::vector<debug_error> found;
    std::vector<debug_error>* prev = tl_deferred_;
    deferred_findings() noexcept { tl_deferred_ = &found; }
    deferred_findings(const deferred_findings&) = delete;
    deferred_findings& operator=(const deferred_findings&) = delete;
    ~deferred_findings() { tl_deferred_ = prev; }
    void deliver() {
      tl_deferred_ = prev;
      if (found.empty()) [[likely]] return;
      if (auto h = get_debug_error_handler())
        for (auto& e : found) h(e);
    }
  };
  static inline thread_local std::vector<debug_error>* tl_deferred_ = nullptr;

  // `frame` is deallocate's own frame address (the first frame of the free's stack trace).
  [[gnu::always_inline]] void deallocate_locked(void* p, std::size_t n, std::size_t align, void* frame) {
    auto* user = static_cast<char*>(p);
    stripe& s = stripe_of(p);
    std::lock_guard lock(s.mu);
    header* h = s.blocks.contains(p) ? head(p) : nullptr;
    if (!h || h->st != state::live || h->canary != (canary_key ^ reinterpret_cast<std::uintptr_t>(p))) [[unlikely]] {
      void* frames[frames_cap];
      std::uint32_t nf = capture(frame, frames);
      debug_error e;
      e.ptr = p;
      e.given_size = n;
      e.given_align = align;
      if (h && h->st == state::freed) {  // still in quarantine: we know it, and where it was first freed
        e.kind = debug_error_kind::double_free;
        e.size = h->size;
        e.align = h->align;
        e.alloc_site = sites(h->alloc_frames, h->alloc_n);
        e.free_site = sites(h->free_frames, h->free_n);
      } else if (h) {  // ours, but its header was overwritten: an underrun past the guard
        e.kind = debug_error_kind::underrun;
        e.offset = fence + 1;
        e.free_site = sites(frames, nf);
      } else {
        e.kind = debug_error_kind::invalid_free;
        e.size = n;
        e.align = align;
        e.free_site = sites(frames, nf);
      }
      report_error(std::move(e));
      return;  // never pass a bad pointer on to Backing
    }
    h->free_n = std::uint16_t(capture(frame, h->free_frames));
    if (n != h->size || align != h->align) [[unlikely]]
      report_error({n != h->size ? debug_error_kind::size_mismatch : debug_error_kind::alignment_mismatch, p, h->size,
                    h->align, n, align, 0, sites(h->alloc_frames, h->alloc_n), sites(h->free_frames, h->free_n)});
    check_fences(user, *h);
    h->st = state::freed;
    --s.live;
    if constexpr (Config.fill) detail::fill(user, std::uint8_t(debug_magic::freed_memory), h->size);
    if constexpr (qper > 0) {
      if (s.qcount < qper) {
        s.quarantine[(s.qhead + s.qcount++) % qper] = p;
      } else {  // ring: replace the oldest
        void* old = s.quarantine[s.qhead];
        s.quarantine[s.qhead] = p;
        s.qhead = (s.qhead + 1) % qper;
        evict(s, old);
      }
    } else {
      evict(s, p);
    }
  }

  // check()'s work under the stripe locks; `leaks` receives this check's leaks (for the handler).
  debug_check check_locked(std::vector<debug_error>& leaks) {
    for (auto& s : stripes_) {
      std::lock_guard lock(s.mu);
      s.blocks.for_each([&](void* p) {
        header* h = head(p);
        if (h->canary != (canary_key ^ reinterpret_cast<std::uintptr_t>(p))) [[unlikely]] {
          // Written over past the front guard: nothing in the header can be trusted (the block is never
          // released, rather than handing Backing a wrong size).
          report_error({debug_error_kind::underrun, p, 0, 0, 0, 0, fence + 1, {}, {}});
          return;
        }
        if (h->st == state::freed) {
          check_freed(static_cast<char*>(p), *h);
          return;
        }
        check_fences(static_cast<char*>(p), *h);
        if constexpr (Config.leak_check)
          leaks.push_back({debug_error_kind::leak, p, h->size, h->align, 0, 0, 0, sites(h->alloc_frames, h->alloc_n), {}});
      });
    }
    std::lock_guard lock(report_mu_);
    leaks_ = leaks;
    return {leaks_.empty() && errors_.empty(), leaks_.size(), errors_.size()};
  }
  static header* head(const void* user) noexcept {
    return reinterpret_cast<header*>(const_cast<char*>(static_cast<const char*>(user)) - front - sizeof(header));
  }
  stripe& stripe_of(const void* p) noexcept { return stripes_[(detail::pointer_set::hash(p) >> 60) % stripes]; }
  const stripe& stripe_of(const void* p) const noexcept {
    return stripes_[(detail::pointer_set::hash(p) >> 60) % stripes];
  }
  // `frame` is allocate's/deallocate's own frame address; frames[0] becomes their return address.
  [[gnu::always_inline]] static std::uint32_t capture([[maybe_unused]] void* frame, void** frames) noexcept {
    if constexpr (Config.stack_frames == 0) {
      frames[0] = static_cast<void**>(frame)[1];
      return 1;
    } else if constexpr (Config.unwinder == debug_unwinder::dwarf) {
      void* buf[frames_cap + 1];
      int got = ::backtrace(buf, int(frames_cap + 1));  // buf[0] is inside allocate/deallocate itself
      std::uint32_t n = 0;
      for (int i = 1; i < got; ++i) frames[n++] = buf[i];
      return n;
    } else {
      return detail::walk_frames(frame, frames, frames_cap);
    }
  }
  static std::vector<void*> sites(void* const* f, std::uint32_t n) { return std::vector<void*>(f, f + n); }
  void report_error(debug_error e) {
    if (auto* d = tl_deferred_) d->push_back(e);
    else if (auto h = get_debug_error_handler()) h(e);
    std::lock_guard lock(report_mu_);
    errors_.push_back(std::move(e));
  }
  [[gnu::always_inline]] bool check_fences(char* user, const header& h) {
    if (detail::all_bytes<fence>(user - fence, std::uint8_t(debug_magic::fence_memory)) &&
        detail::all_bytes<fence>(user + h.size, std::uint8_t(debug_magic::fence_memory))) [[likely]]
      return false;
    return report_fences(user, h);
  }
  [[gnu::noinline]] bool report_fences(char* user, const header& h) {
    bool bad = false;
    auto freed_site = [&h] { return h.st == state::freed ? sites(h.free_frames, h.free_n) : std::vector<void*>{}; };
    std::size_t i = detail::first_not(user + h.size, fence, std::uint8_t(debug_magic::fence_memory));
    if (i < fence) [[unlikely]] {
      report_error({debug_error_kind::overrun, user, h.size, h.align, 0, 0, h.size + i,
                    sites(h.alloc_frames, h.alloc_n), freed_site()});
      bad = true;
    }
    if (detail::first_not(user - fence, fence, std::uint8_t(debug_magic::fence_memory)) < fence) [[unlikely]] {
      std::size_t j = 0;  // the bad byte nearest the block
      while (static_cast<unsigned char>(user[-std::ptrdiff_t(j) - 1]) == std::uint8_t(debug_magic::fence_memory)) ++j;
      report_error({debug_error_kind::underrun, user, h.size, h.align, 0, 0, j + 1, sites(h.alloc_frames, h.alloc_n),
                    freed_site()});
      bad = true;
    }
    if (bad) {  // report each corruption once: restore the guards
      std::memset(user - fence, int(debug_magic::fence_memory), fence);
      std::memset(user + h.size, int(debug_magic::fence_memory), fence);
    }
    return bad;
  }
  void check_freed(char* user, const header& h) {
    if constexpr (Config.fill) {
      std::size_t i = detail::first_not(user, h.size, std::uint8_t(debug_magic::freed_memory));
      if (i < h.size) {
        report_error({debug_error_kind::use_after_free_write, user, h.size, h.align, 0, 0, i,
                      sites(h.alloc_frames, h.alloc_n), sites(h.free_frames, h.free_n)});
        std::memset(user, int(debug_magic::freed_memory), h.size);
      }
    }
    check_fences(user, h);
  }
  // Leaves the quarantine: last look for use-after-free writes, then back to Backing.
  void evict(stripe& s, void* p) {
    header* h = head(p);
    check_freed(static_cast<char*>(p), *h);
    s.blocks.erase(p);
    release(static_cast<char*>(p), *h);
  }
  void release(char* user, const header& h) {
    std::size_t a = std::max(h.align, alignof(std::max_align_t));
    std::size_t pre = detail::align_up(sizeof(header) + front, a);
    std::size_t n = h.size;
    allocator_traits<Backing>::deallocate(backing_, user - pre, pre + n + fence, a);
  }

  [[no_unique_address]] Backing backing_;
  std::array<stripe, stripes> stripes_;
  mutable std::mutex report_mu_;
  std::vector<debug_error> errors_;
  std::vector<debug_error> leaks_;
};
#else
/// Compiled out (RUNTIME_DEBUG_ALLOCATOR=0): forwards to Backing with zero overhead; check() is always ok.
template <Allocator Backing = system_allocator, debug_config Config = debug_config{}>
class debug_allocator {
 public:
  static constexpr std::string_view name = "debug_allocator";
  static constexpr bool is_thread_safe = allocator_traits<Backing>::is_thread_safe;
  explicit debug_allocator(Backing backing = Backing{}) : backing_(std::move(backing)) {}
  void* allocate(std::size_t n, std::size_t align) { return allocator_traits<Backing>::allocate(backing_, n, align); }
  void deallocate(void* p, std::size_t n, std::size_t align) {
    allocator_traits<Backing>::deallocate(backing_, p, n, align);
  }
  [[nodiscard]] debug_check check() noexcept { return {}; }
  [[nodiscard]] debug_check deinit() noexcept { return {}; }
  std::string report() const { return "debug_allocator: compiled out (RUNTIME_DEBUG_ALLOCATOR=0)\n"; }
  std::vector<debug_error> errors() const { return {}; }
  std::size_t live_blocks() const noexcept { return 0; }
  Backing& backing() noexcept { return backing_; }

 private:
  [[no_unique_address]] Backing backing_;
};
#endif

// ============================================================================================ bridges ======

/// Any runtime Allocator as a std::pmr::memory_resource (owns its allocator; use allocator_ref<A> to share
/// one). Thread safety is that of A. Two adaptors compare equal only when they are the same object.
template <Allocator A>
class memory_resource_adaptor final : public std::pmr::memory_resource {
 public:
  memory_resource_adaptor() = default;
  template <class... Args>
  explicit memory_resource_adaptor(std::in_place_t, Args&&... args) : a_(std::forward<Args>(args)...) {}
  explicit memory_resource_adaptor(A a) : a_(std::move(a)) {}
  A& get_allocator() noexcept { return a_; }

 private:
  void* do_allocate(std::size_t n, std::size_t align) override { return allocator_traits<A>::allocate(a_, n, align); }
  void do_deallocate(void* p, std::size_t n, std::size_t align) override {
    allocator_traits<A>::deallocate(a_, p, n, align);
  }
  bool do_is_equal(const std::pmr::memory_resource& o) const noexcept override { return this == &o; }
  A a_;
};

/// A standard Allocator<T> (for std::vector, std::basic_string, ...) over a runtime Allocator A. It refers to
/// an A that must outlive it; a stateless A (system_allocator, mimalloc_allocator) needs no instance.
/// \throws std::bad_array_new_length when n * sizeof(T) overflows, std::bad_alloc on exhaustion.
template <class T, Allocator A>
class std_allocator {
 public:
  using value_type = T;
  using propagate_on_container_copy_assignment = std::true_type;
  using propagate_on_container_move_assignment = std::true_type;
  using propagate_on_container_swap = std::true_type;
  using is_always_equal = std::bool_constant<allocator_traits<A>::is_stateless>;
  template <class U>
  struct rebind {
    using other = std_allocator<U, A>;
  };

  std_allocator() noexcept requires(allocator_traits<A>::is_stateless) : a_(&stateless_instance) {}
  std_allocator(A& a) noexcept : a_(&a) {}  // NOLINT: implicit, like pmr's polymorphic_allocator
  template <class U>
  std_allocator(const std_allocator<U, A>& o) noexcept : a_(&o.underlying()) {}

  T* allocate(std::size_t n) {
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(allocator_traits<A>::allocate(*a_, n * sizeof(T), alignof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { allocator_traits<A>::deallocate(*a_, p, n * sizeof(T), alignof(T)); }
  A& underlying() const noexcept { return *a_; }

  template <class U>
  friend bool operator==(const std_allocator& x, const std_allocator<U, A>& y) noexcept {
    return allocator_traits<A>::is_stateless || &x.underlying() == &y.underlying();
  }

 private:
  static inline A stateless_instance{};
  A* a_;
};

}  // namespace runtime::inline v1
RUNTIME_EXPORT_END

#endif
