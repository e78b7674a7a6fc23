// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>
#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <list>
#include <map>
#include <memory_resource>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>
#include <sys/mman.h>
#include <unistd.h>
#include <nlohmann/json.hpp>
#if RUNTIME_USE_MODULES
import runtime.alloc;
#else
#include <runtime/alloc.hpp>
#endif
#include "alloc/test_allocator.hpp"

// Sanitizer allocators abort on absurd sizes (allocator_may_return_null=0) instead of failing the request.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#  define ALLOC_TEST_SANITIZED 1
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#    define ALLOC_TEST_SANITIZED 1
#  endif
#endif
#ifndef ALLOC_TEST_SANITIZED
#  define ALLOC_TEST_SANITIZED 0
#endif
#if defined(__SANITIZE_THREAD__)
#  define ALLOC_TEST_TSAN 1
#elif defined(__has_feature)
#  if __has_feature(thread_sanitizer)
#    define ALLOC_TEST_TSAN 1
#  endif
#endif
#ifndef ALLOC_TEST_TSAN
#  define ALLOC_TEST_TSAN 0
#endif

namespace {

bool aligned(const void* p, std::size_t a) { return reinterpret_cast<std::uintptr_t>(p) % a == 0; }

// Runs f on n threads at once.
template <class F>
void on_threads(int n, F f) {
  std::vector<std::thread> ts;
  for (int i = 0; i < n; ++i) ts.emplace_back([&f, i] { f(i); });
  for (auto& t : ts) t.join();
}

// Allocates and frees a mix of sizes and alignments on 4 threads through one allocator.
template <class A>
void hammer(A& a) {
  on_threads(4, [&a](int t) {
    std::vector<std::pair<void*, std::size_t>> live;
    for (int i = 0; i < 2000; ++i) {
      std::size_t n = std::size_t(1 + (i * 37 + t * 11) % 300);
      void* p = a.allocate(n, 16);
      std::memset(p, t, n);
      live.emplace_back(p, n);
      if (live.size() > 16) {
        a.deallocate(live.front().first, live.front().second, 16);
        live.erase(live.begin());
      }
    }
    for (auto [p, n] : live) a.deallocate(p, n, 16);
  });
}

struct silent_handler {  // debug findings are expected in these tests; keep stderr quiet
  runtime::debug_error_handler old = runtime::set_debug_error_handler(nullptr);
  ~silent_handler() { runtime::set_debug_error_handler(old); }
};

}  // namespace

TEST_CASE("runtime::allocator_traits") {
  using T = runtime::allocator_traits<runtime::arena_allocator<>>;
  CHECK(T::name() == "arena_allocator");
  CHECK_FALSE(T::is_thread_safe);
  CHECK(T::has_owns);
  CHECK(runtime::allocator_traits<runtime::system_allocator>::is_thread_safe);
  CHECK(runtime::allocator_traits<runtime::system_allocator>::is_stateless);
  CHECK_FALSE(runtime::allocator_traits<runtime::system_allocator>::has_owns);
  runtime::system_allocator s;
  void* p = runtime::allocator_traits<runtime::system_allocator>::allocate(s, 8, 8);
  CHECK_FALSE(runtime::allocator_traits<runtime::system_allocator>::try_resize(s, p, 8, 16, 8));
  runtime::allocator_traits<runtime::system_allocator>::deallocate(s, p, 8, 8);
}

TEST_CASE("runtime::system_allocator") {
  runtime::system_allocator a;
  void* p = a.allocate(100, 64);
  REQUIRE(p != nullptr);
  CHECK(aligned(p, 64));
  a.deallocate(p, 100, 64);
  SUBCASE("threads") { hammer(a); }
#if !ALLOC_TEST_SANITIZED
  SUBCASE("out of memory throws bad_alloc") {
    CHECK_THROWS_AS((void)a.allocate(std::size_t(1) << 62, 8), std::bad_alloc);
  }
#endif
}

