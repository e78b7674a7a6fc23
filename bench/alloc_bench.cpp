// SPDX-License-Identifier: MIT
// runtime.alloc benchmarks: one JSON line per case with ns/op and the ratio to its reference, all measured
// side by side in this run. Workloads: "small" (32-byte objects) and "mixed" (8..512 bytes, alignment 8 or
// 16), each a batch of 1000 allocations then releasing the batch (free in order, reset, or release()).
// glibc malloc is called through dlsym on libc.so.6 itself: Debian's libmimalloc.so, which this program
// loads, interposes the global `malloc` symbol.
// Usage: alloc_bench [rounds-multiplier]   (command and results: bench/alloc.md)
#include <dlfcn.h>
#include <time.h>
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory_resource>
#include <string>
#include <string_view>
#include <vector>
#include <mimalloc.h>
#if RUNTIME_USE_MODULES
import runtime.alloc;
#else
#include <runtime/alloc.hpp>
#endif

namespace {

constexpr std::size_t batch = 1000;
int rounds = 2000;  // batches per timing sample
std::vector<std::size_t> sizes_small(batch, 32), sizes_mixed, aligns_small(batch, 8), aligns_mixed;
void* volatile sink;

using malloc_fn = void* (*)(std::size_t);
using free_fn = void (*)(void*);
malloc_fn glibc_malloc;
free_fn glibc_free;

double cpu_ns() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e9 + double(ts.tv_nsec);
}

// glibc's malloc as a runtime Allocator (alignment <= 16 only, which the workloads respect).
struct glibc_allocator {
  void* allocate(std::size_t n, std::size_t) { return glibc_malloc(n); }
  void deallocate(void* p, std::size_t, std::size_t) noexcept { glibc_free(p); }
};

// Best of 5 samples, in ns of this thread's CPU time per allocation (its release included). CPU time, not
// wall time: the benchmark machine is shared, and waiting for a core is not the allocator's cost.
double measure(const std::function<void()>& one_round, int divisor = 1) {
  int n = std::max(1, rounds / divisor);
  double best = 1e300;
  for (int s = 0; s < 5; ++s) {
    double t0 = cpu_ns();
    for (int r = 0; r < n; ++r) one_round();
    best = std::min(best, (cpu_ns() - t0) / double(n * batch));
  }
  return best;
}

// One batch through a runtime allocator with per-object deallocate.
template <class A>
void batch_free(A& a, const std::vector<std::size_t>& sz, const std::vector<std::size_t>& al) {
  void* ptrs[batch];
  for (std::size_t i = 0; i < batch; ++i) {
    ptrs[i] = runtime::allocator_traits<A>::allocate(a, sz[i], al[i]);
    *static_cast<char*>(ptrs[i]) = 1;
  }
  sink = ptrs[batch / 2];
  for (std::size_t i = 0; i < batch; ++i) runtime::allocator_traits<A>::deallocate(a, ptrs[i], sz[i], al[i]);
}

// The small workload is one type of object: its alignment is a constant, as in a container.
template <class A>
void batch_free_small(A& a) {
  void* ptrs[batch];
  for (std::size_t i = 0; i < batch; ++i) {
    ptrs[i] = runtime::allocator_traits<A>::allocate(a, 32, 8);
    *static_cast<char*>(ptrs[i]) = 1;
  }
  sink = ptrs[batch / 2];
  for (std::size_t i = 0; i < batch; ++i) runtime::allocator_traits<A>::deallocate(a, ptrs[i], 32, 8);
}

struct result {
  std::string name;
  double ns;
};
std::vector<result> results;

double ns_of(std::string_view name) {
  for (auto& r : results)
    if (r.name == name) return r.ns;
  return 0;
}

// ratio = ns / reference ns; `target` is the upper bound of the ratio the issue asks for (0: none).
void emit(const std::string& name, double ns, const std::string& ref, double target) {
  results.push_back({name, ns});
  double ref_ns = ref.empty() ? 0 : ns_of(ref);
  std::printf("{\"bench\":\"alloc\",\"case\":\"%s\",\"ns_per_op\":%.2f", name.c_str(), ns);
  if (ref_ns > 0) {
    double ratio = ns / ref_ns;
    std::printf(",\"reference\":\"%s\",\"ratio\":%.3f", ref.c_str(), ratio);
    if (target > 0) std::printf(",\"target_ratio_max\":%.2f,\"meets_target\":%s", target, ratio <= target ? "true" : "false");
  }
  std::printf("}\n");
  std::fflush(stdout);
}

