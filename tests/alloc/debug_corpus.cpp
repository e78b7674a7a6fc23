// SPDX-License-Identifier: MIT
// The debug_allocator bug corpus: `alloc_debug_corpus <defect>` commits one defect through a
// debug_allocator, prints the human report, and exits 0 only when the report names the defect AND a frame
// of the function that allocated the block (linked with -rdynamic so dladdr can name it).
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#if RUNTIME_USE_MODULES
import runtime.alloc;
#else
#include <runtime/alloc.hpp>
#endif

using debug = runtime::debug_allocator<runtime::system_allocator>;

// Each defect allocates in its own function, which the report must name. Not static: -rdynamic exports
// only external symbols. The work after allocate() keeps it from being a tail call.
[[gnu::noinline]] char* corpus_allocate_leaked(debug& d) {
  auto* p = static_cast<char*>(d.allocate(24, 8));
  std::memset(p, 0, 24);
  return p;
}
[[gnu::noinline]] char* corpus_allocate_double_freed(debug& d) {
  auto* p = static_cast<char*>(d.allocate(32, 8));
  std::memset(p, 0, 32);
  return p;
}
[[gnu::noinline]] char* corpus_allocate_overrun(debug& d) {
  auto* p = static_cast<char*>(d.allocate(16, 8));
  std::memset(p, 0, 16);
  return p;
}
[[gnu::noinline]] char* corpus_allocate_used_after_free(debug& d) {
  auto* p = static_cast<char*>(d.allocate(40, 8));
  std::memset(p, 0, 40);
  return p;
}
[[gnu::noinline]] char* corpus_allocate_mismatched(debug& d) {
  auto* p = static_cast<char*>(d.allocate(48, 16));
  std::memset(p, 0, 48);
  return p;
}

int main(int argc, char** argv) {
  if constexpr (!runtime::debug_allocator_enabled) {
    std::puts("debug_allocator compiled out (RUNTIME_DEBUG_ALLOCATOR=0): skipped");
    return 77;
  }
  std::string_view defect = argc > 1 ? argv[1] : "";
  debug d;
  std::string_view kind, site;
  char* volatile keep = nullptr;
  if (defect == "leak") {
    keep = corpus_allocate_leaked(d);
    kind = "leak:", site = "corpus_allocate_leaked";
  } else if (defect == "double_free") {
    char* p = corpus_allocate_double_freed(d);
    d.deallocate(p, 32, 8);
    d.deallocate(p, 32, 8);
    kind = "double free", site = "corpus_allocate_double_freed";
  } else if (defect == "overrun") {
    char* p = corpus_allocate_overrun(d);
    p[16] = 1;  // one byte past the end
    d.deallocate(p, 16, 8);
    kind = "buffer overrun", site = "corpus_allocate_overrun";
  } else if (defect == "use_after_free") {
    char* p = corpus_allocate_used_after_free(d);
    d.deallocate(p, 40, 8);
    volatile char* dangling = p;
    dangling[7] = 1;  // lands in the quarantine, caught by the fill pattern
    kind = "use-after-free write", site = "corpus_allocate_used_after_free";
  } else if (defect == "size_mismatch") {
    char* p = corpus_allocate_mismatched(d);
    d.deallocate(p, 40, 16);
    kind = "size mismatch on free", site = "corpus_allocate_mismatched";
  } else {
    std::fprintf(stderr, "usage: alloc_debug_corpus leak|double_free|overrun|use_after_free|size_mismatch\n");
    return 2;
  }
  runtime::debug_check verdict = d.check();
  std::string report = d.report();
  std::fputs(report.c_str(), stdout);
  if (keep) d.deallocate(keep, 24, 8);  // after the verdict: the leak was reported, now tidy up for ASan
  bool named = report.find(kind) != std::string::npos;
  bool sited = report.find(site) != std::string::npos;
  std::printf("verdict.ok=%d kind-found=%d allocation-site-found=%d\n", int(verdict.ok), int(named), int(sited));
  return !verdict.ok && named && sited ? 0 : 1;
}