TEST_CASE("runtime::mimalloc_allocator") {
  runtime::mimalloc_allocator a;
  for (std::size_t al : {1, 8, 16, 64, 4096}) {
    void* p = a.allocate(100, al);
    CHECK(aligned(p, al));
    CHECK(a.owns(p));
    a.deallocate(p, 100, al);
  }
  SUBCASE("out of memory throws bad_alloc") {
    CHECK_THROWS_AS((void)a.allocate(std::size_t(1) << 62, 8), std::bad_alloc);
  }
  SUBCASE("small blocks honour 16-byte alignment") {  // mi_malloc(8) alone is only 8-aligned
    std::vector<std::pair<void*, std::size_t>> ps;
    for (int i = 0; i < 200; ++i)
      for (std::size_t n : {1, 8, 9, 16, 24, 40}) {
        void* p = a.allocate(n, 16);
        CHECK(aligned(p, 16));
        ps.emplace_back(p, n);
      }
    for (auto [p, n] : ps) a.deallocate(p, n, 16);
  }
#if !ALLOC_TEST_TSAN  // mimalloc is not instrumented: TSan cannot see its synchronization (false positives)
  SUBCASE("threads") { hammer(a); }
#endif
}

TEST_CASE("runtime::mimalloc_heap_allocator") {
  runtime::mimalloc_heap_allocator h;
  void* p = h.allocate(64, 64);
  CHECK(aligned(p, 64));
  CHECK(h.owns(p));
  runtime::mimalloc_allocator global;
  void* q = global.allocate(64, 8);
  CHECK_FALSE(h.owns(q));
  global.deallocate(q, 64, 8);
  h.deallocate(p, 64, 64);
  SUBCASE("destroying the heap releases what is still live") {
    runtime::mimalloc_heap_allocator h2;
    for (int i = 0; i < 100; ++i) (void)h2.allocate(100, 8);
    runtime::mimalloc_heap_allocator h3 = std::move(h2);
    CHECK(h3.heap() != nullptr);
  }
}

TEST_CASE("runtime::arena_allocator") {
  runtime::testing::test_allocator backing;
  runtime::arena_allocator<runtime::allocator_ref<runtime::testing::test_allocator>> a(
      {.initial_block_size = 1024, .max_block_size = 4096, .large_threshold = 2048}, backing);

  SUBCASE("bump allocation at any alignment") {
    std::vector<void*> ps;
    for (std::size_t al : {1, 2, 4, 8, 16, 32, 64, 128, 256, 512}) {
      void* p = a.allocate(3, al);
      CHECK(aligned(p, al));
      CHECK(a.owns(p));
      std::memset(p, 0xab, 3);
      ps.push_back(p);
    }
    std::sort(ps.begin(), ps.end());
    CHECK(std::adjacent_find(ps.begin(), ps.end()) == ps.end());
    int x = 0;
    CHECK_FALSE(a.owns(&x));
  }
  SUBCASE("blocks grow and are capped") {
    for (int i = 0; i < 1000; ++i) (void)a.allocate(100, 8);
    CHECK(a.capacity() >= 100000);
    CHECK(backing.live_blocks() > 3);
    CHECK(backing.live_blocks() < 40);  // 1 KiB, 2 KiB, then 4 KiB blocks: not one block per allocation
  }
  SUBCASE("large allocations get their own block and LIFO free returns it") {
    std::size_t before = backing.live_blocks();
    void* big = a.allocate(10000, 64);
    CHECK(aligned(big, 64));
    CHECK(backing.live_blocks() == before + 1);
    CHECK(a.owns(big));
    a.deallocate(big, 10000, 64);
    CHECK(backing.live_blocks() == before);
  }
  SUBCASE("deallocate and try_resize of the most recent allocation") {
    void* p = a.allocate(16, 8);
    void* q = a.allocate(16, 8);
    CHECK(a.try_resize(q, 16, 64, 8));
    CHECK_FALSE(a.try_resize(q, 64, 100000, 8));
    CHECK_FALSE(a.try_resize(p, 16, 32, 8));  // not the newest
    a.deallocate(q, 64, 8);
    void* r = a.allocate(16, 8);
    CHECK(r == q);
  }
  SUBCASE("mark/rewind and scoped_rewind") {
    void* keep = a.allocate(10, 8);
    std::memset(keep, 1, 10);
    auto m = a.mark();
    void* first = a.allocate(10, 8);
    for (int i = 0; i < 100; ++i) (void)a.allocate(200, 8);  // spans several blocks
    (void)a.allocate(5000, 8);                              // and a large block
    std::size_t blocks = backing.live_blocks();
    a.rewind(m);
    CHECK(backing.live_blocks() == blocks - 1);  // the large block went back, the others are kept spare
    CHECK(a.allocate(10, 8) == first);
    void* next = nullptr;
    {
      runtime::scoped_rewind guard(a);
      next = a.allocate(10, 8);
      for (int i = 0; i < 100; ++i) (void)a.allocate(200, 8);
    }
    CHECK(a.allocate(10, 8) == next);
    CHECK(static_cast<unsigned char*>(keep)[9] == 1);
  }
  SUBCASE("reset modes") {
    for (int i = 0; i < 100; ++i) (void)a.allocate(200, 8);
    (void)a.allocate(5000, 8);
    std::size_t cap = a.capacity();
    a.reset(runtime::reset_mode::retain_capacity);
    CHECK(a.capacity() == cap - (5000 + 32));  // the large block (payload after a 16-aligned header) went back
    auto before = backing.stats().allocations;
    for (int i = 0; i < 100; ++i) (void)a.allocate(200, 8);
    CHECK(backing.stats().allocations == before);  // reused, no new blocks
    a.reset(runtime::reset_mode::free_all);
    CHECK(a.capacity() == 0);
    CHECK(backing.live_blocks() == 0);
  }
  SUBCASE("overflowing sizes throw bad_alloc") {
    CHECK_THROWS_AS((void)a.allocate(std::size_t(-1) - 8, 8), std::bad_alloc);
  }
}