void run_workload(const std::string& w, const std::vector<std::size_t>& sz, const std::vector<std::size_t>& al) {
  emit(w + "/glibc_malloc_free", measure([&] {
         void* ptrs[batch];
         for (std::size_t i = 0; i < batch; ++i) {
           // glibc aligns to 16; the mixed workload's alignments are at most 16
           ptrs[i] = glibc_malloc(sz[i]);
           *static_cast<char*>(ptrs[i]) = 1;
         }
         sink = ptrs[batch / 2];
         for (std::size_t i = 0; i < batch; ++i) glibc_free(ptrs[i]);
       }), "", 0);
  emit(w + "/mimalloc_direct", measure([&] {
         void* ptrs[batch];
         for (std::size_t i = 0; i < batch; ++i) {
           ptrs[i] = mi_malloc(sz[i]);
           *static_cast<char*>(ptrs[i]) = 1;
         }
         sink = ptrs[batch / 2];
         for (std::size_t i = 0; i < batch; ++i) mi_free(ptrs[i]);
       }), w + "/glibc_malloc_free", 0);
  {
    runtime::mimalloc_allocator m;
    emit(w + "/mimalloc_allocator",
         measure([&] { w == "small" ? batch_free_small(m) : batch_free(m, sz, al); }), w + "/mimalloc_direct", 1.03);
  }
  {
    std::pmr::monotonic_buffer_resource mono(std::pmr::new_delete_resource());
    emit(w + "/pmr_monotonic", measure([&] {
           for (std::size_t i = 0; i < batch; ++i) {
             void* p = mono.allocate(sz[i], al[i]);
             *static_cast<char*>(p) = 1;
             if (i == batch / 2) sink = p;
           }
           mono.release();
         }), w + "/glibc_malloc_free", 0);
  }
  {
    runtime::arena_allocator<runtime::mimalloc_allocator> arena;
    emit(w + "/arena", measure([&] {
           for (std::size_t i = 0; i < batch; ++i) {
             void* p = arena.allocate(sz[i], al[i]);
             *static_cast<char*>(p) = 1;
             if (i == batch / 2) sink = p;
           }
           arena.reset(runtime::reset_mode::retain_capacity);
         }), w + "/glibc_malloc_free", 0.2);
    results.back().name = w + "/arena";
    std::printf("{\"bench\":\"alloc\",\"case\":\"%s/arena_vs_pmr_monotonic\",\"ratio\":%.3f,\"target_ratio_max\":1.00,"
                "\"meets_target\":%s}\n",
                w.c_str(), ns_of(w + "/arena") / ns_of(w + "/pmr_monotonic"),
                ns_of(w + "/arena") <= ns_of(w + "/pmr_monotonic") ? "true" : "false");
  }
  {
    runtime::tracking_allocator<runtime::mimalloc_allocator> t;
    emit(w + "/tracking<mimalloc>",
         measure([&] { w == "small" ? batch_free_small(t) : batch_free(t, sz, al); }), w + "/mimalloc_allocator", 1.15);
  }
  {
    runtime::system_allocator s;
    emit(w + "/system_allocator", measure([&] { batch_free(s, sz, al); }), w + "/glibc_malloc_free", 0);
    runtime::tracking_allocator<runtime::system_allocator> t;
    emit(w + "/tracking<system>", measure([&] { batch_free(t, sz, al); }), w + "/system_allocator", 1.15);
  }
  {
    runtime::debug_allocator<runtime::system_allocator> d;
    // Full stack traces cost microseconds (backtrace() unwinds through .eh_frame): fewer rounds.
    emit(w + "/debug<system>", measure([&] { batch_free(d, sz, al); }, 100), w + "/glibc_malloc_free", 5.0);
    (void)d.deinit();
    runtime::debug_allocator<runtime::system_allocator, runtime::debug_config{.stack_frames = 0}> d0;
    emit(w + "/debug<system,stack_frames=0>", measure([&] { batch_free(d0, sz, al); }, 5), w + "/glibc_malloc_free",
         5.0);
    (void)d0.deinit();
    runtime::debug_allocator<runtime::system_allocator,
                             runtime::debug_config{.stack_frames = 0, .thread_safe = false}> d1;
    emit(w + "/debug<system,stack_frames=0,thread_safe=false>", measure([&] { batch_free(d1, sz, al); }, 5),
         w + "/glibc_malloc_free", 5.0);
    (void)d1.deinit();
  }
  {
    glibc_allocator g;
    emit(w + "/glibc_allocator", measure([&] { batch_free(g, sz, al); }), w + "/glibc_malloc_free", 0);
    runtime::tracking_allocator<glibc_allocator> t;
    emit(w + "/tracking<glibc>", measure([&] { batch_free(t, sz, al); }), w + "/glibc_allocator", 1.15);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) rounds = std::max(1, int(rounds * std::atof(argv[1])));
  void* libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
  glibc_malloc = libc ? reinterpret_cast<malloc_fn>(dlsym(libc, "malloc")) : &std::malloc;
  glibc_free = libc ? reinterpret_cast<free_fn>(dlsym(libc, "free")) : &std::free;
  std::uint64_t x = 88172645463325252ull;  // xorshift: the same mixed sizes every run
  for (std::size_t i = 0; i < batch; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    sizes_mixed.push_back(8 + x % 505);
    aligns_mixed.push_back(x & 0x100 ? 16 : 8);
  }
  std::printf("{\"bench\":\"alloc\",\"config\":{\"batch\":%zu,\"rounds\":%d,\"debug_allocator_enabled\":%s,"
              "\"glibc_malloc_via_dlsym\":%s}}\n",
              batch, rounds, runtime::debug_allocator_enabled ? "true" : "false", libc ? "true" : "false");
  // Small-object work is short: run it more.
  rounds *= 2;
  run_workload("small", sizes_small, aligns_small);
  rounds /= 2;
  run_workload("mixed", sizes_mixed, aligns_mixed);
  return 0;
}
