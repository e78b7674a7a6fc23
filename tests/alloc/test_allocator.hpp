// SPDX-License-Identifier: MIT
// runtime::testing::test_allocator: an Allocator for tests (foonathan's test_allocator, Zig's
// std.testing.allocator). It records every live block; a deallocate with the wrong size or alignment, or of
// a pointer it never gave out, fails the current doctest test, and so does any block still live when it is
// destroyed. Thread-safe.
// Include after every std header and doctest, and after `import runtime.alloc;` / <runtime/alloc.hpp>.
#pragma once

namespace runtime { inline namespace v1 { namespace testing {

class test_allocator {
 public:
  static constexpr std::string_view name = "test_allocator";
  static constexpr bool is_thread_safe = true;

  test_allocator() = default;
  test_allocator(const test_allocator&) = delete;
  test_allocator& operator=(const test_allocator&) = delete;
  ~test_allocator() noexcept(false) {
    std::lock_guard lock(mu_);
    for (auto& [p, b] : live_) {
      FAIL_CHECK("test_allocator: leak of " << b.size << " bytes (align " << b.align << ")");
      backing_.deallocate(p, b.size, b.align);
    }
  }

  void* allocate(std::size_t n, std::size_t align) {
    void* p = backing_.allocate(n, align);
    std::lock_guard lock(mu_);
    live_.emplace(p, block{n, align});
    return p;
  }
  void deallocate(void* p, std::size_t n, std::size_t align) {
    std::lock_guard lock(mu_);
    auto it = live_.find(p);
    if (it == live_.end()) {
      FAIL_CHECK("test_allocator: free of a pointer it did not allocate (or freed twice)");
      return;
    }
    if (it->second.size != n || it->second.align != align)
      FAIL_CHECK("test_allocator: block of " << it->second.size << " bytes align " << it->second.align
                                             << " freed as " << n << " bytes align " << align);
    backing_.deallocate(p, it->second.size, it->second.align);
    live_.erase(it);
  }
  bool owns(const void* p) const {
    std::lock_guard lock(mu_);
    return live_.count(const_cast<void*>(p)) != 0;
  }
  std::size_t live_blocks() const {
    std::lock_guard lock(mu_);
    return live_.size();
  }
  runtime::alloc_stats stats() const { return backing_.stats(); }

 private:
  struct block {
    std::size_t size, align;
  };
  runtime::tracking_allocator<runtime::system_allocator> backing_;
  mutable std::mutex mu_;
  std::unordered_map<void*, block> live_;
};

} } }  // namespace runtime::v1::testing