TEST_CASE("runtime::tracking_allocator") {
  runtime::tracking_allocator<runtime::mimalloc_allocator> t;
  void* a = t.allocate(8, 8);
  void* b = t.allocate(100, 8);
  void* c = t.allocate(1 << 20, 64);
  auto s = t.stats();
  CHECK(s.allocations == 3);
  CHECK(s.current_bytes == 8 + 100 + (1 << 20));
  CHECK(s.histogram[0] == 1);   // <= 8
  CHECK(s.histogram[4] == 1);   // <= 128
  CHECK(s.histogram[15] == 1);  // > 128 KiB
  t.deallocate(c, 1 << 20, 64);
  t.deallocate(b, 100, 8);
  s = t.stats();
  CHECK(s.frees == 2);
  CHECK(s.current_bytes == 8);
  CHECK(s.peak_bytes == 8 + 100 + (1 << 20));
  CHECK(s.total_bytes == 8 + 100 + (1 << 20));
  auto j = t.to_json();
  CHECK(j["allocations"] == 3);
  CHECK(j["current_bytes"] == 8);
  CHECK(j["size_classes"].size() == runtime::alloc_stats::size_classes);
  CHECK(j["size_classes"][0]["le"] == 8);
  CHECK(j["size_classes"][15]["le"].is_null());
  t.deallocate(a, 8, 8);
  CHECK(runtime::alloc_counters::size_class(9) == 1);
  CHECK(runtime::alloc_counters::size_class(16) == 1);
  CHECK(runtime::alloc_counters::size_class(17) == 2);
  SUBCASE("threads") {
    runtime::tracking_allocator<runtime::system_allocator> tt;
    hammer(tt);
    auto st = tt.stats();
    CHECK(st.allocations == 8000);
    CHECK(st.frees == 8000);
    CHECK(st.current_bytes == 0);
    CHECK(st.peak_bytes > 0);
  }
}

