// SPDX-License-Identifier: MIT
// runtime.alloc / tracking: allocation statistics (alloc_stats), the lock-free per-thread counters
// behind them (alloc_counters), and tracking_allocator, which counts what goes through it.
#ifndef RUNTIME_MODULE
#  include <algorithm>
#  include <array>
#  include <atomic>
#  include <bit>
#  include <cstddef>
#  include <cstdint>
#  include <cstdlib>
#  include <new>
#  include <string_view>
#  include <utility>
#  include <nlohmann/json.hpp>
#endif
#include "runtime/alloc/concept.hpp"
#include "runtime/alloc/system.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ALLOC_TRACKING_HPP_)
#define RUNTIME_ALLOC_TRACKING_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 {

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
    std::uint64_t allocated_limit = 0;  // owner-only: look at the total when allocated goes above it ...
    std::uint64_t freed_limit = 0;      // ... or freed above this (growth at the peak not yet recorded)
    std::int64_t peak_seen = 0;  // owner-only copy of peak
    std::atomic<std::uint64_t> peak{0};
    // Allocations by floor(log2((n - 1) | 7)) (2..63; 63 is n = 0): one slot per bit, so the hot path
    // indexes with a single bit scan; snapshot() maps them to alloc_stats classes.
    std::array<std::atomic<std::uint64_t>, 64> by_log2{};
    const void* owner = nullptr;
    shard* next = nullptr;
    constexpr shard() noexcept = default;
    constexpr explicit shard(std::uint64_t hi) noexcept : allocated_limit(hi), freed_limit(hi) {}
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
    shard* s = my_shard();
    bump(s->by_log2[std::size_t(63 ^ __builtin_clzll((n - 1) | 7))], 1);  // bsr: (n - 1) | 7 is never 0
    std::uint64_t a = s->allocated.load(std::memory_order_relaxed) + n;
    s->allocated.store(a, std::memory_order_relaxed);
    // The total may pass the peak, or 64 KiB since the last look.
    if (a > s->allocated_limit) [[unlikely]] look_at_total(s, 0);
  }
  [[gnu::always_inline]] void on_deallocate(std::size_t n) noexcept {
    shard* s = my_shard();
    bump(s->frees, 1);
    std::uint64_t f = s->freed.load(std::memory_order_relaxed) + n;
    s->freed.store(f, std::memory_order_relaxed);
    // The first free after growing at the peak: record the peak first.
    if (f > s->freed_limit) [[unlikely]] look_at_total(s, n);
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
  [[gnu::noinline]] void look_at_total(shard* s, std::uint64_t undo) noexcept {
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
    s->allocated_limit = a + (headroom == 0 ? look_bytes : std::min(headroom, look_bytes));
    // At the peak, growth up to allocated_limit is not recorded yet: the next free records it first.
    s->freed_limit = headroom == 0 ? s->freed.load(std::memory_order_relaxed) : ~std::uint64_t(0);
  }
  // The thread's shard: a direct-mapped thread-local cache of 4 entries keyed by the instance's key
  // (its never-reused id << 4, so key & 0x30 is the entry's byte offset), else a walk of the shard list.
  [[gnu::always_inline]] shard* my_shard() noexcept {
    std::uint64_t key = key_.load(std::memory_order_relaxed);
    cache_entry& e = thread_cache_[(key >> 4) % cache_ways];
    if (e.key == key) [[likely]] return e.s;  // entries start with key ~0, which no instance has
    return my_shard_slow();
  }
  [[gnu::noinline]] shard* my_shard_slow() noexcept {
    std::uint64_t key = key_.load(std::memory_order_acquire);
    if (!key) {  // ids are never reused, so a stale cache entry can never match a newer object
      std::uint64_t fresh = next_id().fetch_add(1, std::memory_order_relaxed) << 4;
      key = key_.compare_exchange_strong(key, fresh, std::memory_order_acq_rel) ? fresh : key;
    }
    const void* me = &thread_marker_;  // a dead thread's marker address may be reused: its shard is adopted
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
    thread_cache_[(key >> 4) % cache_ways] = {key, s};
    return s;
  }
  static std::atomic<std::uint64_t>& next_id() noexcept {
    static constinit std::atomic<std::uint64_t> n{1};
    return n;
  }
  static constexpr std::size_t cache_ways = 4;
  // initial-exec: one %fs-relative access, never __tls_get_addr (the linker relaxes it in an executable).
  [[gnu::tls_model("initial-exec")]] static inline thread_local cache_entry thread_cache_[cache_ways]{
      {~std::uint64_t(0), nullptr}, {~std::uint64_t(0), nullptr}, {~std::uint64_t(0), nullptr},
      {~std::uint64_t(0), nullptr}};
  [[gnu::tls_model("initial-exec")]] static inline thread_local char thread_marker_ = 0;
  // Shared by every thread whose shard could not be allocated: counts there are lost (racy relaxed stores),
  // and its thresholds never call look_at_total().
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

} }  // namespace runtime::v1
RUNTIME_EXPORT_END
#endif
