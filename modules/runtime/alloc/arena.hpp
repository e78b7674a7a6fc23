// SPDX-License-Identifier: MIT
// runtime.alloc / arena: arena_allocator (bump-pointer allocation in growing blocks, freed at once by
// reset/rewind), its options and markers, and scoped_rewind.
#ifndef RUNTIME_MODULE
#  include <algorithm>
#  include <cstddef>
#  include <cstdint>
#  include <functional>
#  include <string_view>
#  include <type_traits>
#  include <utility>
#endif
#include "runtime/alloc/concept.hpp"
#include "runtime/alloc/system.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ALLOC_ARENA_HPP_)
#define RUNTIME_ALLOC_ARENA_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 {

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

  // Two constructors, not a default argument `Backing backing = Backing{}`: over a Backing that cannot be
  // default-constructed (allocator_ref<A>), asking is_default_constructible of the arena (std_allocator does)
  // would otherwise instantiate that default argument and fail to compile instead of answering false.
  explicit arena_allocator(arena_options opt = {}) requires std::is_default_constructible_v<Backing>
      : arena_allocator(opt, Backing{}) {}
  arena_allocator(arena_options opt, Backing backing)
      : backing_(std::move(backing)), options_(opt), next_size_(std::max<std::size_t>(opt.initial_block_size, 256)) {}
  arena_allocator(const arena_allocator&) = delete;
  arena_allocator& operator=(const arena_allocator&) = delete;
  arena_allocator(arena_allocator&& o) noexcept
      : backing_(std::move(o.backing_)), options_(o.options_), head_(std::exchange(o.head_, nullptr)),
        spare_(std::exchange(o.spare_, nullptr)), large_(std::exchange(o.large_, nullptr)),
        large_count_(std::exchange(o.large_count_, 0)), cursor_(std::exchange(o.cursor_, nullptr)),
        end_(std::exchange(o.end_, nullptr)), next_size_(o.next_size_) {}
  ~arena_allocator() { reset(reset_mode::free_all); }

  /// \pre align is a power of two. O(1) unless a new block is needed.
  void* allocate(std::size_t n, std::size_t align) {
    auto c = detail::align_up(reinterpret_cast<std::uintptr_t>(cursor_), align);
    auto e = reinterpret_cast<std::uintptr_t>(end_);
    if (c <= e && n <= e - c && cursor_) [[likely]] {
      cursor_ = reinterpret_cast<char*>(c + n);
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
    // The newest block ends at cursor_: give it back (its alignment padding stays used, harmlessly).
    if (p && static_cast<char*>(p) + n == cursor_) cursor_ = static_cast<char*>(p);
  }
  /// Grows or shrinks the most recent allocation in place when the block has room.
  bool try_resize(void* p, std::size_t old_n, std::size_t new_n, std::size_t) noexcept {
    char* q = static_cast<char*>(p);
    if (q + old_n != cursor_ || !head_) return new_n <= old_n && q;  // shrinking anything "succeeds" (no-op)
    if (new_n > std::size_t(end_ - q)) return false;
    cursor_ = q + new_n;
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
    return {head_, head_ ? std::size_t(cursor_ - reinterpret_cast<char*>(head_)) : 0, large_count_};
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
      cursor_ = reinterpret_cast<char*>(head_) + m.used;
      end_ = reinterpret_cast<char*>(head_) + head_->size;
    } else {
      cursor_ = end_ = nullptr;
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
      next_size_ = std::max<std::size_t>(options_.initial_block_size, 256);
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
    if (need > options_.large_threshold) {
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
      next_size_ = std::min(next_size_ * 2, std::max(options_.max_block_size, next_size_));
      b = static_cast<block*>(backing_.allocate(size, block_align));
      b->size = size;
      b->align = block_align;
    }
    b->prev = head_;
    head_ = b;
    cursor_ = reinterpret_cast<char*>(b) + header;
    end_ = reinterpret_cast<char*>(b) + b->size;
    return allocate(n, align);
  }

  [[no_unique_address]] Backing backing_;
  arena_options options_;
  block* head_ = nullptr;   // block being bumped, linked to older ones
  block* spare_ = nullptr;  // retained blocks ready for reuse
  block* large_ = nullptr;  // dedicated blocks, newest first
  std::size_t large_count_ = 0;
  char* cursor_ = nullptr;
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

} }  // namespace runtime::v1
RUNTIME_EXPORT_END
#endif