// peak_bytes is exact with one thread: a random walk of allocations and frees (sizes up to 200 KB, so the
// 64 KiB look-ahead and the first-free-after-growth paths are both taken), checked against a model after
// every step.
TEST_CASE("runtime::tracking_allocator peak is exact on one thread") {
  runtime::tracking_allocator<runtime::system_allocator> t;
  std::vector<std::pair<void*, std::size_t>> live;
  std::uint64_t current = 0, peak = 0, total = 0, allocs = 0, frees = 0;
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  auto next = [&x] {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return x;
  };
  for (int step = 0; step < 3000; ++step) {
    bool grow = live.empty() || next() % 100 < (step % 600 < 300 ? 65 : 35);  // phases of growth and decline
    if (grow) {
      std::size_t n = next() % 4 == 0 ? std::size_t(next() % 200000) : std::size_t(next() % 300);
      live.emplace_back(t.allocate(n, 8), n);
      current += n, total += n, ++allocs;
      peak = std::max(peak, current);
    } else {
      std::size_t i = std::size_t(next() % live.size());
      t.deallocate(live[i].first, live[i].second, 8);
      current -= live[i].second, ++frees;
      live[i] = live.back();
      live.pop_back();
    }
    auto st = t.stats();
    REQUIRE(st.current_bytes == current);
    REQUIRE(st.peak_bytes == peak);
    REQUIRE(st.total_bytes == total);
    REQUIRE(st.allocations == allocs);
    REQUIRE(st.frees == frees);
  }
  for (auto [p, n] : live) t.deallocate(p, n, 8);
  auto st = t.stats();
  CHECK(st.current_bytes == 0);
  CHECK(st.peak_bytes == peak);
  std::uint64_t classes = 0;
  for (auto c : st.histogram) classes += c;
  CHECK(classes == allocs);
  SUBCASE("growth only, past several 64 KiB look-ahead windows, then a decline") {
    runtime::tracking_allocator<runtime::system_allocator> g;
    std::vector<void*> held;
    for (int i = 1; i <= 300; ++i) {
      held.push_back(g.allocate(1000, 8));
      REQUIRE(g.stats().peak_bytes == std::uint64_t(i) * 1000);
    }
    for (int i = 0; i < 150; ++i) g.deallocate(held[std::size_t(i)], 1000, 8);
    CHECK(g.stats().current_bytes == 150 * 1000);
    CHECK(g.stats().peak_bytes == 300 * 1000);
    held.push_back(g.allocate(1000, 8));
    CHECK(g.stats().peak_bytes == 300 * 1000);
    for (std::size_t i = 150; i < held.size(); ++i) g.deallocate(held[i], 1000, 8);
    CHECK(g.stats().current_bytes == 0);
    CHECK(g.stats().peak_bytes == 300 * 1000);
  }
  SUBCASE("zero-byte allocations are class 0") {
    runtime::tracking_allocator<runtime::system_allocator> z;
    void* p = z.allocate(0, 8);
    CHECK(z.stats().histogram[0] == 1);
    z.deallocate(p, 0, 8);
    CHECK(runtime::alloc_counters::size_class(0) == 0);
    CHECK(runtime::alloc_counters::size_class(8) == 0);
    CHECK(runtime::alloc_counters::size_class(128 << 10) == 14);
    CHECK(runtime::alloc_counters::size_class((128 << 10) + 1) == 15);
  }
}

// With several threads peak_bytes is within 64 KiB per thread of the true peak (the documented bound): four
// threads each hold 100 blocks of 1000 bytes at once, then free them.
TEST_CASE("runtime::tracking_allocator peak with threads") {
  runtime::tracking_allocator<runtime::system_allocator> t;
  constexpr int threads = 4, blocks = 100;
  constexpr std::uint64_t held = std::uint64_t(threads) * blocks * 1000;
  std::atomic<int> arrived{0};
  std::atomic<bool> go{false};
  std::atomic<std::uint64_t> seen_current{0};
  on_threads(threads, [&](int) {
    std::vector<void*> mine;
    for (int i = 0; i < blocks; ++i) mine.push_back(t.allocate(1000, 8));
    if (arrived.fetch_add(1) + 1 == threads) {  // the last to arrive looks while everything is held
      seen_current = t.stats().current_bytes;
      go = true;
    }
    while (!go) std::this_thread::yield();
    for (void* p : mine) t.deallocate(p, 1000, 8);
  });
  auto st = t.stats();
  CHECK(seen_current.load() == held);
  CHECK(st.current_bytes == 0);
  CHECK(st.allocations == threads * blocks);
  CHECK(st.frees == threads * blocks);
  CHECK(st.peak_bytes <= held);
  CHECK(st.peak_bytes + threads * (64 << 10) >= held);
}

