// SPDX-License-Identifier: MIT
// runtime.alloc / bridges: any runtime Allocator as a std::pmr::memory_resource, and as a standard
// Allocator<T> for std containers.
#ifndef RUNTIME_MODULE
#  include <cstddef>
#  include <limits>
#  include <memory_resource>
#  include <new>
#  include <type_traits>
#  include <utility>
#endif
#include "runtime/alloc/concept.hpp"
#if !defined(RUNTIME_GMF) && !defined(RUNTIME_ALLOC_BRIDGES_HPP_)
#define RUNTIME_ALLOC_BRIDGES_HPP_
#include "runtime/config.hpp"

RUNTIME_EXPORT_BEGIN
namespace runtime { inline namespace v1 {

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

} }  // namespace runtime::v1
RUNTIME_EXPORT_END
#endif
