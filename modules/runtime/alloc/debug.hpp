// SPDX-License-Identifier: MIT
// runtime.alloc / debug: debug_allocator (guard bytes, fill patterns, quarantine, leak and misuse
// detection with allocation/free stack traces) and the machinery it runs on.
#ifndef RUNTIME_MODULE
#  include <algorithm>
#  include <array>
#  include <atomic>
#  include <bit>
#  include <cstddef>
#  include <cstdint>
#  include <cstdlib>
#  include <cstring>
#  include <mutex>
#  include <new>
#  include <string>
#  include <string_view>
#  include <thread>
#  include <type_traits>
#  include <utility>
#  include <vector>
#  include "runtime/detail/stack.hpp"
#endif
#include "runtime/alloc/concept.hpp"
#include "runtime/alloc/system.hpp"
#include "runtime/alloc/debug_config.hpp"
#include "runtime/alloc/debug_report.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ALLOC_DEBUG_HPP_)
#define RUNTIME_ALLOC_DEBUG_HPP_
#include "runtime/config.hpp"

namespace runtime { inline namespace v1 { namespace detail {

// Index of the first byte of [p, p+n) that is not b, or n: word at a time, the quarantine scans every
// freed byte.
inline std::size_t first_byte_not(const char* p, std::size_t n, std::uint8_t b) noexcept {
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
[[gnu::always_inline]] inline void fill_bytes(char* p, std::uint8_t b, std::size_t n) noexcept {
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
[[gnu::always_inline]] inline bool all_bytes_equal(const char* p, std::uint8_t b) noexcept {
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

} } }  // namespace runtime::v1::detail

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 { inline namespace RUNTIME_DEBUG_ALLOCATOR_ABI {  // see debug_config.hpp

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
/// stack, so it cannot fault. Config.unwinder = debug_unwinder::dwarf walks .eh_frame with libgcc's unwinder
/// instead (complete without frame pointers, ~1 µs a trace). Traces are symbolized only by report(); functions
/// are named when the program is linked with -rdynamic (dladdr). Capture and symbolisation are detail/stack.hpp.
template <Allocator Backing = system_allocator, debug_config Config = debug_config{}>
class debug_allocator {
  static constexpr std::uint32_t max_frames = Config.stack_frames ? std::uint32_t(Config.stack_frames) : 1;
  static constexpr std::size_t fence = Config.fence_bytes;
  static constexpr std::size_t stripes = Config.thread_safe ? 16 : 1;
  static constexpr std::size_t quarantine_per_stripe = (Config.quarantine_blocks + stripes - 1) / stripes;
  static constexpr std::uint64_t canary_key = 0xDEB6A110CA7EDB10ull;
  enum class state : std::uint32_t { live = 0x4C495645, freed = 0x46524545 };

  struct header {  // immediately before the front guard (with at most 7 bytes of padding between)
    void* alloc_frames[max_frames];
    void* free_frames[max_frames];
    std::size_t size, align;
    state status;
    std::uint16_t alloc_depth, free_depth;
    // canary_key ^ the user pointer, last: an underrun that gets past the guard overwrites it before any
    // field the allocator relies on.
    std::uint64_t canary;
  };
  static constexpr std::size_t front = (fence + 7) & ~std::size_t(7);  // header end to user pointer

  using stripe_mutex = std::conditional_t<Config.thread_safe, detail::spin_mutex, detail::null_mutex>;
  struct alignas(64) stripe {
    mutable stripe_mutex mutex;
    detail::pointer_set blocks;  // live and quarantined
    std::size_t live = 0;
    std::array<void*, quarantine_per_stripe ? quarantine_per_stripe : 1> quarantine{};  // a ring, once full
    std::size_t quarantined = 0, quarantine_oldest = 0;
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
      std::lock_guard lock(s.mutex);
      s.blocks.for_each([this](void* p) {
        header* h = header_of(p);
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
    std::lock_guard lock(s.mutex);  // before the stores below: the lock's barrier then has little to wait for
    header* h = header_of(user);
    h->canary = canary_key ^ reinterpret_cast<std::uintptr_t>(user);
    h->size = n;
    h->align = align;
    h->status = state::live;
    h->alloc_depth = std::uint16_t(capture(__builtin_frame_address(0), h->alloc_frames));
    h->free_depth = 0;
    std::memset(user - fence, int(debug_magic::fence_memory), fence);
    std::memset(user + n, int(debug_magic::fence_memory), fence);
    if constexpr (Config.fill) detail::fill_bytes(user, std::uint8_t(debug_magic::new_memory), n);
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
    if (auto handler = get_debug_error_handler())
      for (auto& e : leaks) handler(e);
    return c;
  }
  /// check(), then frees the quarantine; what leaked stays reported (Zig's deinit).
  [[nodiscard]] debug_check deinit() {
    debug_check c = check();
    deferred_findings found;
    for (auto& s : stripes_) {
      std::lock_guard lock(s.mutex);
      if constexpr (quarantine_per_stripe > 0)
        for (std::size_t i = 0; i < s.quarantined; ++i)
          evict(s, s.quarantine[(s.quarantine_oldest + i) % quarantine_per_stripe]);
      s.quarantined = s.quarantine_oldest = 0;
    }
    found.deliver();
    return c;
  }

  /// A human report of every finding so far (leaks as of the last check()), with symbolized stacks.
  std::string report() const {
    std::lock_guard lock(report_mutex_);
    std::string out = "debug_allocator: " + std::to_string(errors_.size()) + " error(s), " +
                      std::to_string(leaks_.size()) + " leak(s)\n";
    auto one = [&out](const debug_error& e) {
      out += detail::describe_debug_error(e) + '\n';
      out += "  allocated at:\n";
      detail::append_debug_frames(out, e.alloc_site);
      if (!e.free_site.empty()) {
        out += e.kind == debug_error_kind::double_free ? "  first freed at:\n" : "  freed at:\n";
        detail::append_debug_frames(out, e.free_site);
      }
    };
    for (auto& e : errors_) one(e);
    for (auto& e : leaks_) one(e);
    return out;
  }
  /// Findings other than leaks, in order.
  std::vector<debug_error> errors() const {
    std::lock_guard lock(report_mutex_);
    return errors_;
  }
  std::size_t live_blocks() const {
    std::size_t n = 0;
    for (auto& s : stripes_) {
      std::lock_guard lock(s.mutex);
      n += s.live;
    }
    return n;
  }
  bool owns(const void* p) const {
    const stripe& s = stripe_of(p);
    std::lock_guard lock(s.mutex);
    return s.blocks.contains(p) && header_of(p)->status == state::live;
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
    std::lock_guard lock(s.mutex);
    header* h = s.blocks.contains(p) ? header_of(p) : nullptr;
    if (!h || h->status != state::live || h->canary != (canary_key ^ reinterpret_cast<std::uintptr_t>(p)))
        [[unlikely]] {
      void* frames[max_frames];
      std::uint32_t depth = capture(frame, frames);
      debug_error e;
      e.ptr = p;
      e.given_size = n;
      e.given_align = align;
      if (h && h->status == state::freed) {  // still in quarantine: we know it, and where it was first freed
        e.kind = debug_error_kind::double_free;
        e.size = h->size;
        e.align = h->align;
        e.alloc_site = sites(h->alloc_frames, h->alloc_depth);
        e.free_site = sites(h->free_frames, h->free_depth);
      } else if (h) {  // ours, but its header was overwritten: an underrun past the guard
        e.kind = debug_error_kind::underrun;
        e.offset = fence + 1;
        e.free_site = sites(frames, depth);
      } else {
        e.kind = debug_error_kind::invalid_free;
        e.size = n;
        e.align = align;
        e.free_site = sites(frames, depth);
      }
      report_error(std::move(e));
      return;  // never pass a bad pointer on to Backing
    }
    h->free_depth = std::uint16_t(capture(frame, h->free_frames));
    if (n != h->size || align != h->align) [[unlikely]]
      report_error({n != h->size ? debug_error_kind::size_mismatch : debug_error_kind::alignment_mismatch, p, h->size,
                    h->align, n, align, 0, sites(h->alloc_frames, h->alloc_depth),
                    sites(h->free_frames, h->free_depth)});
    check_fences(user, *h);
    h->status = state::freed;
    --s.live;
    if constexpr (Config.fill) detail::fill_bytes(user, std::uint8_t(debug_magic::freed_memory), h->size);
    if constexpr (quarantine_per_stripe > 0) {
      if (s.quarantined < quarantine_per_stripe) {
        s.quarantine[(s.quarantine_oldest + s.quarantined++) % quarantine_per_stripe] = p;
      } else {  // ring: replace the oldest
        void* old = s.quarantine[s.quarantine_oldest];
        s.quarantine[s.quarantine_oldest] = p;
        s.quarantine_oldest = (s.quarantine_oldest + 1) % quarantine_per_stripe;
        evict(s, old);
      }
    } else {
      evict(s, p);
    }
  }

  // check()'s work under the stripe locks; `leaks` receives this check's leaks (for the handler).
  debug_check check_locked(std::vector<debug_error>& leaks) {
    for (auto& s : stripes_) {
      std::lock_guard lock(s.mutex);
      s.blocks.for_each([&](void* p) {
        header* h = header_of(p);
        if (h->canary != (canary_key ^ reinterpret_cast<std::uintptr_t>(p))) [[unlikely]] {
          // Written over past the front guard: nothing in the header can be trusted (the block is never
          // released, rather than handing Backing a wrong size).
          report_error({debug_error_kind::underrun, p, 0, 0, 0, 0, fence + 1, {}, {}});
          return;
        }
        if (h->status == state::freed) {
          check_freed(static_cast<char*>(p), *h);
          return;
        }
        check_fences(static_cast<char*>(p), *h);
        if constexpr (Config.leak_check)
          leaks.push_back({debug_error_kind::leak, p, h->size, h->align, 0, 0, 0,
                           sites(h->alloc_frames, h->alloc_depth), {}});
      });
    }
    std::lock_guard lock(report_mutex_);
    leaks_ = leaks;
    return {leaks_.empty() && errors_.empty(), leaks_.size(), errors_.size()};
  }
  static header* header_of(const void* user) noexcept {
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
      // safe_capture stores "return address - 1" and starts inside allocate/deallocate (or inside itself, when
      // not inlined): the trace starts at their caller, found by its return address, and keeps return
      // addresses, as the frame-pointer walk does.
      constexpr int own = 2;  // safe_capture's frame (when not inlined) and allocate's/deallocate's
      void* buf[max_frames + own];
      const int got = detail::safe_capture(buf, int(max_frames + own), 0);
      void* const in_caller = static_cast<char*>(__builtin_return_address(0)) - 1;
      int first = 0;
      while (first < got && first <= own && buf[first] != in_caller) ++first;
      if (first > own || first == got) first = 0;
      std::uint32_t n = 0;
      for (int i = first; i < got && n < max_frames; ++i) frames[n++] = static_cast<char*>(buf[i]) + 1;
      return n;
    } else {
      return detail::safe_capture_frame_pointers(frame, frames, max_frames);
    }
  }
  static std::vector<void*> sites(void* const* f, std::uint32_t n) { return std::vector<void*>(f, f + n); }
  void report_error(debug_error e) {
    if (auto* d = tl_deferred_) d->push_back(e);
    else if (auto h = get_debug_error_handler()) h(e);
    std::lock_guard lock(report_mutex_);
    errors_.push_back(std::move(e));
  }
  [[gnu::always_inline]] bool check_fences(char* user, const header& h) {
    if (detail::all_bytes_equal<fence>(user - fence, std::uint8_t(debug_magic::fence_memory)) &&
        detail::all_bytes_equal<fence>(user + h.size, std::uint8_t(debug_magic::fence_memory))) [[likely]]
      return false;
    return report_fences(user, h);
  }
  [[gnu::noinline]] bool report_fences(char* user, const header& h) {
    bool bad = false;
    auto freed_site = [&h] {
      return h.status == state::freed ? sites(h.free_frames, h.free_depth) : std::vector<void*>{};
    };
    std::size_t i = detail::first_byte_not(user + h.size, fence, std::uint8_t(debug_magic::fence_memory));
    if (i < fence) [[unlikely]] {
      report_error({debug_error_kind::overrun, user, h.size, h.align, 0, 0, h.size + i,
                    sites(h.alloc_frames, h.alloc_depth), freed_site()});
      bad = true;
    }
    if (detail::first_byte_not(user - fence, fence, std::uint8_t(debug_magic::fence_memory)) < fence) [[unlikely]] {
      std::size_t j = 0;  // the bad byte nearest the block
      while (static_cast<unsigned char>(user[-std::ptrdiff_t(j) - 1]) == std::uint8_t(debug_magic::fence_memory)) ++j;
      report_error({debug_error_kind::underrun, user, h.size, h.align, 0, 0, j + 1,
                    sites(h.alloc_frames, h.alloc_depth), freed_site()});
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
      std::size_t i = detail::first_byte_not(user, h.size, std::uint8_t(debug_magic::freed_memory));
      if (i < h.size) {
        report_error({debug_error_kind::use_after_free_write, user, h.size, h.align, 0, 0, i,
                      sites(h.alloc_frames, h.alloc_depth), sites(h.free_frames, h.free_depth)});
        std::memset(user, int(debug_magic::freed_memory), h.size);
      }
    }
    check_fences(user, h);
  }
  // Leaves the quarantine: last look for use-after-free writes, then back to Backing.
  void evict(stripe& s, void* p) {
    header* h = header_of(p);
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
  mutable std::mutex report_mutex_;
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

} } }  // namespace runtime::v1::RUNTIME_DEBUG_ALLOCATOR_ABI
RUNTIME_EXPORT_END
#endif