TEST_CASE("runtime::debug_allocator") {
  silent_handler quiet;
  runtime::debug_allocator<> d;
  SUBCASE("clean use passes") {
    void* p = d.allocate(10, 8);
    std::memset(p, 0, 10);
    d.deallocate(p, 10, 8);
    auto v = d.check();
    CHECK(v.ok);
    CHECK(v.leaks == 0);
  }
  if constexpr (runtime::debug_allocator_enabled) {
    SUBCASE("fill patterns") {
      auto* p = static_cast<unsigned char*>(d.allocate(4, 1));
      CHECK(p[0] == 0xCD);
      CHECK(p[4] == 0xFD);
      d.deallocate(p, 4, 1);
    }
    SUBCASE("leak") {
      void* p = d.allocate(24, 8);
      auto v = d.check();
      CHECK_FALSE(v.ok);
      CHECK(v.leaks == 1);
      CHECK(d.report().find("leak") != std::string::npos);
      d.deallocate(p, 24, 8);
      CHECK(d.check().ok);
    }
    SUBCASE("double free") {
      void* p = d.allocate(24, 8);
      d.deallocate(p, 24, 8);
      d.deallocate(p, 24, 8);
      auto v = d.check();
      CHECK(v.errors == 1);
      REQUIRE(d.errors().size() == 1);
      CHECK(d.errors()[0].kind == runtime::debug_error_kind::double_free);
    }
    SUBCASE("a handler may allocate through the allocator that reports") {
      // 200 blocks: with the lock still held, one of them would almost surely hash to the reporting stripe
      // and spin forever (it used to).
      static runtime::debug_allocator<>* self;
      static int calls;
      self = &d;
      calls = 0;
      runtime::set_debug_error_handler([](const runtime::debug_error& e) {
        if (e.kind != runtime::debug_error_kind::double_free) return;
        std::vector<void*> v;
        for (int i = 0; i < 200; ++i) v.push_back(self->allocate(40, 8));
        for (void* q : v) self->deallocate(q, 40, 8);
        ++calls;
      });
      void* p = d.allocate(24, 8);
      d.deallocate(p, 24, 8);
      d.deallocate(p, 24, 8);
      runtime::set_debug_error_handler(nullptr);
      CHECK(calls == 1);
      REQUIRE(d.errors().size() == 1);
      CHECK(d.errors()[0].kind == runtime::debug_error_kind::double_free);
      CHECK(d.check().ok == false);
      CHECK(d.live_blocks() == 0);
    }
    SUBCASE("invalid free") {
      int x;
      d.deallocate(&x, 4, 4);
      CHECK(d.errors().at(0).kind == runtime::debug_error_kind::invalid_free);
    }
    SUBCASE("size and alignment mismatch") {
      void* p = d.allocate(24, 8);
      d.deallocate(p, 25, 8);
      void* q = d.allocate(24, 16);
      d.deallocate(q, 24, 8);
      auto e = d.errors();
      REQUIRE(e.size() == 2);
      CHECK(e[0].kind == runtime::debug_error_kind::size_mismatch);
      CHECK(e[0].given_size == 25);
      CHECK(e[1].kind == runtime::debug_error_kind::alignment_mismatch);
    }
    SUBCASE("overrun and underrun") {
      auto* p = static_cast<char*>(d.allocate(10, 8));
      p[10] = 'x';
      auto* q = static_cast<char*>(d.allocate(10, 8));
      q[-1] = 'x';
      d.deallocate(p, 10, 8);
      d.deallocate(q, 10, 8);
      auto e = d.errors();
      REQUIRE(e.size() == 2);
      CHECK(e[0].kind == runtime::debug_error_kind::overrun);
      CHECK(e[0].offset == 10);
      CHECK(e[1].kind == runtime::debug_error_kind::underrun);
    }
    SUBCASE("underrun past the guard into the header") {
      auto* p = static_cast<char*>(d.allocate(10, 8));
      char* beyond = p - 16 - 1;  // the byte before the 16 guard bytes: the header's canary
      char saved = *beyond;
      *beyond = 'x';
      d.deallocate(p, 10, 8);  // reported, and the block kept: its header cannot be trusted
      REQUIRE(d.errors().size() == 1);
      CHECK(d.errors()[0].kind == runtime::debug_error_kind::underrun);
      CHECK(d.live_blocks() == 1);
      *beyond = saved;
      d.deallocate(p, 10, 8);
      CHECK(d.live_blocks() == 0);
    }
    SUBCASE("use-after-free write") {
      auto* p = static_cast<char*>(d.allocate(10, 8));
      d.deallocate(p, 10, 8);
      p[3] = 'x';  // still in quarantine: detected, not a real heap corruption
      auto v = d.check();
      CHECK_FALSE(v.ok);
      REQUIRE(d.errors().size() == 1);
      CHECK(d.errors()[0].kind == runtime::debug_error_kind::use_after_free_write);
      CHECK(d.errors()[0].offset == 3);
    }
    SUBCASE("threads") {
      hammer(d);
      CHECK(d.check().ok);
    }
  } else {
    CHECK(d.report().find("compiled out") != std::string::npos);
  }
}

namespace {
// A call chain for the stack-trace tests: each level is a real frame (noinline, work after the call).
template <class D>
[[gnu::noinline]] void* trace_leaf(D& d) {
  void* p = d.allocate(16, 8);
  static_cast<volatile char*>(p)[0] = 0;
  return p;
}
template <class D>
[[gnu::noinline]] void* trace_middle(D& d) {
  void* p = trace_leaf(d);
  static_cast<volatile char*>(p)[1] = 0;
  return p;
}
template <class D>
[[gnu::noinline]] void* trace_top(D& d) {
  void* p = trace_middle(d);
  static_cast<volatile char*>(p)[2] = 0;
  return p;
}
}  // namespace

TEST_CASE("runtime::debug_allocator stack traces") {
  if constexpr (runtime::debug_allocator_enabled) {
    silent_handler quiet;
    // The tests are built with -fno-omit-frame-pointer (tests/meson.build): the walk sees the whole chain.
    SUBCASE("frame pointers (the default)") {
      runtime::debug_allocator<> d;
      void* p = trace_top(d);
      REQUIRE_FALSE(d.check().ok);
      auto v = d.check();
      CHECK(v.leaks == 1);
      d.deallocate(p, 16, 8);
      CHECK(d.check().ok);
      runtime::debug_allocator<> d2;
      void* q = trace_top(d2);
      d2.deallocate(q, 16, 8);
      d2.deallocate(q, 16, 8);  // double free: both stacks reported
      REQUIRE(d2.errors().size() == 1);
      auto e = d2.errors()[0];
      CHECK(e.kind == runtime::debug_error_kind::double_free);
      CHECK(e.alloc_site.size() >= 4);  // trace_leaf, trace_middle, trace_top, this test, ...
      CHECK(e.alloc_site.size() <= 12);
      CHECK(e.free_site.size() >= 2);
      CHECK(e.alloc_site[1] != e.alloc_site[2]);
    }
    SUBCASE("DWARF unwinder") {
      runtime::debug_allocator<runtime::system_allocator,
                               runtime::debug_config{.stack_frames = 6, .unwinder = runtime::debug_unwinder::dwarf}> d;
      void* q = trace_top(d);
      d.deallocate(q, 16, 8);
      d.deallocate(q, 16, 8);
      REQUIRE(d.errors().size() == 1);
      CHECK(d.errors()[0].alloc_site.size() >= 4);
      CHECK(d.errors()[0].alloc_site.size() <= 6);
    }
    SUBCASE("on another thread's stack") {
      runtime::debug_allocator<> d;
      std::thread([&d] {
        void* q = trace_top(d);
        d.deallocate(q, 16, 8);
        d.deallocate(q, 16, 8);
      }).join();
      REQUIRE(d.errors().size() == 1);
      CHECK(d.errors()[0].alloc_site.size() >= 4);
    }
    SUBCASE("call site only") {
      runtime::debug_allocator<runtime::system_allocator, runtime::debug_config{.stack_frames = 0}> d;
      void* q = trace_top(d);
      d.deallocate(q, 16, 8);
      d.deallocate(q, 16, 8);
      REQUIRE(d.errors().size() == 1);
      CHECK(d.errors()[0].alloc_site.size() == 1);
    }
  }
}

TEST_CASE("runtime::debug_allocator never reads memory it does not own") {
  if constexpr (runtime::debug_allocator_enabled) {
    silent_handler quiet;
    runtime::debug_allocator<> d;
    // A pointer at the start of a mapping that follows an inaccessible page: reading any header before it
    // would fault. The free is reported as invalid without touching it.
    long page = sysconf(_SC_PAGESIZE);
    auto* m = static_cast<char*>(mmap(nullptr, std::size_t(2 * page), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    REQUIRE(m != MAP_FAILED);
    REQUIRE(mprotect(m + page, std::size_t(page), PROT_READ | PROT_WRITE) == 0);
    d.deallocate(m + page, 16, 8);
    REQUIRE(d.errors().size() == 1);
    CHECK(d.errors()[0].kind == runtime::debug_error_kind::invalid_free);
    CHECK_FALSE(d.errors()[0].free_site.empty());
    munmap(m, std::size_t(2 * page));
    // A block freed twice after it left the quarantine is no longer known: an invalid free too.
    runtime::debug_allocator<runtime::system_allocator, runtime::debug_config{.quarantine_blocks = 0}> d0;
    void* p = d0.allocate(8, 8);
    d0.deallocate(p, 8, 8);
    CHECK(d0.live_blocks() == 0);
    CHECK(d0.check().ok);
  }
}

TEST_CASE("runtime::memory_resource_adaptor") {
  runtime::testing::test_allocator t;
  runtime::memory_resource_adaptor<runtime::allocator_ref<runtime::testing::test_allocator>> mr(t);
  {
    std::pmr::vector<std::pmr::string> v(&mr);
    for (int i = 0; i < 100; ++i) v.emplace_back(std::string(40, char('a' + i % 26)));
    CHECK(t.live_blocks() > 0);
    CHECK(v[99][0] == 'v');
  }
  CHECK(t.live_blocks() == 0);
  CHECK(mr.is_equal(mr));
  runtime::memory_resource_adaptor<runtime::system_allocator> other;
  CHECK_FALSE(mr.is_equal(other));
  SUBCASE("arena behind pmr") {
    runtime::memory_resource_adaptor<runtime::arena_allocator<>> arena_mr;
    std::pmr::map<int, int> m(&arena_mr);
    for (int i = 0; i < 1000; ++i) m[i] = i;
    CHECK(m.size() == 1000);
  }
}

TEST_CASE("runtime::std_allocator") {
  runtime::testing::test_allocator t;
  {
    std::vector<int, runtime::std_allocator<int, runtime::testing::test_allocator>> v(t);
    for (int i = 0; i < 1000; ++i) v.push_back(i);
    std::list<int, runtime::std_allocator<int, runtime::testing::test_allocator>> l(t);  // rebinds to nodes
    l.push_back(1);
    CHECK(t.stats().allocations > 2);
  }
  CHECK(t.live_blocks() == 0);
  SUBCASE("stateless allocators need no instance") {
    std::vector<long, runtime::std_allocator<long, runtime::mimalloc_allocator>> v;
    v.assign(100, 7);
    CHECK(v[99] == 7);
    CHECK(runtime::std_allocator<int, runtime::mimalloc_allocator>() ==
          runtime::std_allocator<long, runtime::mimalloc_allocator>());
  }
  SUBCASE("overflow") {
    runtime::std_allocator<std::uint64_t, runtime::mimalloc_allocator> a;
    CHECK_THROWS_AS((void)a.allocate(std::size_t(-1) / 4), std::bad_array_new_length);
  }
}

TEST_CASE("runtime::testing::test_allocator") {
  runtime::testing::test_allocator t;
  void* p = t.allocate(10, 8);
  CHECK(t.owns(p));
  t.deallocate(p, 10, 8);
  CHECK_FALSE(t.owns(p));
  SUBCASE("threads") { hammer(t); }
}

// The test allocator must fail the test that leaks; doctest's may_fail/should_fail check exactly that.
TEST_CASE("runtime::testing::test_allocator fails a leaking test" * doctest::should_fail()) {
  runtime::testing::test_allocator t;
  (void)t.allocate(10, 8);
}
TEST_CASE("runtime::testing::test_allocator fails on a mismatched free" * doctest::should_fail()) {
  runtime::testing::test_allocator t;
  void* p = t.allocate(10, 8);
  t.deallocate(p, 12, 8);
}
